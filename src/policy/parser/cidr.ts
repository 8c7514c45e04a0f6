/** CIDRs and CIDR rules as Cilium reads them (pkg/policy/api/cidr.go), and prefix containment for the evaluator. */
import {isIP} from 'node:net';
import {Rejection} from './read-fields.js';

/** A CIDR or a bare address (api.CIDR.sanitize). Returns the prefix in `address/bits` form. */
export function parseCidr(text: string, isRule: boolean): string {
	if (text === '') {
		throw new Rejection('IP must be specified');
	}

	const prefix = parsePrefix(text);
	if (prefix) {
		return text;
	}

	if (!isRule && isIP(text) !== 0) {
		return `${text}/${isIP(text) === 4 ? 32 : 128}`;
	}

	throw new Rejection(isRule ? `unable to parse CIDRRule ${JSON.stringify(text)}: netip.ParsePrefix(${JSON.stringify(text)}): invalid prefix` : `unable to parse CIDR: ParseAddr(${JSON.stringify(text)}): invalid address`);
}

export function parseCidrRule(cidr: string, except: string[]): string {
	const prefix = parseCidr(cidr, true);
	for (const item of except) {
		const exceptPrefix = parsePrefix(item);
		if (!exceptPrefix) {
			throw new Rejection(`netip.ParsePrefix(${JSON.stringify(item)}): invalid prefix`);
		}

		if (!prefixContains(prefix, exceptPrefix.address)) {
			throw new Rejection(`allow CIDR prefix ${cidr} does not contain exclude CIDR prefix ${item}`);
		}
	}

	return prefix;
}

export function parsePrefix(text: string): {address: string; bits: number; family: 4 | 6} | undefined {
	const slash = text.indexOf('/');
	if (slash === -1) {
		return undefined;
	}

	const address = text.slice(0, slash);
	const bitsText = text.slice(slash + 1);
	const family = isIP(address);
	if (family === 0 || !/^\d+$/.test(bitsText) || Number(bitsText) > (family === 4 ? 32 : 128)) {
		return undefined;
	}

	return {address, bits: Number(bitsText), family: family as 4 | 6};
}

/** Whether `address` lies inside the `prefix` (`1.0.0.0/8`); addresses of the other family never do. */
export function prefixContains(prefix: string, address: string): boolean {
	const parsed = parsePrefix(prefix);
	const family = isIP(address);
	if (!parsed || family !== parsed.family) {
		return false;
	}

	const a = addressBits(parsed.address, family);
	const b = addressBits(address, family);
	const whole = Math.floor(parsed.bits / 8);
	for (let index = 0; index < whole; index++) {
		if (a[index] !== b[index]) {
			return false;
		}
	}

	const rest = parsed.bits % 8;
	if (rest === 0) {
		return true;
	}

	const mask = (0xff << (8 - rest)) & 0xff;
	return (a[whole]! & mask) === (b[whole]! & mask);
}

function addressBits(address: string, family: number): number[] {
	if (family === 4) {
		return address.split('.').map(Number);
	}

	const [head = '', tail = ''] = address.split('::');
	const groups = (text: string) => (text === '' ? [] : text.split(':'));
	const expand = (parts: string[]) =>
		parts.flatMap(part => {
			if (part.includes('.')) {
				return addressBits(part, 4).reduce<string[]>((all, byte, index) => (index % 2 === 0 ? [...all, byte.toString(16)] : [...all.slice(0, -1), all.at(-1)! + byte.toString(16).padStart(2, '0')]), []);
			}

			return [part];
		});
	const left = expand(groups(head));
	const right = address.includes('::') ? expand(groups(tail)) : [];
	const middle = address.includes('::') ? Array.from({length: 8 - left.length - right.length}, () => '0') : [];
	return [...left, ...middle, ...right].flatMap(group => {
		const value = Number.parseInt(group || '0', 16);
		return [value >> 8, value & 0xff];
	});
}

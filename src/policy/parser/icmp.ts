/** ICMP rules: families and types, by number or by Cilium's names (pkg/policy/api/icmp.go). */
import type {IcmpMatch} from '../policy-model.js';
import {readList, readObject, readString, Rejection, type Report} from './read-fields.js';

const maxIcmpFields = 40;

export function parseIcmpRule(value: unknown, path: string, report: Report): IcmpMatch[] {
	const rule = readObject(value, path, ['fields'], report) ?? {};
	const fields = readList(rule['fields'], `${path}.fields`, report) ?? [];
	if (fields.length > maxIcmpFields) {
		throw new Rejection(`too many types, the max is ${maxIcmpFields}`);
	}

	return fields.map((item, index) => {
		const field = readObject(item, `${path}.fields[${index}]`, ['family', 'type'], report) ?? {};
		const family = readString(field['family'], `${path}.fields[${index}].family`, report) ?? '';
		if (family !== '' && family !== 'IPv4' && family !== 'IPv6') {
			throw new Rejection(`wrong family: ${family}`);
		}

		const typeValue = field['type'];
		const type = typeof typeValue === 'number' ? typeValue : icmpTypeNumber(String(typeValue ?? ''), family === 'IPv6');
		return {family: family === 'IPv6' ? 'IPv6' : 'IPv4', type};
	});
}

// The ICMP type names Cilium accepts (pkg/policy/api/icmp.go), for the common ones.
const icmpV4Names: Record<string, number> = {EchoReply: 0, DestinationUnreachable: 3, Redirect: 5, Echo: 8, EchoRequest: 8, TimeExceeded: 11, ParameterProblem: 12, Timestamp: 13, TimestampReply: 14};
const icmpV6Names: Record<string, number> = {DestinationUnreachable: 1, PacketTooBig: 2, TimeExceeded: 3, ParameterProblem: 4, EchoRequest: 128, EchoReply: 129, RouterSolicitation: 133, RouterAdvertisement: 134, NeighborSolicitation: 135, NeighborAdvertisement: 136};

function icmpTypeNumber(text: string, isIpv6: boolean): number {
	if (/^\d+$/.test(text)) {
		return Number(text);
	}

	const number = (isIpv6 ? icmpV6Names : icmpV4Names)[text];
	if (number === undefined) {
		throw new Rejection(`${JSON.stringify(text)} is not a valid ICMP type`);
	}

	return number;
}

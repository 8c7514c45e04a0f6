import {helpEntries} from '../keymap.js';
import {line, wrapWords} from '../terminal-text.js';

const keyColumn = 15;

/**
`?`: every key and what it does, generated from the keymap, then the filter language. Long lines wrap under
their description (at 80 columns most do), and ↑↓ scroll what does not fit.
*/
export function helpViewLines(columns: number, rows: number, scroll = 0): string[] {
	const body = [
		...helpEntries().flatMap(entry => wrapWords(`  ${entry.keys.padEnd(keyColumn - 3)} ${entry.description}`, columns, keyColumn)),
		'',
		...[
			'FILTERS: hubble observe flags verbatim (--from-label app=frontend --verdict DROPPED -n shop --not …)',
			'or short forms: from: to: (label, IP/CIDR or ns/pod) ns: from-ns: to-ns: pod: label: ip: port: verdict: (or allowed/denied) dir: type: proto: status: method: path: url: fqdn: node: reason: policy: dns: reply:, ! to negate;',
			'other words match pods, workloads, labels, policies, DNS names and URLs fuzzily.',
			"TYPES are hubble's (pv: is policy-verdict: in narrow terminals). POLICIES (connection): the policies of the flow's connection on each side (in = ingress, out = egress), joined from its policy verdicts.",
		].flatMap((text, index) => wrapWords(index === 0 || index === 3 ? text : `  ${text}`, columns, 2)),
	];
	const visible = Math.max(0, rows - 1);
	const top = Math.max(0, Math.min(scroll, body.length - visible));
	const below = body.length - top - visible;
	const where = below > 0 ? `${below} more line${below === 1 ? '' : 's'}` : 'end';
	const title = `KEYS (Esc or ? to go back${body.length > visible ? `; ↑↓ scroll, ${where}` : ''})`;
	const lines = [title, ...body.slice(top, top + visible)];
	return Array.from({length: rows}, (_, index) => line(lines[index] ?? '', columns, index === 0 ? {bold: true} : undefined));
}

import {helpEntries} from '../keymap.js';
import {line} from '../terminal-text.js';

/** `?`: every key and what it does, generated from the keymap. */
export function helpViewLines(columns: number, rows: number): string[] {
	const lines = [
		'KEYS (Esc or ? to go back)',
		...helpEntries().map(entry => `  ${entry.keys.padEnd(12)} ${entry.description}`),
		'',
		'FILTERS: hubble observe flags verbatim (--from-label app=frontend --verdict DROPPED -n shop --not …)',
		'  or short forms: from: to: (label, IP/CIDR or ns/pod) ns: pod: label: ip: port: verdict: (or allowed/denied)',
		'  dir: type: proto: status: method: path: url: fqdn: node: reason: policy: dns: reply:, ! to negate;',
		'  other words match pods, workloads, labels, policies, DNS names and URLs fuzzily.',
		"TYPES are hubble's (pv: is policy-verdict: in narrow terminals). POLICIES (connection): the policies of",
		"  the flow's connection on each side (in = ingress, out = egress), joined from its policy verdicts.",
	];
	return Array.from({length: rows}, (_, index) => line(lines[index] ?? '', columns, index === 0 ? {bold: true} : undefined));
}

/** `-o tally`: per-policy counts as a table, most denied first, then most allowed. */
import {escapeForTerminal} from '../flow/terminal-safe.js';
import type {TallySummary} from '../store/policy-tally.js';
import {formatTable} from './table-layout.js';

export function formatTallyTable(summary: TallySummary): string {
	const header = ['POLICY', 'NAMESPACE', 'KIND', 'DIRECTION', 'ALLOWED', 'DENIED', 'AUDITED', 'L7-DENIED'];
	const rows = summary.rows.map(row => [
		escapeForTerminal(row.name),
		escapeForTerminal(row.namespace) || '-',
		escapeForTerminal(row.kind) || '-',
		row.direction === 'TRAFFIC_DIRECTION_UNKNOWN' ? 'UNKNOWN' : row.direction,
		String(row.allowed),
		String(row.denied),
		String(row.audited),
		String(row.l7Denied),
	]);
	const body = rows.length > 0 ? formatTable([header, ...rows]) : 'No policy verdicts.\n';
	return `${body}\n${summary.flows} flows, ${summary.policyVerdicts} policy verdicts, ${summary.lostEvents} lost events\n`;
}

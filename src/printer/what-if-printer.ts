/**
`-o what-if-json`: one JSON object per flow that passes the filters, in order, with the candidate set's
verdict per direction and what changes against the baseline (or against what Hubble observed).
`-o what-if`: the changed connections as a table, breaks first, with the flows behind each and the policy
that would decide.
*/
import type {FlowRecord} from '../flow/flow-record.js';
import {uuidText} from '../flow/flow-uuid.js';
import {escapeForTerminal} from '../flow/terminal-safe.js';
import type {DirectionEvaluation, FlowEvaluation} from '../policy/policy-evaluator.js';
import {policyKey} from '../policy/policy-model.js';
import type {Change, ConnectionChanges} from '../policy/what-if.js';
import {formatTable} from './table-layout.js';

const verdictNames = ['VERDICT_UNKNOWN', 'FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED'];

export function directionJson(evaluation: DirectionEvaluation): Record<string, unknown> {
	return {
		verdict: evaluation.verdict,
		by: evaluation.by.map(name => policyKey(name)).sort(),
		reason: evaluation.reason ?? null,
		proxy: evaluation.proxy,
	};
}

/** One line of `-o what-if-json` (JSON.stringify escapes every control character). */
export function whatIfJsonLine(record: FlowRecord, change: Change | undefined, after: FlowEvaluation): string {
	return (
		JSON.stringify({
			uuid: uuidText(record),
			now: verdictNames[record.verdict] ?? String(record.verdict),
			change: change ?? null,
			egress: directionJson(after.egress),
			ingress: directionJson(after.ingress),
		}) + '\n'
	);
}

/** `-o what-if`: the changed connections as a table, with a summary line. */
export function formatWhatIfTable(changes: ConnectionChanges): string {
	const rows = changes.rows();
	const header = ['CHANGE', 'FLOWS', 'SOURCE', 'DESTINATION', 'PORT', 'DIRECTION', 'NOW', 'AFTER', 'DECIDED BY'];
	const body =
		rows.length === 0
			? 'No connection changes.\n'
			: formatTable([
					header,
					...rows.map(row => [row.change, String(row.flows), row.source, row.destination, row.port, row.direction, row.before, row.after, row.decidedBy].map(text => escapeForTerminal(text))),
				]);
	const {breaks, fixes} = changes.totals();
	return `${body}\n${changes.evaluated} flows; ${changes.changedFlows} would change: ${breaks} break, ${fixes} fixed\n`;
}

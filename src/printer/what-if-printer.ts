/**
`-o what-if-json`: one JSON object per flow that passes the filters, in order, with the candidate set's
verdict per direction and what changes against the baseline (or against what Hubble observed).
`-o what-if`: the changed connections as a table, breaks first, with the flows behind each and the policy
that would decide.
*/
import type {FlowRecord} from '../flow/flow-record.js';
import {escapeForTerminal} from '../flow/terminal-safe.js';
import type {DirectionEvaluation, FlowEvaluation} from '../policy/policy-evaluator.js';
import {directions, policyKey, type Direction} from '../policy/policy-model.js';
import type {Change, Passage} from '../policy/what-if.js';
import {formatTable} from './table-layout.js';

const verdictNames = ['VERDICT_UNKNOWN', 'FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED'];

function directionJson(evaluation: DirectionEvaluation): Record<string, unknown> {
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
			uuid: record.uuid,
			now: verdictNames[record.verdict] ?? String(record.verdict),
			change: change ?? null,
			egress: directionJson(after.egress),
			ingress: directionJson(after.ingress),
		}) + '\n'
	);
}

type ConnectionRow = {change: Change; source: string; destination: string; port: string; direction: Direction; before: string; after: string; decidedBy: string; flows: number};

/** The table of `-o what-if`: changed flows counted per connection and direction. */
export class WhatIfTable {
	private readonly rows = new Map<string, ConnectionRow>();
	private flowCount = 0;
	private changedCount = 0;

	add(record: FlowRecord, change: Change | undefined, before: Record<Direction, Passage>, after: FlowEvaluation): void {
		this.flowCount++;
		if (!change) {
			return;
		}

		this.changedCount++;
		for (const direction of directions) {
			const afterEvaluation = after[direction];
			const was = before[direction];
			const now = afterEvaluation.verdict === 'allowed' || afterEvaluation.verdict === 'not-enforced' ? 'allowed' : afterEvaluation.verdict === 'denied' ? 'denied' : undefined;
			if (!was || !now || was === now) {
				continue;
			}

			const row: Omit<ConnectionRow, 'flows'> = {
				change: was === 'allowed' ? 'breaks' : 'fixes',
				source: endpointLabel(record, 'source'),
				destination: endpointLabel(record, 'destination'),
				port: record.destinationPort === 0 ? record.protocol || '-' : `${record.destinationPort}/${record.protocol}`,
				direction,
				before: was,
				after: verdictText(afterEvaluation),
				decidedBy: decidedBy(afterEvaluation, direction),
			};
			const key = Object.values(row).join('\u0000');
			const existing = this.rows.get(key);
			if (existing) {
				existing.flows++;
			} else {
				this.rows.set(key, {...row, flows: 1});
			}
		}
	}

	format(): string {
		const rows = [...this.rows.values()].sort((a, b) => (a.change === b.change ? b.flows - a.flows : a.change === 'breaks' ? -1 : 1));
		const header = ['CHANGE', 'FLOWS', 'SOURCE', 'DESTINATION', 'PORT', 'DIRECTION', 'NOW', 'AFTER', 'DECIDED BY'];
		const body =
			rows.length === 0
				? 'No connection changes.\n'
				: formatTable([header, ...rows.map(row => [row.change, String(row.flows), row.source, row.destination, row.port, row.direction, row.before, row.after, row.decidedBy])]);
		const breaks = rows.filter(row => row.change === 'breaks').reduce((sum, row) => sum + row.flows, 0);
		const fixes = rows.filter(row => row.change === 'fixes').reduce((sum, row) => sum + row.flows, 0);
		return `${body}\n${this.flowCount} flows; ${this.changedCount} would change: ${breaks} break, ${fixes} fixed\n`;
	}
}

/** `shop/frontend` (namespace and workload, else pod), a DNS name, or the reserved identity and address. */
export function endpointLabel(record: FlowRecord, side: 'source' | 'destination'): string {
	const isSource = side === 'source';
	const namespace = isSource ? record.sourceNamespace : record.destinationNamespace;
	const pod = isSource ? record.sourcePodName : record.destinationPodName;
	const workload = (isSource ? record.sourceWorkloads : record.destinationWorkloads)[0];
	if (pod !== '') {
		return escapeForTerminal(`${namespace}/${workload?.name ?? pod}`);
	}

	const names = isSource ? record.sourceNames : record.destinationNames;
	const ip = isSource ? record.sourceIp : record.destinationIp;
	const identity = isSource ? record.sourceIdentity : record.destinationIdentity;
	const reserved = ['unknown', 'host', 'world', 'unmanaged', 'health', 'init', 'remote-node', 'kube-apiserver', 'ingress', 'world-ipv4', 'world-ipv6'][identity];
	const name = names[0] === undefined ? '' : ` (${escapeForTerminal(names[0].replace(/\.$/, ''))})`;
	return `${reserved ?? `identity ${identity}`} ${escapeForTerminal(ip)}${name}`.trim();
}

function verdictText(evaluation: DirectionEvaluation): string {
	const reasons = {'deny-rule': 'deny rule', 'default-deny': 'default deny', l7: 'L7'} as const;
	return evaluation.reason ? `${evaluation.verdict} (${reasons[evaluation.reason]})` : evaluation.verdict;
}

function decidedBy(evaluation: DirectionEvaluation, direction: Direction): string {
	const list = (names: DirectionEvaluation['named']) => names.map(name => escapeForTerminal(policyKey(name))).join(', ');
	if (evaluation.verdict === 'denied') {
		switch (evaluation.reason) {
			case 'default-deny': {
				return `${direction} enforced by ${list(evaluation.enforcedBy)}; no rule admits it`;
			}

			case 'l7': {
				return `L7 rules of ${list(evaluation.named)}`;
			}

			default: {
				return list(evaluation.named) || list(evaluation.matched.map(origin => origin.policy));
			}
		}
	}

	if (evaluation.verdict === 'not-enforced') {
		return 'no policy selects it';
	}

	return list(evaluation.named) || list(evaluation.by) || '-';
}

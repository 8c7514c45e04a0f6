/**
What-if: a candidate policy set as `kubectl apply` and `kubectl delete` would leave the baseline, and what
changes for a flow between two evaluations (or between the observed verdict and an evaluation): `breaks`
when a direction that was allowed would be denied, `fixes` for the reverse.
*/
import {eventType} from '../flow/event-type.js';
import type {FlowRecord} from '../flow/flow-record.js';
import {objectId} from '../flow/object-id.js';
import {reservedIdentityName} from '../flow/reserved-identity.js';
import type {DirectionEvaluation, FlowEvaluation} from './policy-evaluator.js';
import {directions, policyKey, type Direction, type LoadedPolicy, type PolicyKind} from './policy-model.js';
import {deleteRule, isRuleReference} from './rule-deletion.js';
import {WhatIfError} from './what-if-error.js';

export {WhatIfError} from './what-if-error.js';

export type Change = 'breaks' | 'fixes';

/** `allowed`, `denied`, or undefined when the direction says neither (not local, a reply, unknown). */
export type Passage = 'allowed' | 'denied' | undefined;

const kindAliases: Record<string, PolicyKind> = {
	cnp: 'CiliumNetworkPolicy',
	ciliumnetworkpolicy: 'CiliumNetworkPolicy',
	ciliumnetworkpolicies: 'CiliumNetworkPolicy',
	ccnp: 'CiliumClusterwideNetworkPolicy',
	ciliumclusterwidenetworkpolicy: 'CiliumClusterwideNetworkPolicy',
	ciliumclusterwidenetworkpolicies: 'CiliumClusterwideNetworkPolicy',
	netpol: 'NetworkPolicy',
	networkpolicy: 'NetworkPolicy',
	networkpolicies: 'NetworkPolicy',
};


/**
The policies a `--what-if-delete [KIND/][NS/]NAME` names: KIND is cnp, ccnp or netpol (or their long
names); without a namespace it matches the name in any namespace. Naming none, or several that differ in
kind or namespace, is an error that lists them.
*/
export function matchDeletion(policies: readonly LoadedPolicy[], reference: string): LoadedPolicy[] {
	const parts = reference.split('/');
	const kindText = parts.length === 3 || (parts.length === 2 && kindAliases[parts[0]!.toLowerCase()]) ? parts.shift()!.toLowerCase() : undefined;
	const kind = kindText === undefined ? undefined : kindAliases[kindText];
	if (kindText !== undefined && kind === undefined) {
		throw new WhatIfError(`--what-if-delete ${reference}: unknown kind ${kindText}; use cnp, ccnp or netpol`);
	}

	const [namespace, name] = parts.length === 2 ? [parts[0]!, parts[1]!] : [undefined, parts[0]!];
	const matches = policies.filter(
		policy => policy.name.name === name && (kind === undefined || policy.name.kind === kind) && (namespace === undefined || policy.name.namespace === namespace),
	);
	if (matches.length === 0) {
		throw new WhatIfError(`--what-if-delete ${reference}: no such policy in the baseline (${policies.map(policy => policyKey(policy.name)).join(', ') || 'no policies'})`);
	}

	if (matches.length > 1) {
		throw new WhatIfError(`--what-if-delete ${reference} names ${matches.length} policies (${matches.map(policy => `${policy.name.kind}/${policyKey(policy.name)}`).join(', ')}); say which with KIND/NAMESPACE/NAME`);
	}

	return matches;
}

/**
The baseline after applying `apply` (same kind, namespace and name replaces) and deleting `deletions`: a
policy (`[KIND/][NS/]NAME`) or one rule of one (`shop/allow-dns egress[0]`, src/policy/rule-deletion.ts).
*/
export function candidatePolicies(baseline: readonly LoadedPolicy[], apply: readonly LoadedPolicy[], deletions: readonly string[]): LoadedPolicy[] {
	const identity = (policy: LoadedPolicy) => `${policy.name.kind}|${policyKey(policy.name)}`;
	let reduced: readonly LoadedPolicy[] = baseline;
	for (const reference of deletions.filter(each => isRuleReference(each))) {
		reduced = deleteRule(reduced, reference);
	}

	const removed = new Set(deletions.filter(each => !isRuleReference(each)).flatMap(reference => matchDeletion(baseline, reference)).map(policy => identity(policy)));
	const applied = new Set(apply.map(policy => identity(policy)));
	return [...reduced.filter(policy => !removed.has(identity(policy)) && !applied.has(identity(policy))), ...apply];
}

export function passage(evaluation: DirectionEvaluation): Passage {
	return evaluation.verdict === 'allowed' || evaluation.verdict === 'not-enforced' ? 'allowed' : evaluation.verdict === 'denied' ? 'denied' : undefined;
}

/** Breaks when any direction goes from allowed to denied; else fixes when any goes the other way. */
export function changeBetween(before: Record<Direction, Passage>, after: Record<Direction, Passage>): Change | undefined {
	if ((before.ingress === 'allowed' && after.ingress === 'denied') || (before.egress === 'allowed' && after.egress === 'denied')) {
		return 'breaks';
	}

	if ((before.ingress === 'denied' && after.ingress === 'allowed') || (before.egress === 'denied' && after.egress === 'allowed')) {
		return 'fixes';
	}

	return undefined;
}

export function passages(evaluation: FlowEvaluation): Record<Direction, Passage> {
	return {ingress: passage(evaluation.ingress), egress: passage(evaluation.egress)};
}

const trafficDirection = {ingress: 1, egress: 2} as const;
const verdict = {forwarded: 1, dropped: 2, redirected: 5} as const;
// Drop reasons of policy: POLICY_DENIED (133, default deny) and POLICY_DENY (181, a deny rule).
const policyDropReasons = new Set([133, 181]);

/**
What Hubble observed for each direction of a flow, as far as the flow says: a policy verdict for its own
direction; an L7 request judged by the proxy for its direction (and the other passed to reach it); a policy
drop for its direction; a forwarded trace for both (the packet crossed both checks).
*/
export function observedPassages(record: FlowRecord): Record<Direction, Passage> {
	const code = observedPassageCode(record);
	return {ingress: passageOfCode[code % 3], egress: passageOfCode[Math.floor(code / 3)]};
}

const passageOfCode: readonly Passage[] = [undefined, 'allowed', 'denied'];
const allowedCode = 1;
const deniedCode = 2;

/**
observedPassages as one number, for the ingest path (no object per flow): ingress + 3 × egress, each 0
(nothing observed), 1 (allowed) or 2 (denied).
*/
export function observedPassageCode(record: FlowRecord): number {
	if (record.isReply === 1) {
		return 0;
	}

	const isAllowed = record.verdict === verdict.forwarded || record.verdict === verdict.redirected;
	const isDenied = record.verdict === verdict.dropped;
	// The weight of the flow's own direction and of the other one in the code.
	const own = record.trafficDirection === trafficDirection.ingress ? 1 : record.trafficDirection === trafficDirection.egress ? 3 : 0;
	const other = own === 1 ? 3 : own === 3 ? 1 : 0;
	if (record.eventType === eventType.policyVerdict) {
		return own * (isAllowed ? allowedCode : isDenied ? deniedCode : 0);
	}

	if (record.eventType === eventType.l7 && record.l7Type === 1) {
		return own === 0 ? 0 : own * (isAllowed ? allowedCode : isDenied ? deniedCode : 0) + other * allowedCode;
	}

	if (record.eventType === eventType.drop) {
		return policyDropReasons.has(record.dropReason) ? own * deniedCode : 0;
	}

	if (record.eventType === eventType.trace && isAllowed) {
		return allowedCode + 3 * allowedCode;
	}

	return 0;
}

/** One connection and direction whose verdict would change, with the flows behind it. */
export type ConnectionChange = {
	change: Change;
	source: string;
	destination: string;
	/** `80/TCP`, or the protocol alone. */
	port: string;
	direction: Direction;
	before: 'allowed' | 'denied';
	/** `denied (default deny)`, `allowed`. */
	after: string;
	/** The policies that would decide, or why nothing admits it. */
	decidedBy: string;
	flows: number;
	/** The newest flow of it, for a drill-down. */
	latestSequence: number;
};

/**
Changed flows counted per connection (source and destination workload, port) and direction: the rows of
`-o what-if` and of the TUI's what-if view. Text is raw; it is escaped where it is printed.
*/
export class ConnectionChanges {
	private readonly byKey = new Map<string, ConnectionChange>();
	evaluated = 0;
	changedFlows = 0;

	/**
	Counts a flow (or `flows` flows alike: a ledger connection's sample) evaluated `after`, whose directions
	were `before`; `evaluated` is how many flows that adds to the evaluated count.
	*/
	add(record: FlowRecord, before: Record<Direction, Passage>, after: FlowEvaluation, sequence = -1, flows = 1, evaluated = flows): Change | undefined {
		this.evaluated += evaluated;
		const change = changeBetween(before, passages(after));
		if (!change) {
			return undefined;
		}

		this.changedFlows += flows;
		for (const direction of directions) {
			const was = before[direction];
			const evaluation = after[direction];
			const now = passage(evaluation);
			if (!was || !now || was === now) {
				continue;
			}

			// A cheap key first (identities, port, the evaluation object, which the evaluator shares between
			// flows of one kind); the row's words are built once per connection.
			const peerIp = record.destinationIdentity < 256 || record.destinationPodName === '' ? record.destinationIp : '';
			const quickKey = `${direction}|${was}|${objectId(evaluation)}|${record.sourceIdentity}|${record.destinationIdentity}|${peerIp}|${record.destinationPort}|${record.protocol}`;
			const existing = this.byKey.get(quickKey);
			if (existing) {
				existing.flows += flows;
				existing.latestSequence = Math.max(existing.latestSequence, sequence);
				continue;
			}

			this.byKey.set(quickKey, {
				change: was === 'allowed' ? 'breaks' : 'fixes',
				source: connectionEndpoint(record, 'source'),
				destination: connectionEndpoint(record, 'destination'),
				port: record.destinationPort === 0 ? record.protocol || '-' : `${record.destinationPort}/${record.protocol}`,
				direction,
				before: was,
				after: verdictWords(evaluation),
				decidedBy: decidedBy(evaluation, direction),
				flows,
				latestSequence: sequence,
			});
		}

		return change;
	}

	/** Rows of one connection that differ only in flows of different kinds are merged for display. */
	private merged(): ConnectionChange[] {
		const byWords = new Map<string, ConnectionChange>();
		for (const row of this.byKey.values()) {
			const key = [row.change, row.source, row.destination, row.port, row.direction, row.before, row.after, row.decidedBy].join('\u0000');
			const existing = byWords.get(key);
			if (existing) {
				existing.flows += row.flows;
				existing.latestSequence = Math.max(existing.latestSequence, row.latestSequence);
			} else {
				byWords.set(key, {...row});
			}
		}

		return [...byWords.values()];
	}

	/** Breaks first, then fixes; more flows first. */
	rows(): ConnectionChange[] {
		return this.merged().sort((a, b) => (a.change === b.change ? b.flows - a.flows : a.change === 'breaks' ? -1 : 1));
	}

	totals(): {breaks: number; fixes: number} {
		const rows = [...this.byKey.values()];
		const sum = (change: Change) => rows.filter(row => row.change === change).reduce((total, row) => total + row.flows, 0);
		return {breaks: sum('breaks'), fixes: sum('fixes')};
	}
}


/** `shop/frontend` (namespace and workload, else pod), or the reserved identity, address and DNS name. */
export function connectionEndpoint(record: FlowRecord, side: 'source' | 'destination'): string {
	const isSource = side === 'source';
	const namespace = isSource ? record.sourceNamespace : record.destinationNamespace;
	const pod = isSource ? record.sourcePodName : record.destinationPodName;
	const workload = (isSource ? record.sourceWorkloads : record.destinationWorkloads)[0];
	if (pod !== '') {
		return `${namespace}/${workload?.name ?? pod}`;
	}

	const names = isSource ? record.sourceNames : record.destinationNames;
	const ip = isSource ? record.sourceIp : record.destinationIp;
	const identity = isSource ? record.sourceIdentity : record.destinationIdentity;
	const name = names[0] === undefined ? '' : ` (${names[0].replace(/\.$/, '')})`;
	return `${reservedIdentityName(identity) ?? `identity ${identity}`} ${ip}${name}`.trim();
}

export function verdictWords(evaluation: DirectionEvaluation): string {
	const reasons = {'deny-rule': 'deny rule', 'default-deny': 'default deny', l7: 'L7'} as const;
	return evaluation.reason ? `${evaluation.verdict} (${reasons[evaluation.reason]})` : evaluation.verdict;
}

function decidedBy(evaluation: DirectionEvaluation, direction: Direction): string {
	const list = (names: DirectionEvaluation['named']) => names.map(name => policyKey(name)).join(', ');
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

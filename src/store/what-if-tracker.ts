/**
The TUI's what-if, kept up to date as flows arrive: every flow is evaluated under the candidate set (and
the baseline, when --policies gives one; else its observed verdict stands in), changed connections are
counted, and the candidate's tallies are kept beside today's: each policy verdict and L7 request is
counted again as the candidate would have decided it. It starts over the flows the ring holds when the
what-if is set, then follows arrivals; the cost per flow is one or two evaluations.
*/
import type {FlowRecord, PolicyRecord} from '../flow/flow-record.js';
import type {Flow} from '../flow/flow.js';
import type {DirectionEvaluation, FlowEvaluation, PolicySet} from '../policy/policy-evaluator.js';
import {ConnectionChanges, observedPassages, passages} from '../policy/what-if.js';
import {PolicyTally} from './policy-tally.js';

export type WhatIfSets = {candidate: PolicySet; baseline?: PolicySet};

const eventTypePolicyVerdict = 5;
const l7Request = 1;
const verdict = {forwarded: 1, dropped: 2, redirected: 5} as const;
const dropReason = {policyDenied: 133, policyDeny: 181} as const;

export class WhatIfTracker {
	readonly changes = new ConnectionChanges();
	/** The tallies the candidate set would give the same flows. */
	readonly afterTally = new PolicyTally();
	// One input object and one accessor for every flow: the hot path allocates no closure per flow.
	private currentSequence = -1;
	private readonly input: {record: FlowRecord; fullFlow: () => Flow | undefined};

	constructor(
		readonly sets: WhatIfSets,
		private readonly fullFlow: (sequence: number) => Flow | undefined,
	) {
		this.input = {record: undefined as unknown as FlowRecord, fullFlow: () => this.fullFlow(this.currentSequence)};
	}

	/**
	`baselineEvaluation`: the flow's evaluation under the baseline set when the caller has it (the store counts
	rules under the policies in force, which are the baseline), so that it is not made twice.
	*/
	observe(record: FlowRecord, sequence: number, baselineEvaluation?: FlowEvaluation): void {
		const {input} = this;
		input.record = record;
		this.currentSequence = sequence;
		const after = this.sets.candidate.evaluate(input);
		const before = this.sets.baseline ? passages(baselineEvaluation ?? this.sets.baseline.evaluate(input)) : observedPassages(record);
		this.changes.add(record, before, after, sequence);
		const decided = candidateRecord(record, after);
		if (decided) {
			this.afterTally.addRecord(decided);
		}
	}
}

/**
The flow as the candidate set would have produced it, for the tallies: a policy verdict with the
candidate's verdict and names (none when the direction would not be enforced: Cilium emits no verdict
then), an L7 request dropped or forwarded by the candidate's L7 rules.
*/
function candidateRecord(record: FlowRecord, after: FlowEvaluation): FlowRecord | undefined {
	const direction = record.trafficDirection === 1 ? 'ingress' : record.trafficDirection === 2 ? 'egress' : undefined;
	if (!direction) {
		return undefined;
	}

	const result: DirectionEvaluation = after[direction];
	if (record.eventType === eventTypePolicyVerdict) {
		if (result.verdict !== 'allowed' && result.verdict !== 'denied') {
			return undefined;
		}

		const names: PolicyRecord[] = result.named.map(name => ({name: name.name, namespace: name.namespace, kind: name.kind}));
		const isAllowed = result.verdict === 'allowed';
		const empty: readonly PolicyRecord[] = [];
		return {
			...record,
			verdict: isAllowed ? (result.proxy ? verdict.redirected : verdict.forwarded) : verdict.dropped,
			dropReason: isAllowed ? 0 : result.reason === 'deny-rule' ? dropReason.policyDeny : dropReason.policyDenied,
			ingressAllowedBy: isAllowed && direction === 'ingress' ? names : empty,
			egressAllowedBy: isAllowed && direction === 'egress' ? names : empty,
			ingressDeniedBy: !isAllowed && direction === 'ingress' ? names : empty,
			egressDeniedBy: !isAllowed && direction === 'egress' ? names : empty,
		};
	}

	if (record.l7Type === l7Request && record.l7Protocol !== '') {
		return {...record, verdict: result.verdict === 'denied' && result.reason === 'l7' ? verdict.dropped : verdict.forwarded};
	}

	return undefined;
}

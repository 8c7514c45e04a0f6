/**
Judging connections whose flows are gone (a ledger's) by their samples (src/store/connection-samples.ts):
the what-if counts each sample as the flows it stands for, and suggest gets flows made from the samples
that read to it as the observed ones did. A what-if over a ledger filled from a capture so finds the
changed connections, directions and flow counts a what-if over the capture finds.
*/
import type {FlowRecord} from '../flow/flow-record.js';
import {eventType} from '../flow/event-type.js';
import type {FlowEvaluation, PolicySet} from '../policy/policy-evaluator.js';
import type {HeldFlow} from '../policy/suggest.js';
import {passages, type Change, type ConnectionChanges, type Passage} from '../policy/what-if.js';
import type {Direction} from '../policy/policy-model.js';
import {sampleFlowDetail, sampleRecord, type ConnectionSample} from './connection-samples.js';
import type {Connection} from './connection-table.js';

export type JudgingSets = {candidate: PolicySet; baseline?: PolicySet};

export type JudgedSample = {sample: ConnectionSample; record: FlowRecord; after: FlowEvaluation; change: Change | undefined};

const trafficDirection = {ingress: 1, egress: 2} as const;
const verdict = {forwarded: 1, dropped: 2} as const;
const dropReason = {policyDenied: 133, policyDeny: 181} as const;
const none = {ingress: undefined, egress: undefined} as const;

/**
Evaluates each sample of the connection under the candidate set and counts it into `changes`: against the
baseline's evaluation when there is one, else against what Hubble observed, direction by direction, with
the flows observed so.
*/
export function judgeConnection(connection: Connection, sets: JudgingSets, changes: ConnectionChanges): JudgedSample[] {
	const judged: JudgedSample[] = [];
	for (const sample of connection.samples) {
		const record = sampleRecord(sample, connection);
		const input = {record, fullFlow: () => sampleFlowDetail(connection)};
		const after = sets.candidate.evaluate(input);
		if (sets.baseline) {
			judged.push({sample, record, after, change: changes.add(record, passages(sets.baseline.evaluate(input)), after, -1, sample.flows)});
			continue;
		}

		changes.evaluated += sample.flows;
		let change: Change | undefined;
		const observed: Array<[Direction, Passage, number]> = [
			['ingress', 'allowed', sample.ingressAllowed],
			['ingress', 'denied', sample.ingressDenied],
			['egress', 'allowed', sample.egressAllowed],
			['egress', 'denied', sample.egressDenied],
		];
		for (const [direction, was, flows] of observed) {
			if (flows > 0) {
				const changed = changes.add(record, {...none, [direction]: was}, after, -1, flows, 0);
				change = change === 'breaks' ? change : (changed ?? change);
			}
		}

		judged.push({sample, record, after, change});
	}

	return judged;
}

/** The change of a whole connection: breaks when any of its samples breaks, else fixes when any fixes. */
export function connectionChange(judged: readonly JudgedSample[]): Change | undefined {
	return judged.some(each => each.change === 'breaks') ? 'breaks' : judged.some(each => each.change === 'fixes') ? 'fixes' : undefined;
}

/**
Flows that stand for a connection's samples before suggest: for each sample, a policy verdict for each
side observed denied (naming the deny policies when a deny rule dropped it), or, observed allowed only, one
that reads as allowed where it was; an L7 sample as its request, dropped when it was denied.
*/
export function sampleHeldFlows(connection: Connection): HeldFlow[] {
	const held: HeldFlow[] = [];
	for (const sample of connection.samples) {
		const fullFlow = () => sampleFlowDetail(connection);
		const base = sampleRecord(sample, connection);
		if (sample.request) {
			const own = sample.request.trafficDirection === trafficDirection.ingress ? sample.ingressDenied : sample.egressDenied;
			held.push({record: {...base, verdict: own > 0 ? verdict.dropped : verdict.forwarded}, fullFlow});
			continue;
		}

		const denied = (direction: Direction) => {
			const deniedBy = direction === 'ingress' ? sample.ingressDenyPolicies : sample.egressDenyPolicies;
			held.push({
				record: {
					...base,
					eventType: eventType.policyVerdict,
					trafficDirection: trafficDirection[direction],
					verdict: verdict.dropped,
					dropReason: deniedBy ? dropReason.policyDeny : dropReason.policyDenied,
					...(deniedBy ? {[direction === 'ingress' ? 'ingressDeniedBy' : 'egressDeniedBy']: deniedBy} : {}),
				},
				fullFlow,
			});
		};

		if (sample.egressDenied > 0) {
			denied('egress');
		}

		if (sample.ingressDenied > 0) {
			denied('ingress');
		}

		if (sample.egressDenied + sample.ingressDenied > 0) {
			continue;
		}

		const allowed = (direction: Direction) => ({...base, eventType: eventType.policyVerdict, trafficDirection: trafficDirection[direction], verdict: verdict.forwarded});
		if (sample.egressAllowed > 0 && sample.ingressAllowed > 0) {
			held.push({record: {...base, eventType: eventType.trace, verdict: verdict.forwarded}, fullFlow});
		} else if (sample.egressAllowed > 0 || sample.ingressAllowed > 0) {
			held.push({record: allowed(sample.egressAllowed > 0 ? 'egress' : 'ingress'), fullFlow});
		} else {
			// Nothing observed either way (drops for other reasons, traces of no verdict): it stands for itself.
			held.push({record: base, fullFlow});
		}
	}

	return held;
}

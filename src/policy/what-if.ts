/**
What-if: a candidate policy set as `kubectl apply` and `kubectl delete` would leave the baseline, and what
changes for a flow between two evaluations (or between the observed verdict and an evaluation): `breaks`
when a direction that was allowed would be denied, `fixes` for the reverse.
*/
import {eventType} from '../flow/event-type.js';
import type {FlowRecord} from '../flow/flow-record.js';
import type {DirectionEvaluation, FlowEvaluation} from './policy-evaluator.js';
import {directions, policyKey, type Direction, type LoadedPolicy, type PolicyKind} from './policy-model.js';

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

export class WhatIfError extends Error {}

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

/** The baseline after applying `apply` (same kind, namespace and name replaces) and deleting `deletions`. */
export function candidatePolicies(baseline: readonly LoadedPolicy[], apply: readonly LoadedPolicy[], deletions: readonly string[]): LoadedPolicy[] {
	const identity = (policy: LoadedPolicy) => `${policy.name.kind}|${policyKey(policy.name)}`;
	const removed = new Set(deletions.flatMap(reference => matchDeletion(baseline, reference)).map(policy => identity(policy)));
	const applied = new Set(apply.map(policy => identity(policy)));
	return [...baseline.filter(policy => !removed.has(identity(policy)) && !applied.has(identity(policy))), ...apply];
}

export function passage(evaluation: DirectionEvaluation): Passage {
	return evaluation.verdict === 'allowed' || evaluation.verdict === 'not-enforced' ? 'allowed' : evaluation.verdict === 'denied' ? 'denied' : undefined;
}

/** Breaks when any direction goes from allowed to denied; else fixes when any goes the other way. */
export function changeBetween(before: Record<Direction, Passage>, after: Record<Direction, Passage>): Change | undefined {
	if (directions.some(direction => before[direction] === 'allowed' && after[direction] === 'denied')) {
		return 'breaks';
	}

	if (directions.some(direction => before[direction] === 'denied' && after[direction] === 'allowed')) {
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
	const none = {ingress: undefined, egress: undefined};
	if (record.isReply === 1) {
		return none;
	}

	const isAllowed = record.verdict === verdict.forwarded || record.verdict === verdict.redirected;
	const isDenied = record.verdict === verdict.dropped;
	const own = record.trafficDirection === trafficDirection.ingress ? 'ingress' : record.trafficDirection === trafficDirection.egress ? 'egress' : undefined;
	const other: Direction | undefined = own === 'ingress' ? 'egress' : own === 'egress' ? 'ingress' : undefined;
	if (record.eventType === eventType.policyVerdict) {
		return own ? {...none, [own]: isAllowed ? 'allowed' : isDenied ? 'denied' : undefined} : none;
	}

	if (record.eventType === eventType.l7 && record.l7Type === 1) {
		if (!own) {
			return none;
		}

		return {...none, [own]: isAllowed ? 'allowed' : isDenied ? 'denied' : undefined, ...(other ? {[other]: 'allowed'} : {})};
	}

	if (record.eventType === eventType.drop) {
		return own && policyDropReasons.has(record.dropReason) ? {...none, [own]: 'denied'} : none;
	}

	if (record.eventType === eventType.trace && isAllowed) {
		return {ingress: 'allowed', egress: 'allowed'};
	}

	return none;
}

/**
What deleting each rule would break, over the flows it admitted: for every rule (a whole ingress/egress
item) one flow per connection and kind of request it allowed is kept; at the end each rule is deleted from
its policy in turn (src/policy/rule-deletion.ts) and its flows are evaluated again. A flow that turns
denied breaks; a rule that admitted flows and breaks none is redundant here, and the rules that admit its
flows without it are named.
*/
import type {Flow} from '../flow/flow.js';
import type {FlowRecord} from '../flow/flow-record.js';
import {eventType} from '../flow/event-type.js';
import {PolicySet, type FlowEvaluation} from '../policy/policy-evaluator.js';
import type {Direction, LoadedPolicy} from '../policy/policy-model.js';
import {deleteRule} from '../policy/rule-deletion.js';
import {connectionEndpoint, passage} from '../policy/what-if.js';

type Admitted = {record: FlowRecord; direction: Direction; fullFlow: () => Flow | undefined};

/** The entry a rule address belongs to: `… ingress[0] toPorts[0] rules.http[1]` → `… ingress[0]`. */
export function entryOf(address: string): string {
	const port = address.indexOf(' toPorts[');
	return port === -1 ? address : address.slice(0, port);
}

/**
Flows each rule allowed, one per connection and kind of request (policy verdicts and L7 requests, as counted),
and one of each denied: deleting rules can also open what was denied (a policy left with no rule is rejected,
and the endpoint it alone selected is no longer enforced).
*/
export class AdmittedFlows {
	readonly byRule = new Map<string, Map<string, Admitted>>();
	readonly denied = new Map<string, Admitted>();

	add(record: FlowRecord, evaluation: FlowEvaluation, fullFlow: () => Flow | undefined): void {
		const isVerdict = record.eventType === eventType.policyVerdict;
		const isRequest = record.eventType === eventType.l7 && record.l7Type === 1;
		const direction = record.trafficDirection === 1 ? 'ingress' : record.trafficDirection === 2 ? 'egress' : undefined;
		if ((!isVerdict && !isRequest) || record.isReply === 1 || !direction) {
			return;
		}

		const key = `${connectionText(record)}|${isRequest ? `${record.httpMethod} ${record.httpUrl} ${record.dnsQuery}` : ''}`;
		if (evaluation[direction].verdict === 'denied') {
			if (!this.denied.has(key)) {
				this.denied.set(key, {record: {...record}, direction, fullFlow});
			}

			return;
		}

		if (evaluation[direction].verdict !== 'allowed') {
			return;
		}

		for (const rule of new Set(evaluation[direction].rules.map(address => entryOf(address)))) {
			let flows = this.byRule.get(rule);
			if (!flows) {
				flows = new Map();
				this.byRule.set(rule, flows);
			}

			if (!flows.has(key)) {
				flows.set(key, {record: {...record}, direction, fullFlow});
			}
		}
	}
}

function connectionText(record: FlowRecord): string {
	const port = record.destinationPort > 0 ? `${record.destinationPort}/${record.protocol}` : record.protocol;
	return `${connectionEndpoint(record, 'source')} → ${connectionEndpoint(record, 'destination')} ${port}`;
}

export type Deletion = {
	/** Connections (`shop/frontend → shop/backend 80/TCP`, with the request when one) that would be denied. */
	breaks: string[];
	/** When it breaks nothing: the rules that admit its flows without it. */
	coveredBy: string[];
};

/** For every rule that admitted flows: what deleting it breaks, or which rules cover it. */
export function judgeDeletions(policies: readonly LoadedPolicy[], admitted: AdmittedFlows): Map<string, Deletion> {
	const deletions = new Map<string, Deletion>();
	for (const [rule, flows] of admitted.byRule) {
		const reduced = new PolicySet(deleteRule(policies, rule));
		const breaks = new Set<string>();
		const coveredBy = new Set<string>();
		for (const {record, direction, fullFlow} of flows.values()) {
			const after = reduced.evaluate({record, fullFlow})[direction];
			if (passage(after) === 'denied') {
				breaks.add(flowText(record));
			} else {
				for (const address of after.rules) {
					coveredBy.add(entryOf(address));
				}
			}
		}

		deletions.set(rule, {breaks: [...breaks].sort(), coveredBy: breaks.size > 0 ? [] : [...coveredBy].sort()});
	}

	return deletions;
}

function flowText(record: FlowRecord): string {
	const request = record.l7Type === 1 ? (record.l7Protocol === 'dns' ? ` DNS ${record.dnsQuery}` : ` ${record.httpMethod} ${record.httpUrl}`) : '';
	return `${connectionText(record)}${request}`;
}

export type BulkDeletion = {
	/** The rules deleted together, by address. */
	rules: string[];
	/** Connections (with the request when one) that turn denied. */
	breaks: string[];
	/** Connections that were denied and turn allowed: a policy emptied of rules is rejected and enforces nothing. */
	opens: string[];
};

/**
Deleting `rules` (whole rules, by address) all at once: every flow kept, allowed or denied, evaluated under
the reduced policies. Not the sum of deleting each alone: two rules each redundant with the other break
together, and emptying a policy changes what is enforced.
*/
export function judgeBulkDeletion(policies: readonly LoadedPolicy[], rules: readonly string[], admitted: AdmittedFlows): BulkDeletion {
	if (rules.length === 0) {
		return {rules: [], breaks: [], opens: []};
	}

	const reduced = new PolicySet(rules.reduce<readonly LoadedPolicy[]>((current, rule) => deleteRule(current, rule), policies));
	const breaks = new Set<string>();
	const opens = new Set<string>();
	const allowed = new Map<string, Admitted>();
	for (const flows of admitted.byRule.values()) {
		for (const [key, flow] of flows) {
			allowed.set(key, flow);
		}
	}

	for (const [flows, before, into] of [[allowed, 'allowed', breaks], [admitted.denied, 'denied', opens]] as const) {
		for (const {record, direction, fullFlow} of flows.values()) {
			const after = passage(reduced.evaluate({record, fullFlow})[direction]);
			if (after !== undefined && after !== before) {
				into.add(flowText(record));
			}
		}
	}

	return {rules: [...rules], breaks: [...breaks].sort(), opens: [...opens].sort()};
}

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

/** Flows each rule allowed, one per connection and kind of request (policy verdicts and L7 requests, as counted). */
export class AdmittedFlows {
	readonly byRule = new Map<string, Map<string, Admitted>>();

	add(record: FlowRecord, evaluation: FlowEvaluation, fullFlow: () => Flow | undefined): void {
		const isVerdict = record.eventType === eventType.policyVerdict;
		const isRequest = record.eventType === eventType.l7 && record.l7Type === 1;
		const direction = record.trafficDirection === 1 ? 'ingress' : record.trafficDirection === 2 ? 'egress' : undefined;
		if ((!isVerdict && !isRequest) || record.isReply === 1 || !direction || evaluation[direction].verdict !== 'allowed') {
			return;
		}

		const key = `${connectionText(record)}|${isRequest ? `${record.httpMethod} ${record.httpUrl} ${record.dnsQuery}` : ''}`;
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
				const request = record.l7Type === 1 ? (record.l7Protocol === 'dns' ? ` DNS ${record.dnsQuery}` : ` ${record.httpMethod} ${record.httpUrl}`) : '';
				breaks.add(`${connectionText(record)}${request}`);
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

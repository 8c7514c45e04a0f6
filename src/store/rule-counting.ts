/**
The TUI's rules: with --policies, every policy verdict and L7 request that arrives is evaluated under the
policies in force and its deciding rules counted (src/store/rule-hits.ts), since start and since the mark;
the rules view reads the counts, and a rule's flows can be selected (the flows it decided, as counted).
*/
import {eventType} from '../flow/event-type.js';
import type {Flow} from '../flow/flow.js';
import type {FlowRecord} from '../flow/flow-record.js';
import type {FlowEvaluation, PolicySet} from '../policy/policy-evaluator.js';
import {ruleCatalog, type CatalogPolicy} from '../policy/rule-catalog.js';
import {isAtOrUnder} from '../policy/rule-address.js';
import {RuleHits} from './rule-hits.js';

/** Whether a flow is one the rules are counted on: a policy verdict or an L7 request (not a reply). */
export function isRuleCounted(record: FlowRecord): boolean {
	return record.isReply !== 1 && (record.eventType === eventType.policyVerdict || (record.eventType === eventType.l7 && record.l7Type === 1));
}

export class RuleCounting {
	readonly catalog: readonly CatalogPolicy[];
	hits = new RuleHits();
	sinceMark: RuleHits | undefined;

	constructor(readonly set: PolicySet) {
		this.catalog = ruleCatalog(set.policies);
	}

	/** Evaluates and counts the flow when it is one the rules are counted on; its evaluation, or undefined. */
	observe(record: FlowRecord, fullFlow: () => Flow | undefined): FlowEvaluation | undefined {
		if (!isRuleCounted(record)) {
			return undefined;
		}

		const evaluation = this.set.evaluate({record, fullFlow});
		this.hits.count(record, evaluation);
		this.sinceMark?.count(record, evaluation);
		return evaluation;
	}

	mark(): void {
		this.sinceMark = new RuleHits();
	}

	/** Whether `address` (or a rule under it: its port or L7 rule) decided the flow, as counted. */
	decided(record: FlowRecord, evaluation: FlowEvaluation | undefined, address: string): boolean {
		if (!evaluation) {
			return false;
		}

		const result = record.trafficDirection === 1 ? evaluation.ingress : record.trafficDirection === 2 ? evaluation.egress : undefined;
		return result !== undefined && (result.verdict === 'allowed' || result.verdict === 'denied') && result.rules.some(rule => isAtOrUnder(rule, address));
	}
}

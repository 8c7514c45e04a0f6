/**
Hits per rule: for every policy verdict and every L7 request, the rules that decided its direction
(DirectionEvaluation.rules, by address) counted as allowed or denied, with the connections they decided (by
the identities of client and server, and the port) and the first and last match (the flow's time). A rule counts for its port rule's and L7 rule's hits too: an
entry decided what any of its port rules did. Counted as the policies pane counts verdicts (policy-verdict
events and L7 requests), so a connection's traces and replies do not count again.
*/
import {eventType} from '../flow/event-type.js';
import {WordTripleSet} from '../flow/word-triple-set.js';
import type {FlowRecord} from '../flow/flow-record.js';
import type {DirectionEvaluation, FlowEvaluation} from '../policy/policy-evaluator.js';

export type RuleCounts = {allowed: number; denied: number; connections: number; firstMatch: number; lastMatch: number};

/** Connections seen: port, the client's identity and the server's (three words: no key is made). */
type SeenConnections = WordTripleSet;

/** A rule's connections, counted across every list of rules that names it. */
type RuleConnections = {connections: number; seen: SeenConnections; lists: Credited[]};

/**
One list of deciding rules (the evaluator shares a list among every flow of a decision): the flows it
decided, when, and the connections it has seen. The counts are kept per list, not per rule, so that a flow
costs a few increments whatever the number of rules it names; a rule's counts are summed over its lists
when read. A connection the list has seen is already counted by each of its rules, so a connection's next
flows skip the rules' own look-ups.
*/
type Credited = {allowed: number; denied: number; firstMatch: number; lastMatch: number; seen: SeenConnections; rules: RuleConnections[]};

/** Adds the connection to `seen`; whether it was new. */
function isNewConnection(seen: SeenConnections, record: FlowRecord): boolean {
	return seen.add(record.destinationPort, record.sourceIdentity, record.destinationIdentity);
}

/** Connections counted per rule before the rule's count stops growing exactly (a bound on memory). */
const maximumConnectionsPerRule = 100_000;

/** `… toPorts[0] rules.http[1]` → itself, `… toPorts[0]`, and the entry. */
function withParents(address: string): string[] {
	const addresses = [address];
	const l7 = address.lastIndexOf(' rules.');
	const withoutL7 = l7 === -1 ? address : address.slice(0, l7);
	if (withoutL7 !== address) {
		addresses.push(withoutL7);
	}

	const port = withoutL7.lastIndexOf(' toPorts[');
	if (port !== -1) {
		addresses.push(withoutL7.slice(0, port));
	}

	return addresses;
}

export class RuleHits {
	private readonly byAddress = new Map<string, RuleConnections>();
	/**
	The counters a direction's evaluation credits, found by its list of rules: the evaluator shares one list
	for every flow of a decision, so such a flow costs a few increments; an L7 request's list is its own,
	found again by its one address.
	*/
	private readonly creditedBy = new WeakMap<readonly string[], Credited>();
	private readonly creditedByRules = new Map<string, Credited>();

	/** Counts the flow under `evaluation` if it is a policy verdict or an L7 request (in its own direction). */
	count(record: FlowRecord, evaluation: FlowEvaluation): void {
		const isVerdict = record.eventType === eventType.policyVerdict;
		const isRequest = record.eventType === eventType.l7 && record.l7Type === 1;
		if ((!isVerdict && !isRequest) || record.isReply === 1) {
			return;
		}

		// Named property reads, not evaluation[direction]: a keyed read with a string was most of the cost.
		if (record.trafficDirection === 1) {
			this.countDirection(record, evaluation.ingress);
		} else if (record.trafficDirection === 2) {
			this.countDirection(record, evaluation.egress);
		}
	}

	private credited(result: DirectionEvaluation): Credited {
		let credited = this.creditedBy.get(result.rules);
		if (credited) {
			return credited;
		}

		const key = result.rules.length === 1 ? result.rules[0]! : result.rules.join('\n');
		credited = this.creditedByRules.get(key);
		if (!credited) {
			// An entry named twice (two of its port rules) counts once per flow.
			const addresses = new Set(result.rules.flatMap(rule => withParents(rule)));
			credited = {allowed: 0, denied: 0, firstMatch: Number.POSITIVE_INFINITY, lastMatch: Number.NEGATIVE_INFINITY, seen: new WordTripleSet(), rules: []};
			for (const address of addresses) {
				let rule = this.byAddress.get(address);
				if (!rule) {
					rule = {connections: 0, seen: new WordTripleSet(), lists: []};
					this.byAddress.set(address, rule);
				}

				rule.lists.push(credited);
				credited.rules.push(rule);
			}

			this.creditedByRules.set(key, credited);
		}

		this.creditedBy.set(result.rules, credited);
		return credited;
	}

	private countDirection(record: FlowRecord, result: DirectionEvaluation): void {
		if ((result.verdict !== 'allowed' && result.verdict !== 'denied') || result.rules.length === 0) {
			return;
		}

		const credited = this.credited(result);
		if (result.verdict === 'allowed') {
			credited.allowed++;
		} else {
			credited.denied++;
		}

		if (record.timeSeconds < credited.firstMatch) {
			credited.firstMatch = record.timeSeconds;
		}

		if (record.timeSeconds > credited.lastMatch) {
			credited.lastMatch = record.timeSeconds;
		}

		if (isNewConnection(credited.seen, record)) {
			for (const rule of credited.rules) {
				if (rule.connections < maximumConnectionsPerRule && isNewConnection(rule.seen, record)) {
					rule.connections++;
				}
			}
		}
	}

	/** The counts of a rule, or undefined when it decided nothing. */
	of(address: string): RuleCounts | undefined {
		const rule = this.byAddress.get(address);
		if (!rule) {
			return undefined;
		}

		const counts: RuleCounts = {allowed: 0, denied: 0, connections: rule.connections, firstMatch: Number.POSITIVE_INFINITY, lastMatch: Number.NEGATIVE_INFINITY};
		for (const list of rule.lists) {
			counts.allowed += list.allowed;
			counts.denied += list.denied;
			counts.firstMatch = Math.min(counts.firstMatch, list.firstMatch);
			counts.lastMatch = Math.max(counts.lastMatch, list.lastMatch);
		}

		return counts.allowed + counts.denied > 0 ? counts : undefined;
	}
}

/**
Hits per rule: for every policy verdict and every L7 request, the rules that decided its direction
(DirectionEvaluation.rules, by address) counted as allowed or denied, with the connections they decided (by
the identities of client and server, and the port) and the first and last match (the flow's time). A rule counts for its port rule's and L7 rule's hits too: an
entry decided what any of its port rules did. Counted as the policies pane counts verdicts (policy-verdict
events and L7 requests), so a connection's traces and replies do not count again.
*/
import {eventType} from '../flow/event-type.js';
import type {FlowRecord} from '../flow/flow-record.js';
import type {DirectionEvaluation, FlowEvaluation} from '../policy/policy-evaluator.js';

export type RuleCounts = {allowed: number; denied: number; connections: number; firstMatch: number; lastMatch: number};

type Counted = RuleCounts & {
	/** Connections seen: by port, the client's identity, then the server's (small integers all: no key is made). */
	seen: Map<number, Map<number, Set<number>>>;
};

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
	private readonly byAddress = new Map<string, Counted>();
	/**
	The counters a direction's evaluation credits, found by its list of rules: the evaluator shares one list
	for every flow of a decision, so such a flow costs a few increments; an L7 request's list is its own,
	found again by its one address.
	*/
	private readonly creditedBy = new WeakMap<readonly string[], Counted[]>();
	private readonly creditedByRules = new Map<string, Counted[]>();

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

	private credited(result: DirectionEvaluation): Counted[] {
		let counters = this.creditedBy.get(result.rules);
		if (counters) {
			return counters;
		}

		const key = result.rules.length === 1 ? result.rules[0]! : result.rules.join('\n');
		counters = this.creditedByRules.get(key);
		if (counters) {
			return counters;
		}

		{
			// An entry named twice (two of its port rules) counts once per flow.
			const addresses = new Set(result.rules.flatMap(rule => withParents(rule)));
			counters = [...addresses].map(address => {
				let hits = this.byAddress.get(address);
				if (!hits) {
					hits = {allowed: 0, denied: 0, connections: 0, firstMatch: Number.POSITIVE_INFINITY, lastMatch: Number.NEGATIVE_INFINITY, seen: new Map()};
					this.byAddress.set(address, hits);
				}

				return hits;
			});
			this.creditedByRules.set(key, counters);
		}

		this.creditedBy.set(result.rules, counters);
		return counters;
	}

	private countDirection(record: FlowRecord, result: DirectionEvaluation): void {
		if ((result.verdict !== 'allowed' && result.verdict !== 'denied') || result.rules.length === 0) {
			return;
		}

		const isAllowed = result.verdict === 'allowed';
		for (const hits of this.credited(result)) {
			if (isAllowed) {
				hits.allowed++;
			} else {
				hits.denied++;
			}

			if (record.timeSeconds < hits.firstMatch) {
				hits.firstMatch = record.timeSeconds;
			}

			if (record.timeSeconds > hits.lastMatch) {
				hits.lastMatch = record.timeSeconds;
			}

			let clients = hits.seen.get(record.destinationPort);
			if (!clients) {
				clients = new Map();
				hits.seen.set(record.destinationPort, clients);
			}

			let servers = clients.get(record.sourceIdentity);
			if (!servers) {
				servers = new Set();
				clients.set(record.sourceIdentity, servers);
			}

			if (!servers.has(record.destinationIdentity) && hits.connections < maximumConnectionsPerRule) {
				servers.add(record.destinationIdentity);
				hits.connections++;
			}
		}
	}

	/** The counts of a rule, or undefined when it decided nothing. */
	of(address: string): RuleCounts | undefined {
		const hits = this.byAddress.get(address);
		return hits && hits.allowed + hits.denied > 0 ? {allowed: hits.allowed, denied: hits.denied, connections: hits.connections, firstMatch: hits.firstMatch, lastMatch: hits.lastMatch} : undefined;
	}
}

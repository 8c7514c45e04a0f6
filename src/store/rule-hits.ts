/**
Hits per rule: for every policy verdict and every L7 request, the rules that decided its direction
(DirectionEvaluation.rules, by address) counted as allowed or denied, with the connections they decided and
the first and last match (the flow's time). A rule counts for its port rule's and L7 rule's hits too: an
entry decided what any of its port rules did. Counted as the policies pane counts verdicts (policy-verdict
events and L7 requests), so a connection's traces and replies do not count again.
*/
import {eventType} from '../flow/event-type.js';
import type {FlowRecord} from '../flow/flow-record.js';
import type {DirectionEvaluation, FlowEvaluation} from '../policy/policy-evaluator.js';

export type RuleCounts = {allowed: number; denied: number; connections: number; firstMatch: number; lastMatch: number};

type Counted = RuleCounts & {seen: Set<string>};

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
	private readonly parents = new Map<string, string[]>();

	/** Counts the flow under `evaluation` if it is a policy verdict or an L7 request (in its own direction). */
	count(record: FlowRecord, evaluation: FlowEvaluation): void {
		const isVerdict = record.eventType === eventType.policyVerdict;
		const isRequest = record.eventType === eventType.l7 && record.l7Type === 1;
		if ((!isVerdict && !isRequest) || record.isReply === 1) {
			return;
		}

		const direction = record.trafficDirection === 1 ? 'ingress' : record.trafficDirection === 2 ? 'egress' : undefined;
		if (direction) {
			this.countDirection(record, evaluation[direction]);
		}
	}

	private countDirection(record: FlowRecord, result: DirectionEvaluation): void {
		if (result.verdict !== 'allowed' && result.verdict !== 'denied') {
			return;
		}

		const connection = `${record.sourceIdentity}|${record.destinationIdentity}|${record.sourcePodName === '' ? record.sourceIp : ''}|${record.destinationPodName === '' ? record.destinationIp : ''}|${record.destinationPort}|${record.protocol}`;
		const counted = new Set<string>();
		for (const rule of result.rules) {
			let addresses = this.parents.get(rule);
			if (!addresses) {
				addresses = withParents(rule);
				this.parents.set(rule, addresses);
			}

			for (const address of addresses) {
				// An entry named twice (two of its port rules) counts once per flow.
				if (counted.has(address)) {
					continue;
				}

				counted.add(address);
				let hits = this.byAddress.get(address);
				if (!hits) {
					hits = {allowed: 0, denied: 0, connections: 0, firstMatch: record.timeSeconds, lastMatch: record.timeSeconds, seen: new Set()};
					this.byAddress.set(address, hits);
				}

				hits[result.verdict]++;
				hits.firstMatch = Math.min(hits.firstMatch, record.timeSeconds);
				hits.lastMatch = Math.max(hits.lastMatch, record.timeSeconds);
				if (!hits.seen.has(connection) && hits.seen.size < maximumConnectionsPerRule) {
					hits.seen.add(connection);
					hits.connections++;
				}
			}
		}
	}

	/** The counts of a rule, or undefined when it decided nothing. */
	of(address: string): RuleCounts | undefined {
		const hits = this.byAddress.get(address);
		return hits && {allowed: hits.allowed, denied: hits.denied, connections: hits.connections, firstMatch: hits.firstMatch, lastMatch: hits.lastMatch};
	}
}

/**
A Hubble-like history: a bounded ring of responses per node (Hubble's default capacity is 4095) and
the agent's request semantics for reading it (hubble-api.md §2.5): `number` counts matching flows per
node walking back from the newest, `since` takes precedence over `number`, `first` reads from the
oldest, `until` stops at the first later event, lost events ignore filters and are not counted.
*/
import type {GetFlowsResponse} from '../flow/flow.js';
import {compareInstants, parseTimestamp, type Instant} from '../flow/timestamp.js';
import type {ResponsePredicate} from '../filters/flow-filter-match.js';
import {hasFlow} from './scenario-response.js';

export type HistoryQuery = {
	predicate: ResponsePredicate;
	number: number;
	first: boolean;
	since?: Instant;
	until?: Instant;
};

class NodeRing {
	private readonly items: GetFlowsResponse[] = [];
	private start = 0;

	constructor(private readonly capacity: number) {}

	push(response: GetFlowsResponse): void {
		if (this.items.length < this.capacity) {
			this.items.push(response);
		} else {
			this.items[this.start] = response;
			this.start = (this.start + 1) % this.capacity;
		}
	}

	/** Oldest first. */
	toArray(): GetFlowsResponse[] {
		return [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
	}

	get size(): number {
		return this.items.length;
	}
}

export class FlowHistory {
	private readonly rings = new Map<string, NodeRing>();
	private seenFlowCount = 0;

	constructor(private readonly capacityPerNode = 4095) {}

	add(response: GetFlowsResponse): void {
		const node = response.node_name ?? '';
		let ring = this.rings.get(node);
		if (!ring) {
			ring = new NodeRing(this.capacityPerNode);
			this.rings.set(node, ring);
		}

		ring.push(response);
		if (hasFlow(response)) {
			this.seenFlowCount++;
		}
	}

	/** Flows held now, across nodes (ServerStatus num_flows). */
	get flowCount(): number {
		let count = 0;
		for (const ring of this.rings.values()) {
			count += ring.size;
		}

		return count;
	}

	/** Flows ever added (ServerStatus seen_flows). */
	get seenFlows(): number {
		return this.seenFlowCount;
	}

	get nodeCount(): number {
		return this.rings.size;
	}

	/** The history part of a GetFlows stream, merged across nodes in time order. */
	read(query: HistoryQuery): GetFlowsResponse[] {
		const perNode = [...this.rings.values()].map(ring => selectFromNode(ring.toArray(), query));
		return perNode.flat().sort((a, b) => compareResponseTimes(a, b));
	}
}

function selectFromNode(items: GetFlowsResponse[], query: HistoryQuery): GetFlowsResponse[] {
	const isInRange = (response: GetFlowsResponse) => {
		const time = responseTime(response);
		return (!query.since || (time !== undefined && compareInstants(time, query.since) >= 0)) && (!query.until || (time !== undefined && compareInstants(time, query.until) <= 0));
	};

	if (query.first) {
		const selected: GetFlowsResponse[] = [];
		let count = 0;
		for (const response of items) {
			if (!isInRange(response)) {
				continue;
			}

			if (!hasFlow(response)) {
				selected.push(response);
				continue;
			}

			if (query.predicate(response)) {
				selected.push(response);
				if (++count >= query.number) {
					break;
				}
			}
		}

		return selected;
	}

	// Walk back from the newest; `since` bounds the walk, otherwise `number` does (0 = everything).
	const selected: GetFlowsResponse[] = [];
	let count = 0;
	for (let index = items.length - 1; index >= 0; index--) {
		const response = items[index]!;
		if (query.since) {
			const time = responseTime(response);
			if (time !== undefined && compareInstants(time, query.since) < 0) {
				break;
			}
		} else if (query.number > 0 && count >= query.number) {
			break;
		}

		if (!isInRange(response)) {
			continue;
		}

		if (!hasFlow(response)) {
			selected.push(response);
		} else if (query.predicate(response)) {
			selected.push(response);
			count++;
		}
	}

	return selected.reverse();
}

export function responseTime(response: GetFlowsResponse): Instant | undefined {
	return response.time === undefined ? undefined : parseTimestamp(response.time);
}

function compareResponseTimes(a: GetFlowsResponse, b: GetFlowsResponse): number {
	const timeA = responseTime(a);
	const timeB = responseTime(b);
	return timeA && timeB ? compareInstants(timeA, timeB) : 0;
}

/**
Several GetFlows streams as one (issue: several clusters): a flow seen through two sources (a Cluster Mesh
relay and the cluster's own relay) is passed on once, by uuid; and flows are passed on in time order within
a window, as Hubble Relay itself orders what its nodes send (it sorts within a short buffer): each response
waits `windowMilliseconds` after it arrived, then leaves with every waiting flow not later than it.
Lost events and node status responses are not de-duplicated (each source has its own).
*/
import type {GetFlowsResponse} from '../flow/flow.js';
import {RecentMap} from '../flow/recent-map.js';
import {compareInstants, parseTimestamp, type Instant} from '../flow/timestamp.js';

type Waiting = {response: GetFlowsResponse; time: Instant | undefined; arrivedAt: number; order: number};

export class FlowMerge {
	private waiting: Waiting[] = [];
	private readonly seen: RecentMap<string, true>;
	private order = 0;
	duplicatesDropped = 0;

	constructor(
		private readonly emit: (response: GetFlowsResponse) => void,
		private readonly windowMilliseconds: number,
		dedupeCapacity = 131_072,
	) {
		this.seen = new RecentMap(dedupeCapacity);
	}

	push(response: GetFlowsResponse, arrivedAt: number): void {
		const uuid = response.flow?.uuid;
		if (uuid) {
			if (this.seen.has(uuid)) {
				this.duplicatesDropped++;
				return;
			}

			// has() just looked in both generations.
			this.seen.insertAbsent(uuid, true);
		}

		const text = response.time ?? response.flow?.time;
		this.waiting.push({response, time: text === undefined ? undefined : parseTimestamp(text), arrivedAt, order: this.order++});
	}

	/** Passes on what has waited long enough, and every waiting response not later than those. */
	flush(now: number): void {
		const due = this.waiting.filter(item => item.arrivedAt <= now - this.windowMilliseconds);
		if (due.length === 0) {
			return;
		}

		const latest = due.reduce<Instant | undefined>((maximum, item) => (item.time && (!maximum || compareInstants(item.time, maximum) > 0) ? item.time : maximum), undefined);
		const leaving = new Set(due);
		for (const item of this.waiting) {
			if (latest && item.time && compareInstants(item.time, latest) <= 0) {
				leaving.add(item);
			}
		}

		this.waiting = this.waiting.filter(item => !leaving.has(item));
		this.send([...leaving]);
	}

	/** Passes on everything still waiting (the streams ended). */
	end(): void {
		const all = this.waiting;
		this.waiting = [];
		this.send(all);
	}

	get pending(): number {
		return this.waiting.length;
	}

	private send(items: Waiting[]): void {
		// By time; responses without one (none in practice) and ties keep their arrival order.
		items.sort((a, b) => (a.time && b.time ? compareInstants(a.time, b.time) : 0) || a.order - b.order);
		for (const item of items) {
			this.emit(item.response);
		}
	}
}

/**
The flow ids seen most recently, for dropping a flow that comes twice (a reconnect's overlap, Relay
re-attaching a node, two relays of one Cluster Mesh). A canonical uuid is kept as its four words in a
typed-array hash table, so remembering one allocates nothing and leaves nothing for the garbage collector
(as strings in a Map, the last 16,384 uuids were promoted to the old generation one by one, and Map.set
alone was 3% of the TUI's CPU at 5,000 flows/s); any other id (a uuid in another form, a hash of a flow
without one) goes into a RecentMap. Each holds at most `capacity` ids, among them the last capacity/2.
*/
import {RecentMap} from './recent-map.js';
import {RecentWordMap} from './recent-word-map.js';

export class RecentFlowIds {
	private readonly uuids: RecentWordMap<true>;
	private readonly others: RecentMap<string, true>;

	constructor(capacity: number) {
		this.uuids = new RecentWordMap(capacity);
		this.others = new RecentMap(capacity);
	}

	/** How many ids it holds. */
	get size(): number {
		return this.uuids.size + this.others.size;
	}

	/** Whether the canonical uuid with these words was seen. */
	hasUuid(word0: number, word1: number, word2: number, word3: number): boolean {
		return this.uuids.has(word0, word1, word2, word3);
	}

	/** Remembers a canonical uuid the caller knows is not there (as RecentMap.insertAbsent). */
	addUuid(word0: number, word1: number, word2: number, word3: number): void {
		this.uuids.insertAbsent(word0, word1, word2, word3, true);
	}

	/** Whether any other id (not a canonical uuid's words) was seen. */
	has(id: string): boolean {
		return this.others.has(id);
	}

	/** Remembers any other id the caller knows is not there. */
	add(id: string): void {
		this.others.insertAbsent(id, true);
	}
}

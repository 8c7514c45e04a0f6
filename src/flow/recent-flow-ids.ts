/**
The flow ids seen most recently, for dropping a flow that comes twice (a reconnect's overlap, Relay
re-attaching a node, two relays of one Cluster Mesh). A canonical uuid is kept as its four words in a
typed-array hash table, so remembering one allocates nothing and leaves nothing for the garbage collector
(as strings in a Map, the last 16,384 uuids were promoted to the old generation one by one, and Map.set
alone was 3% of the TUI's CPU at 5,000 flows/s); any other id (a uuid in another form, a hash of a flow
without one) goes into a RecentMap.

Bounded as RecentMap is: two generations, the young one replaced when full, so it holds at most
`capacity` ids of each kind, among them the last capacity/2.
*/
import {RecentMap} from './recent-map.js';

/** One generation: open addressing with linear probing over four words per entry, at most half full. */
class UuidTable {
	readonly words: Uint32Array;
	readonly isUsed: Uint8Array;
	readonly mask: number;
	count = 0;

	constructor(entries: number) {
		let slots = 2;
		while (slots < entries * 2) {
			slots *= 2;
		}

		this.mask = slots - 1;
		this.words = new Uint32Array(slots * 4);
		this.isUsed = new Uint8Array(slots);
	}

	/** The slot holding the uuid, or the free slot where it would go: `isUsed` says which. */
	find(word0: number, word1: number, word2: number, word3: number): number {
		// Mixes all four words: a relay's uuids are random, but a test server's may differ only in their tail.
		let hash = Math.imul(word0 ^ Math.imul(word1, 0x9e_37_79_b1) ^ Math.imul(word2, 0x85_eb_ca_77) ^ Math.imul(word3, 0xc2_b2_ae_3d), 0x27_d4_eb_2f);
		hash ^= hash >>> 15;
		let slot = hash & this.mask;
		while (this.isUsed[slot] === 1) {
			const at = slot * 4;
			if (this.words[at] === word0 && this.words[at + 1] === word1 && this.words[at + 2] === word2 && this.words[at + 3] === word3) {
				return slot;
			}

			slot = (slot + 1) & this.mask;
		}

		return slot;
	}

	insertAt(slot: number, word0: number, word1: number, word2: number, word3: number): void {
		const at = slot * 4;
		this.words[at] = word0;
		this.words[at + 1] = word1;
		this.words[at + 2] = word2;
		this.words[at + 3] = word3;
		this.isUsed[slot] = 1;
		this.count++;
	}

	clear(): void {
		this.isUsed.fill(0);
		this.count = 0;
	}
}

export class RecentFlowIds {
	private young: UuidTable;
	private old: UuidTable;
	private readonly generation: number;
	private readonly others: RecentMap<string, true>;

	constructor(capacity: number) {
		this.generation = Math.max(1, Math.floor(capacity / 2));
		this.young = new UuidTable(this.generation);
		this.old = new UuidTable(this.generation);
		this.others = new RecentMap(capacity);
	}

	/** How many ids it holds. */
	get size(): number {
		return this.young.count + this.old.count + this.others.size;
	}

	/** Whether the canonical uuid with these words was seen. */
	hasUuid(word0: number, word1: number, word2: number, word3: number): boolean {
		return this.young.isUsed[this.young.find(word0, word1, word2, word3)] === 1 || this.old.isUsed[this.old.find(word0, word1, word2, word3)] === 1;
	}

	/** Remembers a canonical uuid the caller knows is not there (as RecentMap.insertAbsent). */
	addUuid(word0: number, word1: number, word2: number, word3: number): void {
		if (this.young.count >= this.generation) {
			const emptied = this.old;
			emptied.clear();
			this.old = this.young;
			this.young = emptied;
		}

		const slot = this.young.find(word0, word1, word2, word3);
		if (this.young.isUsed[slot] === 0) {
			this.young.insertAt(slot, word0, word1, word2, word3);
		}
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

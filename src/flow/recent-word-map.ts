/**
A RecentMap (src/flow/recent-map.ts) whose keys are four 32-bit words, kept in typed arrays: for keys made
for every flow (a uuid, a connection's protocol, addresses and ports), where a string key meant a string
built per flow, hashed, and for a kept entry promoted and marked by the garbage collector. Two generations
of open-addressing tables with linear probing, each at most half full; the young one is emptied and
swapped in when full, so it holds at most `capacity` keys, among them the last capacity/2 used.
*/

/** One generation. */
class WordTable<Value> {
	readonly words: Uint32Array;
	readonly isUsed: Uint8Array;
	readonly values: Array<Value | undefined>;
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
		this.values = Array.from<Value | undefined>({length: slots});
	}

	/** The slot holding the key, or the free slot where it would go: `isUsed` says which. */
	find(word0: number, word1: number, word2: number, word3: number): number {
		// Mixes all four words: a relay's uuids are random, but ports and address numbers are small and close.
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

	insertAt(slot: number, word0: number, word1: number, word2: number, word3: number, value: Value): void {
		const at = slot * 4;
		this.words[at] = word0;
		this.words[at + 1] = word1;
		this.words[at + 2] = word2;
		this.words[at + 3] = word3;
		this.isUsed[slot] = 1;
		this.values[slot] = value;
		this.count++;
	}

	clear(): void {
		this.isUsed.fill(0);
		this.values.fill(undefined);
		this.count = 0;
	}
}

export class RecentWordMap<Value> {
	private young: WordTable<Value>;
	private old: WordTable<Value>;
	private readonly generation: number;

	constructor(capacity: number) {
		this.generation = Math.max(1, Math.floor(capacity / 2));
		this.young = new WordTable(this.generation);
		this.old = new WordTable(this.generation);
	}

	/** Keys held (a key made recent again from the old generation counts twice until that one goes). */
	get size(): number {
		return this.young.count + this.old.count;
	}

	/** The value, made recent again. */
	get(word0: number, word1: number, word2: number, word3: number): Value | undefined {
		const young = this.young.find(word0, word1, word2, word3);
		if (this.young.isUsed[young] === 1) {
			return this.young.values[young];
		}

		const old = this.old.find(word0, word1, word2, word3);
		if (this.old.isUsed[old] === 0) {
			return undefined;
		}

		// Copied into the young generation; the old copy is dropped with its generation.
		const value = this.old.values[old] as Value;
		this.insertAbsent(word0, word1, word2, word3, value);
		return value;
	}

	/** The value, without making it recent. */
	peek(word0: number, word1: number, word2: number, word3: number): Value | undefined {
		const young = this.young.find(word0, word1, word2, word3);
		if (this.young.isUsed[young] === 1) {
			return this.young.values[young];
		}

		const old = this.old.find(word0, word1, word2, word3);
		return this.old.isUsed[old] === 1 ? this.old.values[old] : undefined;
	}

	has(word0: number, word1: number, word2: number, word3: number): boolean {
		return this.young.isUsed[this.young.find(word0, word1, word2, word3)] === 1 || this.old.isUsed[this.old.find(word0, word1, word2, word3)] === 1;
	}

	/** Adds a key the caller knows is not in the young generation (as RecentMap.insertAbsent). */
	insertAbsent(word0: number, word1: number, word2: number, word3: number, value: Value): void {
		if (this.young.count >= this.generation) {
			const emptied = this.old;
			emptied.clear();
			this.old = this.young;
			this.young = emptied;
		}

		const slot = this.young.find(word0, word1, word2, word3);
		if (this.young.isUsed[slot] === 0) {
			this.young.insertAt(slot, word0, word1, word2, word3, value);
		} else {
			this.young.values[slot] = value;
		}
	}
}

/**
A set of keys of three 32-bit words (a port and two identities, say), kept in typed arrays: for a key looked
up for every flow, where nested Maps meant three hash look-ups and a Set per inner key. Open addressing with
linear probing, at most half full, doubling when it would be fuller; nothing is removed.
*/
export class WordTripleSet {
	private words: Uint32Array;
	private isUsed: Uint8Array;
	private mask: number;
	size = 0;

	constructor(initialSlots = 8) {
		let slots = 2;
		while (slots < initialSlots) {
			slots *= 2;
		}

		this.mask = slots - 1;
		this.words = new Uint32Array(slots * 3);
		this.isUsed = new Uint8Array(slots);
	}

	/** Adds the key; whether it was not there before. Words are taken as unsigned 32-bit integers. */
	add(word0: number, word1: number, word2: number): boolean {
		const first = word0 >>> 0;
		const second = word1 >>> 0;
		const third = word2 >>> 0;
		let slot = this.find(first, second, third);
		if (this.isUsed[slot] === 1) {
			return false;
		}

		if ((this.size + 1) * 2 > this.mask + 1) {
			this.grow();
			slot = this.find(first, second, third);
		}

		const at = slot * 3;
		this.words[at] = first;
		this.words[at + 1] = second;
		this.words[at + 2] = third;
		this.isUsed[slot] = 1;
		this.size++;
		return true;
	}

	has(word0: number, word1: number, word2: number): boolean {
		return this.isUsed[this.find(word0 >>> 0, word1 >>> 0, word2 >>> 0)] === 1;
	}

	/** The slot holding the key, or the free slot where it would go. */
	private find(word0: number, word1: number, word2: number): number {
		// Mixes every word: ports and identities are small and close to each other.
		let hash = Math.imul(word0 ^ Math.imul(word1, 0x9e_37_79_b1) ^ Math.imul(word2, 0x85_eb_ca_77), 0x27_d4_eb_2f);
		hash ^= hash >>> 15;
		let slot = hash & this.mask;
		while (this.isUsed[slot] === 1) {
			const at = slot * 3;
			if (this.words[at] === word0 && this.words[at + 1] === word1 && this.words[at + 2] === word2) {
				return slot;
			}

			slot = (slot + 1) & this.mask;
		}

		return slot;
	}

	private grow(): void {
		const {words, isUsed} = this;
		const slots = (this.mask + 1) * 2;
		this.mask = slots - 1;
		this.words = new Uint32Array(slots * 3);
		this.isUsed = new Uint8Array(slots);
		for (let slot = 0; slot < isUsed.length; slot++) {
			if (isUsed[slot] === 1) {
				const at = slot * 3;
				const target = this.find(words[at]!, words[at + 1]!, words[at + 2]!);
				this.words.set(words.subarray(at, at + 3), target * 3);
				this.isUsed[target] = 1;
			}
		}
	}
}

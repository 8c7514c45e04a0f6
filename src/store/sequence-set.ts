/**
Sorted sets of flow sequence numbers: posting lists that grow at the end and shrink at the front (the
ring evicts its oldest flow first), and the merge operations a query needs. Entries are 32-bit offsets
from the indexes' base sequence (4 bytes per entry instead of 8: there are about twenty entries per
flow); the indexes re-base before an offset could overflow (src/store/flow-indexes.ts).
*/

export class PostingList {
	private items = new Uint32Array(8);
	private start = 0;
	private end = 0;

	get size(): number {
		return this.end - this.start;
	}

	/**
	Appends a sequence number larger than every one already held. With `oldest`, entries below it (flows
	the ring evicted since, dropped lazily: see FlowIndexes) go first when the list is full.
	*/
	push(sequence: number, oldest = 0): void {
		if (this.end === this.items.length) {
			this.dropBefore(oldest);
			// Compact in place while a quarter has drained from the front; grow when it has not; shrink when
			// three quarters are free. (Compacting only when half had drained, a list whose size hovered about
			// half its length doubled and never came back: the ring's lists held 2.9 times their entries.)
			// A compaction moves at most three entries per push made since the last one.
			const size = this.size;
			const length = this.items.length;
			const nextLength = size * 4 > length * 3 ? length * 2 : size * 4 < length && length > 8 ? length / 2 : length;
			const next = nextLength === length ? this.items : new Uint32Array(nextLength);
			if (next === this.items) {
				next.copyWithin(0, this.start, this.end);
			} else {
				next.set(this.items.subarray(this.start, this.end));
			}

			this.items = next;
			this.start = 0;
			this.end = size;
		}

		this.items[this.end++] = sequence;
	}

	/** Drops every entry below `oldest`. */
	dropBefore(oldest: number): void {
		if (this.end > this.start && this.items[this.start]! < oldest) {
			this.start = lowerBound(this.items.subarray(0, this.end), oldest, this.start);
		}
	}

	/** Drops `sequence` if it is the oldest entry (the ring evicts in order). */
	evict(sequence: number): void {
		if (this.end > this.start && this.items[this.start] === sequence) {
			this.start++;
		}
	}

	/** A view of the entries, oldest first. Valid until the next push or evict. */
	view(): Uint32Array {
		return this.items.subarray(this.start, this.end);
	}
}

/** The intersection of sorted sets, smallest first, galloping through the larger ones. */
export function intersect(sets: readonly Uint32Array[]): Uint32Array {
	if (sets.length === 0) {
		return new Uint32Array(0);
	}

	const ordered = [...sets].sort((a, b) => a.length - b.length);
	let result = ordered[0]!;
	for (const other of ordered.slice(1)) {
		const next = new Uint32Array(Math.min(result.length, other.length));
		let count = 0;
		let low = 0;
		for (const value of result) {
			low = lowerBound(other, value, low);
			if (low === other.length) {
				break;
			}

			if (other[low] === value) {
				next[count++] = value;
			}
		}

		result = next.subarray(0, count);
		if (count === 0) {
			break;
		}
	}

	return result;
}

/** The union of sorted sets: merged two by two (a tree of linear merges, O(n log k) for k sets). */
export function union(sets: readonly Uint32Array[]): Uint32Array {
	let level = sets.filter(set => set.length > 0);
	if (level.length === 0) {
		return new Uint32Array(0);
	}

	while (level.length > 1) {
		const next: Uint32Array[] = [];
		for (let index = 0; index < level.length; index += 2) {
			next.push(index + 1 < level.length ? mergeTwo(level[index]!, level[index + 1]!) : level[index]!);
		}

		level = next;
	}

	return level[0]!;
}

function mergeTwo(a: Uint32Array, b: Uint32Array): Uint32Array {
	const merged = new Uint32Array(a.length + b.length);
	let count = 0;
	let left = 0;
	let right = 0;
	while (left < a.length && right < b.length) {
		const x = a[left]!;
		const y = b[right]!;
		if (x < y) {
			merged[count++] = x;
			left++;
		} else if (y < x) {
			merged[count++] = y;
			right++;
		} else {
			merged[count++] = x;
			left++;
			right++;
		}
	}

	while (left < a.length) {
		merged[count++] = a[left++]!;
	}

	while (right < b.length) {
		merged[count++] = b[right++]!;
	}

	return merged.subarray(0, count);
}

/** `set` without the members of `removed`. */
export function difference(set: Uint32Array, removed: Uint32Array): Uint32Array {
	if (removed.length === 0) {
		return set;
	}

	const result = new Uint32Array(set.length);
	let count = 0;
	let low = 0;
	for (const value of set) {
		low = lowerBound(removed, value, low);
		if (removed[low] !== value) {
			result[count++] = value;
		}
	}

	return result.subarray(0, count);
}

/** The first index at or after `from` whose value is not below `value` (galloping, then binary search). */
function lowerBound(set: Uint32Array, value: number, from: number): number {
	let step = 1;
	let high = from;
	while (high < set.length && set[high]! < value) {
		from = high + 1;
		high += step;
		step *= 2;
	}

	high = Math.min(high, set.length);
	while (from < high) {
		const middle = (from + high) >>> 1;
		if (set[middle]! < value) {
			from = middle + 1;
		} else {
			high = middle;
		}
	}

	return from;
}

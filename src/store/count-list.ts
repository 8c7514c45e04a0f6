/**
Counts by key for the few keys a connection has (its one or two policies, a drop reason, a handful of
requests): the first in fields, the others in one flat array of key and count. A Map per connection side, drop
reasons and requests cost about 180 bytes each even empty, the better part of a connection's memory when
100,000 connections are kept.
*/
export class CountList implements Iterable<[string, number]> {
	// The first key in fields of its own (most lists hold one: a side's one policy), the others in one flat
	// array of key, count, key, count… made when the second arrives.
	private firstKey: string | undefined;
	private firstCount = 0;
	private rest: Array<string | number> | undefined;

	constructor(entries?: Iterable<[string, number]>) {
		for (const [key, count] of entries ?? []) {
			this.add(key, count);
		}
	}

	get size(): number {
		return this.firstKey === undefined ? 0 : 1 + (this.rest?.length ?? 0) / 2;
	}

	/** Adds `count` to `key`; a new key only while fewer than `bound` are kept (then false). */
	add(key: string, count = 1, bound = Number.POSITIVE_INFINITY): boolean {
		if (this.firstKey === key) {
			this.firstCount += count;
			return true;
		}

		const rest = this.rest ?? [];
		for (let index = 0; index < rest.length; index += 2) {
			if (rest[index] === key) {
				rest[index + 1] = (rest[index + 1] as number) + count;
				return true;
			}
		}

		if (this.size >= bound) {
			return false;
		}

		if (this.firstKey === undefined) {
			this.firstKey = key;
			this.firstCount = count;
			return true;
		}

		// A new array of just the length (concat makes one; a pushed-to or spread array reserves 17 slots, which
		// was most of a connection's memory).
		this.rest = rest.concat(key, count);
		return true;
	}

	get(key: string): number | undefined {
		for (const [each, count] of this) {
			if (each === key) {
				return count;
			}
		}

		return undefined;
	}

	has(key: string): boolean {
		return this.get(key) !== undefined;
	}

	*keys(): IterableIterator<string> {
		for (const [key] of this) {
			yield key;
		}
	}

	*[Symbol.iterator](): IterableIterator<[string, number]> {
		if (this.firstKey === undefined) {
			return;
		}

		yield [this.firstKey, this.firstCount];
		const rest = this.rest ?? [];
		for (let index = 0; index < rest.length; index += 2) {
			yield [rest[index] as string, rest[index + 1] as number];
		}
	}
}

/**
A connection side's outcomes and the policies credited with them in one object (a side is a count list of
its policies with four counters): a separate object per side and per list cost another 60 bytes a
connection.
*/
export class SideCounts extends CountList {
	allowed = 0;
	denied = 0;
	audited = 0;
	l7Denied = 0;

	/** Policy (`namespace/name`, or `(default deny)` / `(unattributed)`) → the verdicts credited to it. */
	get policies(): CountList {
		return this;
	}
}

/** The empty list most connections' drop reasons and requests are: shared, replaced by a list of their own on the first count. */
export const noCounts: CountList = Object.freeze(new CountList()) as CountList;

/**
Counts by key for the few keys a connection has (its one or two policies, a drop reason, a handful of
requests): one flat array of key and count, made on the first count. A Map per connection side, drop
reasons and requests cost about 180 bytes each even empty, the better part of a connection's memory when
100,000 connections are kept.
*/
export class CountList implements Iterable<[string, number]> {
	/** Key, count, key, count… */
	private items: Array<string | number> | undefined;

	constructor(entries?: Iterable<[string, number]>) {
		for (const [key, count] of entries ?? []) {
			this.add(key, count);
		}
	}

	get size(): number {
		return (this.items?.length ?? 0) / 2;
	}

	/** Adds `count` to `key`; a new key only while fewer than `bound` are kept (then false). */
	add(key: string, count = 1, bound = Number.POSITIVE_INFINITY): boolean {
		const items = this.items ?? [];
		for (let index = 0; index < items.length; index += 2) {
			if (items[index] === key) {
				items[index + 1] = (items[index + 1] as number) + count;
				return true;
			}
		}

		if (items.length / 2 >= bound) {
			return false;
		}

		// A new array of just the length (concat makes one; a pushed-to or spread array reserves 17 slots, which
		// was most of a connection's memory).
		this.items = items.concat(key, count);
		return true;
	}

	get(key: string): number | undefined {
		const items = this.items ?? [];
		for (let index = 0; index < items.length; index += 2) {
			if (items[index] === key) {
				return items[index + 1] as number;
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
		const items = this.items ?? [];
		for (let index = 0; index < items.length; index += 2) {
			yield [items[index] as string, items[index + 1] as number];
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

/** The bounded map of recent entries keeps what was used last and forgets the oldest in bulk. */
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {RecentMap} from '../../src/flow/recent-map.js';

describe('a map of recent entries', () => {
	test('holds between half its capacity and its capacity, and forgets the oldest first', () => {
		const map = new RecentMap<number, string>(10);
		for (let key = 0; key < 100; key++) {
			map.set(key, String(key));
			expect(map.size).toBeLessThanOrEqual(10);
		}

		expect(map.size).toBeGreaterThanOrEqual(5);
		for (let key = 95; key < 100; key++) {
			expect(map.peek(key)).toBe(String(key));
		}

		expect(map.has(0)).toBe(false);
		expect(map.get(0)).toBeUndefined();
	});

	test('insertAbsent keeps the same bounds and order as set for new keys', () => {
		const bySet = new RecentMap<number, string>(10);
		const byInsert = new RecentMap<number, string>(10);
		for (let key = 0; key < 57; key++) {
			bySet.set(key, String(key));
			byInsert.insertAbsent(key, String(key));
			expect(byInsert.size).toBe(bySet.size);
		}

		expect([...byInsert.entries()]).toEqual([...bySet.entries()]);
		// A key that was there after all answers with either copy, and leaves with the older generation.
		byInsert.insertAbsent(56, 'again');
		expect(byInsert.has(56)).toBe(true);
		expect(['56', 'again']).toContain(byInsert.peek(56));
	});

	test('an entry read with get stays; one only peeked at ages out', () => {
		const map = new RecentMap<string, number>(4);
		map.set('kept', 1);
		map.set('peeked', 2);
		map.set('a', 3);
		map.set('b', 4);
		for (const key of ['c', 'd', 'e', 'f']) {
			expect(map.get('kept')).toBe(1);
			expect(map.peek('peeked') === undefined || map.peek('peeked') === 2).toBe(true);
			map.set(key, 0);
		}

		expect(map.get('kept')).toBe(1);
		expect(map.has('peeked')).toBe(false);
	});

	test('against an exact LRU: every key among the last capacity/2 used is there, with its latest value (property)', () => {
		fc.assert(
			fc.property(
				fc.integer({min: 2, max: 40}),
				fc.array(fc.tuple(fc.constantFrom('set', 'get'), fc.integer({min: 0, max: 60}), fc.integer()), {maxLength: 400}),
				(capacity, operations) => {
					const map = new RecentMap<number, number>(capacity);
					const values = new Map<number, number>();
					const recent: number[] = [];
					for (const [operation, key, value] of operations) {
						if (operation === 'set') {
							map.set(key, value);
							values.set(key, value);
						} else if (map.get(key) === undefined) {
							continue;
						}

						recent.push(key);
					}

					const mustHave = new Set<number>();
					for (let index = recent.length - 1; index >= 0 && mustHave.size < Math.floor(capacity / 2); index--) {
						mustHave.add(recent[index]!);
					}

					for (const key of mustHave) {
						expect(map.peek(key)).toBe(values.get(key));
					}

					expect(map.size).toBeLessThanOrEqual(capacity);
				},
			),
			{numRuns: 300},
		);
	});
});

/** The recent map on four-word keys: the recently used stay, nothing is found that was not put. */
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {RecentWordMap} from '../../src/flow/recent-word-map.js';

type Words = [number, number, number, number];
const key = (value: number): Words => [value % 3, 0x8000_0000 + (value % 5), value, 7];

describe('a recent map on four-word keys', () => {
	test('an entry read with get stays; one only peeked at ages out', () => {
		const map = new RecentWordMap<string>(4);
		map.insertAbsent(...key(1), 'kept');
		map.insertAbsent(...key(2), 'peeked');
		for (let value = 10; value < 30; value++) {
			expect(map.get(...key(1))).toBe('kept');
			map.peek(...key(2));
			map.insertAbsent(...key(value), 'other');
			expect(map.size).toBeLessThanOrEqual(4 + 1);
		}

		expect(map.get(...key(1))).toBe('kept');
		expect(map.peek(...key(2))).toBeUndefined();
		expect(map.has(...key(2))).toBe(false);
	});

	test('against an exact LRU: every key among the last capacity/2 used is there with its value, and no other key ever is (property)', () => {
		fc.assert(
			fc.property(
				fc.integer({min: 2, max: 40}),
				fc.array(fc.tuple(fc.constantFrom('put', 'get', 'peek'), fc.integer({min: 0, max: 60})), {maxLength: 400}),
				(capacity, operations) => {
					const map = new RecentWordMap<string>(capacity);
					const recent: number[] = [];
					for (const [operation, value] of operations) {
						const found = operation === 'peek' ? map.peek(...key(value)) : map.get(...key(value));
						// Values are their key's number: a lookup that finds another key's entry fails here.
						expect(found === undefined || found === String(value)).toBe(true);
						if (operation === 'put' && found === undefined) {
							map.insertAbsent(...key(value), String(value));
						}

						if (operation !== 'peek' && (found !== undefined || operation === 'put')) {
							recent.push(value);
						}
					}

					const mustHave = new Set<number>();
					for (let index = recent.length - 1; index >= 0 && mustHave.size < Math.floor(capacity / 2); index--) {
						mustHave.add(recent[index]!);
					}

					for (const value of mustHave) {
						expect(map.peek(...key(value))).toBe(String(value));
					}

					for (let value = 61; value < 70; value++) {
						expect(map.has(...key(value))).toBe(false);
					}
				},
			),
			{numRuns: 300},
		);
	});
});

import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {PostingList, difference, intersect, union} from '../../src/store/sequence-set.js';

const sortedSet = fc.uniqueArray(fc.integer({min: 0, max: 500}), {maxLength: 60}).map(values => Uint32Array.from(values.sort((a, b) => a - b)));

describe('sequence sets', () => {
	test('intersect, union and difference agree with Set arithmetic', () => {
		fc.assert(
			fc.property(sortedSet, sortedSet, sortedSet, (a, b, c) => {
				const asSet = (values: Uint32Array) => new Set(values);
				expect([...intersect([a, b, c])]).toEqual([...a].filter(value => asSet(b).has(value) && asSet(c).has(value)));
				expect([...union([a, b, c])]).toEqual([...new Set([...a, ...b, ...c])].sort((x, y) => x - y));
				expect([...difference(a, b)]).toEqual([...a].filter(value => !asSet(b).has(value)));
			}),
		);
	});

	test('a posting list grows at the end and drops evicted entries at the front', () => {
		const list = new PostingList();
		for (let sequence = 0; sequence < 100; sequence += 2) {
			list.push(sequence);
		}

		list.evict(1);
		expect(list.size).toBe(50);
		for (let sequence = 0; sequence < 60; sequence++) {
			list.evict(sequence);
		}

		expect([...list.view()].slice(0, 3)).toEqual([60, 62, 64]);
		for (let sequence = 100; sequence < 1000; sequence += 2) {
			list.push(sequence);
		}

		expect(list.size).toBe(470);
		expect(list.view().at(-1)).toBe(998);
	});

	test('a list sliding through the ring keeps at most about 2.7 times its entries, whatever size it hovers at', () => {
		for (const window of [100, 1000, 2045, 2049, 3000, 4095]) {
			const list = new PostingList();
			const capacity = () => (list as unknown as {items: Uint32Array}).items.length;
			// A key of about one flow in three of a ring of 3 × window flows, which evicts every flow in order.
			const ring = window * 3;
			const isMember = (sequence: number) => sequence % 3 === 0 || sequence % 101 === 1;
			let largest = 0;
			for (let sequence = 0; sequence < ring * 20; sequence++) {
				if (isMember(sequence)) {
					list.push(sequence);
				}

				list.evict(sequence - ring);
				if (sequence > ring * 2) {
					largest = Math.max(largest, capacity() / list.size);
				}
			}

			expect(list.size).toBeGreaterThanOrEqual(window);
			expect(largest).toBeLessThanOrEqual(2.7);
			const last = ring * 20 - 1;
			expect([...list.view()]).toEqual(Array.from({length: ring}, (_, index) => last - ring + 1 + index).filter(sequence => isMember(sequence)));
		}

		// A key that stops coming gives its room back as it is pushed again.
		const list = new PostingList();
		for (let sequence = 0; sequence < 40_000; sequence++) {
			list.push(sequence);
		}

		for (let sequence = 0; sequence < 39_990; sequence++) {
			list.evict(sequence);
		}

		for (let sequence = 40_000; sequence < 40_000 + 131_072; sequence++) {
			list.push(sequence);
			list.evict(sequence - 10);
		}

		expect((list as unknown as {items: Uint32Array}).items.length).toBeLessThanOrEqual(64);
	});
});

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
});

import fc from 'fast-check';
import {expect, test} from 'vitest';
import {WordTripleSet} from '../../src/flow/word-triple-set.js';

test('adds and finds keys as a Set of their text does, through many doublings', () => {
	const word = fc.oneof(fc.integer({min: 0, max: 70_000}), fc.constantFrom(0, 1, 0xff_ff_ff_ff, 16_777_217));
	fc.assert(
		fc.property(fc.array(fc.tuple(word, word, word), {maxLength: 600}), keys => {
			const set = new WordTripleSet(2);
			const expected = new Set<string>();
			for (const [first, second, third] of keys) {
				const text = `${first},${second},${third}`;
				expect(set.add(first, second, third)).toBe(!expected.has(text));
				expected.add(text);
			}

			expect(set.size).toBe(expected.size);
			for (const [first, second, third] of keys) {
				expect(set.has(first, second, third)).toBe(true);
				// The same words in another order are another key.
				expect(set.has(third, first, second)).toBe(expected.has(`${third},${first},${second}`));
			}
		}),
		{numRuns: 200},
	);
});

test('words are unsigned 32-bit: -1 and 4294967295 are one word', () => {
	const set = new WordTripleSet();
	expect(set.add(-1, 2, 3)).toBe(true);
	expect(set.add(0xff_ff_ff_ff, 2, 3)).toBe(false);
	expect(set.has(80, 2, 3)).toBe(false);
});

/** Values remembered by the bytes they were decoded from: equal bytes find them, any difference does not. */
import fc from 'fast-check';
import {expect, test} from 'vitest';
import {ByteMemo} from '../../src/stream/byte-memo.js';

test('runs equal at both ends but different in the middle are told apart; equal runs at any offset are found', () => {
	fc.assert(
		fc.property(fc.uint8Array({minLength: 1, maxLength: 200}), fc.nat(), fc.nat(), (run, at, change) => {
			const memo = new ByteMemo<string>();
			expect(memo.get(run, 0, run.length)).toBeUndefined();
			memo.set(run, 0, run.length, 'first');
			const padded = new Uint8Array(run.length + 30);
			const offset = at % 30;
			padded.set(run, offset);
			expect(memo.get(padded, offset, offset + run.length)).toBe('first');
			// One byte changed anywhere (the middle of a long run is not in its key): not found.
			const changed = run.slice();
			const index = change % run.length;
			changed[index] = changed[index]! ^ 0x40;
			expect(memo.get(changed, 0, changed.length)).toBeUndefined();
			memo.set(changed, 0, changed.length, 'second');
			expect(memo.get(changed, 0, changed.length)).toBe('second');
			expect(memo.get(run, 0, run.length)).toBe('first');
			// Shorter by one byte: not found.
			expect(memo.get(run, 0, run.length - 1)).toBeUndefined();
		}),
		{numRuns: 300},
	);
});

test('keeps a copy of the bytes, and starts over past its bound', () => {
	const memo = new ByteMemo<number>(100);
	const chunk = Buffer.alloc(4096, 1);
	memo.set(chunk, 100, 200, 7);
	// The chunk is reused for other flows: the remembered bytes are not.
	chunk.fill(2);
	expect(memo.get(Buffer.alloc(100, 1), 0, 100)).toBe(7);
	for (let index = 0; index < 150; index++) {
		const run = Buffer.from(`endpoint-${index}`);
		memo.get(run, 0, run.length);
		memo.set(run, 0, run.length, index);
	}

	const last = Buffer.from('endpoint-149');
	expect(memo.get(last, 0, last.length)).toBe(149);
	expect((memo as unknown as {size: number}).size).toBeLessThanOrEqual(100);
});

/** The ring's shared parts: equal bytes share one copy, bytes that differ anywhere never do. */
import fc from 'fast-check';
import {expect, test} from 'vitest';
import {PartInterner} from '../../src/store/part-interner.js';

test('equal bytes at any offset share a part; a difference in any byte or in length makes another', () => {
	fc.assert(
		fc.property(fc.uint8Array({minLength: 1, maxLength: 600}), fc.nat(), fc.nat(), (part, at, change) => {
			const interner = new PartInterner();
			const padded = new Uint8Array(part.length + 20);
			const offset = at % 20;
			padded.set(part, offset);
			const id = interner.intern(7, part);
			expect(interner.intern(7, padded, offset, offset + part.length)).toBe(id);
			expect(interner.get(id)).toEqual(part);

			const changed = part.slice();
			const index = change % part.length;
			changed[index] = changed[index]! ^ 1;
			expect(interner.intern(7, changed)).not.toBe(id);
			expect(interner.intern(7, part, 0, part.length - 1)).not.toBe(id);
			expect(interner.distinct).toBe(3);
		}),
		{numRuns: 300},
	);
});

test('a part lives as long as its references', () => {
	const interner = new PartInterner();
	const bytes = Uint8Array.of(1, 2, 3);
	const id = interner.intern(1, bytes);
	expect(interner.intern(1, bytes)).toBe(id);
	interner.release(id);
	expect(interner.get(id)).toEqual(bytes);
	interner.release(id);
	expect(interner.get(id)).toBeUndefined();
	expect(interner.heldBytes).toBe(0);
});

test('a part is a copy of its own: it keeps nothing of the buffer it came in alive', () => {
	// A flow arrives as a Buffer view into a large gRPC chunk, whose slice() is a view too.
	const chunk = Buffer.alloc(65_536, 7);
	const interner = new PartInterner();
	const id = interner.intern(1, chunk.subarray(1000, 3000), 100, 600);
	const part = interner.get(id)!;
	expect(part.length).toBe(500);
	expect(part.buffer).not.toBe(chunk.buffer);
	expect(part.buffer.byteLength).toBe(500);
	chunk.fill(9);
	expect(part.every(byte => byte === 7)).toBe(true);
});

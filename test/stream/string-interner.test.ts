import {describe, expect, test} from 'vitest';
import {StringInterner} from '../../src/stream/string-interner.js';

describe('StringInterner', () => {
	test('returns the decoded text, the same string for the same bytes at any offset', () => {
		const interner = new StringInterner();
		const buffer = Buffer.from('xxshop/frontend··shop/frontend');
		const first = interner.intern(buffer, 2, 15);
		const second = interner.intern(buffer, 19, 32);
		expect(first).toBe('shop/frontend');
		expect(second).toBe(first);
		expect(interner.intern(Buffer.from('ünïcode'), 0, Buffer.byteLength('ünïcode'))).toBe('ünïcode');
	});

	test('tells apart different bytes, even in one hash bucket', () => {
		const interner = new StringInterner();
		const values = Array.from({length: 5000}, (_, index) => `pod-${index}`);
		for (const value of values) {
			interner.intern(Buffer.from(value), 0, value.length);
		}

		for (const value of values) {
			expect(interner.intern(Buffer.from(value), 0, value.length)).toBe(value);
		}
	});

	test('keeps nothing of the buffer a string came in: its entry holds a copy of the bytes', () => {
		const interner = new StringInterner();
		// A flow's bytes are a Buffer view into the large gRPC chunk they arrived in.
		const chunk = Buffer.alloc(65_536, 0x61);
		chunk.write('shop/frontend', 1000, 'latin1');
		expect(interner.intern(chunk.subarray(900, 2000), 100, 113)).toBe('shop/frontend');
		const [entry] = [...(interner as unknown as {buckets: Map<number, {bytes: Uint8Array}>}).buckets.values()];
		expect(entry!.bytes.buffer).not.toBe(chunk.buffer);
		expect(entry!.bytes.buffer.byteLength).toBe(13);
		// The chunk is reused for the next flows: the entry still finds the same text.
		chunk.fill(0x62, 1000, 1013);
		expect(interner.intern(Buffer.from('shop/frontend'), 0, 13)).toBe('shop/frontend');
	});

	test('keeps working past its size bound', () => {
		const interner = new StringInterner();
		for (let index = 0; index < 70_000; index++) {
			const value = `uuid-${index}`;
			expect(interner.intern(Buffer.from(value), 0, value.length)).toBe(value);
		}
	});
});

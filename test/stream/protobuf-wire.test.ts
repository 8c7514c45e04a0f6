import {describe, expect, test} from 'vitest';
import protobuf from '../../src/stream/protobuf-runtime.js';
import {varintBytes, varintLength, writePaddedVarint} from '../../src/stream/protobuf-wire.js';

describe('varints', () => {
	test.each([0, 1, 127, 128, 16_383, 16_384, 65_535, 999_999_999, 1_799_999_999, 2 ** 35 - 1])('%d padded to 5 bytes reads back as itself', value => {
		const bytes = new Uint8Array(6).fill(0xee);
		writePaddedVarint(bytes, 0, value, 5);
		// Exactly the width: the byte after it is untouched.
		expect(bytes[5]).toBe(0xee);
		expect(protobuf.Reader.create(bytes.subarray(0, 5)).uint64().toString()).toBe(String(value));
		expect(varintBytes(value)).toHaveLength(varintLength(value));
	});
});

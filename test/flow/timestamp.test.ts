import {describe, expect, test} from 'vitest';
import {formatStampMilli, formatTimestamp, parseTimestamp} from '../../src/flow/timestamp.js';

describe('timestamps', () => {
	test('StampMilli pads the day with a space and truncates to milliseconds, in UTC', () => {
		expect(formatStampMilli('2021-10-04T11:22:26.592999999Z')).toBe('Oct  4 11:22:26.592');
		expect(formatStampMilli('2025-01-15T12:00:00.5+02:00')).toBe('Jan 15 10:00:00.500');
	});

	test('an absent or invalid time prints N/A, as hubble prints an invalid timestamp', () => {
		expect(formatStampMilli(undefined)).toBe('N/A');
		expect(formatStampMilli('2021-02-30T00:00:00Z')).toBe('N/A');
	});

	test('RFC 3339 round trip keeps nanoseconds', () => {
		const instant = parseTimestamp('2021-11-10T10:40:56.465597700Z');
		expect(instant).toEqual({seconds: 1_636_540_856, nanos: 465_597_700});
		expect(formatTimestamp(instant!)).toBe('2021-11-10T10:40:56.465597700Z');
	});

	test('nanoseconds of a second or more carry into the seconds (the demo relay wrote 10:00:01.1000000468Z)', () => {
		expect(formatTimestamp({seconds: 1_636_540_856, nanos: 1_000_000_468})).toBe('2021-11-10T10:40:57.000000468Z');
		expect(parseTimestamp(formatTimestamp({seconds: 1_636_540_856, nanos: 1_000_000_468}))).toBeDefined();
	});

	test('times outside google.protobuf.Timestamp\'s range are rejected', () => {
		expect(parseTimestamp('0000-12-31T23:59:59Z')).toBeUndefined();
		expect(parseTimestamp('0001-01-01T00:00:00Z')).toEqual({seconds: -62_135_596_800, nanos: 0});
	});
});

import {describe, expect, test} from 'vitest';
import {parseGoDuration} from '../../src/filters/time-bound.js';

describe('parseGoDuration', () => {
	// Go's time.ParseDuration: both micro signs, U+00B5 and U+03BC, mean microseconds.
	test.each([
		['1h30m', 5_400_000],
		['1.5s', 1500],
		['250ms', 250],
		['-2m', -120_000],
		['0', 0],
		['1500us', 1.5],
		['1500\u00B5s', 1.5],
		['1500\u03BCs', 1.5],
		['2000000ns', 2],
	])('%s is %d ms', (text, milliseconds) => {
		expect(parseGoDuration(text)).toBeCloseTo(milliseconds, 9);
	});

	test.each(['', '5', '1d', 'ms', '1 h'])('%j is not a duration', text => {
		expect(parseGoDuration(text)).toBeUndefined();
	});
});

import {describe, expect, test} from 'vitest';
import {reconnectDelay} from '../../src/stream/flow-subscription.js';

describe('reconnect backoff', () => {
	const options = (random: number) => ({initialMilliseconds: 250, maximumMilliseconds: 30_000, random: () => random});

	test('doubles per attempt and is capped at the maximum', () => {
		expect(Array.from({length: 10}, (_, attempt) => reconnectDelay(attempt, options(1)))).toEqual([
			250, 500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
		]);
	});

	test('jitters between half and all of the backoff', () => {
		expect(reconnectDelay(3, options(0))).toBe(1000);
		expect(reconnectDelay(3, options(0.5))).toBe(1500);
		expect(reconnectDelay(20, options(0))).toBe(15_000);
	});
});

import {describe, expect, test} from 'vitest';
import {combineSourceStatuses, type SourcePart} from '../../src/store/source-status.js';

const part = (label: string, change: Partial<SourcePart> = {}): SourcePart => ({label, state: 'connected', reconnects: 0, flowsPerSecond: 0, lost: 0, ...change});

describe('combineSourceStatuses', () => {
	test('a segment per relay; the whole is connected while any relay is', () => {
		const status = combineSourceStatuses([
			part('east:4245', {flowsPerSecond: 1200, nodes: {connected: 3, unavailable: 0, total: 3}}),
			part('west:4245', {state: 'reconnecting', reconnects: 2, message: 'UNAVAILABLE: connection refused', lost: 5}),
		]);
		expect(status.label).toBe('east:4245 connected 3/3 nodes 1,200/s · west:4245 reconnecting lost 5');
		expect(status.state).toBe('connected');
		expect(status.reconnects).toBe(2);
		expect(status.message).toBe('west:4245: UNAVAILABLE: connection refused');
		expect(status.nodes).toEqual({connected: 3, unavailable: 0, total: 3});
	});

	test('every relay failed: failed; some failed and none connected: reconnecting; all ended: ended', () => {
		expect(combineSourceStatuses([part('a', {state: 'failed', message: 'x'}), part('b', {state: 'failed'})]).state).toBe('failed');
		expect(combineSourceStatuses([part('a', {state: 'failed'}), part('b', {state: 'connecting'})]).state).toBe('reconnecting');
		expect(combineSourceStatuses([part('a', {state: 'ended'}), part('b', {state: 'ended'})]).state).toBe('ended');
		expect(combineSourceStatuses([part('a', {state: 'connecting'}), part('b', {state: 'connecting'})]).state).toBe('connecting');
	});
});

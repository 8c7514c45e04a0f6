import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import type {GetFlowsResponse} from '../../src/flow/flow.js';
import {FlowMerge} from '../../src/stream/flow-merge.js';
import {makeFlow, response} from '../fixtures/flows.js';

const start = Date.parse('2026-11-22T10:00:00Z');

function flowAt(index: number): GetFlowsResponse {
	return response(makeFlow({uuid: `uuid-${index}`, time: new Date(start + index).toISOString()}));
}

describe('FlowMerge', () => {
	test('two sources with a shared part: each flow once, in time order, whatever the interleaving (property)', () => {
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.nat(199), fc.constantFrom('a', 'b', 'both'), fc.nat(40)), {minLength: 1, maxLength: 150}), items => {
				const out: GetFlowsResponse[] = [];
				const merge = new FlowMerge(item => out.push(item), 100);
				// Each source sends its flows in time order, each arriving up to 40 ms after its time.
				const arrivals = items.flatMap(([index, source, delay]) => (source === 'both' ? ['a', 'b'] : [source]).map(from => ({from, index, at: index + delay + (from === 'b' ? 7 : 0)})));
				arrivals.sort((x, y) => x.at - y.at);
				for (const arrival of arrivals) {
					merge.flush(arrival.at);
					merge.push(flowAt(arrival.index), arrival.at);
				}

				merge.end();
				const uuids = out.map(item => item.flow!.uuid!);
				expect(new Set(uuids).size).toBe(uuids.length);
				expect(new Set(uuids)).toEqual(new Set(items.map(([index]) => `uuid-${index}`)));
				const times = out.map(item => Date.parse(item.time!));
				expect(times).toEqual([...times].sort((x, y) => x - y));
				expect(merge.duplicatesDropped).toBe(arrivals.length - out.length);
			}),
			{numRuns: 200},
		);
	});

	test('a response waits the window, then leaves; lost events are never de-duplicated', () => {
		const out: GetFlowsResponse[] = [];
		const merge = new FlowMerge(item => out.push(item), 100);
		merge.push(flowAt(5), 1000);
		merge.flush(1050);
		expect(out).toHaveLength(0);
		merge.flush(1100);
		expect(out.map(item => item.flow!.uuid)).toEqual(['uuid-5']);
		const lost = {lost_events: {source: 'HUBBLE_RING_BUFFER' as const, num_events_lost: '3'}, time: new Date(start + 9).toISOString()};
		merge.push(lost, 2000);
		merge.push(lost, 2001);
		merge.end();
		expect(out.filter(item => item.lost_events)).toHaveLength(2);
	});
});

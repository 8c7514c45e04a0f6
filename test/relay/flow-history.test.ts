import {describe, expect, test} from 'vitest';
import type {GetFlowsResponse} from '../../src/flow/flow.js';
import {parseTimestamp} from '../../src/flow/timestamp.js';
import {FlowHistory} from '../../src/relay/flow-history.js';
import {makeFlow, makePolicyVerdict} from '../fixtures/flows.js';

const at = (second: number) => `2026-11-22T10:00:${String(second).padStart(2, '0')}Z`;
const flowAt = (node: string, second: number, isVerdict = false): GetFlowsResponse => {
	const flow = (isVerdict ? makePolicyVerdict : makeFlow)({time: at(second), uuid: `${node}-${second}`, node_name: node});
	return {flow, node_name: node, time: at(second)};
};

function history(capacity = 4095): FlowHistory {
	const result = new FlowHistory(capacity);
	for (let second = 0; second < 10; second++) {
		result.add(flowAt('worker-1', second, second % 2 === 0));
		result.add(flowAt('worker-2', second, second % 2 === 1));
	}

	return result;
}

const uuids = (responses: GetFlowsResponse[]) => responses.map(response => response.flow?.uuid ?? 'lost');
const all = () => true;
const verdictsOnly = (response: GetFlowsResponse) => response.flow?.event_type?.type === 5;

describe('the demo relay history (hubble-api.md §2.5)', () => {
	test('number counts the last matching flows per node, merged in time order', () => {
		expect(uuids(history().read({predicate: verdictsOnly, number: 2, first: false}))).toEqual(['worker-2-7', 'worker-1-8', 'worker-2-9', 'worker-1-6'].sort((a, b) => Number(a.split('-')[2]) - Number(b.split('-')[2])));
	});

	test('number 0 without since reads everything', () => {
		expect(history().read({predicate: all, number: 0, first: false})).toHaveLength(20);
	});

	test('since takes precedence over number', () => {
		const since = parseTimestamp(at(7))!;
		expect(uuids(history().read({predicate: all, number: 1, first: false, since}))).toEqual(['worker-1-7', 'worker-2-7', 'worker-1-8', 'worker-2-8', 'worker-1-9', 'worker-2-9']);
	});

	test('first reads the oldest matching flows, until drops later ones', () => {
		expect(uuids(history().read({predicate: all, number: 2, first: true}))).toEqual(['worker-1-0', 'worker-2-0', 'worker-1-1', 'worker-2-1']);
		const until = parseTimestamp(at(1))!;
		expect(uuids(history().read({predicate: all, number: 0, first: false, until}))).toEqual(['worker-1-0', 'worker-2-0', 'worker-1-1', 'worker-2-1']);
	});

	test('lost events ignore filters and are not counted', () => {
		const withLost = history();
		withLost.add({lost_events: {source: 'PERF_EVENT_RING_BUFFER', num_events_lost: '3'}, node_name: 'worker-1', time: at(9)});
		const read = withLost.read({predicate: verdictsOnly, number: 1, first: false});
		expect(uuids(read)).toContain('lost');
		expect(read.filter(response => response.flow)).toHaveLength(2);
	});

	test('each node keeps a bounded ring; seen flows count everything', () => {
		const small = history(3);
		expect(small.flowCount).toBe(6);
		expect(small.seenFlows).toBe(20);
		expect(uuids(small.read({predicate: all, number: 0, first: false}))).toEqual(['worker-1-7', 'worker-2-7', 'worker-1-8', 'worker-2-8', 'worker-1-9', 'worker-2-9']);
	});
});

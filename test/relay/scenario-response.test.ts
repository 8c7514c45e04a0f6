import {describe, expect, test} from 'vitest';
import type {GetFlowsResponse} from '../../src/flow/flow.js';
import {Connection, flowOf} from '../../src/relay/flow-builder.js';
import {hasFlow, ScenarioResponse} from '../../src/relay/scenario-response.js';

const connection = new Connection({
	source: {endpoint: {identity: 1001, labels: ['k8s:app=client']}, ip: '10.0.0.1', node: 'cluster1/worker-1'},
	destination: {endpoint: {identity: 1002, labels: ['k8s:app=server']}, ip: '10.0.0.2', node: 'cluster1/worker-2'},
	protocol: 'TCP',
	sourcePort: 41_000,
	destinationPort: 80,
});
const uuid = '0b5c8a1e-3f0d-4c7b-9a2e-6d1f4e8b7c3a';

describe('ScenarioResponse', () => {
	test('reads as the plain response it stands for, in JSON too', () => {
		const roundFlow = connection.trace('to-endpoint', false, 'INGRESS');
		const response = new ScenarioResponse(roundFlow.shape, 'cluster1/worker-2', 1_795_000_000, 123_456_789, uuid, roundFlow.clientPort);
		const time = '2026-11-18T11:06:40.123456789Z';
		const plain: GetFlowsResponse = {flow: {time, uuid, ...flowOf(roundFlow), node_name: 'cluster1/worker-2'}, node_name: 'cluster1/worker-2', time};
		expect(response.time).toBe(time);
		expect(response.flow).toEqual(plain.flow);
		expect(response.flow).toBe(response.flow);
		expect(JSON.parse(JSON.stringify(response))).toEqual(plain);
	});

	test('responses compare equal only when their values are', () => {
		const {shape} = connection.trace('to-endpoint', false, 'INGRESS');
		const make = (clientPort: number) => new ScenarioResponse(shape, 'cluster1/worker-2', 1_795_000_000, 1, uuid, clientPort);
		expect(make(41_000)).toEqual(make(41_000));
		expect(make(41_000)).not.toEqual(make(41_001));
	});

	test('hasFlow tells flows from other responses', () => {
		const {shape} = connection.drop('INGRESS');
		expect(hasFlow(new ScenarioResponse(shape, 'n', 1_795_000_000, 0, uuid, 1))).toBe(true);
		expect(hasFlow({flow: {verdict: 'FORWARDED'}})).toBe(true);
		expect(hasFlow({lost_events: {source: 'HUBBLE_RING_BUFFER', num_events_lost: '3'}})).toBe(false);
	});
});

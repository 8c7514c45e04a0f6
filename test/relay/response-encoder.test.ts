import {createReadStream} from 'node:fs';
import {describe, expect, test} from 'vitest';
import type {GetFlowsResponse} from '../../src/flow/flow.js';
import {ReplaySource} from '../../src/relay/replay-source.js';
import {ResponseEncoder} from '../../src/relay/response-encoder.js';
import {ScenarioFeed} from '../../src/relay/scenario-feed.js';
import {starWarsScenario} from '../../src/relay/scenarios/starwars.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';
import {SeededRandom} from '../../src/relay/random.js';
import {decodeMessage, encodeMessage} from '../../src/stream/binary-codec.js';
import {decodeFlowRecord} from '../../src/stream/flow-record-decoder.js';
import {hubbleSchema} from '../../src/stream/hubble-schema.js';
import {readCapture} from '../../src/stream/jsonpb-reader.js';
import {captureNames, capturePath, lostEventsCapture} from '../helpers/real-flows.js';

const type = hubbleSchema().getFlowsResponse;
const start = Date.parse('2026-11-22T10:00:00Z');

function scenarioResponses(scenario = zeroTrustScenario): GetFlowsResponse[] {
	const feed = new ScenarioFeed(scenario, {seed: 5, rate: 200, stageSeconds: 4, startMilliseconds: start, lostEvery: 97});
	return feed.until(start + 4000 * scenario.stages.length);
}

describe('ResponseEncoder', () => {
	// Thousands of flows decoded twice each: seconds on a busy machine, more than vitest's default 5 s.
	test.each([zeroTrustScenario, starWarsScenario])('encodes every $name flow to what the full encoder means, mostly from templates', scenario => {
		const encoder = new ResponseEncoder();
		const responses = scenarioResponses(scenario);
		// All encoded first: each flow's bytes are its own, whatever is encoded after them.
		const encoded = responses.map(response => encoder.encode(response));
		for (const [index, response] of responses.entries()) {
			const bytes = encoded[index]!;
			// The same message for protobufjs and for ztop's own decoder (padded varints read as their value).
			expect(decodeMessage(type, bytes)).toEqual(decodeMessage(type, encodeMessage(type, response)));
			expect(decodeFlowRecord(bytes)).toEqual(decodeFlowRecord(encodeMessage(type, response)));
		}

		expect(encoder.fromTemplate + encoder.encodedWhole).toBe(responses.length);
		expect(encoder.fromTemplate).toBeGreaterThan(responses.length * 0.8);
	}, 60_000);

	// Real captures (ICMP, TCP, UDP, DNS, HTTP; lost events and a node error), replayed twice over as live flows.
	test.each([...captureNames.map(name => capturePath(name)), lostEventsCapture])('replays %s to what the full encoder means, from the capture lines', async file => {
		const capture: GetFlowsResponse[] = [];
		for await (const response of readCapture(createReadStream(file), {onWarning: () => undefined})) {
			capture.push(response);
		}

		const source = new ReplaySource('capture', capture, {rate: 1000, loop: true, seed: 3, startMilliseconds: start});
		source.until(start);
		const replayed = source.until(start + 2 * capture.length);
		const encoder = new ResponseEncoder();
		const encoded = replayed.map(response => encoder.encode(response));
		for (const [index, response] of replayed.entries()) {
			expect(decodeMessage(type, encoded[index]!)).toEqual(decodeMessage(type, encodeMessage(type, response)));
		}

		const flows = replayed.filter(response => response.flow);
		expect(flows.length).toBeGreaterThan(capture.length);
		expect(new Set(flows.map(response => response.flow!.uuid)).size).toBe(flows.length);
		expect(encoder.fromTemplate).toBe(flows.length);
	}, 60_000);

	test('a template keeps no value of the flow it was made from', () => {
		const encoder = new ResponseEncoder();
		// A plain response, as a replayed capture's (a scenario's own responses are encoded from their shapes).
		const first = JSON.parse(JSON.stringify(scenarioResponses().find(response => response.flow?.l4?.TCP))) as GetFlowsResponse;
		const shape = (response: GetFlowsResponse, time: string, uuid: string, ports: [number, number]): GetFlowsResponse => ({
			...response,
			time,
			flow: {...response.flow!, time, uuid, l4: {TCP: {...response.flow!.l4!.TCP, source_port: ports[0], destination_port: ports[1]}}},
		});
		encoder.encode(shape(first!, '2026-11-22T10:00:00.000000001Z', new SeededRandom(1).uuid(), [40_000, 8080]));
		const later = shape(first!, '2031-01-02T03:04:05.999999999Z', new SeededRandom(2).uuid(), [1, 65_535]);
		expect(decodeMessage(type, encoder.encode(later))).toEqual(decodeMessage(type, encodeMessage(type, later)));
		// Both came from the one template the first made.
		expect(encoder.fromTemplate).toBe(2);
		expect(encoder.encodedWhole).toBe(0);
	});
});

describe('SeededRandom.uuid', () => {
	test('draws distinct version-4 UUIDs, the same for the same seed', () => {
		const random = new SeededRandom(9);
		const uuids = Array.from({length: 20_000}, () => random.uuid());
		for (const uuid of uuids) {
			expect(uuid).toMatch(/^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/);
		}

		expect(new Set(uuids).size).toBe(uuids.length);
		expect(new SeededRandom(9).uuid()).toBe(uuids[0]);
		// What the first formatting (toString(16) per 32-bit word, sliced) drew for seed 9: a seed keeps its flows.
		expect(uuids.slice(0, 2)).toEqual(['32dfe5fc-d9e8-4364-a44a-c898d25913e2', 'b94b3ec5-b059-4c07-8341-83e8eb615a9b']);
	});
});

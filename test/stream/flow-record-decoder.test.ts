/**
The partial decoder must agree with the full decode on every field it extracts: checked on every real
capture line and on a stretch of both demo scenarios (policies, L7, drops, replies, labels).
*/
import {describe, expect, test} from 'vitest';
import type {GetFlowsResponse} from '../../src/flow/flow.js';
import {newFlowRecord, type FlowRecord} from '../../src/flow/flow-record.js';
import {uuidText} from '../../src/flow/flow-uuid.js';
import {ScenarioFeed} from '../../src/relay/scenario-feed.js';
import {starWarsScenario} from '../../src/relay/scenarios/starwars.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';
import {encodeMessage} from '../../src/stream/binary-codec.js';
import {decodeFlowRecord} from '../../src/stream/flow-record-decoder.js';
import {hubbleSchema} from '../../src/stream/hubble-schema.js';
import {parseResponseLine} from '../../src/stream/jsonpb-reader.js';
import {captureLines, captureNames} from '../helpers/real-flows.js';
import {RecordLists, toFlowRecord, toLostEventsRecord} from '../../src/flow/to-flow-record.js';
import {dropReasonNames} from '../../src/flow/drop-reason.js';

const lists = new RecordLists();

const {getFlowsResponse} = hubbleSchema();

function check(responses: GetFlowsResponse[]): number {
	let checked = 0;
	// One record reused for every flow, as the TUI decodes: nothing of the flow before may stay in it.
	const reused = newFlowRecord();
	for (const response of responses) {
		if (!response.flow) {
			continue;
		}

		// toFlowRecord (tested on its own in test/flow/to-flow-record.test.ts) reads the full decode; the
		// wire decoder must produce the very same record.
		const expected = toFlowRecord(response, lists, dropReasonNames);
		const bytes = encodeMessage(getFlowsResponse, response);
		expect(decodeFlowRecord(bytes)).toEqual(expected);
		expect(decodeFlowRecord(bytes, reused)).toBe(reused);
		expect(reused).toEqual(expected);
		checked++;
	}

	return checked;
}

describe('the partial flow decoder', () => {
	test.each(captureNames)('agrees with the full decode on every flow of %s', name => {
		expect(check(captureLines(name).map(line => parseResponseLine(line)))).toBeGreaterThan(0);
	});

	test.each([zeroTrustScenario, starWarsScenario])('agrees with the full decode on the $name scenario', scenario => {
		const start = Date.parse('2026-11-22T10:00:00Z');
		const feed = new ScenarioFeed(scenario, {seed: 3, rate: 100, stageSeconds: 5, startMilliseconds: start, lostEvery: 50});
		const responses = feed.until(start + 5000 * scenario.stages.length);
		expect(check(responses)).toBeGreaterThan(1000);
	});

	test('agrees on times before 1970, at 2^53 and far ahead (int64 seconds read without Long)', () => {
		const responses = ['1969-07-20T20:17:40.5Z', '1900-01-01T00:00:00Z', '2262-04-11T23:47:16.854775807Z', '9999-12-31T23:59:59.999999999Z'].map(time => {
			const flow = parseResponseLine(captureLines(captureNames[0]!)[0]!)!;
			return {...flow, time, flow: {...flow.flow!, time}};
		});
		expect(check(responses)).toBe(4);
		const negative = decodeFlowRecord(encodeMessage(getFlowsResponse, responses[0]!));
		expect(negative).toMatchObject({kind: 'flow', timeSeconds: Date.parse('1969-07-20T20:17:40Z') / 1000});
	});

	test('a uuid: canonical ones in words, any other as its text, none as none, one after another in one record', () => {
		const first = parseResponseLine(captureLines(captureNames[0]!)[0]!)!;
		const uuids = ['c1f907d5-ec15-479b-9439-f65cb5e19e72', 'uuid-5', undefined, 'C1F907D5-EC15-479B-9439-F65CB5E19E72', '0123abcd-4567-89ab-cdef-0123456789ab', ''];
		const responses = uuids.map(uuid => ({...first, flow: {...first.flow!, uuid}}));
		expect(check(responses)).toBe(uuids.length);
		const records = responses.map(response => decodeFlowRecord(encodeMessage(getFlowsResponse, response)) as FlowRecord);
		expect(records.map(record => record.isUuidInWords)).toEqual([true, false, false, false, true, false]);
		expect(records.map(record => uuidText(record))).toEqual(uuids.map(uuid => uuid ?? ''));
		// A uuid field that claims 36 bytes where the message has 34 is not read past its end into words.
		const cut = Buffer.from([0x92, 0x02, 36, ...Buffer.from('c1f907d5-ec15-479b-9439-f65cb5e19e')]);
		const truncated = decodeFlowRecord(Buffer.from([0x0a, cut.length, ...cut])) as FlowRecord;
		expect(truncated.isUuidInWords).toBe(false);
		expect(uuidText(truncated)).toBe('c1f907d5-ec15-479b-9439-f65cb5e19e');
	});

	test('reads lost events and node status responses', () => {
		const lost = decodeFlowRecord(encodeMessage(getFlowsResponse, {lost_events: {source: 'HUBBLE_RING_BUFFER', num_events_lost: '42'}, node_name: 'n1'}));
		expect(lost).toEqual({kind: 'lost-events', lost: 42, source: 3, nodeName: 'n1'});
		// A capture's lost-events line gives the same record.
		expect(toLostEventsRecord({lost_events: {source: 'HUBBLE_RING_BUFFER', num_events_lost: '42'}, node_name: 'n1'})).toEqual(lost);
		const status = decodeFlowRecord(encodeMessage(getFlowsResponse, {node_status: {state_change: 'NODE_CONNECTED', node_names: ['a']}}));
		expect(status).toEqual({kind: 'node-status'});
	});

	test('policy lists are shared between flows, lists of several policies too', () => {
		const policy = (name: string) => ({name, namespace: 'shop', labels: [`k8s:io.cilium.k8s.policy.name=${name}`], revision: '3', kind: 'CiliumNetworkPolicy'});
		const verdict = (names: string[], port: number): GetFlowsResponse => ({
			flow: {verdict: 'FORWARDED', l4: {TCP: {source_port: port, destination_port: 80}}, event_type: {type: 5}, egress_allowed_by: names.map(name => policy(name))},
		});
		const decode = (response: GetFlowsResponse) => (decodeFlowRecord(encodeMessage(getFlowsResponse, response)) as FlowRecord).egressAllowedBy;
		const two = decode(verdict(['allow-a', 'baseline'], 40_001));
		expect(two.map(item => item.name)).toEqual(['allow-a', 'baseline']);
		// Another flow (another client port) naming the same policies gets the very same list.
		expect(decode(verdict(['allow-a', 'baseline'], 40_002))).toBe(two);
		expect(decode(verdict(['allow-a'], 40_003))).toBe(decode(verdict(['allow-a'], 40_004)));
		// Order and content still tell lists apart.
		expect(decode(verdict(['baseline', 'allow-a'], 40_005)).map(item => item.name)).toEqual(['baseline', 'allow-a']);
		expect(decode(verdict(['allow-a', 'baseline', 'allow-b'], 40_006)).map(item => item.name)).toEqual(['allow-a', 'baseline', 'allow-b']);
		expect(Object.isFrozen(two)).toBe(true);
	});
});

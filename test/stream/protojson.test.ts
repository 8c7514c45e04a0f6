import {describe, expect, test} from 'vitest';
import {hubbleSchema} from '../../src/stream/hubble-schema.js';
import {ProtoJsonError, lowerCamelCase, readMessage} from '../../src/stream/protojson.js';
import {captureLines, captureNames} from '../helpers/real-flows.js';

const {getFlowsResponse, flow: flowType} = hubbleSchema();

describe('protojson', () => {
	test.each(captureNames)('every line of %s re-serialises to itself, byte for byte', name => {
		for (const line of captureLines(name)) {
			expect(JSON.stringify(readMessage(getFlowsResponse, JSON.parse(line)))).toBe(line);
		}
	});

	test('lowerCamelCase input gives the proto-name output hubble writes', () => {
		const camel = {
			flow: {
				trafficDirection: 'EGRESS',
				isReply: false,
				policyMatchType: 2,
				dropReasonDesc: 'POLICY_DENIED',
				ingressAllowedBy: [{name: 'allow-dns', revision: 3}],
				l4: {UDP: {sourcePort: 5353, destinationPort: 53}},
			},
			nodeName: 'worker-1',
		};
		expect(JSON.stringify(readMessage(getFlowsResponse, camel))).toBe(
			'{"flow":{"l4":{"UDP":{"source_port":5353,"destination_port":53}},"traffic_direction":"EGRESS","policy_match_type":2,' +
				'"drop_reason_desc":"POLICY_DENIED","is_reply":false,"ingress_allowed_by":[{"name":"allow-dns","revision":"3"}]},"node_name":"worker-1"}',
		);
	});

	test('defaults are dropped, wrappers and message presence kept, enums accepted by number', () => {
		const message = readMessage(flowType, {
			verdict: 0,
			policy_match_type: 0,
			Summary: '',
			is_reply: false,
			event_type: {type: 0},
			traffic_direction: 2,
			socket_cookie: 42,
		});
		expect(message).toEqual({event_type: {}, traffic_direction: 'EGRESS', is_reply: false, socket_cookie: '42'});
	});

	test('64-bit integers become exact decimal strings', () => {
		expect(readMessage(flowType, {cgroup_id: '18446744073709551615'})).toEqual({cgroup_id: '18446744073709551615'});
		expect(() => readMessage(flowType, {cgroup_id: '18446744073709551616'})).toThrow(/out of range for uint64/);
	});

	test('timestamps are normalised to UTC with 0, 3, 6 or 9 fraction digits', () => {
		const times = ['2025-01-15T10:00:01.5Z', '2025-01-15T12:00:03+02:00', '2025-01-15T10:00:00.123456789Z', '2025-01-15T10:00:00.000001Z'];
		expect(times.map(time => readMessage(flowType, {time})['time'])).toEqual([
			'2025-01-15T10:00:01.500Z',
			'2025-01-15T10:00:03Z',
			'2025-01-15T10:00:00.123456789Z',
			'2025-01-15T10:00:00.000001Z',
		]);
	});

	test('unknown fields are reported and dropped', () => {
		const unknown: string[] = [];
		const message = readMessage(flowType, {verdict: 'FORWARDED', from_the_future: 1}, {onUnknownField: path => unknown.push(path)});
		expect(message).toEqual({verdict: 'FORWARDED'});
		expect(unknown).toEqual(['Flow.from_the_future']);
	});

	test.each([
		[{verdict: 'SOMETIMES'}, 'Flow.verdict: invalid value "SOMETIMES" for enum Verdict'],
		[{policy_match_type: -1}, 'Flow.policy_match_type: -1 is out of range for uint32'],
		[{time: 'yesterday'}, 'Flow.time: invalid RFC 3339 timestamp "yesterday"'],
		[{source_names: 'a.example.com'}, 'Flow.source_names: expected a JSON array'],
		[{l4: {TCP: {}, UDP: {}}}, 'Flow.l4.UDP: only one of TCP and UDP may be set (oneof protocol)'],
		[{source: {pod_name: 7}}, 'Flow.source.pod_name: expected a string, got 7'],
	])('%j is rejected with a path to the bad value', (value, message) => {
		expect(() => readMessage(flowType, value)).toThrow(ProtoJsonError);
		expect(() => readMessage(flowType, value)).toThrow(message);
	});

	test('json names follow protoc', () => {
		expect(['source_port', 'IP', 'ipVersion', 'ingress_allowed_by', 'is_reply'].map(name => lowerCamelCase(name))).toEqual([
			'sourcePort',
			'IP',
			'ipVersion',
			'ingressAllowedBy',
			'isReply',
		]);
	});
});

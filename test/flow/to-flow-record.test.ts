import {describe, expect, test} from 'vitest';
import {dropReasonNames} from '../../src/flow/drop-reason.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {backend, frontend, makeFlow, makeHttpRequest, makePolicy, makePolicyVerdict, response, world} from '../fixtures/flows.js';

const lists = new RecordLists();
const record = (flow: Parameters<typeof response>[0]) => toFlowRecord(response(flow), lists, dropReasonNames)!;

describe('toFlowRecord', () => {
	test('a trace event: numbers for enums, both endpoints, ports, shared label lists', () => {
		expect(record(makeFlow())).toMatchObject({
			kind: 'flow',
			timeSeconds: Date.parse('2026-11-22T10:00:00Z') / 1000,
			timeNanos: 123_456_789,
			nodeName: 'cluster1/worker-1',
			verdict: 1,
			eventType: 4,
			flowType: 1,
			trafficDirection: 1,
			isReply: 0,
			protocol: 'TCP',
			sourcePort: 43_512,
			destinationPort: 80,
			sourceNamespace: 'shop',
			sourcePodName: frontend.pod_name,
			destinationIdentity: backend.identity,
			destinationLabels: backend.labels,
			sourceWorkloads: [{name: 'frontend', kind: 'Deployment'}],
			l7Protocol: '',
		});
		expect(record(makeFlow()).sourceLabels).toBe(record(makeFlow()).sourceLabels);
	});

	test('a denied policy verdict: drop reason by number, is_reply unknown, policies per direction', () => {
		const denied = record(
			makePolicyVerdict({
				verdict: 'DROPPED',
				drop_reason_desc: 'POLICY_DENY',
				is_reply: undefined,
				traffic_direction: 'EGRESS',
				destination: world,
				egress_denied_by: [makePolicy('deny-world'), {labels: ['b:y', 'a:x']}],
			}),
		);
		expect(denied).toMatchObject({verdict: 2, dropReason: 181, isReply: -1, trafficDirection: 2, destinationIdentity: 2, policyMatchType: 2});
		expect(denied.egressDeniedBy).toEqual([
			{name: 'deny-world', namespace: 'shop', kind: 'CiliumNetworkPolicy'},
			{name: 'a:x,b:y', namespace: '', kind: ''},
		]);
		expect(denied.ingressAllowedBy).toEqual([]);
	});

	test('the policy lists of a capture\'s flows are shared, as the gRPC decoder shares them', () => {
		const lists = new RecordLists();
		const verdict = (port: number, names: string[]) =>
			toFlowRecord(response(makePolicyVerdict({l4: {TCP: {source_port: port, destination_port: 80}}, egress_allowed_by: names.map(name => makePolicy(name))})), lists, dropReasonNames)!.egressAllowedBy;
		const list = verdict(40_001, ['allow-a', 'baseline']);
		expect(verdict(40_002, ['allow-a', 'baseline'])).toBe(list);
		expect(list.map(item => item.name)).toEqual(['allow-a', 'baseline']);
		expect(verdict(40_003, ['baseline', 'allow-a'])).not.toBe(list);
	});

	test('an HTTP request keeps method, URL and the L7 protocol; non-flows have no record', () => {
		expect(record(makeHttpRequest())).toMatchObject({flowType: 2, l7Type: 1, l7Protocol: 'http', httpMethod: 'GET', httpUrl: 'http://backend.shop.svc.cluster.local/get'});
		expect(toFlowRecord({lost_events: {num_events_lost: '1'}}, lists, dropReasonNames)).toBeUndefined();
	});
});

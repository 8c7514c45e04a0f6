/**
The partial decoder must agree with the full decode on every field it extracts: checked on every real
capture line and on a stretch of both demo scenarios (policies, L7, drops, replies).
*/
import {describe, expect, test} from 'vitest';
import type {Endpoint, GetFlowsResponse, Policy} from '../../src/flow/flow.js';
import {parseTimestamp} from '../../src/flow/timestamp.js';
import {ScenarioFeed} from '../../src/relay/scenario-feed.js';
import {starWarsScenario} from '../../src/relay/scenarios/starwars.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';
import {encodeMessage} from '../../src/stream/binary-codec.js';
import {decodeFlowRecord} from '../../src/stream/flow-record-decoder.js';
import {hubbleSchema} from '../../src/stream/hubble-schema.js';
import {parseResponseLine} from '../../src/stream/jsonpb-reader.js';
import {captureLines, captureNames} from '../helpers/real-flows.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {dropReasonNames} from '../../src/flow/drop-reason.js';

const lists = new RecordLists();

const {root, getFlowsResponse} = hubbleSchema();
const enumNumber = (enumName: string, value: string | number | undefined) =>
	typeof value === 'number' ? value : value === undefined ? 0 : root.lookupEnum(enumName).values[value]!;

/** What the decoder should produce, computed from the full canonical decode. */
function expectedRecord(response: GetFlowsResponse) {
	const flow = response.flow!;
	const time = parseTimestamp(response.time ?? flow.time ?? '1970-01-01T00:00:00Z')!;
	const l4 = flow.l4 ?? {};
	const protocol = Object.keys(l4)[0] ?? '';
	const ports = l4.TCP ?? l4.UDP ?? l4.SCTP;
	const endpoint = (side: 'source' | 'destination', value: Endpoint | undefined) => ({
		[`${side}Namespace`]: value?.namespace ?? '',
		[`${side}PodName`]: value?.pod_name ?? '',
		[`${side}Identity`]: value?.identity ?? 0,
		[`${side}ClusterName`]: value?.cluster_name ?? '',
		[`${side}Labels`]: value?.labels ?? [],
		[`${side}Workloads`]: (value?.workloads ?? []).map(workload => ({name: workload.name ?? '', kind: workload.kind ?? ''})),
	});
	const policies = (list: Policy[] | undefined) =>
		(list ?? []).map(policy => ({name: policy.name || [...(policy.labels ?? [])].sort().join(','), namespace: policy.namespace ?? '', kind: policy.kind ?? ''}));
	return {
		kind: 'flow',
		timeSeconds: time.seconds,
		timeNanos: time.nanos,
		nodeName: flow.node_name || (response.node_name ?? ''),
		uuid: flow.uuid ?? '',
		verdict: enumNumber('flow.Verdict', flow.verdict),
		dropReason: enumNumber('flow.DropReason', flow.drop_reason_desc),
		eventType: flow.event_type?.type ?? 0,
		eventSubType: flow.event_type?.sub_type ?? 0,
		flowType: enumNumber('flow.FlowType', flow.Type),
		trafficDirection: enumNumber('flow.TrafficDirection', flow.traffic_direction),
		policyMatchType: flow.policy_match_type ?? 0,
		isReply: flow.is_reply === undefined ? -1 : flow.is_reply ? 1 : 0,
		sourceIp: flow.IP?.source ?? '',
		destinationIp: flow.IP?.destination ?? '',
		protocol,
		sourcePort: ports?.source_port ?? 0,
		destinationPort: ports?.destination_port ?? 0,
		...endpoint('source', flow.source),
		...endpoint('destination', flow.destination),
		sourceNames: flow.source_names ?? [],
		destinationNames: flow.destination_names ?? [],
		l7Type: enumNumber('flow.L7FlowType', flow.l7?.type),
		l7Protocol: flow.l7?.http ? 'http' : flow.l7?.dns ? 'dns' : flow.l7?.kafka ? 'kafka' : '',
		httpCode: flow.l7?.http?.code ?? 0,
		httpMethod: flow.l7?.http?.method ?? '',
		httpUrl: flow.l7?.http?.url ?? '',
		dnsQuery: flow.l7?.dns?.query ?? '',
		egressAllowedBy: policies(flow.egress_allowed_by),
		ingressAllowedBy: policies(flow.ingress_allowed_by),
		egressDeniedBy: policies(flow.egress_denied_by),
		ingressDeniedBy: policies(flow.ingress_denied_by),
	};
}

function check(responses: GetFlowsResponse[]): number {
	let checked = 0;
	for (const response of responses) {
		if (!response.flow) {
			continue;
		}

		const decoded = decodeFlowRecord(encodeMessage(getFlowsResponse, response));
		expect(decoded).toEqual(expectedRecord(response));
		// The store builds records from captures with toFlowRecord; both paths must agree.
		expect(toFlowRecord(response, lists, dropReasonNames)).toEqual(decoded);
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

	test('reads lost events and node status responses', () => {
		const lost = decodeFlowRecord(encodeMessage(getFlowsResponse, {lost_events: {source: 'HUBBLE_RING_BUFFER', num_events_lost: '42'}, node_name: 'n1'}));
		expect(lost).toEqual({kind: 'lost-events', lost: 42, source: 3, nodeName: 'n1'});
		const status = decodeFlowRecord(encodeMessage(getFlowsResponse, {node_status: {state_change: 'NODE_CONNECTED', node_names: ['a']}}));
		expect(status).toEqual({kind: 'node-status'});
	});
});

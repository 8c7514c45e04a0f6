/**
The FlowRecord of a canonical response (a capture line, or a fully decoded gRPC message): the same
record the hot-path decoder reads from the wire, so the store treats both sources alike.
*/
import {newFlowRecord, type FlowRecord, type LostEventsRecord, type PolicyRecord, type WorkloadRecord} from './flow-record.js';
import type {Endpoint, GetFlowsResponse, Policy} from './flow.js';
import {setUuid} from './flow-uuid.js';
import {SharedLists} from './shared-lists.js';
import {parseTimestamp} from './timestamp.js';

// The uuid fields of the record being made, read by setUuid (one record, so a flow allocates nothing for them).
const uuid = newFlowRecord();

const verdicts = ['VERDICT_UNKNOWN', 'FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED'];
const flowTypes = ['UNKNOWN_TYPE', 'L3_L4', 'L7', 'SOCK'];
const directions = ['TRAFFIC_DIRECTION_UNKNOWN', 'INGRESS', 'EGRESS'];
const l7Types = ['UNKNOWN_L7_TYPE', 'REQUEST', 'RESPONSE', 'SAMPLE'];

export type DropReasonNumbers = ReadonlyMap<string, number>;

/** Shares label, workload and name lists between records. */
export class RecordLists {
	readonly labels = new SharedLists<string>(label => label);
	readonly workloads = new SharedLists<WorkloadRecord>(workload => `${workload.kind}/${workload.name}`);
	readonly names = new SharedLists<string>(name => name);
	/** Policy lists (and so their records) shared between the flows that name the same policies, as the gRPC decoder shares them. */
	readonly policies = new SharedLists<PolicyRecord>(policy => `${policy.kind}/${policy.namespace}/${policy.name}`);
}

function enumNumber(names: readonly string[], value: string | number | undefined): number {
	if (value === undefined) {
		return 0;
	}

	return typeof value === 'number' ? value : Math.max(0, names.indexOf(value));
}

/** The `LostEventSource` enum of flow.proto, by number. */
export const lostEventSourceNames: readonly string[] = ['UNKNOWN_LOST_EVENT_SOURCE', 'PERF_EVENT_RING_BUFFER', 'OBSERVER_EVENTS_QUEUE', 'HUBBLE_RING_BUFFER'];

/** The record of a lost-events response (a capture line), as the hot-path decoder builds it from the wire. */
export function toLostEventsRecord(response: GetFlowsResponse): LostEventsRecord | undefined {
	const lost = response.lost_events;
	if (!lost) {
		return undefined;
	}

	return {
		kind: 'lost-events',
		lost: Number(lost.num_events_lost ?? 0),
		source: enumNumber(lostEventSourceNames, lost.source),
		nodeName: response.node_name ?? '',
	};
}

/** Undefined for responses that are not flows. */
export function toFlowRecord(response: GetFlowsResponse, lists: RecordLists, dropReasons: DropReasonNumbers): FlowRecord | undefined {
	const flow = response.flow;
	if (!flow) {
		return undefined;
	}

	const time = parseTimestamp(response.time ?? flow.time ?? '') ?? {seconds: 0, nanos: 0};
	const l4 = flow.l4 ?? {};
	const protocol = (Object.keys(l4)[0] as string | undefined) ?? '';
	const ports = l4.TCP ?? l4.UDP ?? l4.SCTP;
	const policies = (list: Policy[] | undefined): readonly PolicyRecord[] =>
		lists.policies.share(
			(list ?? []).map(policy => ({
				name: policy.name || [...(policy.labels ?? [])].sort().join(','),
				namespace: policy.namespace ?? '',
				kind: policy.kind ?? '',
			})),
		);
	const workloads = (endpoint: Endpoint | undefined) =>
		lists.workloads.share((endpoint?.workloads ?? []).map(workload => ({name: workload.name ?? '', kind: workload.kind ?? ''})));
	const dropReason = flow.drop_reason_desc;
	setUuid(uuid, flow.uuid ?? '');
	return {
		kind: 'flow',
		timeSeconds: time.seconds,
		timeNanos: time.nanos,
		nodeName: flow.node_name || (response.node_name ?? ''),
		isUuidInWords: uuid.isUuidInWords,
		uuidWord0: uuid.uuidWord0,
		uuidWord1: uuid.uuidWord1,
		uuidWord2: uuid.uuidWord2,
		uuidWord3: uuid.uuidWord3,
		uuid: uuid.uuid,
		verdict: enumNumber(verdicts, flow.verdict),
		dropReason: typeof dropReason === 'number' ? dropReason : dropReason === undefined ? 0 : (dropReasons.get(dropReason) ?? 0),
		eventType: flow.event_type?.type ?? 0,
		eventSubType: flow.event_type?.sub_type ?? 0,
		flowType: enumNumber(flowTypes, flow.Type),
		trafficDirection: enumNumber(directions, flow.traffic_direction),
		policyMatchType: flow.policy_match_type ?? 0,
		isReply: flow.is_reply === undefined ? -1 : flow.is_reply ? 1 : 0,
		sourceIp: flow.IP?.source ?? '',
		destinationIp: flow.IP?.destination ?? '',
		protocol,
		sourcePort: ports?.source_port ?? 0,
		destinationPort: ports?.destination_port ?? 0,
		sourceNamespace: flow.source?.namespace ?? '',
		sourcePodName: flow.source?.pod_name ?? '',
		sourceIdentity: flow.source?.identity ?? 0,
		sourceClusterName: flow.source?.cluster_name ?? '',
		destinationNamespace: flow.destination?.namespace ?? '',
		destinationPodName: flow.destination?.pod_name ?? '',
		destinationIdentity: flow.destination?.identity ?? 0,
		destinationClusterName: flow.destination?.cluster_name ?? '',
		sourceLabels: lists.labels.share(flow.source?.labels ?? []),
		destinationLabels: lists.labels.share(flow.destination?.labels ?? []),
		sourceWorkloads: workloads(flow.source),
		destinationWorkloads: workloads(flow.destination),
		sourceNames: lists.names.share(flow.source_names ?? []),
		destinationNames: lists.names.share(flow.destination_names ?? []),
		l7Type: enumNumber(l7Types, flow.l7?.type),
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

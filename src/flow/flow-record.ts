/**
The compact view of a flow that ztop's hot path keeps for every flow it receives: the fields the store
indexes and the flows pane shows, decoded straight from the wire (src/stream/flow-record-decoder.ts)
without building the full message. Enums stay numbers; the full flow is decoded only for drill-down.
*/

import {emptyList} from './shared-lists.js';

export type PolicyRecord = {name: string; namespace: string; kind: string};

export type WorkloadRecord = {name: string; kind: string};

/** Flat on purpose: one object per flow, no nested endpoint objects for the garbage collector to trace. */
export type FlowRecord = {
	kind: 'flow';
	/** Seconds since the epoch of the response time (the flow time when the response has none). */
	timeSeconds: number;
	timeNanos: number;
	nodeName: string;
	/**
	The uuid, when in Hubble's canonical form, as four 32-bit words (src/flow/flow-uuid.ts: `uuidText`
	spells it), so that nothing keeps a string per flow; `uuid` then is ''. A uuid in another form is kept
	in `uuid` as it came.
	*/
	isUuidInWords: boolean;
	uuidWord0: number;
	uuidWord1: number;
	uuidWord2: number;
	uuidWord3: number;
	uuid: string;
	/** flow.Verdict number. */
	verdict: number;
	/** flow.DropReason number. */
	dropReason: number;
	eventType: number;
	eventSubType: number;
	/** flow.FlowType number (1 L3_L4, 2 L7). */
	flowType: number;
	/** flow.TrafficDirection number. */
	trafficDirection: number;
	policyMatchType: number;
	/** 1 reply, 0 request, -1 unknown (is_reply absent). */
	isReply: number;
	sourceIp: string;
	destinationIp: string;
	/** `TCP`, `UDP`, `SCTP`, `ICMPv4`, `ICMPv6`… or `` without L4. */
	protocol: string;
	sourcePort: number;
	destinationPort: number;
	sourceNamespace: string;
	sourcePodName: string;
	sourceIdentity: number;
	sourceClusterName: string;
	destinationNamespace: string;
	destinationPodName: string;
	destinationIdentity: number;
	destinationClusterName: string;
	/** Cilium labels (`k8s:app=frontend`), one shared array per distinct set. */
	sourceLabels: readonly string[];
	destinationLabels: readonly string[];
	sourceWorkloads: readonly WorkloadRecord[];
	destinationWorkloads: readonly WorkloadRecord[];
	/** DNS names of the addresses (source_names, destination_names). */
	sourceNames: readonly string[];
	destinationNames: readonly string[];
	/** flow.L7FlowType number; 0 without L7. */
	l7Type: number;
	/** `http`, `dns`, `kafka`, or `` (the L7 record present). */
	l7Protocol: string;
	httpCode: number;
	httpMethod: string;
	httpUrl: string;
	dnsQuery: string;
	egressAllowedBy: readonly PolicyRecord[];
	ingressAllowedBy: readonly PolicyRecord[];
	egressDeniedBy: readonly PolicyRecord[];
	ingressDeniedBy: readonly PolicyRecord[];
};

export type LostEventsRecord = {kind: 'lost-events'; lost: number; source: number; nodeName: string};

export type NodeStatusRecord = {kind: 'node-status'};

/**
A flow record with every field at its default (the decoder's start, a read from the ring): one object
literal, so V8 gives it all its fields at once; filling an empty object field by field made it grow
its property storage many times (~2 KB of garbage a record, a tenth of what the TUI allocated).
*/
export function newFlowRecord(): FlowRecord {
	return {
		kind: 'flow',
		timeSeconds: 0,
		timeNanos: 0,
		nodeName: '',
		isUuidInWords: false,
		uuidWord0: 0,
		uuidWord1: 0,
		uuidWord2: 0,
		uuidWord3: 0,
		uuid: '',
		verdict: 0,
		dropReason: 0,
		eventType: 0,
		eventSubType: 0,
		flowType: 0,
		trafficDirection: 0,
		policyMatchType: 0,
		isReply: -1,
		sourceIp: '',
		destinationIp: '',
		protocol: '',
		sourcePort: 0,
		destinationPort: 0,
		sourceNamespace: '',
		sourcePodName: '',
		sourceIdentity: 0,
		sourceClusterName: '',
		destinationNamespace: '',
		destinationPodName: '',
		destinationIdentity: 0,
		destinationClusterName: '',
		sourceLabels: emptyList,
		destinationLabels: emptyList,
		sourceWorkloads: emptyList,
		destinationWorkloads: emptyList,
		sourceNames: emptyList,
		destinationNames: emptyList,
		l7Type: 0,
		l7Protocol: '',
		httpCode: 0,
		httpMethod: '',
		httpUrl: '',
		dnsQuery: '',
		egressAllowedBy: emptyList,
		ingressAllowedBy: emptyList,
		egressDeniedBy: emptyList,
		ingressDeniedBy: emptyList,
	};
}

/**
Sets every field of `record` back to its default, as newFlowRecord() makes it: the decoder's reused record
before each flow. Field by field, since Object.assign from a blank record took the generic path for
every one of its forty fields (3.5% of the TUI's CPU at 5,000 flows/s, sampled with perf).
*/
export function resetFlowRecord(record: FlowRecord): void {
	record.timeSeconds = 0;
	record.timeNanos = 0;
	record.nodeName = '';
	record.isUuidInWords = false;
	record.uuidWord0 = 0;
	record.uuidWord1 = 0;
	record.uuidWord2 = 0;
	record.uuidWord3 = 0;
	record.uuid = '';
	record.verdict = 0;
	record.dropReason = 0;
	record.eventType = 0;
	record.eventSubType = 0;
	record.flowType = 0;
	record.trafficDirection = 0;
	record.policyMatchType = 0;
	record.isReply = -1;
	record.sourceIp = '';
	record.destinationIp = '';
	record.protocol = '';
	record.sourcePort = 0;
	record.destinationPort = 0;
	record.sourceNamespace = '';
	record.sourcePodName = '';
	record.sourceIdentity = 0;
	record.sourceClusterName = '';
	record.destinationNamespace = '';
	record.destinationPodName = '';
	record.destinationIdentity = 0;
	record.destinationClusterName = '';
	record.sourceLabels = emptyList;
	record.destinationLabels = emptyList;
	record.sourceWorkloads = emptyList;
	record.destinationWorkloads = emptyList;
	record.sourceNames = emptyList;
	record.destinationNames = emptyList;
	record.l7Type = 0;
	record.l7Protocol = '';
	record.httpCode = 0;
	record.httpMethod = '';
	record.httpUrl = '';
	record.dnsQuery = '';
	record.egressAllowedBy = emptyList;
	record.ingressAllowedBy = emptyList;
	record.egressDeniedBy = emptyList;
	record.ingressDeniedBy = emptyList;
}

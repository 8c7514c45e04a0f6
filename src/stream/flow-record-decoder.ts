/**
The hot-path decoder: reads a GetFlowsResponse's bytes with protobufjs' Reader and extracts only the
fields of a FlowRecord, skipping everything else (labels, headers, Summary…) by wire type. Measured in
shared/reference/node-ecosystem.md §3 at several times the throughput and a tenth of the heap of a full
decode; `npm run bench` measures it again in this project. Field numbers: hubble-api.md §1.3-1.5.
*/
import type Long from 'long';
import protobuf from './protobuf-runtime.js';
import {StringInterner} from './string-interner.js';
import {newFlowRecord, resetFlowRecord, type FlowRecord, type LostEventsRecord, type NodeStatusRecord, type PolicyRecord, type WorkloadRecord} from '../flow/flow-record.js';
import {RecordLists} from '../flow/to-flow-record.js';
import {canonicalUuidLength, readUuidWords} from '../flow/flow-uuid.js';
import {emptyList} from '../flow/shared-lists.js';
import type {Flow, GetFlowsResponse} from '../flow/flow.js';
import {decodeMessage} from './binary-codec.js';
import {ByteMemo} from './byte-memo.js';
import {hubbleSchema} from './hubble-schema.js';

type Reader = protobuf.Reader;

const interner = new StringInterner();
const textDecoder = new TextDecoder();
const lists = new RecordLists();
// Scratch arrays reused while one message is read; the record keeps shared copies.
const scratchLabels: string[] = [];
let scratchLabelsHash = 0;

/**
Label lists by a hash of their interned strings' ids: an endpoint's labels repeat in every flow, and
finding the shared copy this way costs no string building (a join per flow halved throughput).
*/
const labelLists = new Map<number, Array<readonly string[]>>();

function sharedLabels(labels: readonly string[], hash: number): readonly string[] {
	if (labels.length === 0) {
		return emptyList;
	}

	// Within V8's small integers (31 bits), as StringInterner's keys: no heap number per lookup.
	const candidates = labelLists.get(hash & 0x3f_ff_ff_ff);
	if (candidates) {
		for (const candidate of candidates) {
			if (candidate.length === labels.length && candidate.every((label, index) => label === labels[index])) {
				return candidate;
			}
		}
	}

	if (labelLists.size >= 65_536) {
		labelLists.clear();
	}

	const shared = Object.freeze([...labels]);
	labelLists.set(hash & 0x3f_ff_ff_ff, [...(candidates ?? []), shared]);
	return shared;
}

const scratchWorkloads: WorkloadRecord[] = [];
const scratchSourceNames: string[] = [];
const scratchDestinationNames: string[] = [];

/** A length-delimited string field, shared with every earlier occurrence of the same value. */
function internedString(reader: Reader): string {
	const length = reader.uint32();
	const start = reader.pos;
	reader.pos += length;
	return interner.intern(reader.buf, start, start + length);
}

/** A response with none of flow, node_status and lost_events decodes to undefined. */
export type DecodedResponse = FlowRecord | LostEventsRecord | NodeStatusRecord | undefined;

const nodeStatus: NodeStatusRecord = Object.freeze({kind: 'node-status'});

// Most flows name no policy: they share one empty list instead of allocating four per flow.
const noPolicies = emptyList as readonly PolicyRecord[];

/**
Policies repeat in every verdict they take: one shared record per (name, namespace, kind), with its
one-policy list (nearly every verdict names one policy), so a policy verdict allocates nothing to keep.
*/
const sharedPolicies = new Map<string, Array<{policy: PolicyRecord; alone: readonly PolicyRecord[]}>>();

function sharedPolicy(policy: PolicyRecord): {policy: PolicyRecord; alone: readonly PolicyRecord[]} {
	const candidates = sharedPolicies.get(policy.name);
	const found = candidates?.find(candidate => candidate.policy.namespace === policy.namespace && candidate.policy.kind === policy.kind);
	if (found) {
		return found;
	}

	if (sharedPolicies.size >= 65_536) {
		sharedPolicies.clear();
	}

	const frozen = Object.freeze({...policy});
	const entry = {policy: frozen, alone: Object.freeze([frozen])};
	sharedPolicies.set(policy.name, [...(candidates ?? []), entry]);
	return entry;
}

/**
Lists of several policies are shared too: each list keeps its extensions by one more policy. A new array per
flow made everything keyed by the list (the index's policy keys, the ring's policy tuples and shared parts,
the connection attributions) new per flow as well: 15 MB more at 100,000 flows of a namespace whose
verdicts name two policies. The extensions of a list live as long as it does.
*/
const longerLists = new WeakMap<readonly PolicyRecord[], Map<PolicyRecord, readonly PolicyRecord[]>>();

function withPolicy(list: readonly PolicyRecord[], read: PolicyRecord): readonly PolicyRecord[] {
	const {policy, alone} = sharedPolicy(read);
	if (list === noPolicies) {
		return alone;
	}

	let longer = longerLists.get(list);
	if (!longer) {
		longer = new Map();
		longerLists.set(list, longer);
	}

	let extended = longer.get(policy);
	if (!extended) {
		extended = Object.freeze([...list, policy]);
		longer.set(policy, extended);
	}

	return extended;
}

/**
The record of a GetFlows response. With `into`, a flow is decoded into that record (every field reset
first) rather than a new one: the TUI's store copies what it keeps, so one record serves every flow
(a new one was a sixth of all the TUI allocated while following).
*/
export function decodeFlowRecord(bytes: Uint8Array, into?: FlowRecord): DecodedResponse {
	const reader = protobuf.Reader.create(bytes);
	let result: DecodedResponse;
	let record: FlowRecord | undefined;
	let lost: {lost: number; source: number} | undefined;
	let nodeName = '';
	let responseSeconds = -1;
	let responseNanos = 0;
	while (reader.pos < reader.len) {
		const tag = reader.uint32();
		switch (tag >>> 3) {
			case 1: {
				record = readFlow(reader, reader.uint32(), into ? resetInto(into) : newFlowRecord());
				break;
			}

			case 2: {
				reader.skipType(tag & 7);
				result = nodeStatus;
				break;
			}

			case 3: {
				lost = readLostEvent(reader, reader.uint32());
				break;
			}

			case 1000: {
				nodeName = internedString(reader);
				break;
			}

			case 1001: {
				const end = reader.uint32() + reader.pos;
				readTimestamp(reader, end);
				responseSeconds = timestampSeconds;
				responseNanos = timestampNanos;
				break;
			}

			default: {
				reader.skipType(tag & 7);
			}
		}
	}

	if (record) {
		if (responseSeconds >= 0) {
			record.timeSeconds = responseSeconds;
			record.timeNanos = responseNanos;
		}

		if (record.nodeName === '') {
			record.nodeName = nodeName;
		}

		return record;
	}

	return lost ? {kind: 'lost-events', ...lost, nodeName} : result;
}

function resetInto(record: FlowRecord): FlowRecord {
	resetFlowRecord(record);
	return record;
}

function readFlow(reader: Reader, length: number, record: FlowRecord): FlowRecord {
	const end = reader.pos + length;
	scratchSourceNames.length = 0;
	scratchDestinationNames.length = 0;
	while (reader.pos < end) {
		const tag = reader.uint32();
		switch (tag >>> 3) {
			case 1: {
				readTimestamp(reader, reader.uint32() + reader.pos);
				record.timeSeconds = timestampSeconds;
				record.timeNanos = timestampNanos;
				break;
			}

			case 2: {
				record.verdict = reader.int32();
				break;
			}

			case 5: {
				readIp(reader, reader.uint32() + reader.pos, record);
				break;
			}

			case 6: {
				readLayer4(reader, reader.uint32() + reader.pos, record);
				break;
			}

			case 8: {
				readEndpoint(reader, reader.uint32() + reader.pos, record, true);
				break;
			}

			case 9: {
				readEndpoint(reader, reader.uint32() + reader.pos, record, false);
				break;
			}

			case 10: {
				record.flowType = reader.int32();
				break;
			}

			case 11: {
				record.nodeName = internedString(reader);
				break;
			}

			case 13: {
				scratchSourceNames.push(internedString(reader));
				break;
			}

			case 14: {
				scratchDestinationNames.push(internedString(reader));
				break;
			}

			case 15: {
				readLayer7(reader, reader.uint32() + reader.pos, record);
				break;
			}

			case 19: {
				const eventEnd = reader.uint32() + reader.pos;
				while (reader.pos < eventEnd) {
					const eventTag = reader.uint32();
					if (eventTag >>> 3 === 1) {
						record.eventType = reader.int32();
					} else if (eventTag >>> 3 === 2) {
						record.eventSubType = reader.int32();
					} else {
						reader.skipType(eventTag & 7);
					}
				}

				break;
			}

			case 22: {
				record.trafficDirection = reader.int32();
				break;
			}

			case 23: {
				record.policyMatchType = reader.uint32();
				break;
			}

			case 25: {
				record.dropReason = reader.int32();
				break;
			}

			case 26: {
				const wrapperEnd = reader.uint32() + reader.pos;
				record.isReply = 0;
				while (reader.pos < wrapperEnd) {
					const wrapperTag = reader.uint32();
					if (wrapperTag >>> 3 === 1) {
						record.isReply = reader.bool() ? 1 : 0;
					} else {
						reader.skipType(wrapperTag & 7);
					}
				}

				break;
			}

			case 34: {
				const length = reader.uint32();
				const start = reader.pos;
				reader.pos += length;
				// A message cut short (its uuid running past the end) keeps what it has as text, as strings do here.
				if (length !== canonicalUuidLength || start + length > reader.len || !readUuidWords(reader.buf, start, record)) {
					record.isUuidInWords = false;
					record.uuid = textDecoder.decode(reader.buf.subarray(start, start + length));
				}

				break;
			}

			case 21_001: {
				record.egressAllowedBy = withPolicy(record.egressAllowedBy, readPolicy(reader, reader.uint32() + reader.pos));
				break;
			}

			case 21_002: {
				record.ingressAllowedBy = withPolicy(record.ingressAllowedBy, readPolicy(reader, reader.uint32() + reader.pos));
				break;
			}

			case 21_004: {
				record.egressDeniedBy = withPolicy(record.egressDeniedBy, readPolicy(reader, reader.uint32() + reader.pos));
				break;
			}

			case 21_005: {
				record.ingressDeniedBy = withPolicy(record.ingressDeniedBy, readPolicy(reader, reader.uint32() + reader.pos));
				break;
			}

			default: {
				reader.skipType(tag & 7);
			}
		}
	}

	if (scratchSourceNames.length > 0) {
		record.sourceNames = lists.names.share(scratchSourceNames);
	}

	if (scratchDestinationNames.length > 0) {
		record.destinationNames = lists.names.share(scratchDestinationNames);
	}
	return record;
}

// What readTimestamp read (module variables, not a tuple: this runs twice a flow).
let timestampSeconds = 0;
let timestampNanos = 0;

function readTimestamp(reader: Reader, end: number): void {
	timestampSeconds = 0;
	timestampNanos = 0;
	while (reader.pos < end) {
		const tag = reader.uint32();
		if (tag >>> 3 === 1) {
			timestampSeconds = readInt64(reader);
		} else if (tag >>> 3 === 2) {
			timestampNanos = reader.int32();
		} else {
			reader.skipType(tag & 7);
		}
	}
}

/**
An int64 varint as a number, without the Long protobufjs makes (two objects a call): exact up to 2^53,
which holds every timestamp; a negative value (ten bytes, two's complement) comes back negative.
*/
function readInt64(reader: Reader): number {
	// Bits 0–27 and 28–63 apart, so that a negative value is exact: near 2^64 a double is not.
	let low = 0;
	let high = 0;
	let scale = 1;
	for (let index = 0; index < 10; index++) {
		if (reader.pos >= reader.len) {
			throw new RangeError('index out of range: the varint ends past the message');
		}

		const byte = reader.buf[reader.pos++]!;
		if (index === 4) {
			scale = 1;
		}

		if (index < 4) {
			low += (byte & 0x7f) * scale;
		} else {
			high += (byte & 0x7f) * scale;
		}

		if (byte < 0x80) {
			// Bit 63 is bit 35 of `high`: two's complement.
			return (high >= 2 ** 35 ? high - 2 ** 36 : high) * 2 ** 28 + low;
		}

		scale *= 128;
	}

	throw new Error('invalid varint encoding');
}

function readIp(reader: Reader, end: number, record: FlowRecord): void {
	while (reader.pos < end) {
		const tag = reader.uint32();
		if (tag >>> 3 === 1) {
			record.sourceIp = internedString(reader);
		} else if (tag >>> 3 === 2) {
			record.destinationIp = internedString(reader);
		} else {
			reader.skipType(tag & 7);
		}
	}
}

const layer4Protocols = ['', 'TCP', 'UDP', 'ICMPv4', 'ICMPv6', 'SCTP', 'VRRP', 'IGMP'];

function readLayer4(reader: Reader, end: number, record: FlowRecord): void {
	while (reader.pos < end) {
		const tag = reader.uint32();
		const field = tag >>> 3;
		if (field >= 1 && field <= 7) {
			record.protocol = layer4Protocols[field]!;
			const protocolEnd = reader.uint32() + reader.pos;
			const hasPorts = field === 1 || field === 2 || field === 5;
			while (reader.pos < protocolEnd) {
				const innerTag = reader.uint32();
				if (hasPorts && innerTag >>> 3 === 1) {
					record.sourcePort = reader.uint32();
				} else if (hasPorts && innerTag >>> 3 === 2) {
					record.destinationPort = reader.uint32();
				} else {
					reader.skipType(innerTag & 7);
				}
			}
		} else {
			reader.skipType(tag & 7);
		}
	}
}

/**
Labels by security identity. Cilium allocates an identity per label set, so once an identity's labels
are known its flows' label bytes (most of a flow's size) are skipped instead of read. Reserved
identities (below 256: host, world, …) are always read, as their labels can differ by node.
The identity field (2) precedes labels (4) on the wire: Go and protobufjs write fields in number order.
*/
const labelsByIdentity = new Map<number, readonly string[]>();
const firstAllocatedIdentity = 256;

/** Workloads by namespace, then pod (a pod's owner does not change); pod_name (5) precedes workloads (6). */
const workloadsByPod = new Map<string, Map<string, readonly WorkloadRecord[]>>();
let workloadCount = 0;

/** What an Endpoint message decodes to, for the next flow with the same endpoint bytes. */
type DecodedEndpoint = {identity: number; namespace: string; podName: string; clusterName: string; labels: readonly string[]; workloads: readonly WorkloadRecord[]};

/**
Endpoints by their bytes: a pod's Endpoint message repeats in every flow it takes part in, so one compare of
its bytes replaces reading its fields again (interning its names, skipping its labels one by one, finding
its workloads): with sixteen labels a pod, that reading was a tenth of the TUI's ingest (perf).
*/
const endpointsByBytes = new ByteMemo<DecodedEndpoint>();

function setEndpoint(record: FlowRecord, isSource: boolean, endpoint: DecodedEndpoint): void {
	if (isSource) {
		record.sourceIdentity = endpoint.identity;
		record.sourceNamespace = endpoint.namespace;
		record.sourcePodName = endpoint.podName;
		record.sourceClusterName = endpoint.clusterName;
		record.sourceLabels = endpoint.labels;
		record.sourceWorkloads = endpoint.workloads;
	} else {
		record.destinationIdentity = endpoint.identity;
		record.destinationNamespace = endpoint.namespace;
		record.destinationPodName = endpoint.podName;
		record.destinationClusterName = endpoint.clusterName;
		record.destinationLabels = endpoint.labels;
		record.destinationWorkloads = endpoint.workloads;
	}
}

function readEndpoint(reader: Reader, end: number, record: FlowRecord, isSource: boolean): void {
	const start = reader.pos;
	const known = endpointsByBytes.get(reader.buf, start, end);
	if (known) {
		setEndpoint(record, isSource, known);
		reader.pos = end;
		return;
	}

	let identity = 0;
	let knownLabels: readonly string[] | undefined;
	let namespace = '';
	let clusterName = '';
	let podName = '';
	let knownWorkloads: readonly WorkloadRecord[] | undefined;
	scratchLabels.length = 0;
	scratchLabelsHash = 0x81_1c_9d_c5;
	scratchWorkloads.length = 0;
	while (reader.pos < end) {
		const tag = reader.uint32();
		switch (tag >>> 3) {
			case 4: {
				if (knownLabels) {
					reader.skipType(tag & 7);
				} else {
					scratchLabels.push(internedString(reader));
					scratchLabelsHash = Math.imul(scratchLabelsHash ^ interner.lastId, 0x01_00_01_93);
				}

				break;
			}

			case 6: {
				if (knownWorkloads) {
					reader.skipType(tag & 7);
					break;
				}

				const workloadEnd = reader.uint32() + reader.pos;
				const workload: WorkloadRecord = {name: '', kind: ''};
				while (reader.pos < workloadEnd) {
					const workloadTag = reader.uint32();
					if (workloadTag >>> 3 === 1) {
						workload.name = internedString(reader);
					} else if (workloadTag >>> 3 === 2) {
						workload.kind = internedString(reader);
					} else {
						reader.skipType(workloadTag & 7);
					}
				}

				scratchWorkloads.push(workload);
				break;
			}

			case 2: {
				identity = reader.uint32();
				knownLabels = identity >= firstAllocatedIdentity ? labelsByIdentity.get(identity) : undefined;
				break;
			}

			case 3: {
				namespace = internedString(reader);
				break;
			}

			case 5: {
				podName = internedString(reader);
				knownWorkloads = workloadsByPod.get(namespace)?.get(podName);
				break;
			}

			case 7: {
				clusterName = internedString(reader);
				break;
			}

			default: {
				reader.skipType(tag & 7);
			}
		}
	}

	let labels = knownLabels;
	if (!labels) {
		labels = sharedLabels(scratchLabels, scratchLabelsHash);
		if (identity >= firstAllocatedIdentity) {
			if (labelsByIdentity.size >= 65_536) {
				labelsByIdentity.clear();
			}

			labelsByIdentity.set(identity, labels);
		}
	}

	let workloads = knownWorkloads;
	if (!workloads) {
		workloads = scratchWorkloads.length === 0 ? emptyList : lists.workloads.share(scratchWorkloads);
		if (podName !== '') {
			if (++workloadCount > 65_536) {
				workloadsByPod.clear();
				workloadCount = 0;
			}

			let pods = workloadsByPod.get(namespace);
			if (!pods) {
				pods = new Map();
				workloadsByPod.set(namespace, pods);
			}

			pods.set(podName, workloads);
		}
	}

	const decoded: DecodedEndpoint = {identity, namespace, podName, clusterName, labels, workloads};
	endpointsByBytes.set(reader.buf, start, end, decoded);
	setEndpoint(record, isSource, decoded);
}

function readLayer7(reader: Reader, end: number, record: FlowRecord): void {
	while (reader.pos < end) {
		const tag = reader.uint32();
		switch (tag >>> 3) {
			case 1: {
				record.l7Type = reader.int32();
				break;
			}

			case 102: {
				record.l7Protocol = 'kafka';
				reader.skipType(tag & 7);
				break;
			}

			case 100: {
				record.l7Protocol = 'dns';
				const dnsEnd = reader.uint32() + reader.pos;
				while (reader.pos < dnsEnd) {
					const dnsTag = reader.uint32();
					if (dnsTag >>> 3 === 1) {
						record.dnsQuery = internedString(reader);
					} else {
						reader.skipType(dnsTag & 7);
					}
				}

				break;
			}

			case 101: {
				record.l7Protocol = 'http';
				const httpEnd = reader.uint32() + reader.pos;
				while (reader.pos < httpEnd) {
					const httpTag = reader.uint32();
					switch (httpTag >>> 3) {
						case 1: {
							record.httpCode = reader.uint32();
							break;
						}

						case 2: {
							record.httpMethod = internedString(reader);
							break;
						}

						case 3: {
							record.httpUrl = internedString(reader);
							break;
						}

						default: {
							reader.skipType(httpTag & 7);
						}
					}
				}

				break;
			}

			default: {
				reader.skipType(tag & 7);
			}
		}
	}
}

function readPolicy(reader: Reader, end: number): PolicyRecord {
	const policy: PolicyRecord = {name: '', namespace: '', kind: ''};
	const labels: string[] = [];
	while (reader.pos < end) {
		const tag = reader.uint32();
		switch (tag >>> 3) {
			case 1: {
				policy.name = internedString(reader);
				break;
			}

			case 2: {
				policy.namespace = internedString(reader);
				break;
			}

			case 3: {
				// Labels only name a policy that has no name (field 1 comes first on the wire).
				if (policy.name === '') {
					labels.push(internedString(reader));
				} else {
					reader.skipType(tag & 7);
				}

				break;
			}

			case 5: {
				policy.kind = internedString(reader);
				break;
			}

			default: {
				reader.skipType(tag & 7);
			}
		}
	}

	// A rule not derived from a Kubernetes object has only labels; they become its name (as in tallies).
	if (policy.name === '' && labels.length > 0) {
		policy.name = labels.sort().join(',');
	}

	return policy;
}

function readLostEvent(reader: Reader, length: number): {lost: number; source: number} {
	const end = reader.pos + length;
	let lost = 0;
	let source = 0;
	while (reader.pos < end) {
		const tag = reader.uint32();
		if (tag >>> 3 === 1) {
			source = reader.int32();
		} else if (tag >>> 3 === 2) {
			lost = (reader.uint64() as unknown as Long).toNumber();
		} else {
			reader.skipType(tag & 7);
		}
	}

	return {lost, source};
}

/** The full flow of a GetFlowsResponse's bytes, for drill-down (the hot path never calls this). */
export function decodeFullFlow(bytes: Uint8Array): Flow | undefined {
	return (decodeMessage(hubbleSchema().getFlowsResponse, bytes) as GetFlowsResponse).flow;
}

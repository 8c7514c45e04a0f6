/**
The hot-path decoder: reads a GetFlowsResponse's bytes with protobufjs' Reader and extracts only the
fields of a FlowRecord, skipping everything else (labels, headers, Summary…) by wire type. Measured in
shared/reference/node-ecosystem.md §3 at several times the throughput and a tenth of the heap of a full
decode; `npm run bench` measures it again in this project. Field numbers: hubble-api.md §1.3-1.5.
*/
import type Long from 'long';
import protobuf from './protobuf-runtime.js';
import {StringInterner} from './string-interner.js';
import type {FlowRecord, LostEventsRecord, NodeStatusRecord, PolicyRecord} from '../flow/flow-record.js';

type Reader = protobuf.Reader;

const interner = new StringInterner();

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

function newRecord(): FlowRecord {
	return {
		kind: 'flow',
		timeSeconds: 0,
		timeNanos: 0,
		nodeName: '',
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
		l7Type: 0,
		httpCode: 0,
		httpMethod: '',
		httpUrl: '',
		dnsQuery: '',
		egressAllowedBy: noPolicies,
		ingressAllowedBy: noPolicies,
		egressDeniedBy: noPolicies,
		ingressDeniedBy: noPolicies,
	};
}

// Most flows name no policy: share one empty list instead of allocating four per flow.
const noPolicies: readonly PolicyRecord[] = Object.freeze([]);

function withPolicy(list: readonly PolicyRecord[], policy: PolicyRecord): readonly PolicyRecord[] {
	return list === noPolicies ? [policy] : [...list, policy];
}

export function decodeFlowRecord(bytes: Uint8Array): DecodedResponse {
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
				record = readFlow(reader, reader.uint32());
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
				[responseSeconds, responseNanos] = readTimestamp(reader, end);
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

function readFlow(reader: Reader, length: number): FlowRecord {
	const end = reader.pos + length;
	const record = newRecord();
	while (reader.pos < end) {
		const tag = reader.uint32();
		switch (tag >>> 3) {
			case 1: {
				[record.timeSeconds, record.timeNanos] = readTimestamp(reader, reader.uint32() + reader.pos);
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
				record.uuid = reader.string();
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

	return record;
}

function readTimestamp(reader: Reader, end: number): [seconds: number, nanos: number] {
	let seconds = 0;
	let nanos = 0;
	while (reader.pos < end) {
		const tag = reader.uint32();
		if (tag >>> 3 === 1) {
			seconds = (reader.int64() as unknown as Long).toNumber();
		} else if (tag >>> 3 === 2) {
			nanos = reader.int32();
		} else {
			reader.skipType(tag & 7);
		}
	}

	return [seconds, nanos];
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

function readEndpoint(reader: Reader, end: number, record: FlowRecord, isSource: boolean): void {
	while (reader.pos < end) {
		const tag = reader.uint32();
		switch (tag >>> 3) {
			case 2: {
				const identity = reader.uint32();
				if (isSource) {
					record.sourceIdentity = identity;
				} else {
					record.destinationIdentity = identity;
				}

				break;
			}

			case 3: {
				const namespace = internedString(reader);
				if (isSource) {
					record.sourceNamespace = namespace;
				} else {
					record.destinationNamespace = namespace;
				}

				break;
			}

			case 5: {
				const podName = internedString(reader);
				if (isSource) {
					record.sourcePodName = podName;
				} else {
					record.destinationPodName = podName;
				}

				break;
			}

			case 7: {
				const clusterName = internedString(reader);
				if (isSource) {
					record.sourceClusterName = clusterName;
				} else {
					record.destinationClusterName = clusterName;
				}

				break;
			}

			default: {
				reader.skipType(tag & 7);
			}
		}
	}
}

function readLayer7(reader: Reader, end: number, record: FlowRecord): void {
	while (reader.pos < end) {
		const tag = reader.uint32();
		switch (tag >>> 3) {
			case 1: {
				record.l7Type = reader.int32();
				break;
			}

			case 100: {
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
				labels.push(internedString(reader));
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

/**
A connection's samples: what stands for its flows when it is judged later, without them (what-if and
suggest over the ledger). A sample is one kind of flow the evaluator could tell apart: its two endpoints
as the evaluator reads them (label set, identity, pod or not, namespace, cluster, workloads, DNS names,
and for a peer that is not a pod its address) and, for an L7 request, the request (method and path
without the query, or the DNS name); port, protocol and ICMP type are the connection's. Per sample the
flows are counted as the what-if counts them: how many (replies aside: Cilium decides a connection on its
requests, and the evaluator answers `reply` for them), and per direction how many Hubble observed allowed
or denied (src/policy/what-if.ts observedPassages), so that a what-if over the samples finds the
connections and flows a what-if over the flows would.

Small on purpose, there is a set per connection of up to 100,000: endpoints are shared (one per pod or
address, not one per connection), and a sample is ten numbers and references.
*/
import type {FlowRecord, PolicyRecord, WorkloadRecord} from '../flow/flow-record.js';
import {newFlowRecord} from '../flow/flow-record.js';
import type {Flow} from '../flow/flow.js';
import {observedPassageCode} from '../policy/what-if.js';

/** One side of a flow as the evaluator, the what-if and suggest read it. */
export type SampleEndpoint = Readonly<{
	/** The address of a peer that is not a pod; '' for a pod (policies select pods by labels). */
	ip: string;
	namespace: string;
	podName: string;
	identity: number;
	clusterName: string;
	labels: readonly string[];
	workloads: readonly WorkloadRecord[];
	names: readonly string[];
}>;

/** An L7 request as the evaluator reads it, with its text (`GET /path`, `DNS name.`), which is its kind. */
export type SampleRequest = Readonly<Pick<FlowRecord, 'l7Protocol' | 'httpMethod' | 'httpUrl' | 'dnsQuery' | 'trafficDirection'> & {text: string}>;

export type ConnectionSample = {
	/** The client (the flow's source: replies are not sampled). */
	source: SampleEndpoint;
	destination: SampleEndpoint;
	request: SampleRequest | undefined;
	/** Flows of this kind, replies aside. */
	flows: number;
	/** Of those, the ones Hubble observed allowed or denied on each side. */
	ingressAllowed: number;
	ingressDenied: number;
	egressAllowed: number;
	egressDenied: number;
	/** The deny policies named by the first flow a deny rule dropped, per side (suggest says so). */
	ingressDenyPolicies: readonly PolicyRecord[] | undefined;
	egressDenyPolicies: readonly PolicyRecord[] | undefined;
};

/** Samples a connection keeps; flows of further kinds are counted but stood for by none. */
export const maximumSamples = 48;

const policyDeny = 181;
/** observedPassageCode's per-direction values. */
const allowedCode = 1;
const deniedCode = 2;

/** Endpoints remembered per label list before that list's are made again (world addresses come and go). */
const endpointsPerLabelList = 4096;

/**
Endpoints shared between samples, found by label list (the decoder shares one per identity) and then pod
name or address, and checked field by field: a pod seen again with other facts gets a new endpoint.
*/
export class SampleEndpoints {
	private readonly byLabels = new WeakMap<readonly string[], Map<string, SampleEndpoint>>();

	of(record: FlowRecord, isSource: boolean): SampleEndpoint {
		const labels = isSource ? record.sourceLabels : record.destinationLabels;
		const podName = isSource ? record.sourcePodName : record.destinationPodName;
		const ip = podName === '' ? (isSource ? record.sourceIp : record.destinationIp) : '';
		let known = this.byLabels.get(labels);
		if (!known || known.size >= endpointsPerLabelList) {
			known = new Map();
			this.byLabels.set(labels, known);
		}

		// Made first (a new sample is rare), then compared with the one kept: one comparison of two endpoints.
		const endpoint: SampleEndpoint = isSource
			? {
					ip,
					namespace: record.sourceNamespace,
					podName,
					identity: record.sourceIdentity,
					clusterName: record.sourceClusterName,
					labels,
					workloads: record.sourceWorkloads,
					names: record.sourceNames,
				}
			: {
					ip,
					namespace: record.destinationNamespace,
					podName,
					identity: record.destinationIdentity,
					clusterName: record.destinationClusterName,
					labels,
					workloads: record.destinationWorkloads,
					names: record.destinationNames,
				};
		const key = podName === '' ? ip : podName;
		const found = known.get(key);
		if (found && isEquivalentEndpoint(found, endpoint) && found.podName === podName && sameList(found.workloads, endpoint.workloads, sameWorkload)) {
			return found;
		}

		known.set(key, endpoint);
		return endpoint;
	}
}

function sameList<Item>(a: readonly Item[], b: readonly Item[], same: (x: Item, y: Item) => boolean = (x, y) => x === y): boolean {
	if (a === b) {
		return true;
	}

	if (a.length !== b.length) {
		return false;
	}

	for (let index = 0; index < a.length; index++) {
		if (!same(a[index]!, b[index]!)) {
			return false;
		}
	}

	return true;
}

const sameWorkload = (a: WorkloadRecord, b: WorkloadRecord) => a.name === b.name && a.kind === b.kind;

/** Two endpoints the evaluator reads alike (the same, or equal ones from two places: a ledger and this run). */
export function isEquivalentEndpoint(a: SampleEndpoint, b: SampleEndpoint): boolean {
	return (
		a === b ||
		(a.identity === b.identity &&
			(a.podName === '') === (b.podName === '') &&
			a.ip === b.ip &&
			a.namespace === b.namespace &&
			a.clusterName === b.clusterName &&
			sameList(a.labels, b.labels) &&
			sameList(a.names, b.names))
	);
}

/** Whether the evaluator reads the flow's endpoints as the sample's (the same pod or not: any replica of its labels). */
function isSameKindOfEndpoints(sample: ConnectionSample, record: FlowRecord): boolean {
	const {source, destination} = sample;
	return (
		source.identity === record.sourceIdentity &&
		destination.identity === record.destinationIdentity &&
		(source.podName === '') === (record.sourcePodName === '') &&
		(destination.podName === '') === (record.destinationPodName === '') &&
		(source.podName !== '' || source.ip === record.sourceIp) &&
		(destination.podName !== '' || destination.ip === record.destinationIp) &&
		source.namespace === record.sourceNamespace &&
		destination.namespace === record.destinationNamespace &&
		sameList(source.labels, record.sourceLabels) &&
		sameList(destination.labels, record.destinationLabels) &&
		sameList(destination.names, record.destinationNames)
	);
}

/**
Counts a flow (not a reply) toward its sample, or starts one; false when the connection has all the
samples it may keep and this is a new kind. `request` is the flow's request text, if it is one.
*/
export function sampleFlow(holder: {samples: ConnectionSample[]}, record: FlowRecord, request: string | undefined, endpoints: SampleEndpoints): boolean {
	const {samples} = holder;
	let sample: ConnectionSample | undefined;
	let sameEndpoints: ConnectionSample | undefined;
	for (const kept of samples) {
		if (isSameKindOfEndpoints(kept, record)) {
			sameEndpoints = kept;
			if (kept.request?.text === request) {
				sample = kept;
				break;
			}
		}
	}

	if (!sample) {
		if (samples.length >= maximumSamples) {
			return false;
		}

		sample = newSample(
			sameEndpoints?.source ?? endpoints.of(record, true),
			sameEndpoints?.destination ?? endpoints.of(record, false),
			request === undefined ? undefined : requestOf(record, request),
		);
		// A new array of just the length (concat makes one; a pushed-to or spread array reserves 17 slots).
		holder.samples = samples.concat(sample);
	}

	sample.flows++;
	const observed = observedPassageCode(record);
	const ingress = observed % 3;
	const egress = (observed - ingress) / 3;
	if (ingress === allowedCode) {
		sample.ingressAllowed++;
	} else if (ingress === deniedCode) {
		sample.ingressDenied++;
		if (record.dropReason === policyDeny && sample.ingressDenyPolicies === undefined) {
			sample.ingressDenyPolicies = record.ingressDeniedBy;
		}
	}

	if (egress === allowedCode) {
		sample.egressAllowed++;
	} else if (egress === deniedCode) {
		sample.egressDenied++;
		if (record.dropReason === policyDeny && sample.egressDenyPolicies === undefined) {
			sample.egressDenyPolicies = record.egressDeniedBy;
		}
	}

	return true;
}

function requestOf(record: FlowRecord, text: string): SampleRequest {
	return {l7Protocol: record.l7Protocol, httpMethod: record.httpMethod, httpUrl: record.httpUrl, dnsQuery: record.dnsQuery, trafficDirection: record.trafficDirection, text};
}

function newSample(source: SampleEndpoint, destination: SampleEndpoint, request: SampleRequest | undefined): ConnectionSample {
	return {
		source,
		destination,
		request,
		flows: 0,
		ingressAllowed: 0,
		ingressDenied: 0,
		egressAllowed: 0,
		egressDenied: 0,
		ingressDenyPolicies: undefined,
		egressDenyPolicies: undefined,
	};
}

/** `into` gains `from`'s samples (another record of the same connection); returns the flows of kinds beyond the bound. */
export function mergeSamples(holder: {samples: ConnectionSample[]}, from: readonly ConnectionSample[]): number {
	let unsampled = 0;
	for (const each of from) {
		const same = holder.samples.find(
			kept => kept.request?.text === each.request?.text && isEquivalentEndpoint(kept.source, each.source) && isEquivalentEndpoint(kept.destination, each.destination),
		);
		if (!same) {
			if (holder.samples.length < maximumSamples) {
				holder.samples = holder.samples.concat({...each});
			} else {
				unsampled += each.flows;
			}

			continue;
		}

		same.flows += each.flows;
		same.ingressAllowed += each.ingressAllowed;
		same.ingressDenied += each.ingressDenied;
		same.egressAllowed += each.egressAllowed;
		same.egressDenied += each.egressDenied;
		same.ingressDenyPolicies ??= each.ingressDenyPolicies;
		same.egressDenyPolicies ??= each.egressDenyPolicies;
	}

	return unsampled;
}

/**
A flow record that reads as the sample's kind to the evaluator: its endpoints, the connection's port and
protocol, its request; a request (not a reply), with no verdict of its own.
*/
export function sampleRecord(sample: ConnectionSample, connection: {port: number; protocol: string}): FlowRecord {
	const record = newFlowRecord();
	const {source, destination, request} = sample;
	record.isReply = 0;
	record.protocol = connection.protocol;
	record.destinationPort = connection.port;
	record.sourceIp = source.ip;
	record.sourceNamespace = source.namespace;
	record.sourcePodName = source.podName;
	record.sourceIdentity = source.identity;
	record.sourceClusterName = source.clusterName;
	record.sourceLabels = source.labels;
	record.sourceWorkloads = source.workloads;
	record.sourceNames = source.names;
	record.destinationIp = destination.ip;
	record.destinationNamespace = destination.namespace;
	record.destinationPodName = destination.podName;
	record.destinationIdentity = destination.identity;
	record.destinationClusterName = destination.clusterName;
	record.destinationLabels = destination.labels;
	record.destinationWorkloads = destination.workloads;
	record.destinationNames = destination.names;
	if (request) {
		record.flowType = 2;
		record.eventType = 129;
		record.l7Type = 1;
		record.l7Protocol = request.l7Protocol;
		record.httpMethod = request.httpMethod;
		record.httpUrl = request.httpUrl;
		record.dnsQuery = request.dnsQuery;
		record.trafficDirection = request.trafficDirection;
	}

	return record;
}

/** The full flow the evaluator may ask a sample for: only an ICMP connection's type is known. */
export function sampleFlowDetail(connection: {protocol: string; icmpType?: number}): Flow | undefined {
	const {icmpType, protocol} = connection;
	if (icmpType === undefined || (protocol !== 'ICMPv4' && protocol !== 'ICMPv6')) {
		return undefined;
	}

	return {l4: {[protocol]: {type: icmpType, code: 0}}} as Flow;
}

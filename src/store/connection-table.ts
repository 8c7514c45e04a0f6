/**
Connections, not packets: every arriving flow (not only what the ring holds) counted toward its connection,
(client, server, server port, L4 protocol). An endpoint is a workload (`namespace/name` and kind from
Hubble's `workloads`; without them the pod name less its ReplicaSet or Job hash), a reserved identity by
name (for `world`, the DNS name Hubble gives, else the address), or else its labels; with flows from more
than one cluster, its cluster too. The flow's source is the client unless `is_reply` is true: a reply counts
toward the connection it answers. Outcomes are counted per side exactly as the policy tallies count them
(src/store/policy-tally.ts tallyCredit), with the policies (or `(default deny)`, `(unattributed)`) credited.

Bounded: at most `capacity` connections, the least recently seen forgotten first (`evicted` counts them,
for the header). The L7 requests and pods a connection keeps are bounded too.

Each connection also keeps its samples (src/store/connection-samples.ts), which stand for its flows when it
is judged later: what-if and suggest over the ledger (src/store/connection-ledger.ts).
*/
import {dropReasonNames} from '../flow/drop-reason.js';
import type {FlowRecord, PolicyRecord, WorkloadRecord} from '../flow/flow-record.js';
import {reservedIdentityName} from '../flow/reserved-identity.js';
import {RecentMap} from '../flow/recent-map.js';
import {StringCache} from '../flow/string-cache.js';
import {CountList, noCounts, SideCounts} from './count-list.js';
import type {ConnectionAttribution} from './connection-attribution.js';
import {requestParts} from '../policy/l7-match.js';
import {mergeSamples, SampleEndpoints, sampleFlow, type ConnectionSample} from './connection-samples.js';
import {tallyCredit, type TallyCounts} from './policy-tally.js';

export type ConnectionEndpoint = {
	/** `shop/frontend`, `world example.com`, `host`, `cluster2: shop/backend`: what a row shows. */
	text: string;
	namespace?: string;
	/** The workload's (or the pod's) name. */
	name?: string;
	/** The workload's kind (Deployment, StatefulSet…), when Hubble names it. */
	kind?: string;
	/** A reserved identity: host, world, remote-node, kube-apiserver… */
	reserved?: string;
	/** For world: the DNS name Hubble gave, else the address. */
	address?: string;
	/** Neither pod nor reserved identity: the labels are all there is. */
	labels?: readonly string[];
	cluster?: string;
};

export type SideOutcomes = TallyCounts & {
	/** Policy (`namespace/name`, or `(default deny)` / `(unattributed)`) → the verdicts credited to it. */
	policies: CountList;
};

export type Connection = {
	client: ConnectionEndpoint;
	server: ConnectionEndpoint;
	/** The server's port (0 for ICMP). */
	port: number;
	protocol: string;
	flows: number;
	/** Seconds since the epoch, from the flows' own times. */
	firstSeen: number;
	lastSeen: number;
	egress: SideOutcomes;
	ingress: SideOutcomes;
	/** Drop reason name → drops (a shared empty list until the first: give a connection a list of its own, never add to it). */
	dropReasons: CountList;
	/** `GET /path` or `DNS name.` → requests (bounded). */
	requests: CountList;
	/** Pods seen on each side (bounded; one pod's list is shared between its connections: never changed in place). */
	clientPods: readonly string[];
	serverPods: readonly string[];
	/** For ICMP: the type, part of what the connection is (an echo is not an unreachable). */
	icmpType?: number;
	/** What stands for its flows when they are gone, per kind of flow (src/store/connection-samples.ts). */
	samples: ConnectionSample[];
	/** Flows of kinds beyond the samples' bound: counted in `flows`, stood for by no sample. */
	unsampledFlows: number;
};


export const defaultConnectionCapacity = 100_000;

/** The endpoint as it reads where flows come from one cluster only. */
export function withoutCluster(endpoint: ConnectionEndpoint): ConnectionEndpoint {
	if (endpoint.cluster === undefined) {
		return endpoint;
	}

	const {cluster, ...rest} = endpoint;
	return {...rest, text: endpoint.text.slice(`${cluster}: `.length)};
}
const maximumRequests = 32;
const maximumPods = 16;
/** Pod texts remembered per namespace before they are made again (pods come and go). */
const maximumPodTexts = 65_536;

const droppedVerdict = 2;
/** flow.DropReason names (`POLICY_DENIED`) by number. */
const dropReasonByNumber = new Map([...dropReasonNames].map(([name, number]) => [number, name]));

const emptyCounts = (): SideOutcomes => new SideCounts();

/**
`name-5d8f7c9b6-x2k9p` (a ReplicaSet's pod: its hash, then the pod's) → `name`; `name-x2k9p` (a Job's or
DaemonSet's) → `name`; anything else as it is.
*/
export function workloadNameOfPod(podName: string): string {
	const replicaSet = /^(.+)-[a-z\d]{6,10}-[a-z\d]{5}$/.exec(podName);
	if (replicaSet) {
		return replicaSet[1]!;
	}

	const single = /^(.+)-[a-z\d]{5}$/.exec(podName);
	return single ? single[1]! : podName;
}

type Side = {
	podName: string;
	namespace: string;
	identity: number;
	labels: readonly string[];
	workloads: readonly WorkloadRecord[];
	cluster: string;
	ip: string;
	names: readonly string[];
};

function sideOf(record: FlowRecord, isSource: boolean): Side {
	return isSource
		? {
				podName: record.sourcePodName,
				namespace: record.sourceNamespace,
				identity: record.sourceIdentity,
				labels: record.sourceLabels,
				workloads: record.sourceWorkloads,
				cluster: record.sourceClusterName,
				ip: record.sourceIp,
				names: record.sourceNames,
			}
		: {
				podName: record.destinationPodName,
				namespace: record.destinationNamespace,
				identity: record.destinationIdentity,
				labels: record.destinationLabels,
				workloads: record.destinationWorkloads,
				cluster: record.destinationClusterName,
				ip: record.destinationIp,
				names: record.destinationNames,
			};
}

/** The endpoint a side of a flow stands for (see the module comment). */
export function connectionEndpoint(side: Side, withCluster: boolean): ConnectionEndpoint {
	const cluster = withCluster && side.cluster !== '' ? side.cluster : undefined;
	const prefix = cluster ? `${cluster}: ` : '';
	if (side.podName !== '') {
		const workload = side.workloads[0];
		const name = workload?.name || workloadNameOfPod(side.podName);
		return {
			text: `${prefix}${side.namespace}/${name}`,
			namespace: side.namespace,
			name,
			...(workload?.kind ? {kind: workload.kind} : {}),
			...(cluster ? {cluster} : {}),
		};
	}

	const reserved = reservedIdentityName(side.identity) ?? side.labels.find(label => label.startsWith('reserved:'))?.slice('reserved:'.length);
	if (reserved) {
		const address = reserved === 'world' ? (side.names[0] ?? side.ip) : undefined;
		return {text: `${prefix}${reserved}${address ? ` ${address}` : ''}`, reserved, ...(address ? {address} : {}), ...(cluster ? {cluster} : {})};
	}

	if (side.labels.length > 0) {
		// No pod name (a proxied or node-level flow): read as its namespace and the label that names its app.
		const namespace = labelValue(side.labels, 'k8s:io.kubernetes.pod.namespace');
		const app = appLabels.map(key => labelValue(side.labels, `k8s:${key}`)).find(value => value !== undefined);
		const text = app === undefined ? side.labels.join(',') : `${namespace ? `${namespace}/` : ''}${app} (labels)`;
		return {text: `${prefix}${text}`, ...(namespace ? {namespace} : {}), labels: side.labels, ...(cluster ? {cluster} : {})};
	}

	return {text: `${prefix}${side.ip || '(unknown)'}`, address: side.ip, ...(cluster ? {cluster} : {})};
}

/** An endpoint with its number, and what a flow's side must also have to be it (checked on every find). */
type KnownEndpoint = {endpoint: ConnectionEndpoint; id: number; namespace: string; cluster: string; workload: string};

/** Endpoints remembered per label list before that list's are forgotten (world addresses without names come and go). */
const endpointsPerLabelList = 4096;

/**
Endpoint numbers kept before starting over: a number forgotten comes back as another, so an endpoint seen
again after that starts a new aggregate (its first numbers are not reused, so none is joined wrongly).
*/
const maximumEndpointIds = 1_000_000;

/** Labels that name what a pod is, in the order they are trusted (the suggestions' stable labels lead with them). */
const appLabels = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name'];

function labelValue(labels: readonly string[], key: string): string | undefined {
	const label = labels.find(item => item.startsWith(`${key}=`));
	return label === undefined ? undefined : label.slice(key.length + 1);
}

export class ConnectionTable {
	private readonly connections: RecentMap<string, Connection>;
	private created = 0;
	private changes = 0;
	/**
	Endpoints by their label list (shared by the decoder), then pod, DNS name or address: found again for every
	flow instead of made, each with a number for the connection's key.
	*/
	private readonly endpoints = new WeakMap<readonly string[], Map<string, KnownEndpoint>>();
	private readonly endpointIds = new Map<string, number>();
	private readonly podTexts = new StringCache<string, string>((namespace, podName) => `${namespace}/${podName}`, undefined, maximumPodTexts);
	private readonly podLists = new Map<string, readonly string[]>();
	/** Connections taken in by restore() that no flow has counted toward since. */
	private readonly restoredOnly = new Set<Connection>();
	private readonly sampleEndpoints = new SampleEndpoints();
	private nextEndpointId = 1;

	constructor(capacity = defaultConnectionCapacity) {
		this.connections = new RecentMap(capacity);
	}

	/** Connections forgotten to stay within the capacity (the least recently seen go first). */
	get evicted(): number {
		return this.created - this.connections.size;
	}

	get size(): number {
		return this.connections.size;
	}

	/** Grows with every flow counted and connection taken in: the ledger is written only when it moved. */
	get version(): number {
		return this.changes;
	}

	/**
	Counts a flow toward its connection. `connection` is the flow's attribution in the store (for an L7 drop:
	the policies that redirected it); `withCluster` names each endpoint's cluster.
	*/
	add(record: FlowRecord, connection: ConnectionAttribution | undefined, withCluster: boolean, icmpType?: number): Connection | undefined {
		if (record.sourceIp === '' && record.destinationIp === '') {
			return undefined;
		}

		this.changes++;
		const isReply = record.isReply === 1;
		const client = this.endpoint(record, !isReply, withCluster);
		const server = this.endpoint(record, isReply, withCluster);
		const port = isReply ? record.sourcePort : record.destinationPort;
		const key = connectionKey(client.id, server.id, port, record.protocol, icmpType);
		let entry = this.connections.get(key);
		if (!entry) {
			this.created++;
			entry = newConnection(client.endpoint, server.endpoint, port, record.protocol, record.timeSeconds, icmpType);
			this.connections.set(key, entry);
		}

		if (this.restoredOnly.size > 0) {
			this.restoredOnly.delete(entry);
		}

		entry.flows++;
		const seen = wholeSeconds(record.timeSeconds);
		if (seen < entry.firstSeen) {
			entry.firstSeen = seen;
		}

		if (seen > entry.lastSeen) {
			entry.lastSeen = seen;
		}
		const credit = tallyCredit(record, connection);
		if (credit && credit.direction !== 'TRAFFIC_DIRECTION_UNKNOWN') {
			const side = credit.direction === 'INGRESS' ? entry.ingress : entry.egress;
			side[credit.counter]++;
			if (credit.policies.length === 0) {
				side.policies.add(credit.fallbackName);
			} else {
				for (const policy of credit.policies) {
					side.policies.add(policyName(policy));
				}
			}
		}

		if (record.verdict === droppedVerdict && record.dropReason !== 0) {
			const reason = dropReasonByNumber.get(record.dropReason) ?? String(record.dropReason);
			entry.dropReasons = ownCounts(entry.dropReasons);
			entry.dropReasons.add(reason);
		}

		const request = requestText(record);
		if (request) {
			entry.requests = ownCounts(entry.requests);
			entry.requests.add(request, 1, maximumRequests);
		}

		if (!isReply && !sampleFlow(entry, record, request, this.sampleEndpoints)) {
			entry.unsampledFlows++;
		}

		const sourcePod = this.podText(record.sourceNamespace, record.sourcePodName);
		const destinationPod = this.podText(record.destinationNamespace, record.destinationPodName);
		entry.clientPods = this.withPod(entry.clientPods, isReply ? destinationPod : sourcePod);
		entry.serverPods = this.withPod(entry.serverPods, isReply ? sourcePod : destinationPod);
		return entry;
	}

	/**
	The endpoint of a flow's side, found by its label list (shared by the decoder) and then its pod name
	(else its DNS name or address), and checked: no key string is made per flow, no side object either.
	*/
	private endpoint(record: FlowRecord, isSource: boolean, withCluster: boolean): KnownEndpoint {
		const labels = isSource ? record.sourceLabels : record.destinationLabels;
		const podName = isSource ? record.sourcePodName : record.destinationPodName;
		const namespace = isSource ? record.sourceNamespace : record.destinationNamespace;
		// The cluster counts only where it is in the endpoint (with it, or without a cluster, they read alike).
		const cluster = withCluster ? (isSource ? record.sourceClusterName : record.destinationClusterName) : '';
		const workload = (isSource ? record.sourceWorkloads : record.destinationWorkloads)[0]?.name ?? '';
		const names = isSource ? record.sourceNames : record.destinationNames;
		const key = podName === '' ? (names[0] ?? (isSource ? record.sourceIp : record.destinationIp)) : podName;
		let known = this.endpoints.get(labels);
		if (!known || known.size >= endpointsPerLabelList) {
			known = new Map();
			this.endpoints.set(labels, known);
		}

		const found = known.get(key);
		if (found && found.namespace === namespace && found.cluster === cluster && found.workload === workload) {
			return found;
		}

		// The replicas of a workload are one endpoint: its number goes with its text.
		const endpoint = connectionEndpoint(sideOf(record, isSource), withCluster);
		let id = this.endpointIds.get(endpoint.text);
		if (id === undefined) {
			if (this.endpointIds.size >= maximumEndpointIds) {
				this.endpointIds.clear();
			}

			id = this.nextEndpointId++;
			this.endpointIds.set(endpoint.text, id);
		}

		const made = {endpoint, id, namespace, cluster, workload};
		known.set(key, made);
		return made;
	}

	/**
	Takes in a connection kept elsewhere (the ledger): merged into the one it is, if it is here already.
	Its endpoints keep their text; with `withCluster` false, the ones that name a cluster lose it.
	*/
	restore(connection: Connection): void {
		this.changes++;
		const key = this.keyOf(connection);
		const entry = this.connections.get(key);
		if (!entry) {
			this.created++;
			this.connections.set(key, connection);
			this.restoredOnly.add(connection);
			return;
		}

		mergeConnection(entry, connection);
	}

	/** The connections restore() took in that no flow has counted toward since (a ledger's, not seen in this run). */
	*restoredOnlyValues(): IterableIterator<Connection> {
		for (const connection of this.restoredOnly) {
			// Still here: the bound may have forgotten it.
			if (this.connections.peek(this.keyOf(connection)) === connection) {
				yield connection;
			}
		}
	}

	/** Whether the connection came from restore() and no flow has counted toward it since. */
	isRestoredOnly(connection: Connection): boolean {
		return this.restoredOnly.has(connection);
	}

	private keyOf(connection: Connection): string {
		return connectionKey(this.endpointId(connection.client), this.endpointId(connection.server), connection.port, connection.protocol, connection.icmpType);
	}

	private endpointId(endpoint: ConnectionEndpoint): number {
		let id = this.endpointIds.get(endpoint.text);
		if (id === undefined) {
			id = this.nextEndpointId++;
			this.endpointIds.set(endpoint.text, id);
		}

		return id;
	}

	/** The pods with `value`; the list of that pod alone is one list for all its connections. */
	private withPod(pods: readonly string[], value: string | undefined): readonly string[] {
		return withPod(pods, value, pod => {
			let list = this.podLists.get(pod);
			if (!list) {
				if (this.podLists.size >= maximumPodTexts) {
					this.podLists.clear();
				}

				list = Object.freeze([pod]);
				this.podLists.set(pod, list);
			}

			return list;
		});
	}

	/** `namespace/pod`, one string per pod rather than one per flow. */
	private podText(namespace: string, podName: string): string | undefined {
		return podName === '' ? undefined : this.podTexts.get(namespace, podName);
	}

	/** Every connection, least recently used first (the order the bound forgets them in). */
	*values(): IterableIterator<Connection> {
		for (const [, connection] of this.connections.entries()) {
			yield connection;
		}
	}

	/** Every connection, most recently seen first. */
	all(): Connection[] {
		return [...this.connections.entries()].map(([, connection]) => connection).sort((a, b) => b.lastSeen - a.lastSeen || b.flows - a.flows || a.client.text.localeCompare(b.client.text));
	}
}

const protocolCodes = new Map(['', 'TCP', 'UDP', 'SCTP', 'ICMPv4', 'ICMPv6', 'VRRP', 'IGMP'].map((name, index) => [name, index]));

/**
The table's key: endpoint numbers, port, protocol (and ICMP type) as the UTF-16 units of one short flat
string. A template string was a chain of five strings kept for every connection.
*/
function connectionKey(client: number, server: number, port: number, protocol: string, icmpType: number | undefined): string {
	const code = protocolCodes.get(protocol) ?? protocol;
	return typeof code === 'number'
		? icmpType === undefined
			? String.fromCharCode(client & 0xff_ff, client >>> 16, server & 0xff_ff, server >>> 16, port, code)
			: String.fromCharCode(client & 0xff_ff, client >>> 16, server & 0xff_ff, server >>> 16, port, code, icmpType)
		: `${client},${server},${port},${protocol},${icmpType ?? ''}`;
}

export function newConnection(client: ConnectionEndpoint, server: ConnectionEndpoint, port: number, protocol: string, seen: number, icmpType?: number): Connection {
	return {
		client,
		server,
		port,
		protocol,
		flows: 0,
		firstSeen: wholeSeconds(seen),
		lastSeen: wholeSeconds(seen),
		egress: emptyCounts(),
		ingress: emptyCounts(),
		dropReasons: noCounts,
		requests: noCounts,
		clientPods: noPods,
		serverPods: noPods,
		...(icmpType === undefined ? {} : {icmpType}),
		samples: [],
		unsampledFlows: 0,
	};
}

/** A list of its own in place of the shared empty one. */
function ownCounts(list: CountList): CountList {
	return list === noCounts ? new CountList() : list;
}

function addCounts(into: CountList, from: CountList, bound = Number.POSITIVE_INFINITY): void {
	for (const [key, count] of from) {
		into.add(key, count, bound);
	}
}

/** `into` gains what `from` counted: two records of one connection (a ledger and this run) become one. */
function mergeConnection(into: Connection, from: Connection): void {
	into.flows += from.flows;
	into.firstSeen = wholeSeconds(Math.min(into.firstSeen, from.firstSeen));
	into.lastSeen = wholeSeconds(Math.max(into.lastSeen, from.lastSeen));
	for (const side of ['egress', 'ingress'] as const) {
		for (const counter of ['allowed', 'denied', 'audited', 'l7Denied'] as const) {
			into[side][counter] += from[side][counter];
		}

		addCounts(into[side].policies, from[side].policies);
	}

	if (from.dropReasons.size > 0) {
		into.dropReasons = ownCounts(into.dropReasons);
		addCounts(into.dropReasons, from.dropReasons);
	}

	if (from.requests.size > 0) {
		into.requests = ownCounts(into.requests);
		addCounts(into.requests, from.requests, maximumRequests);
	}
	for (const pod of from.clientPods) {
		into.clientPods = withPod(into.clientPods, pod);
	}

	for (const pod of from.serverPods) {
		into.serverPods = withPod(into.serverPods, pod);
	}

	into.unsampledFlows += from.unsampledFlows + mergeSamples(into, from.samples);
}

const policyNames = new WeakMap<PolicyRecord, string>();

/** `namespace/name` of a policy record (shared by the decoder): one string per policy, not per flow. */
function policyName(policy: PolicyRecord): string {
	let name = policyNames.get(policy);
	if (name === undefined) {
		name = policy.namespace ? `${policy.namespace}/${policy.name}` : policy.name;
		policyNames.set(policy, name);
	}

	return name;
}

/** An HTTP request's method and path, or a DNS query's name. */
function requestText(record: FlowRecord): string | undefined {
	if (record.l7Type !== 1) {
		return undefined;
	}

	if (record.l7Protocol === 'http') {
		// The path Envoy sees, without its query: requests that differ by their parameters are one kind.
		return `${record.httpMethod} ${requestParts(record.httpUrl).path.split('?')[0] || '/'}`;
	}

	return record.l7Protocol === 'dns' ? `DNS ${record.dnsQuery}` : undefined;
}


const noPods: readonly string[] = Object.freeze([]);

/**
Seconds as a small integer where they fit (until 2038): a field that ever held a double keeps every
object's value in a box of its own, 16 bytes more for each of a connection's two times.
*/
function wholeSeconds(seconds: number): number {
	return seconds >= 0 && seconds <= 0x7f_ff_ff_ff ? seconds | 0 : seconds;
}

/** The pods with `value` (a new array of just the length: concat makes one, a pushed-to or spread array reserves 17 slots). */
function withPod(pods: readonly string[], value: string | undefined, one?: (pod: string) => readonly string[]): readonly string[] {
	if (value === undefined || pods.length >= maximumPods || pods.includes(value)) {
		return pods;
	}

	return pods.length === 0 && one ? one(value) : pods.concat(value);
}

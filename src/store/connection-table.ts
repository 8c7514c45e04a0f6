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
*/
import {dropReasonNames} from '../flow/drop-reason.js';
import type {FlowRecord, PolicyRecord, WorkloadRecord} from '../flow/flow-record.js';
import {reservedIdentityName} from '../flow/reserved-identity.js';
import {RecentMap} from '../flow/recent-map.js';
import type {ConnectionAttribution} from './connection-attribution.js';
import {requestParts} from '../policy/l7-match.js';
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
	policies: Map<string, number>;
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
	/** Drop reason name → drops. */
	dropReasons: Map<string, number>;
	/** `GET /path` or `DNS name.` → requests (bounded). */
	requests: Map<string, number>;
	/** Pods seen on each side (bounded). */
	clientPods: Set<string>;
	serverPods: Set<string>;
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

const droppedVerdict = 2;
/** flow.DropReason names (`POLICY_DENIED`) by number. */
const dropReasonByNumber = new Map([...dropReasonNames].map(([name, number]) => [number, name]));

const emptyCounts = (): SideOutcomes => ({allowed: 0, denied: 0, audited: 0, l7Denied: 0, policies: new Map()});

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

type KnownEndpoint = {endpoint: ConnectionEndpoint; id: number};

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
	/**
	Endpoints by their label list (shared by the decoder), then pod, DNS name or address: found again for every
	flow instead of made, each with a number for the connection's key.
	*/
	private readonly endpoints = new WeakMap<readonly string[], Map<string, KnownEndpoint>>();
	private readonly endpointIds = new Map<string, number>();
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

	/**
	Counts a flow toward its connection. `connection` is the flow's attribution in the store (for an L7 drop:
	the policies that redirected it); `withCluster` names each endpoint's cluster.
	*/
	add(record: FlowRecord, connection: ConnectionAttribution | undefined, withCluster: boolean): Connection | undefined {
		if (record.sourceIp === '' && record.destinationIp === '') {
			return undefined;
		}

		const isReply = record.isReply === 1;
		const client = this.endpoint(sideOf(record, !isReply), withCluster);
		const server = this.endpoint(sideOf(record, isReply), withCluster);
		const port = isReply ? record.sourcePort : record.destinationPort;
		const key = `${client.id},${server.id},${port},${record.protocol}`;
		let entry = this.connections.get(key);
		if (!entry) {
			this.created++;
			entry = {
				client: client.endpoint,
				server: server.endpoint,
				port,
				protocol: record.protocol,
				flows: 0,
				firstSeen: record.timeSeconds,
				lastSeen: record.timeSeconds,
				egress: emptyCounts(),
				ingress: emptyCounts(),
				dropReasons: new Map(),
				requests: new Map(),
				clientPods: new Set(),
				serverPods: new Set(),
			};
			this.connections.set(key, entry);
		}

		entry.flows++;
		entry.firstSeen = Math.min(entry.firstSeen, record.timeSeconds);
		entry.lastSeen = Math.max(entry.lastSeen, record.timeSeconds);
		const credit = tallyCredit(record, connection);
		if (credit && credit.direction !== 'TRAFFIC_DIRECTION_UNKNOWN') {
			const side = credit.direction === 'INGRESS' ? entry.ingress : entry.egress;
			side[credit.counter]++;
			for (const name of policyNames(credit.policies, credit.fallbackName)) {
				side.policies.set(name, (side.policies.get(name) ?? 0) + 1);
			}
		}

		if (record.verdict === droppedVerdict && record.dropReason !== 0) {
			const reason = dropReasonByNumber.get(record.dropReason) ?? String(record.dropReason);
			entry.dropReasons.set(reason, (entry.dropReasons.get(reason) ?? 0) + 1);
		}

		const request = requestText(record);
		if (request && (entry.requests.has(request) || entry.requests.size < maximumRequests)) {
			entry.requests.set(request, (entry.requests.get(request) ?? 0) + 1);
		}

		addBounded(entry.clientPods, isReply ? podText(record.destinationNamespace, record.destinationPodName) : podText(record.sourceNamespace, record.sourcePodName));
		addBounded(entry.serverPods, isReply ? podText(record.sourceNamespace, record.sourcePodName) : podText(record.destinationNamespace, record.destinationPodName));
		return entry;
	}

	private endpoint(side: Side, withCluster: boolean): KnownEndpoint {
		let known = this.endpoints.get(side.labels);
		if (!known || known.size >= endpointsPerLabelList) {
			known = new Map();
			this.endpoints.set(side.labels, known);
		}

		// The cluster is in the key only where it is in the endpoint (with it, or without a cluster, they read alike).

		const key = `${side.podName}\u0000${side.podName === '' ? (side.names[0] ?? side.ip) : side.namespace}\u0000${withCluster ? side.cluster : ''}\u0000${side.workloads[0]?.name ?? ''}`;
		let found = known.get(key);
		if (!found) {
			// The replicas of a workload are one endpoint: its number goes with its text.
			const endpoint = connectionEndpoint(side, withCluster);
			let id = this.endpointIds.get(endpoint.text);
			if (id === undefined) {
				if (this.endpointIds.size >= maximumEndpointIds) {
					this.endpointIds.clear();
				}

				id = this.nextEndpointId++;
				this.endpointIds.set(endpoint.text, id);
			}

			found = {endpoint, id};
			known.set(key, found);
		}

		return found;
	}

	/** Every connection, most recently seen first. */
	all(): Connection[] {
		return [...this.connections.entries()].map(([, connection]) => connection).sort((a, b) => b.lastSeen - a.lastSeen || b.flows - a.flows || a.client.text.localeCompare(b.client.text));
	}
}

function policyNames(policies: readonly PolicyRecord[], fallbackName: string): string[] {
	return policies.length === 0 ? [fallbackName] : policies.map(policy => (policy.namespace ? `${policy.namespace}/${policy.name}` : policy.name));
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

function podText(namespace: string, podName: string): string | undefined {
	return podName === '' ? undefined : `${namespace}/${podName}`;
}

function addBounded(set: Set<string>, value: string | undefined): void {
	if (value !== undefined && set.size < maximumPods) {
		set.add(value);
	}
}

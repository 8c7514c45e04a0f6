/**
Builds the flows one connection produces in Cilium, as Hubble reports them: policy verdicts on the
source's node (egress) and the destination's node (ingress), trace events, drops, and L7 records from
the proxy. Used by the demo scenarios; every field follows hubble-api.md §1.4-1.12.

Connections between the same two workloads on the same server port produce the same flows but for the
client's ephemeral port, so each flow is built once, as a shape shared by every such connection, and a
connection's flow is its shape plus its client port. Building every flow of every round afresh (object
spreads, policy lists) and finding its encoding again cost the demo relay most of its time per flow.
*/
import type {Endpoint, Flow, Policy} from '../flow/flow.js';
import {objectId} from '../flow/object-id.js';
import {RecentMap} from '../flow/recent-map.js';

export type Workload = {
	endpoint: Endpoint;
	ip: string;
	/** Node the endpoint runs on, `cluster/node`; undefined for endpoints outside the cluster. */
	node?: string;
	names?: string[];
};

export type Protocol = 'TCP' | 'UDP';

/** Policy match types (hubble-api.md §1.8). */
export const matchType = {none: 0, l3Only: 1, l3l4: 2, l4Only: 3, all: 4} as const;

export function cnp(name: string, namespace: string): Policy {
	return {
		name,
		namespace,
		labels: [
			'k8s:io.cilium.k8s.policy.derived-from=CiliumNetworkPolicy',
			`k8s:io.cilium.k8s.policy.name=${name}`,
			`k8s:io.cilium.k8s.policy.namespace=${namespace}`,
		],
		revision: '1',
		kind: 'CiliumNetworkPolicy',
	};
}

export type ConnectionOptions = {
	source: Workload;
	destination: Workload;
	protocol: Protocol;
	/** The client's ephemeral port. */
	sourcePort: number;
	/** The server's port. */
	destinationPort: number;
};

/**
A flow of every connection of one kind, with 0 for the client's port: frozen, as it is shared. The client's
port is the source port of a request and the destination port of a reply.
*/
export type FlowShape = {
	readonly flow: Flow;
	readonly clientPortField: 'source_port' | 'destination_port';
};

/** One flow of a round: its shape and the port its client drew. */
export type RoundFlow = {readonly shape: FlowShape; readonly clientPort: number};

/** The flow a round flow stands for (without time, uuid or node, which the scenario clock adds). */
export function flowOf({shape, clientPort}: RoundFlow): Flow {
	const field = shape.clientPortField;
	const layer4 = shape.flow.l4!;
	return {...shape.flow, l4: layer4.TCP ? {TCP: {...layer4.TCP, [field]: clientPort}} : {UDP: {...layer4.UDP, [field]: clientPort}}};
}

/**
The shapes made so far per kind of connection (its workloads, protocol and server port). Bounded, so a
scenario that makes new workload objects every round costs time, not memory.
*/
const shapesByKind = new RecentMap<string, Map<string, FlowShape>>(1024);

/** One connection; each method returns one of its flows. */
export class Connection {
	private readonly shapes: Map<string, FlowShape>;

	constructor(readonly options: ConnectionOptions) {
		const kind = `${objectId(options.source)}>${objectId(options.destination)} ${options.protocol}/${options.destinationPort}`;
		let shapes = shapesByKind.get(kind);
		if (!shapes) {
			shapes = new Map();
			shapesByKind.set(kind, shapes);
		}

		this.shapes = shapes;
	}

	/** A policy verdict for the first packet, taken on the egress (source) or ingress (destination) side. */
	policyVerdict(
		direction: 'EGRESS' | 'INGRESS',
		verdict: 'FORWARDED' | 'REDIRECTED' | 'DROPPED' | 'AUDIT',
		match: number,
		policies: Policy[] = [],
	): RoundFlow {
		const key = `verdict ${direction} ${verdict} ${match} ${policies.map(policy => `${policy.kind}/${policy.namespace}/${policy.name}/${policy.revision}`).join(',')}`;
		return this.flow(key, () => this.buildPolicyVerdict(direction, verdict, match, policies));
	}

	private buildPolicyVerdict(direction: 'EGRESS' | 'INGRESS', verdict: 'FORWARDED' | 'REDIRECTED' | 'DROPPED' | 'AUDIT', match: number, policies: Policy[]): Flow {
		const isDenied = verdict === 'DROPPED';
		const prefix = direction === 'EGRESS' ? 'egress' : 'ingress';
		const flow: Flow = {
			...this.base(false, direction === 'EGRESS' ? this.options.source.node : this.options.destination.node),
			verdict,
			...(isDenied ? {drop_reason: 133, drop_reason_desc: 'POLICY_DENIED'} : {}),
			event_type: {type: 5},
			traffic_direction: direction,
			policy_match_type: match,
			Summary: this.firstPacketSummary(),
		};
		// Denied verdicts have no is_reply (hubble-api.md §1.11).
		if (isDenied) {
			delete flow.is_reply;
		}

		if (policies.length > 0) {
			const field = isDenied || verdict === 'AUDIT' ? (`${prefix}_denied_by` as const) : (`${prefix}_allowed_by` as const);
			flow[field] = policies;
		}

		return flow;
	}

	/** A trace event: `to-endpoint` (0), `to-proxy` (1), `to-stack` (3) … seen from the request or the reply. */
	trace(point: 'to-endpoint' | 'to-proxy' | 'to-stack', isReply: boolean, direction: 'EGRESS' | 'INGRESS'): RoundFlow {
		return this.flow(`trace ${point} ${isReply} ${direction}`, () => this.buildTrace(point, isReply, direction));
	}

	private buildTrace(point: 'to-endpoint' | 'to-proxy' | 'to-stack', isReply: boolean, direction: 'EGRESS' | 'INGRESS'): Flow {
		const subType = {'to-endpoint': 0, 'to-proxy': 1, 'to-stack': 3}[point];
		const observationPoint = {'to-endpoint': 'TO_ENDPOINT', 'to-proxy': 'TO_PROXY', 'to-stack': 'TO_STACK'}[point];
		const node = point === 'to-endpoint' ? (isReply ? this.options.source.node : this.options.destination.node) : isReply ? this.options.destination.node : this.options.source.node;
		return {
			...this.base(isReply, node),
			verdict: 'FORWARDED',
			event_type: {type: 4, sub_type: subType},
			traffic_direction: direction,
			trace_observation_point: observationPoint,
			Summary: isReply ? this.replySummary() : this.firstPacketSummary(),
		};
	}

	/** A default-deny drop (`Policy denied DROPPED`, reason 133) on the given side. */
	drop(direction: 'EGRESS' | 'INGRESS'): RoundFlow {
		return this.flow(`drop ${direction}`, () => this.buildDrop(direction));
	}

	private buildDrop(direction: 'EGRESS' | 'INGRESS'): Flow {
		const flow: Flow = {
			...this.base(false, direction === 'EGRESS' ? this.options.source.node : this.options.destination.node),
			verdict: 'DROPPED',
			drop_reason: 133,
			event_type: {type: 1, sub_type: 133},
			traffic_direction: direction,
			drop_reason_desc: 'POLICY_DENIED',
			Summary: this.firstPacketSummary(),
		};
		delete flow.is_reply;
		return flow;
	}

	httpRequest(method: string, url: string, verdict: 'FORWARDED' | 'DROPPED'): RoundFlow {
		return this.flow(`http-request ${method} ${url} ${verdict}`, () => ({
			...this.base(false, this.options.destination.node),
			verdict,
			Type: 'L7',
			l7: {type: 'REQUEST', http: {method, url, protocol: 'HTTP/1.1'}},
			event_type: {type: 129},
			traffic_direction: 'INGRESS',
			Summary: `HTTP/1.1 ${method} ${url}`,
		}));
	}

	httpResponse(method: string, url: string, code: number, latencyMilliseconds: number): RoundFlow {
		return this.flow(`http-response ${method} ${url} ${code} ${latencyMilliseconds}`, () => ({
			...this.base(true, this.options.destination.node),
			verdict: 'FORWARDED',
			Type: 'L7',
			l7: {type: 'RESPONSE', latency_ns: String(latencyMilliseconds * 1_000_000), http: {code, method, url, protocol: 'HTTP/1.1'}},
			event_type: {type: 129},
			traffic_direction: 'INGRESS',
			Summary: `HTTP/1.1 ${code} ${latencyMilliseconds}ms (${method} ${url})`,
		}));
	}

	/** A lookup through the agent's DNS proxy, which drops names the rules do not allow. */
	dnsRequest(query: string, verdict: 'FORWARDED' | 'DROPPED' = 'FORWARDED'): RoundFlow {
		return this.flow(`dns-request ${query} ${verdict}`, () => ({
			...this.base(false, this.options.source.node),
			verdict,
			Type: 'L7',
			l7: {type: 'REQUEST', dns: {query, observation_source: 'proxy', qtypes: ['A']}},
			event_type: {type: 129},
			traffic_direction: 'EGRESS',
			Summary: `DNS Query ${query} A`,
		}));
	}

	dnsResponse(query: string, ips: string[], ttl: number): RoundFlow {
		return this.flow(`dns-response ${query} ${ips.join(',')} ${ttl}`, () => ({
			...this.base(true, this.options.source.node),
			verdict: 'FORWARDED',
			Type: 'L7',
			l7: {type: 'RESPONSE', latency_ns: '412000', dns: {query, ips, ttl, observation_source: 'proxy', qtypes: ['A'], rrtypes: ['A']}},
			event_type: {type: 129},
			traffic_direction: 'EGRESS',
			Summary: `DNS Answer "${ips.join(',')}" TTL: ${ttl} (Proxy ${query} A)`,
		}));
	}

	/** This connection's flow of a shape, built the first time a connection of its kind needs it. */
	private flow(key: string, build: () => Flow): RoundFlow {
		let shape = this.shapes.get(key);
		if (!shape) {
			const flow = build();
			Object.freeze(flow.IP);
			shape = Object.freeze({flow: Object.freeze(flow), clientPortField: flow.is_reply === true ? 'destination_port' : 'source_port'});
			this.shapes.set(key, shape);
		}

		return {shape, clientPort: this.options.sourcePort};
	}

	/**
	The fields every flow of the connection shares; a reply travels from the server back to the client. The
	client's port is 0 here: each round flow has its own (see flowOf).
	*/
	private base(isReply: boolean, node: string | undefined): Flow {
		const {protocol} = this.options;
		const [source, destination] = isReply ? [this.options.destination, this.options.source] : [this.options.source, this.options.destination];
		const [sourcePort, destinationPort] = isReply ? [this.options.destinationPort, 0] : [0, this.options.destinationPort];
		const ports = {source_port: sourcePort, destination_port: destinationPort};
		return {
			IP: {source: source.ip, destination: destination.ip, ipVersion: 'IPv4'},
			l4: protocol === 'TCP' ? {TCP: {...ports, flags: isReply ? {SYN: true, ACK: true} : {SYN: true}}} : {UDP: ports},
			source: source.endpoint,
			destination: destination.endpoint,
			Type: 'L3_L4',
			...(node === undefined ? {} : {node_name: node}),
			...(source.names ? {source_names: source.names} : {}),
			...(destination.names ? {destination_names: destination.names} : {}),
			is_reply: isReply,
		};
	}

	private firstPacketSummary(): string {
		return this.options.protocol === 'TCP' ? 'TCP Flags: SYN' : 'UDP';
	}

	private replySummary(): string {
		return this.options.protocol === 'TCP' ? 'TCP Flags: SYN, ACK' : 'UDP';
	}
}

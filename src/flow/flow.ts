/**
The Hubble flow API as plain data, in the exact shape `hubble observe -o jsonpb` writes it: proto field
names (`IP`, `Type`, `is_reply`, `source_port`), enums as their names, 64-bit integers as decimal
strings, timestamps as RFC 3339 strings, wrapper types flattened, default values absent. Captures,
gRPC and the printers all meet in this one shape, so what ztop shows is what `jq` would show.
*/

export type Verdict =
	| 'VERDICT_UNKNOWN'
	| 'FORWARDED'
	| 'DROPPED'
	| 'ERROR'
	| 'AUDIT'
	| 'REDIRECTED'
	| 'TRACED'
	| 'TRANSLATED';

export type TrafficDirection = 'TRAFFIC_DIRECTION_UNKNOWN' | 'INGRESS' | 'EGRESS';

export type FlowType = 'UNKNOWN_TYPE' | 'L3_L4' | 'L7' | 'SOCK';

export type IpVersion = 'IP_NOT_USED' | 'IPv4' | 'IPv6';

export type L7FlowType = 'UNKNOWN_L7_TYPE' | 'REQUEST' | 'RESPONSE' | 'SAMPLE';

/** An enum value the schema does not name is kept as its number, as protojson does. */
export type EnumValue<Name extends string> = Name | number;

export type Workload = {name?: string; kind?: string};

export type Endpoint = {
	ID?: number;
	identity?: number;
	cluster_name?: string;
	namespace?: string;
	labels?: string[];
	pod_name?: string;
	workloads?: Workload[];
};

export type TcpFlags = Partial<Record<'FIN' | 'SYN' | 'RST' | 'PSH' | 'ACK' | 'URG' | 'ECE' | 'CWR' | 'NS', boolean>>;

export type PortPair = {source_port?: number; destination_port?: number};

export type Layer4 = {
	TCP?: PortPair & {flags?: TcpFlags};
	UDP?: PortPair;
	ICMPv4?: {type?: number; code?: number};
	ICMPv6?: {type?: number; code?: number};
	SCTP?: PortPair;
	VRRP?: {type?: number; vrid?: number; priority?: number};
	IGMP?: {type?: number; group_address?: string};
};

export type HttpHeader = {key?: string; value?: string};

export type Http = {code?: number; method?: string; url?: string; protocol?: string; headers?: HttpHeader[]};

export type Dns = {
	query?: string;
	ips?: string[];
	ttl?: number;
	cnames?: string[];
	observation_source?: string;
	rcode?: number;
	qtypes?: string[];
	rrtypes?: string[];
};

export type Kafka = {error_code?: number; api_version?: number; api_key?: string; correlation_id?: number; topic?: string};

export type Layer7 = {type?: EnumValue<L7FlowType>; latency_ns?: string; dns?: Dns; http?: Http; kafka?: Kafka};

export type Policy = {name?: string; namespace?: string; labels?: string[]; revision?: string; kind?: string};

export type Service = {name?: string; namespace?: string};

export type Flow = {
	time?: string;
	uuid?: string;
	emitter?: {name?: string; version?: string};
	verdict?: EnumValue<Verdict>;
	drop_reason?: number;
	auth_type?: EnumValue<'DISABLED' | 'SPIRE' | 'TEST_ALWAYS_FAIL'>;
	ethernet?: {source?: string; destination?: string};
	IP?: {source?: string; source_xlated?: string; destination?: string; ipVersion?: EnumValue<IpVersion>; encrypted?: boolean};
	l4?: Layer4;
	tunnel?: Record<string, unknown>;
	source?: Endpoint;
	destination?: Endpoint;
	Type?: EnumValue<FlowType>;
	node_name?: string;
	node_labels?: string[];
	source_names?: string[];
	destination_names?: string[];
	l7?: Layer7;
	reply?: boolean;
	event_type?: {type?: number; sub_type?: number};
	source_service?: Service;
	destination_service?: Service;
	traffic_direction?: EnumValue<TrafficDirection>;
	policy_match_type?: number;
	trace_observation_point?: EnumValue<string>;
	trace_reason?: EnumValue<string>;
	file?: {name?: string; line?: number};
	ip_trace_id?: {trace_id?: string; ip_option_type?: number};
	drop_reason_desc?: EnumValue<string>;
	is_reply?: boolean;
	debug_capture_point?: EnumValue<string>;
	interface?: {index?: number; name?: string};
	proxy_port?: number;
	trace_context?: {parent?: {trace_id?: string}};
	sock_xlate_point?: EnumValue<string>;
	socket_cookie?: string;
	cgroup_id?: string;
	Summary?: string;
	extensions?: Record<string, unknown>;
	egress_allowed_by?: Policy[];
	ingress_allowed_by?: Policy[];
	egress_denied_by?: Policy[];
	ingress_denied_by?: Policy[];
	policy_log?: string[];
	aggregate?: {ingress_flow_count?: number; egress_flow_count?: number; unknown_direction_flow_count?: number};
};

export type LostEventSource =
	| 'UNKNOWN_LOST_EVENT_SOURCE'
	| 'PERF_EVENT_RING_BUFFER'
	| 'OBSERVER_EVENTS_QUEUE'
	| 'HUBBLE_RING_BUFFER';

export type LostEvent = {
	source?: EnumValue<LostEventSource>;
	num_events_lost?: string;
	cpu?: number;
	first?: string;
	last?: string;
};

export type NodeState = 'UNKNOWN_NODE_STATE' | 'NODE_CONNECTED' | 'NODE_UNAVAILABLE' | 'NODE_GONE' | 'NODE_ERROR';

export type NodeStatusEvent = {state_change?: EnumValue<NodeState>; node_names?: string[]; message?: string};

/** One line of `hubble observe -o jsonpb`: exactly one of flow, node_status and lost_events. */
export type GetFlowsResponse = {
	flow?: Flow;
	node_status?: NodeStatusEvent;
	lost_events?: LostEvent;
	node_name?: string;
	time?: string;
};

export type EventTypeFilter = {type?: number; match_sub_type?: boolean; sub_type?: number};

/** A server-side filter: every set field must match (AND); the values of one field are ORed. */
export type FlowFilter = {
	uuid?: string[];
	source_ip?: string[];
	source_ip_xlated?: string[];
	source_pod?: string[];
	source_fqdn?: string[];
	source_label?: string[];
	source_service?: string[];
	source_workload?: Workload[];
	source_cluster_name?: string[];
	destination_ip?: string[];
	destination_pod?: string[];
	destination_fqdn?: string[];
	destination_label?: string[];
	destination_service?: string[];
	destination_workload?: Workload[];
	destination_cluster_name?: string[];
	traffic_direction?: Array<EnumValue<TrafficDirection>>;
	verdict?: Array<EnumValue<Verdict>>;
	drop_reason_desc?: Array<EnumValue<string>>;
	interface?: Array<{index?: number; name?: string}>;
	event_type?: EventTypeFilter[];
	http_status_code?: string[];
	protocol?: string[];
	source_port?: string[];
	destination_port?: string[];
	reply?: boolean[];
	dns_query?: string[];
	source_identity?: number[];
	destination_identity?: number[];
	http_method?: string[];
	http_path?: string[];
	http_url?: string[];
	http_header?: HttpHeader[];
	tcp_flags?: TcpFlags[];
	node_name?: string[];
	node_labels?: string[];
	ip_version?: Array<EnumValue<IpVersion>>;
	trace_id?: string[];
	ip_trace_id?: string[];
	encrypted?: boolean[];
	experimental?: {cel_expression?: string[]};
};

/**
Evaluates FlowFilters locally exactly as the Hubble server does (pkg/hubble/filters, hubble-api.md §2):
within one filter every set field must match (AND), the values of one field are ORed, and a flow passes
a request when it matches any allowlist filter (or there are none) and no denylist filter.
Compiling validates the filter once, so an invalid value fails before any flow is read.
*/
import {BlockList, isIP} from 'node:net';
import {eventType} from '../flow/event-type.js';
import type {Endpoint, EventTypeFilter, Flow, FlowFilter, GetFlowsResponse, Service} from '../flow/flow.js';
import {FilterError} from './filter-error.js';
import {matchesLabelSelector, parseLabel, parseLabelSelector, type LabelSelector, type ParsedLabel} from './label-selector.js';

export type FlowPredicate = (flow: Flow) => boolean;

/** Compiles one FlowFilter into a predicate; throws FilterError for values the server would reject. */
export function compileFlowFilter(filter: FlowFilter): FlowPredicate {
	const checks: FlowPredicate[] = [];
	const add = <T>(values: T[] | undefined, build: (values: T[]) => FlowPredicate) => {
		if (values && values.length > 0) {
			checks.push(build(values));
		}
	};

	add(filter.uuid, values => flow => values.includes(flow.uuid ?? ''));
	add(filter.source_ip, values => ipMatcher(values, (flow: Flow) => flow.IP?.source));
	add(filter.source_ip_xlated, values => ipMatcher(values, (flow: Flow) => flow.IP?.source_xlated));
	add(filter.destination_ip, values => ipMatcher(values, (flow: Flow) => flow.IP?.destination));
	add(filter.source_pod, values => namespacedNameMatcher(values, (flow: Flow) => podName(flow.source)));
	add(filter.destination_pod, values => namespacedNameMatcher(values, (flow: Flow) => podName(flow.destination)));
	add(filter.source_service, values => namespacedNameMatcher(values, (flow: Flow) => serviceName(flow.source_service)));
	add(filter.destination_service, values => namespacedNameMatcher(values, (flow: Flow) => serviceName(flow.destination_service)));
	add(filter.source_fqdn, values => fqdnMatcher(values, flow => flow.source_names));
	add(filter.destination_fqdn, values => fqdnMatcher(values, flow => flow.destination_names));
	add(filter.source_label, values => labelMatcher(values, (flow: Flow) => flow.source?.labels));
	add(filter.destination_label, values => labelMatcher(values, (flow: Flow) => flow.destination?.labels));
	add(filter.node_labels, values => labelMatcher(values, (flow: Flow) => flow.node_labels));
	add(filter.source_workload, values => workloadMatcher(values, (flow: Flow) => flow.source?.workloads));
	add(filter.destination_workload, values => workloadMatcher(values, (flow: Flow) => flow.destination?.workloads));
	add(filter.source_cluster_name, values => flow => values.includes(flow.source?.cluster_name ?? ''));
	add(filter.destination_cluster_name, values => flow => values.includes(flow.destination?.cluster_name ?? ''));
	add(filter.traffic_direction, values => flow => values.includes(flow.traffic_direction ?? 'TRAFFIC_DIRECTION_UNKNOWN'));
	add(filter.verdict, values => flow => values.includes(flow.verdict ?? 'VERDICT_UNKNOWN'));
	add(filter.drop_reason_desc, values => flow =>
		flow.verdict === 'DROPPED' && values.includes(flow.drop_reason_desc ?? 'DROP_REASON_UNKNOWN'),
	);
	add(filter.interface, values => flow =>
		values.some(
			wanted =>
				(wanted.index === undefined || wanted.index === (flow.interface?.index ?? 0)) &&
				(wanted.name === undefined || wanted.name === (flow.interface?.name ?? '')),
		),
	);
	add(filter.event_type, values =>
		eventTypeMatcher(values, (flow: Flow) => ({type: flow.event_type?.type ?? 0, subType: flow.event_type?.sub_type ?? 0})),
	);
	add(filter.http_status_code, values => {
		requireOnlyL7EventTypes(filter, 'http status code');
		return httpStatusMatcher(values, (flow: Flow) => flow.l7?.http?.code ?? 0);
	});
	add(filter.protocol, values => protocolMatcher(values));
	add(filter.source_port, values => portMatcher(values, 'source_port'));
	add(filter.destination_port, values => portMatcher(values, 'destination_port'));
	add(filter.reply, values => flow => {
		// Hubble's reply filter: an unknown is_reply matches only on a drop, where it counts as false.
		const isReply = flow.is_reply ?? (flow.verdict === 'DROPPED' ? false : undefined);
		return isReply !== undefined && values.includes(isReply);
	});
	add(filter.dns_query, values => {
		const patterns = values.map(value => compileRegularExpression(value, 'dns query'));
		return flow => {
			const query = flow.l7?.dns?.query;
			return query !== undefined && patterns.some(pattern => pattern.test(query));
		};
	});
	add(filter.source_identity, values => flow => values.includes(flow.source?.identity ?? 0));
	add(filter.destination_identity, values => flow => values.includes(flow.destination?.identity ?? 0));
	add(filter.http_method, values => {
		requireOnlyL7EventTypes(filter, 'http method');
		const methods = values.map(value => value.toLowerCase());
		return flow => {
			const method = flow.l7?.http?.method;
			return method !== undefined && methods.includes(method.toLowerCase());
		};
	});
	add(filter.http_path, values => {
		requireOnlyL7EventTypes(filter, 'http path');
		const patterns = values.map(value => compileRegularExpression(value, 'http path'));
		return flow => {
			const path = urlPath(flow.l7?.http?.url);
			return path !== undefined && patterns.some(pattern => pattern.test(path));
		};
	});
	add(filter.http_url, values => {
		requireOnlyL7EventTypes(filter, 'http url');
		const patterns = values.map(value => compileRegularExpression(value, 'http url'));
		return flow => {
			const url = flow.l7?.http?.url;
			return url !== undefined && patterns.some(pattern => pattern.test(url));
		};
	});
	add(filter.http_header, values => flow => {
		const headers = flow.l7?.http?.headers ?? [];
		return values.some(wanted =>
			headers.some(header => (header.key ?? '') === (wanted.key ?? '') && (header.value ?? '') === (wanted.value ?? '')),
		);
	});
	add(filter.tcp_flags, values => flow => {
		const tcp = flow.l4?.TCP;
		if (!tcp) {
			return false;
		}

		const flags = tcp.flags ?? {};
		return values.some(wanted =>
			Object.entries(wanted).every(([flag, isSet]) => !isSet || flags[flag as keyof typeof flags] === true),
		);
	});
	add(filter.node_name, values => nodeNameMatcher(values, (flow: Flow) => flow.node_name ?? ''));
	add(filter.ip_version, values => flow => values.includes(flow.IP?.ipVersion ?? 'IP_NOT_USED'));
	add(filter.trace_id, values => flow => values.includes(flow.trace_context?.parent?.trace_id ?? ''));
	add(filter.ip_trace_id, values => flow => values.includes(flow.ip_trace_id?.trace_id ?? '0'));
	add(filter.encrypted, values => flow => values.includes(flow.IP?.encrypted ?? false));
	if ((filter.experimental?.cel_expression?.length ?? 0) > 0) {
		throw new FilterError('CEL expressions (--cel-expression) can only be evaluated by a Hubble server, not on a capture');
	}

	return flow => checks.every(check => check(flow));
}

export type ResponsePredicate = (response: GetFlowsResponse) => boolean;

/**
Hubble's filters.Apply: allowlist.MatchOne && denylist.MatchNone. Responses that are not flows (lost
events, node status) always pass, as they do on the server.
*/
export function compileFilterLists(allowlist: readonly FlowFilter[], denylist: readonly FlowFilter[]): ResponsePredicate {
	if (allowlist.length === 0 && denylist.length === 0) {
		// Everything passes: not even the flow is read (the demo relay makes its flows only when read).
		return () => true;
	}

	const matches = compileFlowLists(allowlist, denylist);
	return response => !response.flow || matches(response.flow);
}

const emptyFlow: Flow = {};

/**
The filter of `hubble observe --input-file` (hubble/cmd/observe/io_reader_observer.go `unmarshalNext`): it
applies the filters to every line as to a flow, and a line that holds none (lost events, node status)
reaches them as a nil Flow, whose getters read as an empty flow's. So an allowlist filter drops such a
line and a denylist filter keeps it.
*/
export function compileCaptureFilterLists(allowlist: readonly FlowFilter[], denylist: readonly FlowFilter[]): ResponsePredicate {
	const matches = compileFlowLists(allowlist, denylist);
	return response => matches(response.flow ?? emptyFlow);
}

function compileFlowLists(allowlist: readonly FlowFilter[], denylist: readonly FlowFilter[]): (flow: Flow) => boolean {
	const allow = allowlist.map(filter => compileFlowFilter(filter));
	const deny = denylist.map(filter => compileFlowFilter(filter));
	return flow => (allow.length === 0 || allow.some(matches => matches(flow))) && !deny.some(matches => matches(flow));
}

/** IPs or CIDRs, over any item an address can be read from (flows here, index keys in the store). */
export function ipMatcher<Item>(values: string[], read: (item: Item) => string | undefined): (item: Item) => boolean {
	const exact = new Set<string>();
	// One list per family: like Go's netip.Prefix.Contains, an IPv6 prefix never contains an IPv4 address.
	const ranges = {4: new BlockList(), 6: new BlockList()};
	const hasRanges = {4: false, 6: false};
	for (const value of values) {
		if (value.includes('/')) {
			const [address = '', prefixText = ''] = value.split('/');
			const family = isIP(address);
			const prefix = Number(prefixText);
			if (family === 0 || !/^\d+$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) {
				throw new FilterError(`invalid CIDR ${JSON.stringify(value)}`);
			}

			ranges[family as 4 | 6].addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
			hasRanges[family as 4 | 6] = true;
		} else {
			if (isIP(value) === 0) {
				throw new FilterError(`invalid IP address ${JSON.stringify(value)}`);
			}

			exact.add(value);
		}
	}

	return item => {
		const ip = read(item);
		if (!ip) {
			return false;
		}

		if (exact.has(ip)) {
			return true;
		}

		const family = isIP(ip);
		return family !== 0 && hasRanges[family as 4 | 6] && ranges[family as 4 | 6].check(ip, family === 4 ? 'ipv4' : 'ipv6');
	};
}

export type NamespacedName = {namespace: string; name: string};

function podName(endpoint: Endpoint | undefined): NamespacedName {
	return {namespace: endpoint?.namespace ?? '', name: endpoint?.pod_name ?? ''};
}

function serviceName(service: Service | undefined): NamespacedName {
	return {namespace: service?.namespace ?? '', name: service?.name ?? ''};
}

/**
`ns/prefix`: the namespace must be equal and the name must start with the prefix. No slash means the
`default` namespace, a leading slash any namespace; an endpoint with neither namespace nor name never
matches (pkg/hubble/filters/k8s.go).
*/
export function namespacedNameMatcher<Item>(values: string[], read: (item: Item) => NamespacedName): (item: Item) => boolean {
	const wanted = values.map(value => {
		if (value === '') {
			throw new FilterError('invalid filter, name must not be empty');
		}

		const slash = value.indexOf('/');
		return slash === -1
			? {namespace: 'default', prefix: value}
			: {namespace: value.slice(0, slash), prefix: value.slice(slash + 1)};
	});
	return item => {
		const {namespace, name} = read(item);
		if (namespace === '' && name === '') {
			return false;
		}

		return wanted.some(
			candidate => (candidate.namespace === '' || candidate.namespace === namespace) && name.startsWith(candidate.prefix),
		);
	};
}

const fqdnPattern = /^[-a-zA-Z\d_.*]+$/;

/** FQDN patterns: lower-cased, trailing dot trimmed, `*` matches `[-.0-9a-z]*`, anchored (patterns.go). */
export function fqdnMatcher<Item>(values: string[], read: (item: Item) => readonly string[] | undefined): (item: Item) => boolean {
	const pattern = wildcardPattern(values, 'FQDN');
	return item => (read(item) ?? []).some(name => pattern.test(name.toLowerCase().replace(/\.$/, '')));
}

/** Event types: type 0 matches everything; the sub-type counts only when match_sub_type is set. */
export function eventTypeMatcher<Item>(
	values: EventTypeFilter[],
	read: (item: Item) => {type: number; subType: number},
): (item: Item) => boolean {
	return item => {
		const {type, subType} = read(item);
		return values.some(
			wanted =>
				(wanted.type ?? 0) === 0 || (type === wanted.type && (!wanted.match_sub_type || subType === (wanted.sub_type ?? 0))),
		);
	};
}

function wildcardPattern(values: string[], what: string): RegExp {
	const alternatives = values.map(value => {
		const trimmed = value.toLowerCase().replace(/\.$/, '');
		if (!fqdnPattern.test(trimmed)) {
			throw new FilterError(`invalid ${what} pattern ${JSON.stringify(value)}`);
		}

		return trimmed.replaceAll('.', String.raw`\.`).replaceAll('*', '[-.0-9a-z]*');
	});
	return new RegExp(`^(?:${alternatives.join('|')})$`);
}

/**
Node names `[cluster/]node` with `*` wildcards. A flow's node name without a cluster belongs to the
cluster `default`; a pattern without one matches any cluster; `cluster/` matches the whole cluster.
*/
/** Node name patterns over node names (`cluster/node` or `node`). */
export function nodeNameMatcher<Item>(values: string[], read: (item: Item) => string): (item: Item) => boolean {
	const patterns = values.map(value => {
		const slash = value.indexOf('/');
		const cluster = slash === -1 ? '*' : value.slice(0, slash);
		const node = slash === -1 ? value : value.slice(slash + 1);
		const part = (text: string) =>
			text === '' ? /^.*$/ : wildcardPattern([text], 'node name');
		return {cluster: part(cluster), node: part(node)};
	});
	return item => {
		const nodeName = read(item);
		if (nodeName === '') {
			return false;
		}

		const slash = nodeName.indexOf('/');
		const cluster = slash === -1 ? 'default' : nodeName.slice(0, slash);
		const node = slash === -1 ? nodeName : nodeName.slice(slash + 1);
		return patterns.some(pattern => pattern.cluster.test(cluster.toLowerCase()) && pattern.node.test(node.toLowerCase()));
	};
}

/** Label selectors over any item that has Cilium labels (flows here, label sets in the store). */
export function labelMatcher<Item>(values: string[], read: (item: Item) => readonly string[] | undefined): (item: Item) => boolean {
	const selectors: LabelSelector[] = values.map(value => parseLabelSelector(value));
	return item => {
		const labels: ParsedLabel[] = (read(item) ?? []).map(label => parseLabel(label));
		return selectors.some(selector => matchesLabelSelector(selector, labels));
	};
}

/** Workloads (empty name or kind = any) over anything that lists workloads. */
export function workloadMatcher<Item>(
	values: Array<{name?: string; kind?: string}>,
	read: (item: Item) => ReadonlyArray<{name?: string; kind?: string}> | undefined,
): (item: Item) => boolean {
	return item =>
		(read(item) ?? []).some(workload =>
			values.some(
				wanted =>
					(!wanted.name || wanted.name === workload.name) && (!wanted.kind || wanted.kind === workload.kind),
			),
		);
}

const exactStatus = /^[1-5]\d\d$/;
const statusPrefix = /^[1-5]\d?\+$/;

/** HTTP status codes (`404`) and prefixes (`4+`, `40+`) over status numbers; 0 never matches. */
export function httpStatusMatcher<Item>(values: string[], read: (item: Item) => number): (item: Item) => boolean {
	for (const value of values) {
		if (!exactStatus.test(value) && !statusPrefix.test(value)) {
			throw new FilterError(`invalid status code filter ${JSON.stringify(value)}: use a code (404) or a prefix (4+, 40+)`);
		}
	}

	return item => {
		const code = read(item);
		if (code === 0) {
			return false;
		}

		const text = String(code);
		return values.some(value => (value.endsWith('+') ? text.startsWith(value.slice(0, -1)) : text === value));
	};
}

/** Hubble refuses HTTP filters next to an event type filter that could match anything but L7 events. */
export function requireOnlyL7EventTypes(filter: FlowFilter, what: string): void {
	if (filter.event_type && filter.event_type.some(wanted => wanted.type !== eventType.l7)) {
		throw new FilterError(`filtering by ${what} requires the event type filter to only match 'l7' events`);
	}
}

export const protocols = new Set(['tcp', 'udp', 'sctp', 'icmp', 'icmpv4', 'icmpv6', 'vrrp', 'igmp', 'dns', 'http', 'kafka']);

/** Protocol filter values, lower-cased; unknown names are rejected as the server rejects them. */
export function protocolNames(values: string[]): string[] {
	return values.map(value => {
		const protocol = value.toLowerCase();
		if (!protocols.has(protocol)) {
			throw new FilterError(`unknown protocol ${JSON.stringify(value)} (one of ${[...protocols].join(', ')})`);
		}

		return protocol;
	});
}

function protocolMatcher(values: string[]): FlowPredicate {
	const wanted = protocolNames(values);
	return flow => {
		const l4 = flow.l4;
		const l7 = flow.l7;
		return wanted.some(protocol => {
			switch (protocol) {
				case 'tcp': {
					return l4?.TCP !== undefined;
				}

				case 'udp': {
					return l4?.UDP !== undefined;
				}

				case 'sctp': {
					return l4?.SCTP !== undefined;
				}

				case 'icmp': {
					return l4?.ICMPv4 !== undefined || l4?.ICMPv6 !== undefined;
				}

				case 'icmpv4': {
					return l4?.ICMPv4 !== undefined;
				}

				case 'icmpv6': {
					return l4?.ICMPv6 !== undefined;
				}

				case 'vrrp': {
					return l4?.VRRP !== undefined;
				}

				case 'igmp': {
					return l4?.IGMP !== undefined;
				}

				case 'dns': {
					return l7?.dns !== undefined;
				}

				case 'http': {
					return l7?.http !== undefined;
				}

				default: {
					return l7?.kafka !== undefined;
				}
			}
		});
	};
}

/** Port filter values as numbers. */
export function portNumbers(values: string[]): number[] {
	return values.map(value => {
		if (!/^\d+$/.test(value) || Number(value) > 65_535) {
			throw new FilterError(`invalid port ${JSON.stringify(value)}`);
		}

		return Number(value);
	});
}

function portMatcher(values: string[], side: 'source_port' | 'destination_port'): FlowPredicate {
	const ports = portNumbers(values);
	return flow => {
		const l4 = flow.l4;
		const pair = l4?.TCP ?? l4?.UDP ?? l4?.SCTP;
		return pair !== undefined && ports.includes(pair[side] ?? 0);
	};
}

/** Go's RE2 syntax mostly carries over; RE2-only syntax that JavaScript rejects is reported as invalid. */
export function compileRegularExpression(source: string, what: string): RegExp {
	try {
		return new RegExp(source, 'u');
	} catch (error) {
		throw new FilterError(`invalid ${what} regular expression ${JSON.stringify(source)}: ${(error as Error).message}`);
	}
}

export function urlPath(url: string | undefined): string | undefined {
	if (url === undefined) {
		return undefined;
	}

	try {
		return decodeURIComponent(new URL(url, 'http://relative.invalid').pathname);
	} catch {
		return undefined;
	}
}

/**
Turns `hubble observe` filter flags, in command-line order, into the allowlist and denylist FlowFilters
exactly as the hubble CLI builds them (hubble/cmd/observe/flows_filter.go, hubble-api.md §3.1):
two filters per list, a source side ("left") and a destination side ("right"); flags without a side
go to both; `--not` sends the next filter flag to the denylist; namespaces are folded into the pod
and service fields at the end; equal sides collapse into one filter.
*/
import {dropReasonNames} from '../flow/drop-reason.js';
import {eventType, eventTypeNames, traceObservationPointNames} from '../flow/event-type.js';
import type {FlowFilter, TcpFlags} from '../flow/flow.js';
import {reservedIdentityNumber} from '../flow/reserved-identity.js';
import {FilterError} from './filter-error.js';
import {compileFlowFilter} from './flow-filter-match.js';

/** One filter flag as it appeared on the command line (long name, without dashes). */
export type FilterFlag = {name: string; value: string};

export type FilterLists = {allowlist: FlowFilter[]; denylist: FlowFilter[]};

type Field = keyof FlowFilter;

type FlagRule =
	// Non-directional: the source field on the left filter, the destination field on the right one.
	| {kind: 'either'; source: Field; destination: Field; parse: (value: string) => unknown}
	// A field set on both filters.
	| {kind: 'both'; field: Field; parse: (value: string) => unknown}
	| {kind: 'namespace'; side: 'either' | 'source' | 'destination'; isAll: boolean};

const identity = (value: string) => value;

const verdicts = ['FORWARDED', 'DROPPED', 'AUDIT', 'REDIRECTED', 'ERROR', 'TRACED', 'TRANSLATED'];

/** Every filter flag ztop accepts, keyed by its long name. */
export const filterFlagRules: ReadonlyMap<string, FlagRule> = new Map<string, FlagRule>([
	['namespace', {kind: 'namespace', side: 'either', isAll: false}],
	['from-namespace', {kind: 'namespace', side: 'source', isAll: false}],
	['to-namespace', {kind: 'namespace', side: 'destination', isAll: false}],
	['all-namespaces', {kind: 'namespace', side: 'either', isAll: true}],
	['from-all-namespaces', {kind: 'namespace', side: 'source', isAll: true}],
	['to-all-namespaces', {kind: 'namespace', side: 'destination', isAll: true}],
	['pod', {kind: 'either', source: 'source_pod', destination: 'destination_pod', parse: identity}],
	['from-pod', {kind: 'both', field: 'source_pod', parse: identity}],
	['to-pod', {kind: 'both', field: 'destination_pod', parse: identity}],
	['service', {kind: 'either', source: 'source_service', destination: 'destination_service', parse: identity}],
	['from-service', {kind: 'both', field: 'source_service', parse: identity}],
	['to-service', {kind: 'both', field: 'destination_service', parse: identity}],
	['ip', {kind: 'either', source: 'source_ip', destination: 'destination_ip', parse: identity}],
	['from-ip', {kind: 'both', field: 'source_ip', parse: identity}],
	['to-ip', {kind: 'both', field: 'destination_ip', parse: identity}],
	['snat-ip', {kind: 'both', field: 'source_ip_xlated', parse: identity}],
	['label', {kind: 'either', source: 'source_label', destination: 'destination_label', parse: identity}],
	['from-label', {kind: 'both', field: 'source_label', parse: identity}],
	['to-label', {kind: 'both', field: 'destination_label', parse: identity}],
	['port', {kind: 'either', source: 'source_port', destination: 'destination_port', parse: identity}],
	['from-port', {kind: 'both', field: 'source_port', parse: identity}],
	['to-port', {kind: 'both', field: 'destination_port', parse: identity}],
	['identity', {kind: 'either', source: 'source_identity', destination: 'destination_identity', parse: parseIdentity}],
	['from-identity', {kind: 'both', field: 'source_identity', parse: parseIdentity}],
	['to-identity', {kind: 'both', field: 'destination_identity', parse: parseIdentity}],
	['fqdn', {kind: 'either', source: 'source_fqdn', destination: 'destination_fqdn', parse: identity}],
	['from-fqdn', {kind: 'both', field: 'source_fqdn', parse: identity}],
	['to-fqdn', {kind: 'both', field: 'destination_fqdn', parse: identity}],
	['workload', {kind: 'either', source: 'source_workload', destination: 'destination_workload', parse: parseWorkload}],
	['from-workload', {kind: 'both', field: 'source_workload', parse: parseWorkload}],
	['to-workload', {kind: 'both', field: 'destination_workload', parse: parseWorkload}],
	['cluster', {kind: 'either', source: 'source_cluster_name', destination: 'destination_cluster_name', parse: identity}],
	['from-cluster', {kind: 'both', field: 'source_cluster_name', parse: identity}],
	['to-cluster', {kind: 'both', field: 'destination_cluster_name', parse: identity}],
	['verdict', {kind: 'both', field: 'verdict', parse: parseVerdict}],
	['type', {kind: 'both', field: 'event_type', parse: parseEventType}],
	['protocol', {kind: 'both', field: 'protocol', parse: identity}],
	['traffic-direction', {kind: 'both', field: 'traffic_direction', parse: parseTrafficDirection}],
	['drop-reason-desc', {kind: 'both', field: 'drop_reason_desc', parse: parseDropReason}],
	['http-status', {kind: 'both', field: 'http_status_code', parse: identity}],
	['http-method', {kind: 'both', field: 'http_method', parse: identity}],
	['http-path', {kind: 'both', field: 'http_path', parse: identity}],
	['http-url', {kind: 'both', field: 'http_url', parse: identity}],
	['http-header', {kind: 'both', field: 'http_header', parse: parseHttpHeader}],
	['tcp-flags', {kind: 'both', field: 'tcp_flags', parse: parseTcpFlags}],
	['node-name', {kind: 'both', field: 'node_name', parse: identity}],
	['node-label', {kind: 'both', field: 'node_labels', parse: identity}],
	['uuid', {kind: 'both', field: 'uuid', parse: identity}],
	['trace-id', {kind: 'both', field: 'trace_id', parse: identity}],
	['ip-version', {kind: 'both', field: 'ip_version', parse: parseIpVersion}],
	['ipv4', {kind: 'both', field: 'ip_version', parse: () => 'IPv4'}],
	['ipv6', {kind: 'both', field: 'ip_version', parse: () => 'IPv6'}],
	['interface', {kind: 'both', field: 'interface', parse: name => ({name})}],
	['cel-expression', {kind: 'both', field: 'experimental', parse: identity}],
]);

/** Filter flags that take no value (hubble gives them a default when bare, NoOptDefVal). */
export const booleanFilterFlags: ReadonlySet<string> = new Set(['all-namespaces', 'from-all-namespaces', 'to-all-namespaces', 'ipv4', 'ipv6']);

/** hubble observe's one-letter filter flags. */
export const filterShortFlags: Readonly<Record<string, string>> = {
	namespace: 'n',
	'all-namespaces': 'A',
	label: 'l',
	type: 't',
	ipv4: '4',
	ipv6: '6',
};

// Flags that may not be combined within one list (newFlowFilter().conflicts in flows_filter.go).
const conflictGroups: readonly string[][] = [
	['from-fqdn', 'from-ip', 'ip', 'fqdn', 'from-namespace', 'namespace', 'from-all-namespaces', 'all-namespaces'],
	['to-fqdn', 'to-ip', 'ip', 'fqdn', 'to-namespace', 'namespace', 'to-all-namespaces', 'all-namespaces'],
	['from-fqdn', 'from-ip', 'ip', 'fqdn', 'from-pod', 'pod'],
	['to-fqdn', 'to-ip', 'ip', 'fqdn', 'to-pod', 'pod'],
	['to-pod', 'namespace', 'all-namespaces'],
	['from-pod', 'namespace', 'all-namespaces'],
	['to-service', 'namespace', 'all-namespaces'],
	['from-service', 'namespace', 'all-namespaces'],
	['label', 'from-label'],
	['label', 'to-label'],
	['service', 'from-service'],
	['service', 'to-service'],
	['port', 'to-port'],
	['port', 'from-port'],
	['identity', 'to-identity'],
	['identity', 'from-identity'],
	['workload', 'to-workload'],
	['workload', 'from-workload'],
];

class ListBuilder {
	readonly left: FlowFilter = {};
	readonly right: FlowFilter = {};
	private readonly seen = new Set<string>();
	private readonly namespaces = {either: [] as string[], source: [] as string[], destination: [] as string[]};

	apply(flag: FilterFlag, rule: FlagRule): void {
		for (const group of conflictGroups) {
			if (!group.includes(flag.name)) {
				continue;
			}

			const other = group.find(member => member !== flag.name && this.seen.has(member));
			if (other) {
				throw new FilterError(`filters --${flag.name} and --${other} cannot be combined`);
			}
		}

		this.seen.add(flag.name);
		switch (rule.kind) {
			case 'namespace': {
				this.namespaces[rule.side].push(rule.isAll ? '' : flag.value);
				break;
			}

			case 'either': {
				const value = rule.parse(flag.value);
				push(this.left, rule.source, value);
				push(this.right, rule.destination, value);
				break;
			}

			case 'both': {
				const value = rule.parse(flag.value);
				if (rule.field === 'experimental') {
					for (const filter of [this.left, this.right]) {
						filter.experimental ??= {};
						(filter.experimental.cel_expression ??= []).push(flag.value);
					}
				} else {
					push(this.left, rule.field, value);
					push(this.right, rule.field, value);
				}

				break;
			}
		}
	}

	/** The finished list: namespaces folded in, equal sides collapsed, nothing when no flag was given. */
	filters(): FlowFilter[] {
		foldNamespaces(this.left, 'source', this.namespaces.either);
		foldNamespaces(this.right, 'destination', this.namespaces.either);
		for (const filter of [this.left, this.right]) {
			foldNamespaces(filter, 'source', this.namespaces.source);
			foldNamespaces(filter, 'destination', this.namespaces.destination);
		}

		const isEmpty = (filter: FlowFilter) => Object.keys(filter).length === 0;
		if (isEmpty(this.left) && isEmpty(this.right)) {
			return [];
		}

		return stableKey(this.left) === stableKey(this.right) ? [this.left] : [this.left, this.right];
	}
}

function push(filter: FlowFilter, field: Field, value: unknown): void {
	const values = ((filter as Record<string, unknown[]>)[field] ??= []);
	values.push(value);
}

/**
`-n NS` (and `--from-namespace`, `--to-namespace`): `NS/` becomes the pod filter of that side, unless pods
or services were given, which are then qualified with each namespace (`-n shop --pod frontend` →
`shop/frontend`). `-A` is the namespace "" and so matches any namespace (`/`).
*/
function foldNamespaces(filter: FlowFilter, side: 'source' | 'destination', namespaces: string[]): void {
	if (namespaces.length === 0) {
		return;
	}

	const podField = `${side}_pod` as const;
	const serviceField = `${side}_service` as const;
	const pods = filter[podField];
	const services = filter[serviceField];
	if (!pods?.length && !services?.length) {
		filter[podField] = namespaces.map(namespace => `${namespace}/`);
		return;
	}

	const qualify = (names: string[]) =>
		names.flatMap(name => (name.includes('/') ? [name] : namespaces.map(namespace => `${namespace}/${name}`)));
	if (pods?.length) {
		filter[podField] = qualify(pods);
	}

	if (services?.length) {
		filter[serviceField] = qualify(services);
	}
}

/** A key-order-independent fingerprint of a filter. */
function stableKey(value: unknown): string {
	if (Array.isArray(value)) {
		return `[${value.map(item => stableKey(item)).join(',')}]`;
	}

	if (typeof value === 'object' && value !== null) {
		const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
		return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableKey(item)}`).join(',')}}`;
	}

	return JSON.stringify(value);
}

/** `not` marks the position of a `--not`; it applies to the next filter flag. */
export type FilterArgument = FilterFlag | {name: 'not'};

/**
Builds the allowlist and denylist from filter flags in command-line order. Every value is validated as
the server would validate it; an error names the flag and the value.
*/
export function buildFilterLists(flags: readonly FilterArgument[]): FilterLists {
	const allow = new ListBuilder();
	const deny = new ListBuilder();
	let isNegated = false;
	for (const flag of flags) {
		if (flag.name === 'not') {
			if (isNegated) {
				throw new FilterError('--not must be followed by a filter flag, not by another --not');
			}

			isNegated = true;
			continue;
		}

		const {value} = flag as FilterFlag;
		const rule = filterFlagRules.get(flag.name);
		if (!rule) {
			throw new FilterError(`--${flag.name} is not a filter flag`);
		}

		try {
			(isNegated ? deny : allow).apply({name: flag.name, value}, rule);
			validateValue(flag.name, rule, value);
		} catch (error) {
			if (error instanceof FilterError && !error.message.startsWith('filters --')) {
				throw new FilterError(`invalid --${flag.name} value ${JSON.stringify(value)}: ${error.message}`);
			}

			throw error;
		}

		isNegated = false;
	}

	if (isNegated) {
		throw new FilterError('trailing --not found in the arguments: --not negates the filter flag that follows it');
	}

	return {allowlist: allow.filters(), denylist: deny.filters()};
}

/** Validates a value by compiling a one-field filter with it, so flags and the engine agree on what is valid. */
function validateValue(name: string, rule: FlagRule, value: string): void {
	if (rule.kind === 'namespace') {
		if (!rule.isAll && !/^[a-z\d]([-a-z\d]*[a-z\d])?$/.test(value)) {
			throw new FilterError('not a Kubernetes namespace name');
		}

		return;
	}

	if (name === 'cel-expression') {
		return;
	}

	const field = rule.kind === 'either' ? rule.source : rule.field;
	const filter: FlowFilter = {[field]: [rule.parse(value)]};
	if (field === 'http_status_code' || field.startsWith('http_')) {
		filter.event_type = [{type: eventType.l7}];
	}

	compileFlowFilter(filter);
}

function parseIdentity(value: string): number {
	const reserved = reservedIdentityNumber(value);
	if (reserved !== undefined) {
		return reserved;
	}

	if (!/^\d+$/.test(value) || Number(value) > 4_294_967_295) {
		throw new FilterError('expected a reserved identity name (world, host, kube-apiserver, …) or a number');
	}

	return Number(value);
}

function parseVerdict(value: string): string {
	const verdict = value.toUpperCase();
	if (!verdicts.includes(verdict)) {
		throw new FilterError(`expected one of ${verdicts.join(', ')}`);
	}

	return verdict;
}

function parseTrafficDirection(value: string): string {
	const direction = value.toUpperCase();
	if (direction !== 'INGRESS' && direction !== 'EGRESS') {
		throw new FilterError('expected ingress or egress');
	}

	return direction;
}

function parseDropReason(value: string): string {
	const reason = value.toUpperCase();
	if (!dropReasonNames.has(reason)) {
		throw new FilterError('expected a drop reason name such as POLICY_DENIED or POLICY_DENY');
	}

	return reason;
}

/** `TYPE[:SUBTYPE]` by name or number; trace sub-types are observation points (`trace:to-endpoint`). */
function parseEventType(value: string): {type: number; match_sub_type?: boolean; sub_type?: number} {
	const [typeText = '', subTypeText] = value.split(':', 2);
	const type = eventTypeNames.get(typeText) ?? (/^\d+$/.test(typeText) ? Number(typeText) : undefined);
	if (type === undefined) {
		throw new FilterError(`unknown event type; expected one of ${[...eventTypeNames.keys()].join(', ')} or a number`);
	}

	if (subTypeText === undefined) {
		return {type};
	}

	let subType: number | undefined = /^\d+$/.test(subTypeText) ? Number(subTypeText) : undefined;
	if (subType === undefined && type === eventType.trace) {
		const index = traceObservationPointNames.indexOf(subTypeText);
		subType = index === -1 ? undefined : index;
	}

	if (subType === undefined) {
		throw new FilterError(
			type === eventType.trace
				? `unknown trace observation point; expected one of ${traceObservationPointNames.join(', ')}`
				: `unknown sub-type for event type ${typeText}; give it as a number`,
		);
	}

	return subType === 0 ? {type, match_sub_type: true} : {type, match_sub_type: true, sub_type: subType};
}


function parseWorkload(value: string): {name?: string; kind?: string} {
	const slash = value.indexOf('/');
	if (slash === -1) {
		return {name: value};
	}

	const kind = value.slice(0, slash);
	const name = value.slice(slash + 1);
	return name === '' ? {kind} : {name, kind};
}

function parseHttpHeader(value: string): {key: string; value: string} {
	const colon = value.indexOf(':');
	if (colon === -1) {
		throw new FilterError('expected key:value');
	}

	return {key: value.slice(0, colon), value: value.slice(colon + 1)};
}

const tcpFlagNames = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'NS'];

function parseTcpFlags(value: string): TcpFlags {
	const flags: Record<string, boolean> = {};
	for (const part of value.split(',')) {
		const flag = part.trim().toUpperCase();
		if (!tcpFlagNames.includes(flag)) {
			throw new FilterError(`unknown TCP flag ${JSON.stringify(part)}; expected ${tcpFlagNames.join(', ').toLowerCase()}`);
		}

		flags[flag] = true;
	}

	// Declaration order, so the filter prints as hubble prints it.
	return Object.fromEntries(tcpFlagNames.filter(flag => flags[flag]).map(flag => [flag, true]));
}

function parseIpVersion(value: string): string {
	const lower = value.toLowerCase();
	if (['4', 'v4', 'ipv4', 'ip4'].includes(lower)) {
		return 'IPv4';
	}

	if (['6', 'v6', 'ipv6', 'ip6'].includes(lower)) {
		return 'IPv6';
	}

	return 'IP_NOT_USED';
}

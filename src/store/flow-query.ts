/**
Compiles ztop's filter AST (src/filters/filter-query.ts) for the store. Each set field of a filter becomes
one clause: an OR of terms, each a dimension and a predicate over that dimension's keys, built from the
very matcher the flow filter uses (src/filters/flow-filter-match.ts). The same clause resolves a query on
a full ring (test the distinct keys, union their posting lists, intersect the clauses smallest first) and
checks each new flow on arrival, so the two can never disagree. Fields no index covers (headers, TCP
flags, services…) form a residual predicate on the full flow, decoded from the raw bytes on demand.
*/
import {dropReasonNames} from '../flow/drop-reason.js';
import type {FlowRecord} from '../flow/flow-record.js';
import type {Flow, FlowFilter} from '../flow/flow.js';
import {
	compileFlowFilter,
	compileRegularExpression,
	eventTypeMatcher,
	fqdnMatcher,
	httpStatusMatcher,
	ipMatcher,
	labelMatcher,
	namespacedNameMatcher,
	nodeNameMatcher,
	portNumbers,
	protocolNames,
	urlPath,
	workloadMatcher,
	type FlowPredicate,
	type NamespacedName,
} from '../filters/flow-filter-match.js';
import {flowFilterPart, policyMatcher, type FilterQuery, type LocalFlowFilter} from '../filters/filter-query.js';
import type {DimensionName, IndexKey} from './flow-indexes.js';
import {isScanned, recordKeys, type FlowIndexes} from './flow-indexes.js';
import {difference, intersect, union} from './sequence-set.js';

export type Term = {dimension: DimensionName; accepts: (key: IndexKey) => boolean};

/** Turns one bare word into terms over the store's vocabulary (src/store/fuzzy-vocabulary.ts). */
export type TextResolver = (word: string) => Term[];

type CompiledFilter = {clauses: Term[][]; residual: FlowPredicate | undefined};

/** Where resolution reads what has no posting lists: scanned dimensions, and full flows for residual fields. */
export type ResolveSource = {
	indexes: FlowIndexes;
	/** Offsets from `start` to `end` whose key in a scanned dimension is accepted, ascending. */
	scan: (dimension: DimensionName, accepts: (key: IndexKey) => boolean, start: number, end: number) => Uint32Array;
	/** The full flow at an offset, for residual fields. */
	loadFlow: (offset: number) => Flow | undefined;
};

/** The flow behind a record, decoded lazily (undefined when there are no raw bytes to decode). */
export type FlowLoader = () => Flow | undefined;

const verdictNames = ['VERDICT_UNKNOWN', 'FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED'];
const directionNames = ['TRAFFIC_DIRECTION_UNKNOWN', 'INGRESS', 'EGRESS'];
const dropReasonByNumber = new Map([...dropReasonNames].map(([name, number]) => [number, name]));

// Unknown numbers stay numbers, as they do in the canonical flow the filters were written for.
const enumName = (names: readonly string[], value: number): string | number => names[value] ?? value;

// Fields without an index; they are checked on the full flow.
const residualFields = [
	'uuid',
	'source_ip_xlated',
	'source_service',
	'destination_service',
	'node_labels',
	'interface',
	'http_header',
	'tcp_flags',
	'ip_version',
	'trace_id',
	'ip_trace_id',
	'encrypted',
	'experimental',
] as const satisfies ReadonlyArray<keyof FlowFilter>;

/** Remembers a key predicate's answers: a stream repeats the same few keys (label sets above all). */
function remembered(accepts: (key: IndexKey) => boolean): (key: IndexKey) => boolean {
	const answers = new Map<IndexKey, boolean>();
	return key => {
		let answer = answers.get(key);
		if (answer === undefined) {
			if (answers.size >= 65_536) {
				answers.clear();
			}

			answer = accepts(key);
			answers.set(key, answer);
		}

		return answer;
	};
}

const term = (dimension: DimensionName, accepts: (key: IndexKey) => boolean): Term => ({dimension, accepts: remembered(accepts)});

function podName(key: IndexKey): NamespacedName {
	const text = key as string;
	const slash = text.indexOf('/');
	return {namespace: text.slice(0, slash), name: text.slice(slash + 1)};
}

function policyName(key: IndexKey): {namespace: string; name: string} {
	const text = key as string;
	const namespaced = text.slice(text.indexOf('|', text.indexOf('|') + 1) + 1);
	const slash = namespaced.indexOf('/');
	return {namespace: namespaced.slice(0, slash), name: namespaced.slice(slash + 1)};
}

function regularExpressionTerm(dimension: DimensionName, values: string[], what: string, read: (key: string) => string | undefined): Term {
	const patterns = values.map(value => compileRegularExpression(value, what));
	return term(dimension, key => {
		const text = read(key as string);
		return text !== undefined && patterns.some(pattern => pattern.test(text));
	});
}

/** The clauses of one filter, in field order. Throws FilterError where the flow filter would. */
function compileClauses(filter: LocalFlowFilter, resolveText: TextResolver): Term[][] {
	const clauses: Term[][] = [];
	const add = <Value>(values: Value[] | undefined, build: (values: Value[]) => Term[]) => {
		if (values && values.length > 0) {
			clauses.push(build(values));
		}
	};

	const asStrings = (key: IndexKey) => key as readonly string[];
	add(filter.source_ip, values => [term('sourceIp', ipMatcher(values, (key: IndexKey) => key as string))]);
	add(filter.destination_ip, values => [term('destinationIp', ipMatcher(values, (key: IndexKey) => key as string))]);
	add(filter.source_pod, values => [term('sourcePod', namespacedNameMatcher(values, podName))]);
	add(filter.destination_pod, values => [term('destinationPod', namespacedNameMatcher(values, podName))]);
	add(filter.source_fqdn, values => [term('sourceNames', fqdnMatcher(values, asStrings))]);
	add(filter.destination_fqdn, values => [term('destinationNames', fqdnMatcher(values, asStrings))]);
	add(filter.source_label, values => [term('sourceLabels', labelMatcher(values, asStrings))]);
	add(filter.destination_label, values => [term('destinationLabels', labelMatcher(values, asStrings))]);
	add(filter.source_workload, values => [
		term('sourceWorkloads', workloadMatcher(values, (key: IndexKey) => key as ReadonlyArray<{name: string; kind: string}>)),
	]);
	add(filter.destination_workload, values => [
		term('destinationWorkloads', workloadMatcher(values, (key: IndexKey) => key as ReadonlyArray<{name: string; kind: string}>)),
	]);
	add(filter.source_cluster_name, values => [term('sourceCluster', key => values.includes(key as string))]);
	add(filter.destination_cluster_name, values => [term('destinationCluster', key => values.includes(key as string))]);
	add(filter.traffic_direction, values => [
		term('trafficDirection', key => (values as unknown[]).includes(enumName(directionNames, key as number))),
	]);
	add(filter.verdict, values => [term('verdict', key => (values as unknown[]).includes(enumName(verdictNames, key as number)))]);
	add(filter.drop_reason_desc, values => [
		term('dropReason', key => (values as unknown[]).includes(dropReasonByNumber.get(key as number) ?? key)),
	]);
	add(filter.event_type, values => [
		term(
			'eventType',
			eventTypeMatcher(values, (key: IndexKey) => ({type: Math.floor((key as number) / 65_536), subType: (key as number) % 65_536})),
		),
	]);
	add(filter.http_status_code, values => [term('httpStatus', httpStatusMatcher(values, (key: IndexKey) => key as number))]);
	add(filter.protocol, values => {
		const wanted = protocolNames(values);
		return [
			term('l4Protocol', key => {
				const protocol = (key as string).toLowerCase();
				return wanted.includes(protocol) || (wanted.includes('icmp') && protocol.startsWith('icmp'));
			}),
			term('l7Protocol', key => wanted.includes(key as string)),
		];
	});
	add(filter.source_port, values => {
		const ports = portNumbers(values);
		return [term('sourcePort', key => ports.includes(key as number))];
	});
	add(filter.destination_port, values => {
		const ports = portNumbers(values);
		return [term('destinationPort', key => ports.includes(key as number))];
	});
	add(filter.reply, values => [term('reply', key => values.includes(key === 1))]);
	add(filter.dns_query, values => [regularExpressionTerm('dnsQuery', values, 'dns query', key => key)]);
	add(filter.source_identity, values => [term('sourceIdentity', key => values.includes(key as number))]);
	add(filter.destination_identity, values => [term('destinationIdentity', key => values.includes(key as number))]);
	add(filter.http_method, values => {
		const methods = values.map(value => value.toLowerCase());
		return [term('httpMethod', key => methods.includes(key as string))];
	});
	add(filter.http_path, values => [regularExpressionTerm('httpUrl', values, 'http path', urlPath)]);
	add(filter.http_url, values => [regularExpressionTerm('httpUrl', values, 'http url', key => key)]);
	add(filter.node_name, values => [term('nodeName', nodeNameMatcher(values, (key: IndexKey) => key as string))]);
	add(filter.policy, values => [term('policy', policyMatcher(values, policyName))]);
	// Each word is its own clause: every word must match something.
	for (const word of filter.text ?? []) {
		clauses.push(resolveText(word));
	}

	return clauses;
}

function compileFilter(filter: LocalFlowFilter, resolveText: TextResolver): CompiledFilter {
	const flowFilter = flowFilterPart(filter);
	// Validates every value exactly as a flow filter would (and rejects what a server would reject).
	compileFlowFilter(flowFilter);
	const residualFilter: FlowFilter = {};
	let hasResidual = false;
	for (const field of residualFields) {
		if (flowFilter[field] !== undefined) {
			(residualFilter as Record<string, unknown>)[field] = flowFilter[field];
			hasResidual = true;
		}
	}

	return {clauses: compileClauses(filter, resolveText), residual: hasResidual ? compileFlowFilter(residualFilter) : undefined};
}

/** A compiled filter query: checks one flow, or resolves over the whole ring through the indexes. */
export class StoreQuery {
	private readonly allow: CompiledFilter[];
	private readonly deny: CompiledFilter[];

	constructor(
		readonly source: FilterQuery,
		resolveText: TextResolver = () => [],
	) {
		this.allow = source.allowlist.map(filter => compileFilter(filter, resolveText));
		this.deny = source.denylist.map(filter => compileFilter(filter, resolveText));
	}

	/** Whether a new flow belongs to the result (hubble's allowlist.MatchOne && denylist.MatchNone). */
	matches(record: FlowRecord, loadFlow: FlowLoader): boolean {
		if (this.allow.length === 0 && this.deny.length === 0) {
			return true;
		}

		return (
			(this.allow.length === 0 || this.allow.some(filter => matchesFilter(filter, record, loadFlow))) &&
			!this.deny.some(filter => matchesFilter(filter, record, loadFlow))
		);
	}

	/**
	The offsets of every matching flow in the ring, ascending.
	@param start The first offset the ring holds; `end` one past the last.
	*/
	resolve(source: ResolveSource, start: number, end: number): Uint32Array {
		const everything = () => range(start, end);
		const resolveOne = (filter: CompiledFilter) => resolveFilter(filter, source, start, end, everything);
		const allowed = this.allow.length === 0 ? everything() : union(this.allow.map(resolveOne));
		const result = this.deny.length === 0 || allowed.length === 0 ? allowed : difference(allowed, union(this.deny.map(resolveOne)));
		// A fresh array: views of posting lists change with the next push.
		return result.slice();
	}
}

function matchesFilter(filter: CompiledFilter, record: FlowRecord, loadFlow: FlowLoader): boolean {
	for (const clause of filter.clauses) {
		if (!clause.some(({dimension, accepts}) => recordKeys(dimension, record).some(key => accepts(key)))) {
			return false;
		}
	}

	if (filter.residual) {
		const flow = loadFlow();
		return flow !== undefined && filter.residual(flow);
	}

	return true;
}

function resolveFilter(
	filter: CompiledFilter,
	source: ResolveSource,
	start: number,
	end: number,
	everything: () => Uint32Array,
): Uint32Array {
	const candidates =
		filter.clauses.length === 0 ? everything() : intersect(filter.clauses.map(clause => resolveClause(clause, source, start, end)));
	if (!filter.residual || candidates.length === 0) {
		return candidates;
	}

	const residual = filter.residual;
	return candidates.filter(offset => {
		const flow = source.loadFlow(offset);
		return flow !== undefined && residual(flow);
	});
}

function resolveClause(clause: Term[], source: ResolveSource, start: number, end: number): Uint32Array {
	const lists: Uint32Array[] = [];
	for (const {dimension, accepts} of clause) {
		if (isScanned(dimension)) {
			lists.push(source.scan(dimension, accepts, start, end));
			continue;
		}

		for (const key of source.indexes.keys(dimension)) {
			if (accepts(key)) {
				lists.push(source.indexes.postings(dimension, key));
			}
		}
	}

	return union(lists);
}

function range(start: number, end: number): Uint32Array {
	const offsets = new Uint32Array(Math.max(0, end - start));
	for (let index = 0; index < offsets.length; index++) {
		offsets[index] = start + index;
	}

	return offsets;
}

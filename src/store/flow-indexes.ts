/**
The store's incremental indexes: one map per dimension from a key, as the record holds it, to the posting
list of the flows that have it. Every push appends to one list per dimension and every eviction drops the
flow from the front of the same lists, so nothing is ever rebuilt per batch. Keys are kept in the
record's own form (a label-set array by reference, numeric enums) so that a query resolves a filter value
by testing the few distinct keys with the same matcher the flow filter uses (src/store/flow-query.ts).
*/
import type {FlowRecord, PolicyRecord} from '../flow/flow-record.js';
import {PostingList} from './sequence-set.js';

export type IndexKey = string | number | readonly unknown[];

type SingleKeyDimension = {name: string; key: (record: FlowRecord) => IndexKey | undefined; isScanned?: boolean};
type MultiKeyDimension = {name: string; keys: (record: FlowRecord) => readonly IndexKey[]; isScanned?: boolean};
type Dimension = SingleKeyDimension | MultiKeyDimension;

const verdictDropped = 2;
const portProtocols = new Set(['TCP', 'UDP', 'SCTP']);

const nonEmpty = <Value extends string | readonly unknown[]>(value: Value): Value | undefined =>
	value.length > 0 ? value : undefined;

/**
Pod keys by namespace and pod, both interned by the decoder: the key of a pod is built once, not at every
add and eviction (four template strings a flow were a tenth of what ingest allocated at 5,000 flows/s).
*/
const podKeys = new Map<string, Map<string, string>>();
const podKeysLimit = 65_536;
let podKeyCount = 0;

/** `namespace/pod`; an endpoint with neither never matches a pod filter, so it is not indexed. */
export function podKey(namespace: string, podName: string): string | undefined {
	if (namespace === '' && podName === '') {
		return undefined;
	}

	let byPod = podKeys.get(namespace);
	const known = byPod?.get(podName);
	if (known !== undefined) {
		return known;
	}

	if (podKeyCount >= podKeysLimit) {
		// Pods come and go over a long run; start again rather than keep every name ever seen.
		podKeys.clear();
		podKeyCount = 0;
		byPod = undefined;
	}

	const key = `${namespace}/${podName}`;
	if (!byPod) {
		byPod = new Map();
		podKeys.set(namespace, byPod);
	}

	byPod.set(podName, key);
	podKeyCount++;
	return key;
}

/** A port as a key: only flows with TCP, UDP or SCTP have ports a port filter can match. */
export function portKey(protocol: string, port: number): number | undefined {
	return portProtocols.has(protocol) ? port : undefined;
}

/** Event type and sub-type in one number (sub-types are below 256). */
export function eventTypeKey(type: number, subType: number): number {
	return type * 65_536 + subType;
}

/** `INGRESS|allowed|namespace/name`: the list a policy appears in, and the policy. */
export function policyKey(direction: 'INGRESS' | 'EGRESS', list: 'allowed' | 'denied', namespace: string, name: string): string {
	return `${direction}|${list}|${namespace}/${name}`;
}

const noKeys: readonly IndexKey[] = [];

/**
The keys of one policy list, by the list: the decoder shares a list between the flows that carry it, so
its keys are built once (this ran at every add and eviction and was the largest allocation of ingest).
*/
const listKeys = {
	ingressAllowed: new WeakMap<readonly PolicyRecord[], readonly string[]>(),
	ingressDenied: new WeakMap<readonly PolicyRecord[], readonly string[]>(),
	egressAllowed: new WeakMap<readonly PolicyRecord[], readonly string[]>(),
	egressDenied: new WeakMap<readonly PolicyRecord[], readonly string[]>(),
};

function keysOfList(
	cache: WeakMap<readonly PolicyRecord[], readonly string[]>,
	direction: 'INGRESS' | 'EGRESS',
	list: 'allowed' | 'denied',
	policies: readonly PolicyRecord[],
): readonly string[] {
	let keys = cache.get(policies);
	if (!keys) {
		keys = [...new Set(policies.map(policy => policyKey(direction, list, policy.namespace, policy.name)))];
		cache.set(policies, keys);
	}

	return keys;
}

/** A flow usually carries one list; only several lists build a new array. */
const joined = (keys: readonly IndexKey[], more: readonly string[]): readonly IndexKey[] => (keys.length === 0 ? more : [...keys, ...more]);

function policyKeys(record: FlowRecord): readonly IndexKey[] {
	let keys = noKeys;
	if (record.ingressAllowedBy.length > 0) {
		keys = joined(keys, keysOfList(listKeys.ingressAllowed, 'INGRESS', 'allowed', record.ingressAllowedBy));
	}

	if (record.ingressDeniedBy.length > 0) {
		keys = joined(keys, keysOfList(listKeys.ingressDenied, 'INGRESS', 'denied', record.ingressDeniedBy));
	}

	if (record.egressAllowedBy.length > 0) {
		keys = joined(keys, keysOfList(listKeys.egressAllowed, 'EGRESS', 'allowed', record.egressAllowedBy));
	}

	if (record.egressDeniedBy.length > 0) {
		keys = joined(keys, keysOfList(listKeys.egressDenied, 'EGRESS', 'denied', record.egressDeniedBy));
	}

	return keys;
}

/**
Every indexed dimension. A dimension leaves a record out (undefined key) only where no filter value could
match it: a pod filter never matches an endpoint without namespace and name, a port filter never matches a
flow without TCP, UDP or SCTP, and so on, so leaving them out keeps the lists short without changing answers.
*/
export const dimensions = [
	{name: 'sourceIp', key: record => nonEmpty(record.sourceIp)},
	{name: 'destinationIp', key: record => nonEmpty(record.destinationIp)},
	{name: 'sourcePod', key: record => podKey(record.sourceNamespace, record.sourcePodName)},
	{name: 'destinationPod', key: record => podKey(record.destinationNamespace, record.destinationPodName)},
	// Label sets are indexed even when empty: a negative selector (`!app`) matches an endpoint without labels.
	{name: 'sourceLabels', key: record => record.sourceLabels},
	{name: 'destinationLabels', key: record => record.destinationLabels},
	{name: 'sourceWorkloads', key: record => nonEmpty(record.sourceWorkloads)},
	{name: 'destinationWorkloads', key: record => nonEmpty(record.destinationWorkloads)},
	{name: 'sourceNames', key: record => nonEmpty(record.sourceNames)},
	{name: 'destinationNames', key: record => nonEmpty(record.destinationNames)},
	{name: 'sourceCluster', key: record => record.sourceClusterName, isScanned: true},
	{name: 'destinationCluster', key: record => record.destinationClusterName, isScanned: true},
	{name: 'sourceIdentity', key: record => record.sourceIdentity, isScanned: true},
	{name: 'destinationIdentity', key: record => record.destinationIdentity, isScanned: true},
	{name: 'verdict', key: record => record.verdict, isScanned: true},
	// Hubble's drop reason filter only looks at dropped flows.
	{name: 'dropReason', key: record => (record.verdict === verdictDropped ? record.dropReason : undefined), isScanned: true},
	{name: 'eventType', key: record => eventTypeKey(record.eventType, record.eventSubType), isScanned: true},
	{name: 'trafficDirection', key: record => record.trafficDirection, isScanned: true},
	// Hubble's reply filter: an unknown is_reply counts as false on a drop and matches nothing otherwise.
	{
		name: 'reply',
		key: record => (record.isReply === -1 ? (record.verdict === verdictDropped ? 0 : undefined) : record.isReply),
		isScanned: true,
	},
	{name: 'l4Protocol', key: record => nonEmpty(record.protocol), isScanned: true},
	{name: 'l7Protocol', key: record => nonEmpty(record.l7Protocol), isScanned: true},
	// Ports are scanned from the ring's columns instead (FlowStore.scan): ephemeral ports make one key per
	// connection, and a posting list per connection costs more memory than the scan costs time. The same
	// goes for every dimension marked scanned: a few keys (verdicts, directions, clusters, nodes…) whose
	// lists would each hold a large share of the ring, 4 bytes and an append per flow for a filter that a
	// scan of the ring answers in milliseconds.
	{name: 'sourcePort', key: record => portKey(record.protocol, record.sourcePort), isScanned: true},
	{name: 'destinationPort', key: record => portKey(record.protocol, record.destinationPort), isScanned: true},
	{name: 'httpStatus', key: record => (record.httpCode === 0 ? undefined : record.httpCode), isScanned: true},
	{name: 'httpMethod', key: record => (record.httpMethod === '' ? undefined : record.httpMethod.toLowerCase()), isScanned: true},
	{name: 'httpUrl', key: record => nonEmpty(record.httpUrl)},
	{name: 'dnsQuery', key: record => nonEmpty(record.dnsQuery)},
	{name: 'nodeName', key: record => nonEmpty(record.nodeName), isScanned: true},
	{name: 'policy', keys: policyKeys},
] as const satisfies readonly Dimension[];

export type DimensionName = (typeof dimensions)[number]['name'];

const dimensionByName = new Map<string, Dimension>(dimensions.map(dimension => [dimension.name, dimension]));

/** Dimensions with posting lists (all but the scanned ones). */
const indexedDimensions: readonly Dimension[] = dimensions.filter(dimension => !(dimension as Dimension).isScanned);

/** Whether a dimension is resolved by scanning the ring rather than through posting lists. */
export function isScanned(dimension: DimensionName): boolean {
	return dimensionByName.get(dimension)!.isScanned === true;
}

/** The key function of a dimension with at most one key per record, or undefined (policies have several). */
export function singleKeyOf(dimension: DimensionName): ((record: FlowRecord) => IndexKey | undefined) | undefined {
	const definition = dimensionByName.get(dimension)!;
	return 'key' in definition ? definition.key : undefined;
}

/** The keys `record` has in `dimension` (none, one, or several for policies). */
export function recordKeys(dimension: DimensionName, record: FlowRecord): readonly IndexKey[] {
	const definition = dimensionByName.get(dimension)!;
	if ('keys' in definition) {
		return definition.keys(record);
	}

	const key = definition.key(record);
	return key === undefined ? [] : [key];
}

/** Evictions between two sweeps of evicted entries: entries of keys no new flow has are dropped then. */
const sweepInterval = 8192;

/** Offsets are 32-bit; the store re-bases the indexes (rebuilds them once) before they would overflow. */
export const maximumOffset = 0xff_ff_ff_ff;

export class FlowIndexes {
	// One map per indexed dimension, in the order of `indexedDimensions` (an array: the hot path walks it per flow).
	private readonly maps: Array<Map<IndexKey, PostingList>> = indexedDimensions.map(() => new Map<IndexKey, PostingList>());

	/** The offset of the oldest flow the ring holds: entries below it are evicted flows' (see evictThrough). */
	private oldest = 0;
	private evictedSinceSweep = 0;

	/**
	@param base The sequence number stored as offset 0.
	@param maximum The largest offset (lower in tests, to exercise re-basing).
	*/
	constructor(
		readonly base = 0,
		readonly maximum = maximumOffset,
	) {}

	/** Whether `sequence` can be added without re-basing. */
	fits(sequence: number): boolean {
		return sequence - this.base <= this.maximum;
	}

	/** Adds `offset` to the list of every indexed key of `record`. */
	add(sequence: number, record: FlowRecord): void {
		const offset = sequence - this.base;
		for (let index = 0; index < indexedDimensions.length; index++) {
			const dimension = indexedDimensions[index]!;
			const map = this.maps[index]!;
			if ('keys' in dimension) {
				const keys = dimension.keys(record);
				for (let keyIndex = 0; keyIndex < keys.length; keyIndex++) {
					postingList(map, keys[keyIndex]!).push(offset, this.oldest);
				}
			} else {
				const key = dimension.key(record);
				if (key !== undefined) {
					postingList(map, key).push(offset, this.oldest);
				}
			}
		}
	}

	/**
	The ring evicted every flow up to `sequence`. Its entries leave lazily: a list drops what is older when it
	is read or grows, and a sweep every `sweepInterval` evictions drops the rest and the keys left with no
	flow. (Evicting eagerly visited every dimension of the evicted flow again, its keys looked up in every
	map: the largest single cost of the TUI's ingest.)
	*/
	evictThrough(sequence: number): void {
		this.oldest = sequence - this.base + 1;
		if (++this.evictedSinceSweep >= sweepInterval) {
			this.evictedSinceSweep = 0;
			for (const map of this.maps) {
				for (const [key, list] of map) {
					list.dropBefore(this.oldest);
					if (list.size === 0) {
						map.delete(key);
					}
				}
			}
		}
	}

	/** The distinct keys of a dimension that some flow in the ring has. */
	*keys(dimension: DimensionName): IterableIterator<IndexKey> {
		const map = this.map(dimension);
		for (const [key, list] of map) {
			list.dropBefore(this.oldest);
			if (list.size === 0) {
				// Keys leave with their last flow, so the vocabulary is what the ring holds.
				map.delete(key);
			} else {
				yield key;
			}
		}
	}

	/** Offsets (sequence − base) of the held flows with `key`, oldest first; valid until the next change. */
	postings(dimension: DimensionName, key: IndexKey): Uint32Array {
		const list = this.map(dimension).get(key);
		list?.dropBefore(this.oldest);
		return list?.view() ?? new Uint32Array(0);
	}

	private map(dimension: DimensionName): Map<IndexKey, PostingList> {
		const position = dimensionPositions.get(dimension);
		if (position === undefined) {
			throw new Error(`${dimension} is scanned, not indexed`);
		}

		return this.maps[position]!;
	}
}

const dimensionPositions = new Map<string, number>(indexedDimensions.map((dimension, index) => [dimension.name, index]));

function postingList(map: Map<IndexKey, PostingList>, key: IndexKey): PostingList {
	let list = map.get(key);
	if (!list) {
		list = new PostingList();
		map.set(key, list);
	}

	return list;
}

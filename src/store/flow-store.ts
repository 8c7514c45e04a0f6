/**
The FlowStore: every flow ztop receives goes through push(), which is the ingest hot path — a ring slot,
one posting-list append per indexed dimension, the connection join, the tallies, the overview, and one
check against the current filter (a match is appended to the live result). No React, no gRPC: the UI
reads immutable Frames built from the store on a clock (src/store/frame.ts).
*/
import {newFlowRecord, type FlowRecord, type LostEventsRecord} from '../flow/flow-record.js';
import type {Flow} from '../flow/flow.js';
import type {FilterQuery} from '../filters/filter-query.js';
import {ConnectionAttributions, type ConnectionAttribution} from './connection-attribution.js';
import {judgeConnection, sampleHeldFlows} from './connection-judging.js';
import {ConnectionList, type ConnectionSort} from './connection-list.js';
import {ConnectionTable, type Connection} from './connection-table.js';
import {isRuleCounted, RuleCounting} from './rule-counting.js';
import type {PolicySet} from '../policy/policy-evaluator.js';
import {FlowIndexes, maximumOffset, portKey, recordKeys, singleKeyOf, type DimensionName, type IndexKey} from './flow-indexes.js';
import {FlowRing, type RawSplitter} from './flow-ring.js';
import {StoreQuery} from './flow-query.js';
import {fuzzyTextResolver} from './fuzzy-vocabulary.js';
import {Overview} from './overview.js';
import {PolicyTally} from './policy-tally.js';
import {PostingList} from './sequence-set.js';
import {WhatIfTracker, type WhatIfSets} from './what-if-tracker.js';

export type FlowStoreOptions = {
	/** Flows the ring holds (`--buffer`, default 100 000). */
	capacity?: number;
	/** Decodes a flow's raw bytes into the full flow (drill-down, residual filter fields). */
	decodeFlow?: (raw: Uint8Array) => Flow | undefined;
	/** The largest index offset before re-basing (only lowered by tests). */
	indexOffsetLimit?: number;
	/** Connections remembered for attribution. */
	connectionMemory?: number;
	/** Keeps what repeats in raw flows once (gRPC flows: src/stream/flow-bytes.ts). */
	rawSplitter?: RawSplitter;
	/** Distinct connections kept (`--max-connections`, default 100 000). */
	connectionCapacity?: number;
};

export const emptyQuery: FilterQuery = {allowlist: [], denylist: []};

const isIcmp = (protocol: string) => protocol === 'ICMPv4' || protocol === 'ICMPv6';

/** An ICMP flow's type (the record does not keep it; ICMP is rare enough to decode the flow for it). */
function icmpTypeOf(flow: Flow | undefined): number | undefined {
	const icmp = flow?.l4?.ICMPv4 ?? flow?.l4?.ICMPv6;
	return icmp ? (icmp.type ?? 0) : undefined;
}

/** A flow without addresses has no connection: its L7 drops, if any, go to no policy. */
const noConnection: ConnectionAttribution = Object.freeze({});

export class FlowStore {
	private readonly clusterOfNode: Array<Map<string, string>> = [];
	private readonly sourceNames: string[] = [];
	private readonly sourceBySlot: Uint8Array;
	private readonly clusters = new Set<string>();
	readonly ring: FlowRing;
	readonly tally = new PolicyTally();
	/**
	Each cluster's own tally (the `C` key splits the policies pane by cluster), kept once flows come from a
	second cluster: until then the whole tally is the one cluster's, and it is copied to start its own.
	*/
	private clusterTallyMap: Map<string, PolicyTally> | undefined;
	readonly overview = new Overview();
	/** Every flow's connection, not only the ring's flows' (the connections view, the ledger). */
	readonly connections: ConnectionTable;
	private readonly connectionView = new ConnectionList();
	private ruleCounting: RuleCounting | undefined;
	private ruleFilterAddress: string | undefined;
	/** The newest flow's time (seconds) when the mark was set: connections seen since are the mark's. */
	private markedFlowSeconds: number | undefined;
	private newestFlowSeconds = 0;
	private indexes: FlowIndexes;
	private readonly attributions: ConnectionAttributions;
	private readonly attributionBySlot: Array<ConnectionAttribution | undefined>;
	private readonly decodeFlow: (raw: Uint8Array) => Flow | undefined;
	private readonly indexOffsetLimit: number;
	private query: StoreQuery = new StoreQuery(emptyQuery);
	// The sequences (as index offsets) of the flows the current filter selects.
	private result = new PostingList();
	private receivedFlows = 0;
	private matchedFlows = 0;
	private lostEventCount = 0;
	private changeCount = 0;
	private whatIfTracker: WhatIfTracker | undefined;

	constructor(options: FlowStoreOptions = {}) {
		this.ring = new FlowRing(options.capacity ?? 100_000, options.rawSplitter);
		this.indexOffsetLimit = options.indexOffsetLimit ?? maximumOffset;
		if (this.indexOffsetLimit < this.ring.capacity * 2) {
			throw new RangeError('the index offset limit must be at least twice the ring capacity');
		}

		this.indexes = new FlowIndexes(0, this.indexOffsetLimit);
		this.attributions = new ConnectionAttributions(options.connectionMemory);
		this.attributionBySlot = Array.from({length: this.ring.capacity});
		this.sourceBySlot = new Uint8Array(this.ring.capacity);
		this.decodeFlow = options.decodeFlow ?? (() => undefined);
		this.connections = new ConnectionTable(options.connectionCapacity);
	}

	/** Grows with every change; a frame is rebuilt only when it moved. */
	get version(): number {
		return this.changeCount;
	}

	/** Flows received since start (the ring holds at most its capacity of them). */
	get received(): number {
		return this.receivedFlows;
	}

	/** Flows that matched the filter on arrival, since start (a paused view counts what it missed). */
	get matchedTotal(): number {
		return this.matchedFlows;
	}

	get lostEvents(): number {
		return this.lostEventCount;
	}

	get filter(): FilterQuery {
		return this.query.source;
	}

	/**
	Names a source of flows (a relay's address or kube context, with several); flows pushed with its number
	whose node names no cluster are counted in a cluster named after it, marked `*` (see clusterOfFlow).
	*/
	addSource(name: string): number {
		this.sourceNames.push(name);
		return this.sourceNames.length - 1;
	}

	/** Adds one flow (from source `source`, see addSource); returns its sequence number. */
	push(record: FlowRecord, raw?: Uint8Array, source = 0): number {
		const cluster = this.noteCluster(record.nodeName, source);
		const sequence = this.ring.push(record, raw);
		this.sourceBySlot[sequence % this.ring.capacity] = source;
		const evicted = sequence - this.ring.capacity;
		if (evicted >= 0) {
			this.indexes.evictThrough(evicted);
			this.result.evict(evicted - this.indexes.base);
		}

		const attribution = this.attributions.attribute(record);
		this.attributionBySlot[sequence % this.ring.capacity] = attribution;
		this.pendingRaw = raw;
		const ruleEvaluation = this.ruleCounting?.observe(record, this.loadPendingFlow);
		if (this.indexes.fits(sequence)) {
			this.indexes.add(sequence, record);
			const isMatch =
				this.query.matches(record, this.loadPendingFlow) && (this.ruleFilterAddress === undefined || this.ruleCounting!.decided(record, ruleEvaluation, this.ruleFilterAddress));
			// Not kept: it may be a view of a gRPC receive buffer.
			if (isMatch) {
				this.result.push(sequence - this.indexes.base);
				this.matchedFlows++;
			}
		} else {
			this.rebase();
		}

		this.pendingRaw = undefined;

		this.tally.addRecord(record, attribution ?? noConnection);
		if (this.clusterTallyMap) {
			this.clusterTally(cluster).addRecord(record, attribution ?? noConnection);
		}

		this.overview.add(record);
		this.connections.add(record, attribution, true, isIcmp(record.protocol) && raw ? icmpTypeOf(this.decodeFlow(raw)) : undefined);
		if (record.timeSeconds > this.newestFlowSeconds) {
			this.newestFlowSeconds = record.timeSeconds;
		}

		const whatIf = this.whatIfTracker;
		if (whatIf) {
			// Rules are counted under the policies in force, the what-if's baseline: one evaluation serves both.
			whatIf.observe(record, sequence, ruleEvaluation !== undefined && whatIf.sets.baseline === this.ruleCounting?.set ? ruleEvaluation : undefined);
		}

		this.receivedFlows++;
		this.changeCount++;
		return sequence;
	}

	/** The what-if being followed, if any. */
	get whatIf(): WhatIfTracker | undefined {
		return this.whatIfTracker;
	}

	/**
	Follows a what-if (or stops, given undefined): the flows the ring holds are evaluated now, every arrival
	from then on.
	*/
	setWhatIf(sets: WhatIfSets | undefined): void {
		this.whatIfTracker = sets ? new WhatIfTracker(sets, sequence => this.flow(sequence)) : undefined;
		if (this.whatIfTracker) {
			for (let sequence = this.ring.start; sequence < this.ring.end; sequence++) {
				const record = this.ring.get(sequence);
				if (record) {
					this.whatIfTracker.observe(record, sequence);
				}
			}

			// A ledger's connections no flow of this run has reached are judged by their samples, once.
			for (const connection of this.connections.restoredOnlyValues()) {
				judgeConnection(connection, sets!, this.whatIfTracker.changes);
			}
		}

		this.changeCount++;
	}

	pushLostEvents(record: LostEventsRecord): void {
		this.lostEventCount += record.lost;
		this.tally.addLostEvents();
		this.overview.addLostEvents(record);
		this.changeCount++;
	}

	/**
	The connections the view's filter selects, in `sort` order (src/store/connection-list.ts). A connection
	passes a filter when a flow standing for one of its samples does (src/store/connection-judging.ts
	sampleHeldFlows): endpoints, port, protocol and observed verdict filter as they do flows.
	*/
	connectionList(sort: ConnectionSort, filterText: string, sinceMark: boolean, now: number): readonly Connection[] {
		const {query} = this;
		const isFiltered = query.source.allowlist.length > 0 || query.source.denylist.length > 0;
		return this.connectionView.connections(
			this.connections,
			{
				sort,
				filterKey: filterText,
				matches: isFiltered ? connection => sampleHeldFlows(connection).some(held => query.matches(held.record, () => held.fullFlow?.())) : undefined,
				sinceSeconds: sinceMark ? this.markedFlowSeconds : undefined,
			},
			now,
		);
	}

	/** The rules' counts (with --policies), undefined without policies. */
	get rules(): RuleCounting | undefined {
		return this.ruleCounting;
	}

	/**
	Counts the rules of `set` (the policies in force) from now on, and over the flows the ring holds; undefined
	stops. A new set starts over: its rules are other rules.
	*/
	setRuleCounting(set: PolicySet | undefined): void {
		this.ruleCounting = set ? new RuleCounting(set) : undefined;
		this.ruleFilterAddress = undefined;
		if (this.ruleCounting) {
			for (let sequence = this.ring.start; sequence < this.ring.end; sequence++) {
				const record = this.ring.get(sequence);
				if (record) {
					this.ruleCounting.observe(record, () => this.flow(sequence));
				}
			}
		}

		this.resolve();
		this.changeCount++;
	}

	/** Selects, on top of the filter, the flows the rule `address` decided (undefined: no rule). */
	setRuleFilter(address: string | undefined): void {
		this.ruleFilterAddress = this.ruleCounting ? address : undefined;
		this.resolve();
		this.changeCount++;
	}

	get ruleFilter(): string | undefined {
		return this.ruleFilterAddress;
	}

	/** Connections seen since the mark: their newest flow is no older than the newest flow then. */
	get connectionsMarkSeconds(): number | undefined {
		return this.markedFlowSeconds;
	}

	/** Counts since now become the since-mark counts; totals stay. */
	mark(): void {
		this.markedFlowSeconds = this.newestFlowSeconds;
		this.ruleCounting?.mark();
		this.tally.mark();
		for (const tally of this.clusterTallyMap?.values() ?? []) {
			tally.mark();
		}

		this.changeCount++;
	}

	/**
	Switches the filter: compiles it (throws FilterError, and then the previous filter stays) and resolves
	it over the whole ring through the indexes. New flows are then checked once, on arrival.
	*/
	setFilter(query: FilterQuery): void {
		const compiled = new StoreQuery(query, fuzzyTextResolver(this.indexes));
		this.query = compiled;
		this.resolve();
		this.changeCount++;
	}

	/** How many flows in the ring the filter selects. */
	get matchCount(): number {
		return this.result.size;
	}

	/** The sequence numbers the filter selects, oldest first (a copy). */
	matches(): Float64Array {
		const offsets = this.result.view();
		const sequences = new Float64Array(offsets.length);
		const base = this.indexes.base;
		for (let index = 0; index < offsets.length; index++) {
			sequences[index] = base + offsets[index]!;
		}

		return sequences;
	}

	/** The sequence of the `index`-th selected flow (0 = oldest), or undefined. */
	matchAt(index: number): number | undefined {
		const offsets = this.result.view();
		return index >= 0 && index < offsets.length ? this.indexes.base + offsets[index]! : undefined;
	}

	/** Clusters flows were observed in (the `cluster/` of their node names), since the start. */
	get clusterCount(): number {
		return this.clusters.size;
	}

	/** Each cluster's tally (by the cluster of the observing node, '' for none), once there are several clusters. */
	get clusterTallies(): ReadonlyMap<string, PolicyTally> | undefined {
		return this.clusterTallyMap;
	}

	/**
	The cluster a held flow was observed in: its node's (`cluster1/worker-1`), else, with several sources,
	its source's name marked `*` (Hubble named none: a relay of a cluster without Cluster Mesh may leave the
	cluster out of node names), else ''. `record` is the flow's, when the caller has it already.
	*/
	clusterOfFlow(sequence: number, record = this.ring.get(sequence)): string {
		return record ? this.clusterOf(record.nodeName, this.sourceBySlot[sequence % this.ring.capacity]!) : '';
	}

	private clusterOf(nodeName: string, source: number): string {
		const slash = nodeName.indexOf('/');
		if (slash !== -1) {
			return nodeName.slice(0, slash);
		}

		return this.sourceNames.length > 1 ? `${this.sourceNames[source] ?? ''}*` : '';
	}

	/** Node names (interned, a few) per source → their cluster: one map lookup per flow. */
	private noteCluster(nodeName: string, source: number): string {
		let bySource = this.clusterOfNode[source];
		if (!bySource) {
			bySource = new Map();
			this.clusterOfNode[source] = bySource;
		}

		let cluster = bySource.get(nodeName);
		if (cluster === undefined) {
			cluster = this.clusterOf(nodeName, source);
			bySource.set(nodeName, cluster);
			if (!this.clusters.has(cluster) && this.clusters.size === 1 && !this.clusterTallyMap) {
				// A second cluster: what was counted so far is the first one's.
				this.clusterTallyMap = new Map([[[...this.clusters][0]!, this.tally.clone()]]);
			}

			this.clusters.add(cluster);
		}

		return cluster;
	}

	private clusterTally(cluster: string): PolicyTally {
		let tally = this.clusterTallyMap!.get(cluster);
		if (!tally) {
			tally = new PolicyTally();
			if (this.tally.hasMark) {
				// Its flows all came after the mark.
				tally.mark();
			}

			this.clusterTallyMap!.set(cluster, tally);
		}

		return tally;
	}

	/** The sequences of every flow held now, oldest first: [start, end). */
	heldRange(): {start: number; end: number} {
		return {start: this.ring.start, end: this.ring.end};
	}

	record(sequence: number): FlowRecord | undefined {
		return this.ring.get(sequence);
	}

	raw(sequence: number): Uint8Array | undefined {
		return this.ring.raw(sequence);
	}

	/** The full flow, decoded from the raw bytes (drill-down); undefined once evicted. */
	flow(sequence: number): Flow | undefined {
		return this.flowOf(this.ring.raw(sequence));
	}

	/** The policies that allowed or denied the flow's connection, per side (the connection join). */
	attribution(sequence: number): ConnectionAttribution | undefined {
		return this.ring.holds(sequence) ? this.attributionBySlot[sequence % this.ring.capacity] : undefined;
	}

	// The raw bytes of the flow being pushed, for a filter that needs the full flow (one loader, not a closure a flow).
	private pendingRaw: Uint8Array | undefined;
	private readonly loadPendingFlow = () => this.flowOf(this.pendingRaw);

	private flowOf(raw: Uint8Array | undefined): Flow | undefined {
		return raw === undefined ? undefined : this.decodeFlow(raw);
	}

	private resolve(): void {
		const base = this.indexes.base;
		const offsets = this.query.resolve(
			{
				indexes: this.indexes,
				scan: (dimension, accepts, start, end) => this.scan(dimension, accepts, base + start, base + end),
				loadFlow: offset => this.flow(base + offset),
			},
			this.ring.start - base,
			this.ring.end - base,
		);
		const result = new PostingList();
		const rule = this.ruleFilterAddress;
		for (const offset of offsets) {
			if (rule !== undefined) {
				// The flows a rule decided: evaluated again (the decisions are cached: a ring in tens of milliseconds).
				const sequence = base + offset;
				const record = this.ring.get(sequence);
				if (!record || !this.ruleCounting!.decided(record, isRuleCounted(record) ? this.ruleCounting!.set.evaluate({record, fullFlow: () => this.flow(sequence)}) : undefined, rule)) {
					continue;
				}
			}

			result.push(offset);
		}

		this.result = result;
	}

	/** Resolves a scanned dimension from the ring (ports straight from their columns); answers index offsets. */
	private scan(dimension: DimensionName, accepts: (key: IndexKey) => boolean, start: number, end: number): Uint32Array {
		const offsets = new Uint32Array(end - start);
		let count = 0;
		if (dimension === 'sourcePort' || dimension === 'destinationPort') {
			const side = dimension === 'sourcePort' ? 'source' : 'destination';
			for (let sequence = start; sequence < end; sequence++) {
				const key = portKey(this.ring.protocolOf(sequence), this.ring.port(sequence, side));
				if (key !== undefined && accepts(key)) {
					offsets[count++] = sequence - this.indexes.base;
				}
			}
		} else {
			// One scratch record and, for a dimension of one key, no array per flow: the scan of a full ring for
			// verdict:dropped took 57 ms building 100,000 records and key lists.
			const record = newFlowRecord();
			const key = singleKeyOf(dimension);
			for (let sequence = start; sequence < end; sequence++) {
				this.ring.getInto(sequence, record);
				if (key) {
					const value = key(record);
					if (value !== undefined && accepts(value)) {
						offsets[count++] = sequence - this.indexes.base;
					}
				} else if (recordKeys(dimension, record).some(each => accepts(each))) {
					offsets[count++] = sequence - this.indexes.base;
				}
			}
		}

		return offsets.subarray(0, count);
	}

	/** Rebuilds the indexes with the oldest flow as offset 0: once every ~4 billion flows. */
	private rebase(): void {
		const indexes = new FlowIndexes(this.ring.start, this.indexOffsetLimit);
		for (let sequence = this.ring.start; sequence < this.ring.end; sequence++) {
			indexes.add(sequence, this.ring.get(sequence)!);
		}

		this.indexes = indexes;
		this.resolve();
	}
}

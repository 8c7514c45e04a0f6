/**
Frames: immutable snapshots of what the TUI shows, built from the store on a clock (src/store/frame-clock.ts)
and handed to the views, which only read them. A frame holds just the visible window of the flows pane (a
few dozen rows, not the ring), the top policy rows with their sparkline series, the overview when it is
shown, and the status line's numbers. Building one costs the same whether the ring holds 1 000 or 100 000
flows.
*/
import type {FlowRecord} from '../flow/flow-record.js';
import type {ConnectionAttribution} from './connection-attribution.js';
import {ConnectionChanges, type Change, type ConnectionChange} from '../policy/what-if.js';
import {connectionChange, judgeConnection} from './connection-judging.js';
import type {ConnectionSort} from './connection-list.js';
import type {Connection} from './connection-table.js';
import {policyKey} from '../policy/policy-model.js';
import {isAtOrUnder} from '../policy/rule-address.js';
import type {RuleCounts} from './rule-hits.js';
import type {CatalogRule} from '../policy/rule-catalog.js';
import type {FlowStore} from './flow-store.js';
import type {NodeCounts, OverviewSnapshot} from './overview.js';
import {sortTallyRows, type LiveTallyRow, type PolicyTally, type TallyCounts, type TallyDirection} from './policy-tally.js';
import {historySeconds} from './second-history.js';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'ended' | 'failed';

/** What the source reports (src/cli wires it from the gRPC subscription or the capture reader). */
export type SourceStatus = {
	/** `localhost:4245`, `demo: zero-trust stage 3/5`, `capture.json`. */
	label: string;
	state: ConnectionState;
	reconnects: number;
	/** The last error or notice, already in words for the user. */
	message?: string;
	/** Why the source last reconnected (gRPC status and message), kept once it is connected again. */
	lastReconnectCause?: string;
	nodes?: NodeCounts;
	/**
	With several relays: the label's parts, so that the header can shorten each relay's segment to fit
	(`label` is the same text at full length).
	*/
	segments?: {before: string; parts: SourceSegment[]; after: string};
};

/** One relay's segment of the header. */
export type SourceSegment = {label: string; state: ConnectionState; nodes?: NodeCounts; flowsPerSecond: number; lost: number};

export type FlowRow = {
	sequence: number;
	/** Undefined when the flow was evicted from the ring (a paused view can outlive its flows). */
	record: FlowRecord | undefined;
	attribution: ConnectionAttribution | undefined;
	/** With flows from several clusters: where it was observed (`cluster1`, or `east*`: its source's name, Hubble naming none). */
	cluster?: string;
};

export type PolicyRow = {
	key: string;
	/** With the pane split by cluster (`C`): the cluster whose flows these are ('' for a node without one). */
	cluster?: string;
	kind: string;
	namespace: string;
	name: string;
	direction: TallyDirection;
	counts: TallyCounts;
	/** Allowed and denied per second, oldest first, ending at the newest flow's second. */
	allowedSeries: number[];
	deniedSeries: number[];
	/** With a what-if: the counts the candidate set would have given (over the flows evaluated since it was set). */
	after?: TallyCounts;
};

/** The UI's state that shapes a frame (owned by the App, passed in on every build). */
export type ViewState = {
	/** Rows the flows pane can show. */
	flowRows: number;
	/** Index of the first shown match, or undefined to follow the tail. */
	scrollTop: number | undefined;
	policyRows: number;
	/** Seconds of history in each policy row's sparklines. */
	sparklineWidth: number;
	sinceMark: boolean;
	/** The policies pane split by cluster (`C`), when flows come from more than one. */
	splitClusters?: boolean;
	showOverview: boolean;
	/** The what-if view is open: the frame carries its rows. */
	showWhatIf?: boolean;
	/** Text of the applied filter. */
	filterText: string;
	/** The connections view is open: the frame carries its rows. */
	connections?: {rows: number; scrollTop: number; sort: ConnectionSort};
	/** The rules view is open, of one policy (`namespace/name` as policyKey names it) or of all. */
	rules?: {policy: string | undefined; rows: number; scrollTop: number};
};

/** A row of the rules view: a rule of the policies in force (its policy as policyKey names it) and what it decided. */
export type RuleRow = Omit<CatalogRule, 'policy' | 'direction'> & {
	policy: string;
	/** '' on a rejected policy's row. */
	direction: CatalogRule['direction'] | '';
	/** Since start, or since the mark when the view counts from it. */
	counts: RuleCounts | undefined;
	/** Rejected by Cilium: the policy's reason (a row with no rule). */
	rejected?: string;
	/** Deleted in the what-if set (d, D). */
	isDeleted?: boolean;
};

export type RulesSnapshot = {
	policy: string | undefined;
	rows: RuleRow[];
	total: number;
	firstRow: number;
	sinceMark: boolean;
	/** Rules are counted only with --policies. */
	isCounting: boolean;
};

/** A row of the connections view. */
export type ConnectionRow = {
	/** `client → server port/protocol`: what names the row from one frame to the next. */
	key: string;
	connection: Connection;
	/** With a what-if set: what it would do to the connection (its samples judged by the candidate set). */
	change?: Change | undefined;
	/** From the ledger, and not seen in this run. */
	isFromLedger: boolean;
};

export type ConnectionsSnapshot = {
	rows: ConnectionRow[];
	/** Connections the view's filter (and mark) select. */
	total: number;
	/** Index in the selection of the first row shown. */
	firstRow: number;
	sort: ConnectionSort;
	/** Connections in the table, and forgotten over the bound since start. */
	tableSize: number;
	evicted: number;
	/** Whether endpoints name their cluster (flows from more than one). */
	withClusters: boolean;
	hasWhatIf: boolean;
};

/** The what-if as the TUI shows it: changed connections (when the view is open) and totals. */
export type WhatIfSnapshot = {
	rows: ConnectionChange[];
	evaluated: number;
	changedFlows: number;
	breaks: number;
	fixes: number;
	/** What the candidate set is, when the caller says (the demo's next stage). */
	title?: string;
};

export type Frame = {
	/** Milliseconds since the epoch when it was built. */
	builtAt: number;
	source: SourceStatus;
	flowsPerSecond: number;
	received: number;
	lostEvents: number;
	buffer: {size: number; capacity: number};
	filterText: string;
	paused: boolean;
	/** Matching flows that arrived since the pause. */
	newWhilePaused: number;
	/** Seconds since the last mark, when there is one. */
	markAgeSeconds: number | undefined;
	sinceMark: boolean;
	/** Flows the filter selects (in the ring, or in the paused snapshot). */
	matchCount: number;
	/** Index in the selection of the first row shown. */
	firstRow: number;
	rows: FlowRow[];
	policies: PolicyRow[];
	policyCount: number;
	/** The policies pane is split by cluster (each row a cluster's). */
	policiesByCluster: boolean;
	/** Clusters the flows were observed in: with more than one, the flows pane may show a CLUSTER column. */
	clusterCount: number;
	overview: OverviewSnapshot | undefined;
	/** With a what-if: its totals, and its rows while the what-if view is open. */
	whatIf: WhatIfSnapshot | undefined;
	/** What ztop knows of policies (`policies: 5, 1 rejected by Cilium`), for the header. */
	policyNote: string | undefined;
	/** The connections view's rows, while it is open. */
	connections?: ConnectionsSnapshot;
	/** Connections forgotten over --max-connections (the header says so). */
	connectionsEvicted: number;
	/** The ledger's state when something is wrong with it (the header says so). */
	ledgerProblem?: string;
	/** The rules view's rows, while it is open. */
	rules?: RulesSnapshot;
	/** The rule whose flows the flows pane shows, on top of the filter. */
	ruleFilter?: string;
};

/** A frozen selection while paused: ingest goes on, the view does not move. */
export type PausedSelection = {sequences: Float64Array; matchedAtPause: number};

export type FrameInputs = {
	store: FlowStore;
	source: SourceStatus;
	view: ViewState;
	paused: PausedSelection | undefined;
	flowsPerSecond: number;
	markedAt: number | undefined;
	now: number;
	policyNote?: string;
	/** What the what-if's candidate is, for its view. */
	whatIfTitle?: string;
	ledgerProblem?: string | undefined;
	/** Whole rules deleted in the what-if set (by address), for the rules view. */
	deletedRules?: readonly string[];
};

export function buildFrame({store, source, view, paused, flowsPerSecond, markedAt, now, policyNote, whatIfTitle, ledgerProblem, deletedRules = []}: FrameInputs): Frame {
	const total = paused ? paused.sequences.length : store.matchCount;
	const sequenceAt = paused ? (index: number) => paused.sequences[index] : (index: number) => store.matchAt(index);
	const height = Math.max(0, view.flowRows);
	const lastStart = Math.max(0, total - height);
	const firstRow = view.scrollTop === undefined ? lastStart : Math.min(Math.max(0, view.scrollTop), lastStart);
	const rows: FlowRow[] = [];
	for (let index = firstRow; index < Math.min(total, firstRow + height); index++) {
		const sequence = sequenceAt(index)!;
		const record = store.record(sequence);
		const attribution = store.attribution(sequence);
		rows.push(store.clusterCount > 1 ? {sequence, record, attribution, cluster: store.clusterOfFlow(sequence, record)} : {sequence, record, attribution});
	}

	return {
		builtAt: now,
		source,
		flowsPerSecond,
		received: store.received,
		lostEvents: store.lostEvents,
		buffer: {size: store.ring.size, capacity: store.ring.capacity},
		filterText: view.filterText,
		paused: paused !== undefined,
		newWhilePaused: paused ? store.matchedTotal - paused.matchedAtPause : 0,
		markAgeSeconds: markedAt === undefined ? undefined : Math.max(0, Math.floor((now - markedAt) / 1000)),
		sinceMark: view.sinceMark,
		matchCount: total,
		firstRow,
		rows,
		...policyRows(store, view),
		clusterCount: store.clusterCount,
		// The overview gets the whole 5-minute history: its sparklines are as wide as the terminal.
		overview: view.showOverview ? store.overview.snapshot(historySeconds) : undefined,
		whatIf: whatIfSnapshot(store, view, whatIfTitle),
		policyNote,
		...(view.connections ? {connections: connectionsSnapshot(store, view, view.connections, now)} : {}),
		connectionsEvicted: store.connections.evicted,
		...(ledgerProblem ? {ledgerProblem} : {}),
		...(view.rules ? {rules: rulesSnapshot(store, view.rules, view.sinceMark, deletedRules)} : {}),
		...(store.ruleFilter === undefined ? {} : {ruleFilter: store.ruleFilter}),
	};
}

function rulesSnapshot(store: FlowStore, window: NonNullable<ViewState['rules']>, sinceMark: boolean, deletedRules: readonly string[]): RulesSnapshot {
	// A deleted rule's port and L7 rules go with it.
	const isDeleted = (address: string) => deletedRules.some(deleted => isAtOrUnder(address, deleted));
	const counting = store.rules;
	const hits = sinceMark ? counting?.sinceMark : counting?.hits;
	const all: RuleRow[] = (counting?.catalog ?? [])
		.filter(policy => window.policy === undefined || policyKey(policy.name) === window.policy)
		.flatMap((policy): RuleRow[] =>
			policy.rejected === undefined
				? policy.rules.map(rule => ({
						address: rule.address,
						policy: policyKey(policy.name),
						direction: rule.direction,
						isDeny: rule.isDeny,
						level: rule.level,
						text: rule.text,
						counts: hits?.of(rule.address),
						...(deletedRules.length > 0 && isDeleted(rule.address) ? {isDeleted: true} : {}),
					}))
				: [{address: '', policy: policyKey(policy.name), direction: '', isDeny: false, level: 'entry', text: '', counts: undefined, rejected: policy.rejected}],
		);
	const height = Math.max(0, window.rows);
	const firstRow = Math.max(0, Math.min(window.scrollTop, all.length - height));
	return {policy: window.policy, rows: all.slice(firstRow, firstRow + height), total: all.length, firstRow, sinceMark, isCounting: counting !== undefined};
}

/** The key of a connection's row (its text, as shown). */
export function connectionRowKey(connection: Connection): string {
	const port = connection.port > 0 ? `${connection.port}/${connection.protocol}` : connection.icmpType === undefined ? connection.protocol : `${connection.protocol} type ${connection.icmpType}`;
	return `${connection.client.text} → ${connection.server.text} ${port}`;
}

function connectionsSnapshot(store: FlowStore, view: ViewState, window: NonNullable<ViewState['connections']>, now: number): ConnectionsSnapshot {
	const list = store.connectionList(window.sort, view.filterText, view.sinceMark, now);
	const height = Math.max(0, window.rows);
	const firstRow = Math.max(0, Math.min(window.scrollTop, list.length - height));
	const tracker = store.whatIf;
	const rows = list.slice(firstRow, firstRow + height).map(connection => ({
		key: connectionRowKey(connection),
		connection,
		...(tracker ? {change: connectionChange(judgeConnection(connection, tracker.sets, new ConnectionChanges()))} : {}),
		isFromLedger: store.connections.isRestoredOnly(connection),
	}));
	return {
		rows,
		total: list.length,
		firstRow,
		sort: window.sort,
		tableSize: store.connections.size,
		evicted: store.connections.evicted,
		withClusters: store.clusterCount > 1,
		hasWhatIf: tracker !== undefined,
	};
}

function whatIfSnapshot(store: FlowStore, view: ViewState, title: string | undefined): WhatIfSnapshot | undefined {
	const tracker = store.whatIf;
	if (!tracker) {
		return undefined;
	}

	const {changes} = tracker;
	return {rows: view.showWhatIf ? changes.rows() : [], evaluated: changes.evaluated, changedFlows: changes.changedFlows, ...changes.totals(), ...(title ? {title} : {})};
}

/** Counted rows in the pane's order (most denied first, sortTallyRows), each keeping its live row. */
function sortCounted<Item extends TallyCounts & {row: LiveTallyRow}>(items: Item[]): Item[] {
	return sortTallyRows(items.map(item => ({...item, kind: item.row.kind, namespace: item.row.namespace, name: item.row.name, direction: item.row.direction})));
}

/**
The policies pane split by cluster: a row per cluster and policy, from each cluster's own tally. The
what-if's counts after are for all clusters together, so a split row has none.
*/
function clusterPolicyRows(tallies: ReadonlyMap<string, PolicyTally>, store: FlowStore, view: ViewState): {policies: PolicyRow[]; policyCount: number; policiesByCluster: boolean} {
	const counted = [...tallies].flatMap(([cluster, tally]) =>
		tally
			.liveRows()
			.map(row => ({row, cluster, ...(view.sinceMark ? row.sinceMark : row)}))
			.filter(({allowed, denied, audited, l7Denied}) => !view.sinceMark || allowed + denied + audited + l7Denied > 0),
	);
	const sorted = sortCounted(counted);
	const latest = store.overview.latestSecond;
	return {
		policies: sorted.slice(0, Math.max(0, view.policyRows)).map(({row, cluster, allowed, denied, audited, l7Denied}) => ({
			key: `${cluster}\u0001${row.key}`,
			cluster,
			kind: row.kind,
			namespace: row.namespace,
			name: row.name,
			direction: row.direction,
			counts: {allowed, denied, audited, l7Denied},
			allowedSeries: row.allowedHistory.series(latest, view.sparklineWidth),
			deniedSeries: row.deniedHistory.series(latest, view.sparklineWidth),
		})),
		policyCount: sorted.length,
		policiesByCluster: true,
	};
}

function policyRows(store: FlowStore, view: ViewState): {policies: PolicyRow[]; policyCount: number; policiesByCluster: boolean} {
	const clusterTallies = store.clusterTallies;
	if (view.splitClusters && clusterTallies) {
		return clusterPolicyRows(clusterTallies, store, view);
	}

	const afterRows = store.whatIf?.afterTally.liveRows();
	const afterByKey = new Map(afterRows?.map(row => [row.key, row]));
	const liveKeys = new Set<string>();
	const live = store.tally.liveRows().map(row => {
		liveKeys.add(row.key);
		return {row, ...(view.sinceMark ? row.sinceMark : row)};
	});
	// Policies only the candidate set names (a new policy) get a row with no counts of today.
	const candidateOnly = (afterRows ?? []).filter(row => !liveKeys.has(row.key)).map(row => ({row, allowed: 0, denied: 0, audited: 0, l7Denied: 0}));
	const counted = [...live, ...candidateOnly];
	const shown = view.sinceMark ? counted.filter(({allowed, denied, audited, l7Denied, row}) => allowed + denied + audited + l7Denied > 0 || afterByKey.has(row.key)) : counted;
	const sorted = sortCounted(shown);
	const latest = store.overview.latestSecond;
	return {
		policies: sorted.slice(0, Math.max(0, view.policyRows)).map(({row, allowed, denied, audited, l7Denied}) => {
			const after = afterByKey.get(row.key);
			return {
				key: row.key,
				kind: row.kind,
				namespace: row.namespace,
				name: row.name,
				direction: row.direction,
				counts: {allowed, denied, audited, l7Denied},
				allowedSeries: liveKeys.has(row.key) ? row.allowedHistory.series(latest, view.sparklineWidth) : [],
				deniedSeries: liveKeys.has(row.key) ? row.deniedHistory.series(latest, view.sparklineWidth) : [],
				...(afterRows ? {after: after ? {allowed: after.allowed, denied: after.denied, audited: after.audited, l7Denied: after.l7Denied} : {allowed: 0, denied: 0, audited: 0, l7Denied: 0}} : {}),
			};
		}),
		policyCount: sorted.length,
		policiesByCluster: false,
	};
}

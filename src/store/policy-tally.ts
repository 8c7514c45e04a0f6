/**
Per-policy allow/deny tallies, counted the way Hubble attributes verdicts (hubble-api.md §1.12):
only policy-verdict events count, once per connection and direction; FORWARDED and REDIRECTED credit
that direction's `*_allowed_by`, DROPPED (and ERROR, which hubble shows as DENIED) and AUDIT credit
`*_denied_by`, with `(unattributed)` and `(default deny)` rows when the list is empty; those rows name the
local endpoint's namespace. An L7 drop is charged to the policies of the connection's latest REDIRECTED
verdict (the L7 rule that redirected it to the proxy). Incremental, over FlowRecords: the live store and
the `-o tally` output count with the same code. For the TUI it also keeps counts since the last mark (a
baseline for "what did my last curl do?") and a per-second history of the last 5 minutes.
*/
import {dropReasonNames} from '../flow/drop-reason.js';
import {eventType} from '../flow/event-type.js';
import type {FlowRecord, PolicyRecord} from '../flow/flow-record.js';
import {RecentMap} from '../flow/recent-map.js';
import type {GetFlowsResponse} from '../flow/flow.js';
import {RecordLists, toFlowRecord} from '../flow/to-flow-record.js';
import type {ConnectionAttribution} from './connection-attribution.js';
import {StringCache} from '../flow/string-cache.js';
import {SecondHistory} from './second-history.js';

export type TallyDirection = 'INGRESS' | 'EGRESS' | 'TRAFFIC_DIRECTION_UNKNOWN';

export type TallyCounts = {allowed: number; denied: number; audited: number; l7Denied: number};

export type TallyRow = {
	kind: string;
	namespace: string;
	name: string;
	direction: TallyDirection;
} & TallyCounts;

export type TallySummary = {
	rows: TallyRow[];
	/** Every flow read (after filtering). */
	flows: number;
	policyVerdicts: number;
	lostEvents: number;
};

/** A row as the TUI sees it: totals, counts since the mark, and per-second history. */
export type LiveTallyRow = TallyRow & {
	/** Stable identity of the row (policy and direction). */
	key: string;
	sinceMark: TallyCounts;
	/** Allowed (allowed) and denied (denied + l7Denied) per second. */
	allowedHistory: SecondHistory;
	deniedHistory: SecondHistory;
};

export const defaultDenyName = '(default deny)';
export const unattributedName = '(unattributed)';

const noPolicies: readonly PolicyRecord[] = Object.freeze([]);

export type Counter = keyof TallyCounts;

const verdict = {forwarded: 1, dropped: 2, error: 3, audit: 4, redirected: 5} as const;
const flowTypeL7 = 2;
const directionNames: readonly TallyDirection[] = ['TRAFFIC_DIRECTION_UNKNOWN', 'INGRESS', 'EGRESS'];

/** How many REDIRECTED connections are remembered for L7 attribution. */
const redirectMemory = 65_536;

const zeroCounts = (): TallyCounts => ({allowed: 0, denied: 0, audited: 0, l7Denied: 0});

export class PolicyTally {
	private readonly rowsByKey = new Map<string, LiveTallyRow>();
	// Connection key → policies of its latest REDIRECTED verdict; insertion order makes it an LRU.
	private readonly redirects = new RecentMap<string, readonly PolicyRecord[]>(redirectMemory);
	/** Without the store's attribution: the policies of the connection's REDIRECTED verdict this tally saw (made once, not per flow). */
	private readonly rememberedRedirect = (record: FlowRecord, direction: TallyDirection): readonly PolicyRecord[] | undefined =>
		this.redirects.peek(connectionKey(record, direction, false)) ?? this.redirects.peek(connectionKey(record, direction, true));
	private readonly lists = new RecordLists();
	private flowCount = 0;
	private policyVerdictCount = 0;
	private lostEventCount = 0;
	private markedAt: {flows: number; policyVerdicts: number; lostEvents: number} = {flows: 0, policyVerdicts: 0, lostEvents: 0};
	private isMarked = false;

	/** Adds a canonical response (a capture line or a fully decoded message). */
	add(response: GetFlowsResponse): void {
		if (response.lost_events) {
			this.addLostEvents();
			return;
		}

		const record = toFlowRecord(response, this.lists, dropReasonNames);
		if (record) {
			this.addRecord(record);
		}
	}

	addLostEvents(): void {
		this.lostEventCount++;
	}

	/**
	Counts a flow. `connection`, when given, is the flow's connection as the store attributes it
	(store/connection-attribution.ts): an L7 drop then goes to the policies whose verdict on its side
	redirected the connection to the proxy, and the tally keeps no table of redirects of its own: a second
	table of 65,536 connections, keyed a second way (following the demo relay at 5,000 flows/s, the TUI's
	RSS peaked at 215 MiB without it, 232 with it).
	*/
	addRecord(record: FlowRecord, connection?: ConnectionAttribution): void {
		this.flowCount++;
		const isVerdict = record.eventType === eventType.policyVerdict;
		if (isVerdict) {
			this.policyVerdictCount++;
		}

		const credit = tallyCredit(record, connection, this.rememberedRedirect);
		if (!credit) {
			return;
		}

		this.credit(record, credit.direction, credit.policies, credit.fallbackName, credit.counter);
		if (isVerdict && record.verdict === verdict.redirected && connection === undefined) {
			this.redirects.set(connectionKey(record, credit.direction, false), credit.policies);
		}
	}

	/**
	An independent copy with everything counted so far: a cluster's own tally starts as a copy of the
	whole when a second cluster first appears (every flow until then was the first cluster's).
	*/
	clone(): PolicyTally {
		const copy = new PolicyTally();
		for (const [key, row] of this.rowsByKey) {
			copy.rowsByKey.set(key, {...row, sinceMark: {...row.sinceMark}, allowedHistory: row.allowedHistory.clone(), deniedHistory: row.deniedHistory.clone()});
		}

		for (const [key, policies] of this.redirects.entries()) {
			copy.redirects.set(key, policies);
		}

		copy.flowCount = this.flowCount;
		copy.policyVerdictCount = this.policyVerdictCount;
		copy.lostEventCount = this.lostEventCount;
		copy.markedAt = {...this.markedAt};
		copy.isMarked = this.isMarked;
		return copy;
	}

	/** Sets the since-mark baseline to now; totals are kept. */
	mark(): void {
		for (const row of this.rowsByKey.values()) {
			row.sinceMark = zeroCounts();
		}

		this.markedAt = {flows: this.flowCount, policyVerdicts: this.policyVerdictCount, lostEvents: this.lostEventCount};
		this.isMarked = true;
	}

	get hasMark(): boolean {
		return this.isMarked;
	}

	/** Totals, or with `sinceMark` the counts since the last mark (rows without any are left out). */
	summary(options: {sinceMark?: boolean} = {}): TallySummary {
		if (options.sinceMark) {
			return {
				rows: sortTallyRows(
					this.liveRows()
						.map(row => ({...plainRow(row), ...row.sinceMark}))
						.filter(row => row.allowed + row.denied + row.audited + row.l7Denied > 0),
				),
				flows: this.flowCount - this.markedAt.flows,
				policyVerdicts: this.policyVerdictCount - this.markedAt.policyVerdicts,
				lostEvents: this.lostEventCount - this.markedAt.lostEvents,
			};
		}

		return {
			rows: sortTallyRows(this.liveRows().map(row => plainRow(row))),
			flows: this.flowCount,
			policyVerdicts: this.policyVerdictCount,
			lostEvents: this.lostEventCount,
		};
	}

	/** The live rows themselves (read-only use: the frame copies what it shows). */
	liveRows(): LiveTallyRow[] {
		return [...this.rowsByKey.values()];
	}

	private credit(
		record: FlowRecord,
		direction: TallyDirection,
		policies: readonly PolicyRecord[],
		fallbackName: string,
		counter: Counter,
	): void {
		if (policies.length === 0) {
			const namespace = localNamespace(record, direction);
			const key = (fallbackName === defaultDenyName ? defaultDenyRowKeys : unattributedRowKeys).get(direction, namespace);
			this.count(this.row('', namespace, fallbackName, direction, key), counter, record.timeSeconds);
			return;
		}

		// Indexed: a for-of here allocated an iterator per verdict (a policy list may be frozen, which kept
		// V8 from optimising the loop away).
		for (let index = 0; index < policies.length; index++) {
			const policy = policies[index]!;
			this.count(this.row(policy.kind, policy.namespace, policy.name, direction, policyRowKeys.get(policy, direction)), counter, record.timeSeconds);
		}
	}

	private count(row: LiveTallyRow, counter: Counter, second: number): void {
		row[counter]++;
		row.sinceMark[counter]++;
		if (counter === 'allowed') {
			row.allowedHistory.add(second);
		} else if (counter !== 'audited') {
			row.deniedHistory.add(second);
		}
	}

	private row(kind: string, namespace: string, name: string, direction: TallyDirection, key = rowKey(kind, namespace, name, direction)): LiveTallyRow {
		let row = this.rowsByKey.get(key);
		if (!row) {
			row = {
				kind,
				namespace,
				name,
				direction,
				...zeroCounts(),
				key,
				sinceMark: zeroCounts(),
				allowedHistory: new SecondHistory(),
				deniedHistory: new SecondHistory(),
			};
			this.rowsByKey.set(key, row);
		}

		return row;
	}
}

/** How the tallies count a flow: on which side, in which counter, and the policies credited (or the row named `fallbackName`). */
export type TallyCredit = {direction: TallyDirection; counter: Counter; policies: readonly PolicyRecord[]; fallbackName: string};

/**
The credit of a flow, or undefined for a flow the tallies do not count (neither a policy verdict nor an L7
drop). An L7 drop is credited to the policies whose verdict redirected its connection on its side to the
proxy: from the store's attribution of the connection, else from what `remembered` kept.
*/
export function tallyCredit(
	record: FlowRecord,
	connection: ConnectionAttribution | undefined,
	remembered?: (record: FlowRecord, direction: TallyDirection) => readonly PolicyRecord[] | undefined,
): TallyCredit | undefined {
	const direction = directionNames[record.trafficDirection] ?? 'TRAFFIC_DIRECTION_UNKNOWN';
	const isIngress = direction === 'INGRESS';
	const hasDirection = direction !== 'TRAFFIC_DIRECTION_UNKNOWN';
	if (record.eventType === eventType.policyVerdict) {
		switch (record.verdict) {
			case verdict.forwarded:
			case verdict.redirected: {
				return {direction, counter: 'allowed', policies: hasDirection ? (isIngress ? record.ingressAllowedBy : record.egressAllowedBy) : noPolicies, fallbackName: unattributedName};
			}

			case verdict.dropped:
			case verdict.error:
			case verdict.audit: {
				return {
					direction,
					counter: record.verdict === verdict.audit ? 'audited' : 'denied',
					policies: hasDirection ? (isIngress ? record.ingressDeniedBy : record.egressDeniedBy) : noPolicies,
					fallbackName: defaultDenyName,
				};
			}

			default: {
				return undefined;
			}
		}
	}

	if (record.flowType === flowTypeL7 && record.verdict === verdict.dropped) {
		const policies = connection ? redirectedBy(connection, direction) : (remembered?.(record, direction) ?? noPolicies);
		return {direction, counter: 'l7Denied', policies, fallbackName: unattributedName};
	}

	return undefined;
}

function rowKey(kind: string, namespace: string, name: string, direction: TallyDirection): string {
	return `${direction}\u0000${kind}\u0000${namespace}\u0000${name}`;
}

/** Row keys by policy: the decoder shares a policy between the flows that name it, so its key is built once, not per flow. */
const policyRowKeys = new StringCache<PolicyRecord, TallyDirection>(
	(policy, direction) => rowKey(policy.kind, policy.namespace, policy.name, direction),
	new WeakMap<PolicyRecord, Map<TallyDirection, string>>(),
);

/** Row keys of "(default deny)" and "(unattributed)" by direction and namespace: built once, not per flow. */
const defaultDenyRowKeys = new StringCache<TallyDirection, string>((direction, namespace) => rowKey('', namespace, defaultDenyName, direction));
const unattributedRowKeys = new StringCache<TallyDirection, string>((direction, namespace) => rowKey('', namespace, unattributedName, direction));

function plainRow(row: LiveTallyRow): TallyRow {
	const {kind, namespace, name, direction, allowed, denied, audited, l7Denied} = row;
	return {kind, namespace, name, direction, allowed, denied, audited, l7Denied};
}

/** The endpoint the verdict was taken for: the destination on ingress, the source on egress. */
function localNamespace(record: FlowRecord, direction: TallyDirection): string {
	if (direction === 'INGRESS') {
		return record.destinationNamespace;
	}

	return direction === 'EGRESS' ? record.sourceNamespace : '';
}

/** The policies of the connection's verdict on `direction`'s side when that verdict redirected it to the proxy. */
function redirectedBy(connection: ConnectionAttribution, direction: TallyDirection): readonly PolicyRecord[] {
	const side = direction === 'INGRESS' ? connection.ingress : direction === 'EGRESS' ? connection.egress : undefined;
	return side?.verdict === verdict.redirected ? side.policies : [];
}

/** Protocol, both addresses and ports, and direction; reversed reads it from the reply's side. */
function connectionKey(record: FlowRecord, direction: TallyDirection, isReversed: boolean): string {
	const source = `${record.sourceIp}|${record.sourcePort}`;
	const destination = `${record.destinationIp}|${record.destinationPort}`;
	return [record.protocol, isReversed ? destination : source, isReversed ? source : destination, direction].join('|');
}

/** Most denied first, then most allowed; ties in a stable, readable order. */
export function sortTallyRows<Row extends TallyRow>(rows: Row[]): Row[] {
	return rows.sort(
		(a, b) =>
			b.denied - a.denied ||
			b.allowed - a.allowed ||
			b.l7Denied - a.l7Denied ||
			b.audited - a.audited ||
			a.namespace.localeCompare(b.namespace) ||
			a.name.localeCompare(b.name) ||
			a.direction.localeCompare(b.direction) ||
			a.kind.localeCompare(b.kind),
	);
}

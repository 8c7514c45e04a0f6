/**
The overview: the zero-trust lab's Grafana panels as numbers the TUI draws as bars and sparklines —
flows by event type and by verdict over time, forwarded vs dropped, drop reasons, top destination ports,
the L7 mix (DNS, HTTP, Kafka and HTTP status classes), lost events by source, nodes connected. Everything
counts every flow seen (not only what the ring still holds), incrementally.
*/
import {StringCache} from '../flow/string-cache.js';
import {dropReasonText} from '../flow/drop-reason.js';
import {lostEventSourceNames} from '../flow/to-flow-record.js';
import type {FlowRecord, LostEventsRecord} from '../flow/flow-record.js';
import {SecondHistory} from './second-history.js';

export type Count = {name: string; count: number};

export type NodeCounts = {connected: number; unavailable: number; total: number};

export type OverviewSnapshot = {
	/** The second the series end at (the newest flow time seen). */
	latestSecond: number;
	flows: number;
	/** Per event type name, per second, oldest first. */
	typeSeries: Array<{name: string; series: number[]}>;
	verdictSeries: Array<{name: string; series: number[]}>;
	/** Flows per second over the last 10 seconds. */
	forwardedRate: number;
	droppedRate: number;
	dropReasons: Count[];
	destinationPorts: Count[];
	l7: Count[];
	httpStatusClasses: Count[];
	lostEvents: Count[];
	nodes: NodeCounts | undefined;
};

const verdictNames = ['VERDICT_UNKNOWN', 'FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED'];
const typeNames: ReadonlyMap<number, string> = new Map([
	[1, 'drop'],
	[2, 'debug'],
	[3, 'capture'],
	[4, 'trace'],
	[5, 'policy-verdict'],
	[7, 'trace-sock'],
	[129, 'l7'],
	[130, 'agent'],
]);

const rateWindowSeconds = 10;

function increment(map: Map<string, number>, name: string, amount = 1): void {
	map.set(name, (map.get(name) ?? 0) + amount);
}

// The names counted for every flow are made once each: a new string per flow was garbage at once.
const portNames = new StringCache<string, number>((protocol, port) => `${port}/${protocol}`);

const upperCaseNames = new Map<string, string>();

function upperCase(name: string): string {
	let upper = upperCaseNames.get(name);
	if (upper === undefined) {
		upper = name.toUpperCase();
		upperCaseNames.set(name, upper);
	}

	return upper;
}

const statusClassNames: readonly string[] = Array.from({length: 10}, (_, index) => `${index}xx`);

function historyFor(map: Map<string, SecondHistory>, name: string): SecondHistory {
	let history = map.get(name);
	if (!history) {
		history = new SecondHistory();
		map.set(name, history);
	}

	return history;
}

function top(map: Map<string, number>, limit: number): Count[] {
	return [...map]
		.map(([name, count]) => ({name, count}))
		.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
		.slice(0, limit);
}

/**
A drop's reason as hubble words it; L7 denials by the proxy carry no datapath drop reason (code 0, which
hubble's table calls "Success"), so they are named for what they are.
*/
function dropReasonName(record: FlowRecord): string {
	if (record.dropReason !== 0) {
		return dropReasonText(record.dropReason);
	}

	return record.flowType === 2 ? 'L7 denied by the proxy' : 'no drop reason';
}

export class Overview {
	private flows = 0;
	private newestSecond = 0;
	private readonly byType = new Map<string, SecondHistory>();
	private readonly byVerdict = new Map<string, SecondHistory>();
	private readonly dropReasons = new Map<string, number>();
	private readonly destinationPorts = new Map<string, number>();
	private readonly l7 = new Map<string, number>();
	private readonly httpStatusClasses = new Map<string, number>();
	private readonly lostEvents = new Map<string, number>();
	private nodes: NodeCounts | undefined;

	add(record: FlowRecord): void {
		this.flows++;
		const second = record.timeSeconds;
		if (second > this.newestSecond) {
			this.newestSecond = second;
		}

		historyFor(this.byType, typeNames.get(record.eventType) ?? String(record.eventType)).add(second);
		historyFor(this.byVerdict, verdictNames[record.verdict] ?? String(record.verdict)).add(second);
		if (record.verdict === 2) {
			increment(this.dropReasons, dropReasonName(record));
		}

		// Requests only, so that a connection's replies do not count its client's ephemeral port.
		if (record.destinationPort !== 0 && record.isReply !== 1) {
			increment(this.destinationPorts, portNames.get(record.protocol, record.destinationPort));
		}

		if (record.l7Protocol !== '') {
			increment(this.l7, upperCase(record.l7Protocol));
			if (record.httpCode !== 0) {
				const statusClass = Math.floor(record.httpCode / 100);
				increment(this.httpStatusClasses, statusClassNames[statusClass] ?? `${statusClass}xx`);
			}
		}
	}

	/** The newest flow time seen, in seconds: where every per-second series ends. */
	get latestSecond(): number {
		return this.newestSecond;
	}

	addLostEvents(record: LostEventsRecord): void {
		increment(this.lostEvents, lostEventSourceNames[record.source] ?? String(record.source), record.lost);
	}

	/** Node counts from ServerStatus (a relay) — undefined when the source has no nodes (a capture). */
	setNodes(nodes: NodeCounts | undefined): void {
		this.nodes = nodes;
	}

	snapshot(seriesLength: number): OverviewSnapshot {
		const latest = this.newestSecond;
		const series = (map: Map<string, SecondHistory>) =>
			[...map].map(([name, history]) => ({name, series: history.series(latest, seriesLength)})).sort((a, b) => a.name.localeCompare(b.name));
		const rate = (name: string) => (this.byVerdict.get(name)?.sum(latest, rateWindowSeconds) ?? 0) / rateWindowSeconds;
		return {
			latestSecond: latest,
			flows: this.flows,
			typeSeries: series(this.byType),
			verdictSeries: series(this.byVerdict),
			forwardedRate: rate('FORWARDED') + rate('REDIRECTED'),
			droppedRate: rate('DROPPED') + rate('ERROR'),
			dropReasons: top(this.dropReasons, 10),
			destinationPorts: top(this.destinationPorts, 10),
			l7: top(this.l7, 10),
			httpStatusClasses: top(this.httpStatusClasses, 5),
			lostEvents: top(this.lostEvents, 10),
			nodes: this.nodes,
		};
	}
}

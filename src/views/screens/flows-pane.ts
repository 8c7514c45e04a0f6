import {escapeForTerminal} from '../../flow/terminal-safe.js';
import type {VerdictTone} from '../../flow/verdict.js';
import type {FlowRow} from '../../store/frame.js';
import type {Layout} from '../layout.js';
import {count, endpointText, policyCellText, summaryText, timeText, typeTextFor, verdictText} from '../flow-text.js';
import {fit, paint, type Color} from '../terminal-text.js';
import type {PaneProps} from './pane-props.js';
import {paneLines} from './pane.js';

// The colours of hubble's printer: green allowed, red denied, yellow for the rest that has a verdict.
const toneColors: Record<VerdictTone, Color | undefined> = {allowed: 'green', denied: 'red', audit: 'yellow', traced: 'yellow', translated: 'yellow', other: undefined};

type CachedRow = {record: FlowRow['record']; ingress: unknown; egress: unknown; text: string};

/**
Finished flow rows by sequence, reused while they scroll: while following, each frame adds a few rows and
moves the rest up, so a row is built once, not once per frame. A row is built again when its connection's
attribution changes (a verdict seen after the flow: the attribution's sides are replaced, never mutated),
and every row when the layout or colour changes. Only the rows of the last frame are kept.
*/
export class FlowRowCache {
	private signature = '';
	private rows = new Map<number, CachedRow>();
	private next = new Map<number, CachedRow>();

	/** Starts a frame; every row is forgotten when the layout or colour changed. */
	begin(layout: Layout, color: boolean): void {
		const signature = `${layout.columns} ${JSON.stringify(layout.flowColumns)} ${layout.policyForm} ${layout.withMilliseconds} ${color}`;
		if (signature !== this.signature) {
			this.signature = signature;
			this.rows.clear();
		}

		this.next = new Map();
	}

	line(row: FlowRow, build: () => string): string {
		const ingress = row.attribution?.ingress;
		const egress = row.attribution?.egress;
		let cached = this.rows.get(row.sequence);
		if (!cached || cached.record !== row.record || cached.ingress !== ingress || cached.egress !== egress) {
			cached = {record: row.record, ingress, egress, text: build()};
		}

		this.next.set(row.sequence, cached);
		return cached.text;
	}

	/** Ends a frame: keeps only its rows. */
	end(): void {
		this.rows = this.next;
	}
}

/** The flows pane: a title line and one line per flow row, the cursor row inverted. */
export function flowsPaneLines({frame, layout, isFocused, cursor, color}: PaneProps, cache = new FlowRowCache()): string[] {
	const columns = layout.flowColumns;
	const rows = frame?.rows ?? [];
	const range = frame && frame.matchCount > 0 ? ` ${count(frame.firstRow + 1)}-${count(frame.firstRow + rows.length)} of ${count(frame.matchCount)}` : ' (no flows yet)';
	// The title takes the TIME and SOURCE columns, so the other headings sit over their columns.
	const heading =
		fit(`${isFocused ? '▸' : ' '} FLOWS${range}`, (columns.time > 0 ? columns.time + 1 : 0) + (columns.cluster > 0 ? columns.cluster + 1 : 0) + columns.source) +
		'   ' +
		fit('DESTINATION', columns.destination) +
		' ' +
		fit('TYPE', columns.type) +
		' ' +
		fit('VERDICT', columns.verdict) +
		' ' +
		fit(layout.policyForm === 'both' ? 'POLICIES (deciding first · connection)' : 'POLICY (deciding)', columns.policies) +
		(columns.summary > 0 ? ' ' + fit('SUMMARY', columns.summary) : '');
	cache.begin(layout, color);
	const lines = paneLines({
		heading,
		isFocused,
		color,
		columns: layout.columns,
		rows,
		height: layout.flowRows,
		renderRow(row, index) {
			const isCursor = isFocused && cursor === index;
			// The cursor row is drawn fresh (inverted); the others come from the cache.
			return isCursor ? flowLine(row, layout, true, color) : cache.line(row, () => flowLine(row, layout, false, color));
		},
	});
	cache.end();
	return lines;
}

function flowLine(row: FlowRow, layout: Layout, isCursor: boolean, color: boolean): string {
	const columns = layout.flowColumns;
	const record = row.record;
	if (!record) {
		return paint(fit(`(flow #${row.sequence} was evicted from the buffer)`, layout.columns), {dim: true, inverse: isCursor});
	}

	const verdict = verdictText(record);
	const before =
		(columns.time > 0 ? fit(timeText(record, layout.withMilliseconds), columns.time) + ' ' : '') +
		(columns.cluster > 0 ? fit(clusterText(record, row.cluster), columns.cluster) + ' ' : '') +
		fit(endpointText(record, 'source', columns.source), columns.source) +
		' → ' +
		fit(endpointText(record, 'destination', columns.destination), columns.destination) +
		' ' +
		fit(typeTextFor(record, columns.type), columns.type) +
		' ';
	const after =
		' ' +
		fit(policyCellText(record, row.attribution, layout.policyForm), columns.policies) +
		(columns.summary > 0 ? ' ' + fit(summaryText(record), columns.summary) : '');
	const tone = toneColors[verdict.tone];
	const rowStyle = {inverse: isCursor};
	return (
		paint(before, rowStyle) +
		paint(fit(verdict.text, columns.verdict), {...rowStyle, bold: verdict.tone === 'denied', ...(color && tone ? {color: tone} : {})}) +
		paint(after, rowStyle)
	);
}

/**
Where the flow was observed: the cluster of its node (`cluster1/worker-1`); else the name of the source it came
through, marked `*` (several relays, Hubble naming no cluster: the store says which); else its source endpoint's cluster.
*/
function clusterText(record: FlowRow['record'] & object, cluster: string | undefined): string {
	if (cluster) {
		return escapeForTerminal(cluster);
	}

	const slash = record.nodeName.indexOf('/');
	return escapeForTerminal(slash === -1 ? record.sourceClusterName || '-' : record.nodeName.slice(0, slash));
}

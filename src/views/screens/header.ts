import {escapeForTerminal} from '../../flow/terminal-safe.js';
import type {Frame} from '../../store/frame.js';
import {count} from '../flow-text.js';
import {segmentsText, type SegmentDetail} from '../../store/source-status.js';
import {displayWidth, fit, line} from '../terminal-text.js';

const stateText: Record<string, string> = {
	connecting: 'connecting…',
	connected: 'connected',
	reconnecting: 'reconnecting',
	ended: 'end of input',
	failed: 'FAILED',
};

/** Two lines: the source and its health, then the filter and the view's state. */
export function headerLines(frame: Frame | undefined, columns: number, color: boolean): string[] {
	if (!frame) {
		return [line('ztop │ starting…', columns), line('', columns)];
	}

	const {source} = frame;
	const isBad = source.state === 'failed' || source.state === 'reconnecting';
	const first = isBad ? troubledLine(frame) : sourceLine(frame, columns);
	const view = frame.paused ? `PAUSED (+${count(frame.newWhilePaused)} new)` : 'LIVE';
	const mark = frame.markAgeSeconds === undefined ? undefined : `MARK ${formatAge(frame.markAgeSeconds)} ago`;
	const counts = frame.sinceMark ? 'counts since mark' : 'counts since start';
	const rule = frame.ruleFilter === undefined ? undefined : `the flows ${escapeForTerminal(frame.ruleFilter)} decided`;
	const filters = [frame.filterText === '' ? undefined : escapeForTerminal(frame.filterText), rule].filter(Boolean);
	const filter = `filter: ${filters.length > 0 ? filters.join(' + ') : '(none)'}`;
	const whatIf = frame.whatIf ? `what-if: ${count(frame.whatIf.breaks)} break, ${count(frame.whatIf.fixes)} fixed (w)` : undefined;
	// What can be lost comes first: a ledger that is not being written, connections forgotten over the bound.
	const ledger = frame.ledgerProblem ? `LEDGER NOT WRITTEN: ${escapeForTerminal(frame.ledgerProblem)}` : undefined;
	const forgotten = frame.connectionsEvicted > 0 ? `${count(frame.connectionsEvicted)} connections forgotten (--max-connections)` : undefined;
	// Shown in this order; when they do not fit, the least telling go first (the default "counts since start",
	// then how many flows are shown, then the policies' note), so that at 80 columns the what-if's summary,
	// the demo's point, stays whole.
	const segments: Array<{text: string | undefined; keep: number}> = [
		{text: ledger, keep: 9},
		{text: forgotten, keep: 8},
		{text: filter, keep: 7},
		{text: `${count(frame.matchCount)} shown`, keep: 2},
		{text: view, keep: 6},
		{text: mark, keep: 5},
		{text: counts, keep: frame.sinceMark ? 4 : 1},
		// After an edit it says what was added or deleted in the what-if set.
		{text: frame.policyNote ? escapeForTerminal(frame.policyNote) : undefined, keep: 3},
		{text: whatIf, keep: 4},
	];
	const shown = segments.filter(segment => segment.text !== undefined);
	const joinedWidth = () => displayWidth(shown.map(segment => segment.text).join(' │ '));
	while (shown.length > 1 && joinedWidth() > columns) {
		const least = shown.reduce((lowest, segment) => (segment.keep < lowest.keep ? segment : lowest));
		if (least.keep >= 7) {
			break;
		}

		shown.splice(shown.indexOf(least), 1);
	}

	const second = shown.map(segment => segment.text).join(' │ ');
	const warn = ledger !== undefined || forgotten !== undefined;
	return [
		line(first, columns, {bold: true, ...(color && isBad ? {color: 'red' as const} : {})}),
		line(second, columns, color && (frame.paused || warn) ? {color: warn ? 'red' : 'yellow'} : undefined),
	];
}

function stateWithReconnects(source: Frame['source']): string {
	// Once connected again, the last reconnect keeps its cause in view: a flaky relay explains itself.
	const lastCause = source.state === 'connected' && source.lastReconnectCause ? `, last: ${fit(escapeForTerminal(source.lastReconnectCause), 40).trimEnd()}` : '';
	const reconnects = source.reconnects > 0 ? ` (${source.reconnects} reconnects${lastCause})` : '';
	return `${stateText[source.state] ?? source.state}${reconnects}`;
}

/** When the source is in trouble its reason matters more than the rates, so it takes their place. */
function troubledLine(frame: Frame): string {
	const {source} = frame;
	return ['ztop', escapeForTerminal(source.label), stateWithReconnects(source), source.message ? escapeForTerminal(source.message) : undefined].filter(Boolean).join(' │ ');
}

/**
The source, its state and the trust indicators. Lost events and the buffer say whether the view can be
trusted, so they stay in view: what gives way first is each relay's segment (to a state symbol, nodes and
rate, then the symbol alone), then the node total and the rate; last the label is cut before them.
*/
function sourceLine(frame: Frame, columns: number): string {
	const {source} = frame;
	const label = (detail: SegmentDetail) => escapeForTerminal(source.segments ? segmentsText(source.segments, detail) : source.label);
	const nodes = source.nodes ? `nodes ${source.nodes.connected}/${source.nodes.total}` : undefined;
	const rate = `${count(Math.round(frame.flowsPerSecond))} flows/s`;
	const trust = [`lost ${count(frame.lostEvents)}`, `buffer ${count(frame.buffer.size)}/${count(frame.buffer.capacity)}`];
	const message = source.message ? escapeForTerminal(source.message) : undefined;
	const state = stateWithReconnects(source);
	const join = (parts: ReadonlyArray<string | undefined>) => parts.filter(Boolean).join(' │ ');
	// Shortened segments carry each relay's state, nodes and rate, so the totals' words go with them.
	const tries = source.segments
		? [
				join(['ztop', label('full'), state, nodes, rate, ...trust]),
				join(['ztop', label('short'), rate, ...trust]),
				join(['ztop', label('short'), ...trust]),
				join(['ztop', label('state'), rate, ...trust]),
				join(['ztop', label('state'), ...trust]),
			]
		: [join(['ztop', label('full'), state, nodes, rate, ...trust]), join(['ztop', label('full'), state, rate, ...trust]), join(['ztop', label('full'), state, ...trust])];
	const end = ` │ ${join(trust)}`;
	const shortest = source.segments ? join(['ztop', label('state')]) : join(['ztop', label('full'), state]);
	const fitting = tries.find(text => displayWidth(text) <= columns) ?? fit(shortest, Math.max(0, columns - displayWidth(end))) + end;
	// A notice (a capture's warnings) comes last, cut where the terminal ends.
	return message ? `${fitting} │ ${message}` : fitting;
}

export function formatAge(seconds: number): string {
	if (seconds < 60) {
		return `${seconds}s`;
	}

	const minutes = Math.floor(seconds / 60);
	return minutes < 60 ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

import {escapeForTerminal} from '../../flow/terminal-safe.js';
import type {Frame} from '../../store/frame.js';
import {count} from '../flow-text.js';
import {fit, line} from '../terminal-text.js';

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
	const state = stateText[source.state] ?? source.state;
	// Once connected again, the last reconnect keeps its cause in view: a flaky relay explains itself.
	const lastCause = source.state === 'connected' && source.lastReconnectCause ? `, last: ${fit(escapeForTerminal(source.lastReconnectCause), 40).trimEnd()}` : '';
	const reconnects = source.reconnects > 0 ? ` (${source.reconnects} reconnects${lastCause})` : '';
	const nodes = source.nodes ? `nodes ${source.nodes.connected}/${source.nodes.total}` : undefined;
	const isBad = source.state === 'failed' || source.state === 'reconnecting';
	// When the source is in trouble its reason matters more than the rates, so it takes their place.
	const details = isBad
		? [source.message ? escapeForTerminal(source.message) : undefined]
		: [
				nodes,
				`${count(Math.round(frame.flowsPerSecond))} flows/s`,
				`lost ${count(frame.lostEvents)}`,
				`buffer ${count(frame.buffer.size)}/${count(frame.buffer.capacity)}`,
				source.message ? escapeForTerminal(source.message) : undefined,
			];
	const first = ['ztop', escapeForTerminal(source.label), `${state}${reconnects}`, ...details].filter(Boolean).join(' │ ');
	const view = frame.paused ? `PAUSED (+${count(frame.newWhilePaused)} new)` : 'LIVE';
	const mark = frame.markAgeSeconds === undefined ? undefined : `MARK ${formatAge(frame.markAgeSeconds)} ago`;
	const counts = frame.sinceMark ? 'counts since mark' : 'counts since start';
	const filter = frame.filterText === '' ? 'filter: (none)' : `filter: ${escapeForTerminal(frame.filterText)}`;
	const whatIf = frame.whatIf ? `what-if: ${count(frame.whatIf.breaks)} break, ${count(frame.whatIf.fixes)} fixed (w)` : undefined;
	const second = [filter, `${count(frame.matchCount)} shown`, view, mark, counts, frame.policyNote ? escapeForTerminal(frame.policyNote) : undefined, whatIf]
		.filter(Boolean)
		.join(' │ ');
	return [line(first, columns, {bold: true, ...(color && isBad ? {color: 'red' as const} : {})}), line(second, columns, color && frame.paused ? {color: 'yellow'} : undefined)];
}

export function formatAge(seconds: number): string {
	if (seconds < 60) {
		return `${seconds}s`;
	}

	const minutes = Math.floor(seconds / 60);
	return minutes < 60 ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

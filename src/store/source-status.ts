/**
The header's word on several sources (--server repeated): one segment per relay — its name, state, nodes,
flows per second and lost events — and one state for the whole: connected while any relay is, so one relay
in trouble shows in its own segment and in the message, not as the whole view failing.
*/
import type {ConnectionState, SourceSegment, SourceStatus} from './frame.js';

export type SourcePart = SourceStatus & {flowsPerSecond: number; lost: number};

const stateWords: Record<ConnectionState, string> = {
	connecting: 'connecting…',
	connected: 'connected',
	reconnecting: 'reconnecting',
	ended: 'ended',
	failed: 'FAILED',
};

/** The state as one character, for a header with no room for words (FAILED keeps its word: it is the news). */
const stateSymbols: Record<ConnectionState, string> = {
	connecting: '…',
	connected: '●',
	reconnecting: '↻',
	ended: '■',
	failed: 'FAILED',
};

/**
How much of a segment fits: `full` (`cluster1 connected 2/2 nodes 13/s lost 5`), `short` (`cluster1 ● 2/2
13/s`: the header shows lost events in total) or `state` (`cluster1 ●`).
*/
export type SegmentDetail = 'full' | 'short' | 'state';

export function segmentText(part: SourceSegment, detail: SegmentDetail): string {
	if (detail === 'state') {
		return `${part.label} ${stateSymbols[part.state]}`;
	}

	const isFull = detail === 'full';
	const nodes = part.nodes ? ` ${part.nodes.connected}/${part.nodes.total}${isFull ? ' nodes' : ''}` : '';
	const flow = part.state === 'connected' ? ` ${Math.round(part.flowsPerSecond).toLocaleString('en-US')}/s` : '';
	const lost = isFull && part.lost > 0 ? ` lost ${part.lost.toLocaleString('en-US')}` : '';
	return `${part.label} ${isFull ? stateWords[part.state] : stateSymbols[part.state]}${nodes}${flow}${lost}`;
}

/** The label of several relays with each segment at `detail`. */
export function segmentsText(segments: NonNullable<SourceStatus['segments']>, detail: SegmentDetail): string {
	return segments.before + segments.parts.map(part => segmentText(part, detail)).join(' · ') + segments.after;
}

/** `prefix` and `suffix` stand before and after the segments (the demo's stage, the server filters). */
export function combineSourceStatuses(parts: readonly SourcePart[], suffix = '', prefix = ''): SourceStatus {
	const states = parts.map(part => part.state);
	const state: ConnectionState = states.includes('connected')
		? 'connected'
		: states.every(each => each === 'failed')
			? 'failed'
			: states.includes('reconnecting') || states.includes('failed')
				? 'reconnecting'
				: states.every(each => each === 'ended' || each === 'failed')
					? 'ended'
					: 'connecting';
	const segments = {
		before: prefix,
		parts: parts.map(({label, state: partState, nodes, flowsPerSecond, lost}): SourceSegment => ({label, state: partState, ...(nodes ? {nodes} : {}), flowsPerSecond, lost})),
		after: suffix,
	};
	const troubled = parts.find(part => (part.state === 'failed' || part.state === 'reconnecting') && part.message);
	const known = parts.filter(part => part.nodes);
	return {
		label: segmentsText(segments, 'full'),
		segments,
		state,
		reconnects: parts.reduce((total, part) => total + part.reconnects, 0),
		...(troubled ? {message: `${troubled.label}: ${troubled.message}`} : {}),
		...(known.length > 0
			? {
					nodes: {
						connected: known.reduce((total, part) => total + part.nodes!.connected, 0),
						unavailable: known.reduce((total, part) => total + part.nodes!.unavailable, 0),
						total: known.reduce((total, part) => total + part.nodes!.total, 0),
					},
				}
			: {}),
	};
}

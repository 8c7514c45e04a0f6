/**
The header's word on several sources (--server repeated): one segment per relay — its name, state, nodes,
flows per second and lost events — and one state for the whole: connected while any relay is, so one relay
in trouble shows in its own segment and in the message, not as the whole view failing.
*/
import type {ConnectionState, SourceStatus} from './frame.js';

export type SourcePart = SourceStatus & {flowsPerSecond: number; lost: number};

const stateWords: Record<ConnectionState, string> = {
	connecting: 'connecting…',
	connected: 'connected',
	reconnecting: 'reconnecting',
	ended: 'ended',
	failed: 'FAILED',
};

export function combineSourceStatuses(parts: readonly SourcePart[], suffix = ''): SourceStatus {
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
	const segments = parts.map(part => {
		const nodes = part.nodes ? ` ${part.nodes.connected}/${part.nodes.total} nodes` : '';
		const flow = part.state === 'connected' ? ` ${Math.round(part.flowsPerSecond).toLocaleString('en-US')}/s` : '';
		const lost = part.lost > 0 ? ` lost ${part.lost.toLocaleString('en-US')}` : '';
		return `${part.label} ${stateWords[part.state]}${nodes}${flow}${lost}`;
	});
	const troubled = parts.find(part => (part.state === 'failed' || part.state === 'reconnecting') && part.message);
	const known = parts.filter(part => part.nodes);
	return {
		label: segments.join(' · ') + suffix,
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

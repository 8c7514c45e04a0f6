/**
Polls ServerStatus every few seconds, because node status events alone cannot track connected nodes
(Relay re-attaches nodes without a new NODE_CONNECTED, hubble-api.md §6.1) and users need the buffer
depth (max_flows) to trust a count of zero. Failures are reported and polling goes on.
*/
import type {ObserverClient} from './observer-client.js';
import type {CanonicalMessage} from './protojson.js';

export type ServerStatus = {
	numFlows: number;
	maxFlows: number;
	seenFlows: number;
	uptimeSeconds: number;
	/** Only Relay reports nodes; an agent leaves them unset. */
	connectedNodes?: number;
	unavailableNodes?: number;
	unavailableNodeNames: string[];
	version: string;
	flowsPerSecond: number;
};

export function toServerStatus(message: CanonicalMessage): ServerStatus {
	const number = (key: string) => Number(message[key] ?? 0);
	return {
		numFlows: number('num_flows'),
		maxFlows: number('max_flows'),
		seenFlows: number('seen_flows'),
		uptimeSeconds: number('uptime_ns') / 1e9,
		...(message['num_connected_nodes'] === undefined ? {} : {connectedNodes: number('num_connected_nodes')}),
		...(message['num_unavailable_nodes'] === undefined ? {} : {unavailableNodes: number('num_unavailable_nodes')}),
		unavailableNodeNames: (message['unavailable_nodes'] as string[] | undefined) ?? [],
		version: (message['version'] as string | undefined) ?? '',
		flowsPerSecond: number('flows_rate'),
	};
}

export class ServerStatusPoller {
	private timer: ReturnType<typeof setInterval> | undefined;

	constructor(
		private readonly client: ObserverClient,
		private readonly onStatus: (status: ServerStatus) => void,
		private readonly onError: (error: Error) => void,
	) {}

	start(intervalMilliseconds = 5000): void {
		const poll = () => {
			this.client.serverStatus().then(
				message => this.onStatus(toServerStatus(message)),
				(error: Error) => this.onError(error),
			);
		};

		poll();
		this.timer = setInterval(poll, intervalMilliseconds);
		this.timer.unref();
	}

	stop(): void {
		clearInterval(this.timer);
	}
}

/** One line for stderr or a status bar: `4/4 nodes, 20.0 flows/s, 1,234 of 16,380 flows buffered, 5,678 seen`. */
export function formatServerStatus(status: ServerStatus): string {
	const nodes =
		status.connectedNodes === undefined
			? 'agent (no node count)'
			: `${status.connectedNodes}/${status.connectedNodes + (status.unavailableNodes ?? 0)} nodes${
					status.unavailableNodeNames.length > 0 ? ` (unavailable: ${status.unavailableNodeNames.join(', ')})` : ''
				}`;
	const grouped = (value: number) => Math.round(value).toLocaleString('en-US');
	return `${nodes}, ${status.flowsPerSecond.toFixed(1)} flows/s, ${grouped(status.numFlows)} of ${grouped(status.maxFlows)} flows buffered, ${grouped(status.seenFlows)} seen`;
}

/**
`ztop demo-relay --replay FILE`: serves a jsonpb capture. The whole capture is history from the start
(in file order, bounded per node by --history), so --last and --first work at once; with --rate the
capture is also played again as live flows at that pace, stamped with the time they are sent (so
--since and reconnects behave as with a real relay), and with --loop it repeats. Replayed flows get
fresh uuids, drawn from a seeded generator, so a client's de-duplication keeps every pass.
*/
import type {Flow, GetFlowsResponse} from '../flow/flow.js';
import {formatTimestamp} from '../flow/timestamp.js';
import type {FlowSource} from './flow-source.js';
import {SeededRandom} from './random.js';
import {ReplayedResponse} from './replayed-response.js';

export type ReplayOptions = {
	/** Live flows per second; 0 serves the capture as history only. */
	rate: number;
	loop: boolean;
	seed: number;
	startMilliseconds: number;
};

export class ReplaySource implements FlowSource {
	readonly name = 'replay';
	readonly nodes: readonly string[];
	private hasServedHistory = false;
	private next = 0;
	private nextMilliseconds: number;
	skippedMilliseconds = 0;
	private readonly random: SeededRandom;

	constructor(
		readonly description: string,
		private readonly capture: readonly GetFlowsResponse[],
		private readonly options: ReplayOptions,
	) {
		this.nodes = [...new Set(capture.map(response => response.node_name ?? response.flow?.node_name ?? '').filter(Boolean))];
		this.nextMilliseconds = options.startMilliseconds;
		this.random = new SeededRandom(options.seed);
	}

	until(milliseconds: number, maximumLagMilliseconds?: number): GetFlowsResponse[] {
		if (!this.hasServedHistory) {
			this.hasServedHistory = true;
			return [...this.capture];
		}

		const responses: GetFlowsResponse[] = [];
		if (this.options.rate <= 0 || this.capture.length === 0) {
			return responses;
		}

		const spacing = 1000 / this.options.rate;
		if (maximumLagMilliseconds !== undefined && milliseconds - this.nextMilliseconds > maximumLagMilliseconds) {
			this.skippedMilliseconds += milliseconds - maximumLagMilliseconds - this.nextMilliseconds;
			this.nextMilliseconds = milliseconds - maximumLagMilliseconds;
		}

		while (this.nextMilliseconds <= milliseconds) {
			if (this.next >= this.capture.length) {
				if (!this.options.loop) {
					break;
				}

				this.next = 0;
			}

			responses.push(this.restamp(this.capture[this.next++]!, this.nextMilliseconds));
			this.nextMilliseconds += spacing;
		}

		return responses;
	}

	private restamp(response: GetFlowsResponse, milliseconds: number): GetFlowsResponse {
		const seconds = Math.floor(milliseconds / 1000);
		const nanos = Math.round((milliseconds - seconds * 1000) * 1_000_000);
		return response.flow
			? new ReplayedResponse(response as GetFlowsResponse & {flow: Flow}, seconds, nanos, this.random.uuid())
			: {...response, time: formatTimestamp({seconds, nanos})};
	}
}

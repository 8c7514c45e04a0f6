/**
A captured response replayed as a live one (`demo-relay --replay F --rate R`): the capture's response with
a new time and uuid, the full flow made only when something reads it, so that the encoder can patch the
capture's bytes instead (relay/response-encoder.ts) and an unfiltered stream never builds the flow.
Restamping each flow as an object (two spreads) and finding its encoding by a key made from the whole flow
kept the relay from replaying at tens of thousands of flows a second.
*/
import type {Flow, GetFlowsResponse} from '../flow/flow.js';
import {formatTimestamp} from '../flow/timestamp.js';

export class ReplayedResponse implements GetFlowsResponse {
	#time: string | undefined;
	#flow: Flow | undefined;

	constructor(
		/** The captured response, with a flow. */
		readonly original: GetFlowsResponse & {flow: Flow},
		readonly seconds: number,
		readonly nanos: number,
		readonly uuid: string,
	) {}

	get node_name(): string | undefined {
		return this.original.node_name;
	}

	get time(): string {
		this.#time ??= formatTimestamp({seconds: this.seconds, nanos: this.nanos});
		return this.#time;
	}

	get flow(): Flow {
		this.#flow ??= {...this.original.flow, time: this.time, uuid: this.uuid};
		return this.#flow;
	}

	/** The plain response (what JSON.stringify and object spreads should see). */
	toJSON(): GetFlowsResponse {
		return {...this.original, flow: this.flow, time: this.time};
	}
}

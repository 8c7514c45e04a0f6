/**
A scenario's GetFlowsResponse as the demo relay keeps it: the flow's shape (shared by every flow of its
kind) with this flow's time, uuid and client port, and the full flow made only when something reads it.
A relay following at 20,000 flows/s sends most flows without any reader looking inside them (the encoder
patches the shape's bytes; an unfiltered stream asks nothing), and a history of plain flows cost it more
in garbage collection than in anything else.

It reads as a GetFlowsResponse (`flow` and `time` are getters) and compares as equal when its values are.
*/
import type {Flow, GetFlowsResponse} from '../flow/flow.js';
import {formatTimestamp} from '../flow/timestamp.js';
import {flowOf, type FlowShape} from './flow-builder.js';
import {ReplayedResponse} from './replayed-response.js';

export class ScenarioResponse implements GetFlowsResponse {
	#time: string | undefined;
	#flow: Flow | undefined;

	constructor(
		readonly shape: FlowShape,
		readonly node_name: string,
		readonly seconds: number,
		readonly nanos: number,
		readonly uuid: string,
		readonly clientPort: number,
	) {}

	get time(): string {
		this.#time ??= formatTimestamp({seconds: this.seconds, nanos: this.nanos});
		return this.#time;
	}

	get flow(): Flow {
		this.#flow ??= {time: this.time, uuid: this.uuid, ...flowOf(this), node_name: this.node_name};
		return this.#flow;
	}

	/** The plain response (what JSON.stringify and object spreads should see). */
	toJSON(): GetFlowsResponse {
		return {flow: this.flow, node_name: this.node_name, time: this.time};
	}
}

/** Whether a response carries a flow, without making a scenario's or a replay's flow to find out. */
export function hasFlow(response: GetFlowsResponse): boolean {
	return response instanceof ScenarioResponse || response instanceof ReplayedResponse || response.flow !== undefined;
}

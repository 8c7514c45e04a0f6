/**
Turns a scenario into a timed stream of GetFlowsResponses: rounds are spaced so that flows arrive at
`rate` per second, stages advance every `stageSeconds` and cycle, and every flow gets a time, a uuid
and its node, deterministically for a given seed and start time.
*/
import type {GetFlowsResponse} from '../flow/flow.js';
import type {FlowSource} from './flow-source.js';
import {SeededRandom} from './random.js';
import type {Scenario} from './scenario.js';
import {ScenarioResponse} from './scenario-response.js';

export type ScenarioFeedOptions = {
	seed: number;
	/** Flows per second. */
	rate: number;
	stageSeconds: number;
	/** When the story starts, in milliseconds since the epoch. */
	startMilliseconds: number;
	/** Emit a lost_events response after every N flows (0: never). */
	lostEvery: number;
	/**
	No flows before this moment (milliseconds since the epoch): the story still starts at
	`startMilliseconds`, so stages keep their times, but rounds earlier than this are not made. A relay
	backfilling more than its history holds would otherwise build millions of flows only to drop them
	(at --rate 20000, a 150 s backfill is 3 million flows and took longer than a client waits to connect).
	*/
	firstFlowMilliseconds?: number;
};

export class ScenarioFeed implements FlowSource {
	readonly name: string;
	readonly description: string;
	readonly nodes: readonly string[];
	private readonly random: SeededRandom;
	private nextRoundMilliseconds: number;
	private nextPort = 32_768;
	skippedMilliseconds = 0;
	private flowCount = 0;

	constructor(
		readonly scenario: Scenario,
		private readonly options: ScenarioFeedOptions,
	) {
		this.random = new SeededRandom(options.seed);
		this.nextRoundMilliseconds = Math.max(options.startMilliseconds, options.firstFlowMilliseconds ?? options.startMilliseconds);
		this.name = scenario.name;
		this.description = scenario.description;
		this.nodes = scenario.nodes;
	}

	/** The 0-based stage at a moment of the story. */
	stageIndexAt(milliseconds: number): number {
		const elapsed = Math.max(0, milliseconds - this.options.startMilliseconds);
		return Math.floor(elapsed / (this.options.stageSeconds * 1000)) % this.scenario.stages.length;
	}

	stageAt(milliseconds: number): {index: number; count: number; name: string} {
		const index = this.stageIndexAt(milliseconds);
		return {index: index + 1, count: this.scenario.stages.length, name: this.scenario.stages[index]!};
	}

	/** Every response whose round starts at or before `milliseconds`, in time order. */
	until(milliseconds: number, maximumLagMilliseconds?: number): GetFlowsResponse[] {
		if (maximumLagMilliseconds !== undefined && milliseconds - this.nextRoundMilliseconds > maximumLagMilliseconds) {
			this.skippedMilliseconds += milliseconds - maximumLagMilliseconds - this.nextRoundMilliseconds;
			this.nextRoundMilliseconds = milliseconds - maximumLagMilliseconds;
		}

		const responses: GetFlowsResponse[] = [];
		while (this.nextRoundMilliseconds <= milliseconds) {
			const roundStart = this.nextRoundMilliseconds;
			const stage = this.stageIndexAt(roundStart);
			const flows = this.scenario.round({stage, random: this.random, ephemeralPort: () => this.ephemeralPort()});
			const spacing = 1000 / this.options.rate;
			for (const [index, {shape, clientPort}] of flows.entries()) {
				const at = roundStart + index * spacing;
				const seconds = Math.floor(at / 1000);
				// Sub-millisecond jitter keeps timestamps distinct and realistic (hubble prints nanoseconds in JSON).
				const nanos = Math.floor((at - seconds * 1000) * 1_000_000) + this.random.integer(0, 999);
				const nodeName = shape.flow.node_name ?? this.scenario.nodes[0]!;
				const response = new ScenarioResponse(shape, nodeName, seconds, nanos, this.random.uuid(), clientPort);
				responses.push(response);
				this.flowCount++;
				if (this.options.lostEvery > 0 && this.flowCount % this.options.lostEvery === 0) {
					responses.push({
						lost_events: {source: 'PERF_EVENT_RING_BUFFER', num_events_lost: String(this.random.integer(1, 64)), cpu: this.random.integer(0, 1)},
						node_name: nodeName,
						time: response.time,
					});
				}
			}

			this.nextRoundMilliseconds = roundStart + Math.max(1, flows.length) * spacing;
		}

		return responses;
	}

	private ephemeralPort(): number {
		this.nextPort = this.nextPort >= 60_999 ? 32_768 : this.nextPort + this.random.integer(1, 7);
		return this.nextPort;
	}
}

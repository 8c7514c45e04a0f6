/** What feeds the demo relay: a scenario played on a clock, or a capture replayed. */
import type {GetFlowsResponse} from '../flow/flow.js';

export type FlowSource = {
	name: string;
	description: string;
	/** Every node the source's flows are observed on. */
	nodes: readonly string[];
	/**
	Every response due by `milliseconds` (since the epoch) that was not returned before, in order. With
	`maximumLagMilliseconds`, a source that has fallen further behind than that skips ahead instead: a relay
	that cannot make flows at its rate makes fewer rather than ever longer batches that starve its clients.
	*/
	until(milliseconds: number, maximumLagMilliseconds?: number): GetFlowsResponse[];
	/** Flows skipped so far to keep up (see `until`). */
	readonly skippedMilliseconds?: number;
	/** The 1-based stage at a moment, for sources told in stages. */
	stageAt?(milliseconds: number): {index: number; count: number; name: string};
};

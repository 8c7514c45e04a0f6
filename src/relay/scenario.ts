/**
A demo scenario: a deterministic story of flows in stages (the zero-trust lab's policy rollout, the
Star Wars demo). Each round is one pass of the lab's test loop (nslookup, curl …) in the current stage.
*/
import type {PolicyLoad} from '../policy/policy-documents.js';
import type {RoundFlow} from './flow-builder.js';
import type {SeededRandom} from './random.js';

export type ScenarioRound = {
	stage: number;
	random: SeededRandom;
	/** Picks a fresh ephemeral client port. */
	ephemeralPort(): number;
};

export type Scenario = {
	name: string;
	description: string;
	/** Every node flows are observed on, `cluster/node`. */
	nodes: readonly string[];
	stages: readonly string[];
	/** The policies in force at stage `stage` (0-based), for `--policies demo`, when the scenario has them. */
	policies?: (stage: number) => PolicyLoad;
	/** The flows of one round in stage `stage` (0-based), in the order they happen. */
	round(context: ScenarioRound): RoundFlow[];
};

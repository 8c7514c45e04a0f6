/**
The zero-trust lab (shared/scenarios/README.md) as ztop receives it: the demo relay's scenario, encoded to
GetFlowsResponse bytes and decoded by the hot-path decoder into a FlowStore, raw bytes kept.
*/
import type {GetFlowsResponse} from '../../src/flow/flow.js';
import {ScenarioFeed} from '../../src/relay/scenario-feed.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';
import {FlowStore} from '../../src/store/flow-store.js';
import {encodeMessage} from '../../src/stream/binary-codec.js';
import {decodeFlowRecord, decodeFullFlow} from '../../src/stream/flow-record-decoder.js';
import {hubbleSchema} from '../../src/stream/hubble-schema.js';

export const labStart = Date.parse('2026-11-22T10:00:00Z');
export const labStageSeconds = 10;

/** The lab's responses, stage by stage (index 0 = allow-all … 4 = default deny). */
export function labStages(seed = 11): GetFlowsResponse[][] {
	const feed = new ScenarioFeed(zeroTrustScenario, {seed, rate: 100, stageSeconds: labStageSeconds, startMilliseconds: labStart, lostEvery: 0});
	const responses = feed.until(labStart + labStageSeconds * 1000 * zeroTrustScenario.stages.length);
	const stages: GetFlowsResponse[][] = zeroTrustScenario.stages.map(() => []);
	for (const response of responses) {
		const index = Math.floor((Date.parse(response.time!) - labStart) / (labStageSeconds * 1000));
		stages[Math.min(index, stages.length - 1)]!.push(response);
	}

	return stages;
}

export function pushResponses(store: FlowStore, responses: GetFlowsResponse[]): void {
	const {getFlowsResponse} = hubbleSchema();
	for (const response of responses) {
		const bytes = encodeMessage(getFlowsResponse, response);
		const record = decodeFlowRecord(bytes);
		if (record?.kind === 'flow') {
			store.push(record, bytes);
		} else if (record?.kind === 'lost-events') {
			store.pushLostEvents(record);
		}
	}
}

export function storeOf(responses: GetFlowsResponse[], capacity = 100_000): FlowStore {
	const store = new FlowStore({capacity, decodeFlow: decodeFullFlow});
	pushResponses(store, responses);
	return store;
}

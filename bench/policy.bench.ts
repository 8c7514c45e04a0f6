/**
Benchmarks the policy evaluator where the TUI uses it (issue 10's targets), on the zero-trust lab's flows
decoded by the hot-path decoder, each with a baseline measured in the same run:
- setting a what-if on a full 100k ring: every held flow evaluated under the candidate and the baseline
  (target ≤ 300 ms), vs reading the same 100k records from the ring;
- ingest with a what-if active vs without: the cost per flow on top of ingest (target ≤ 2 µs);
- the same as the TUI runs with --policies, whose rules it counts under the policies in force (the
  what-if's baseline): the what-if's cost on top of that ingest.
The what-if is the lab's riskiest step: stage 4 as the baseline, stage 5 applied and allow-all deleted.
*/
import {performance} from 'node:perf_hooks';
import type {FlowRecord} from '../src/flow/flow-record.js';
import {loadPolicyText, mergePolicies} from '../src/policy/policy-documents.js';
import {PolicySet} from '../src/policy/policy-evaluator.js';
import {candidatePolicies} from '../src/policy/what-if.js';
import {ScenarioFeed} from '../src/relay/scenario-feed.js';
import {zeroTrustPolicyFiles, zeroTrustStageFiles} from '../src/relay/scenarios/zero-trust-policies.js';
import {zeroTrustScenario} from '../src/relay/scenarios/zero-trust.js';
import {FlowStore} from '../src/store/flow-store.js';
import {encodeMessage} from '../src/stream/binary-codec.js';
import {decodeFlowRecord, decodeFullFlow} from '../src/stream/flow-record-decoder.js';
import {hubbleSchema} from '../src/stream/hubble-schema.js';

const capacity = 100_000;
const {getFlowsResponse} = hubbleSchema();
const start = Date.parse('2026-11-22T10:00:00Z');
const feed = new ScenarioFeed(zeroTrustScenario, {seed: 5, rate: 20_000, stageSeconds: 2, startMilliseconds: start, lostEvery: 0});
const raws = feed
	.until(start + 10_000)
	.filter(response => response.flow)
	.slice(0, 2 * capacity)
	.map(response => encodeMessage(getFlowsResponse, response));
const records = raws.map(raw => decodeFlowRecord(raw) as FlowRecord);

const stage = (index: number) => mergePolicies(zeroTrustStageFiles[index]!.map(file => loadPolicyText(zeroTrustPolicyFiles[file]!, file))).policies;
const baseline = stage(3);
const candidate = candidatePolicies(baseline, stage(4), ['allow-all']);
// New sets each time: nothing cached from an earlier run.
const sets = () => ({candidate: new PolicySet(candidate), baseline: new PolicySet(baseline)});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const number = (value: number, digits = 0) => value.toLocaleString('en-US', {maximumFractionDigits: digits, minimumFractionDigits: digits});

function timed(work: () => void): number {
	const begin = performance.now();
	work();
	return performance.now() - begin;
}

function filled(count: number): FlowStore {
	const store = new FlowStore({capacity, decodeFlow: decodeFullFlow});
	for (let index = 0; index < count; index++) {
		store.push(records[index]!, raws[index]);
	}

	return store;
}

console.log(`Policy evaluation: ${number(records.length)} zero-trust flows; what-if = stage 4 + stage 5 − allow-all (bundled, as the CLI ships)`);

// 1. Re-evaluating a full ring.
const store = filled(capacity);
const readTimes: number[] = [];
const whatIfTimes: number[] = [];
for (let run = 0; run < 5; run++) {
	readTimes.push(
		timed(() => {
			for (let sequence = store.ring.start; sequence < store.ring.end; sequence++) {
				store.record(sequence);
			}
		}),
	);
	whatIfTimes.push(timed(() => store.setWhatIf(sets())));
}

const reevaluate = median(whatIfTimes);
console.log('re-evaluating a full 100k ring (median of 5)');
console.log(`  baseline: reading the 100k records  ${number(median(readTimes), 1).padStart(8)} ms`);
console.log(`  setting the what-if (2 sets)        ${number(reevaluate, 1).padStart(8)} ms   ${(reevaluate / median(readTimes)).toFixed(1)}× baseline   target ≤ 300 ms: ${reevaluate <= 300 ? 'met' : 'NOT met'}`);
console.log(`  changes found: ${number(store.whatIf!.changes.changedFlows)} of ${number(store.whatIf!.changes.evaluated)} flows`);

// 2. Ingest with and without a what-if, into stores already full (every push evicts).
const plainTimes: number[] = [];
const whatIfIngestTimes: number[] = [];
const batch = records.length - capacity;
for (let run = 0; run < 5; run++) {
	const plain = filled(capacity);
	plainTimes.push(timed(() => {
		for (let index = capacity; index < records.length; index++) {
			plain.push(records[index]!, raws[index]);
		}
	}));
	const following = filled(capacity);
	following.setWhatIf(sets());
	whatIfIngestTimes.push(timed(() => {
		for (let index = capacity; index < records.length; index++) {
			following.push(records[index]!, raws[index]);
		}
	}));
}

// 3. As the TUI runs with --policies: the rules of the policies in force counted on ingest, with and without
// the what-if (whose baseline they are: one evaluation serves both).
const countingTimes: number[] = [];
const countingWhatIfTimes: number[] = [];
for (let run = 0; run < 5; run++) {
	for (const [times, withWhatIf] of [[countingTimes, false], [countingWhatIfTimes, true]] as const) {
		const store = filled(capacity);
		const made = sets();
		store.setRuleCounting(made.baseline);
		if (withWhatIf) {
			store.setWhatIf(made);
		}

		times.push(timed(() => {
			for (let index = capacity; index < records.length; index++) {
				store.push(records[index]!, raws[index]);
			}
		}));
	}
}

const plainPerFlow = (median(plainTimes) * 1000) / batch;
const whatIfPerFlow = (median(whatIfIngestTimes) * 1000) / batch;
const extra = whatIfPerFlow - plainPerFlow;
console.log(`ingest of ${number(batch)} flows into a full store (median of 5)`);
console.log(`  baseline: FlowStore.push            ${number(plainPerFlow, 2).padStart(8)} µs per flow`);
console.log(`  with a what-if active               ${number(whatIfPerFlow, 2).padStart(8)} µs per flow   +${number(extra, 2)} µs   target ≤ +2 µs: ${extra <= 2 ? 'met' : 'NOT met'}`);
const countingPerFlow = (median(countingTimes) * 1000) / batch;
const countingWhatIfPerFlow = (median(countingWhatIfTimes) * 1000) / batch;
const countingExtra = countingWhatIfPerFlow - countingPerFlow;
console.log(`  with --policies (rules counted)     ${number(countingPerFlow, 2).padStart(8)} µs per flow`);
console.log(`  … and a what-if active              ${number(countingWhatIfPerFlow, 2).padStart(8)} µs per flow   +${number(countingExtra, 2)} µs   target ≤ +2 µs: ${countingExtra <= 2 ? 'met' : 'NOT met'}`);

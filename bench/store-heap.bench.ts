/**
Retained heap per flow in a full 100k FlowStore (target ≤ 600 B plus the raw bytes). Each measurement runs
in a fresh Node process with --expose-gc, so that nothing else the benchmarks allocate is counted. The
baseline, measured the same way, is the FlowRecords alone (what any store of decoded flows must hold).
*/
import {execFileSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import type {FlowRecord} from '../src/flow/flow-record.js';
import {ScenarioFeed} from '../src/relay/scenario-feed.js';
import {zeroTrustScenario} from '../src/relay/scenarios/zero-trust.js';
import {FlowStore} from '../src/store/flow-store.js';
import {encodeMessage} from '../src/stream/binary-codec.js';
import {decodeFlowRecord} from '../src/stream/flow-record-decoder.js';
import {hubbleSchema} from '../src/stream/hubble-schema.js';

const capacity = 100_000;
type Mode = 'records' | 'store' | 'store-with-raw';

function measure(mode: Mode): {heap: number; raw: number} {
	const gc = (globalThis as {gc?: () => void}).gc;
	if (!gc) {
		throw new Error('run with node --expose-gc');
	}

	const start = Date.parse('2026-11-22T10:00:00Z');
	const feed = new ScenarioFeed(zeroTrustScenario, {seed: 3, rate: 20_000, stageSeconds: 2, startMilliseconds: start, lostEvery: 0});
	const {getFlowsResponse} = hubbleSchema();
	const raws = feed
		.until(start + 6000)
		.filter(response => response.flow)
		.slice(0, capacity)
		.map(response => encodeMessage(getFlowsResponse, response).slice());
	const usage = () => {
		gc();
		gc();
		return process.memoryUsage();
	};

	const before = usage();
	const records: FlowRecord[] = [];
	const store = mode === 'records' ? undefined : new FlowStore({capacity});
	for (const raw of raws) {
		const record = decodeFlowRecord(raw) as FlowRecord;
		if (mode === 'records') {
			records.push(record);
		} else {
			store!.push(record, mode === 'store-with-raw' ? raw : undefined);
		}
	}

	const after = usage();
	// Typed arrays (the ring's columns, posting lists) live outside the JavaScript heap: count both.
	const result = {
		heap: (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / capacity,
		raw: raws.reduce((sum, raw) => sum + raw.length, 0) / capacity,
	};
	// Keep both alive until after the measurement.
	return records.length + (store?.received ?? 0) >= 0 ? result : result;
}

const mode = process.argv[2] as Mode | undefined;
if (mode) {
	console.log(JSON.stringify(measure(mode)));
} else {
	const run = (which: Mode) =>
		JSON.parse(
			execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), which], {encoding: 'utf8'}),
		) as ReturnType<typeof measure>;
	const records = run('records');
	const store = run('store');
	const withRaw = run('store-with-raw');
	const b = (value: number) => `${Math.round(value)} B`.padStart(7);
	console.log('retained memory per flow (JavaScript heap + typed arrays), 100k zero-trust flows, each case in a fresh process');
	console.log(`  baseline: the FlowRecords alone          ${b(records.heap)}`);
	console.log(
		`  FlowStore without raw bytes               ${b(store.heap)}   (${(store.heap / records.heap).toFixed(2)}× baseline: columns instead of record objects, plus indexes, attribution, tallies)   target ≤ 600 B: ${store.heap <= 600 ? 'met' : 'NOT met'}`,
	);
	console.log(
		`  FlowStore holding the raw bytes           ${b(withRaw.heap - store.heap)} more (a reference per flow; the bytes, ${b(withRaw.raw)} on average, are the decoder's input, kept, not copied)`,
	);
}

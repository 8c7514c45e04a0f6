/**
What a TUI frame costs a terminal and a CPU, at 120×40 and the default 10 fps, with the real App,
controller and store writing to a terminal that counts bytes, for an idle view, 100 flows/s and a
5,000 flows/s follow view. Each case runs three times in the same process: with ztop's line renderer,
with Ink's standard renderer drawing the same screens (the baseline), and with no UI at all (ingest and
the frame clock only). A frame's CPU is the difference to the run without UI, divided by the frames
drawn; targets: ≤ 0.2× Ink's per frame while following (issue 9), ≤ 1 KB/s idle, ≤ 60 KB/s following.
Flows come from the zero-trust lab, decoded from real GetFlowsResponse bytes.
*/
import {PassThrough, Writable} from 'node:stream';
import type {FlowRecord} from '../src/flow/flow-record.js';

// Ink renders nothing while CI is set, and decides that when it is imported; React picks its production
// build (the one the bundled ztop runs) from NODE_ENV at import time too.
delete process.env['CI'];
process.env['NODE_ENV'] = 'production';
const {TuiControllerImpl} = await import('../src/tui/tui-controller.js');
const {startTuiApp} = await import('../src/views/run-tui.js');
const {ScenarioFeed} = await import('../src/relay/scenario-feed.js');
const {zeroTrustScenario} = await import('../src/relay/scenarios/zero-trust.js');
const {encodeMessage} = await import('../src/stream/binary-codec.js');
const {decodeFlowRecord, decodeFullFlow} = await import('../src/stream/flow-record-decoder.js');
const {hubbleSchema} = await import('../src/stream/hubble-schema.js');

const columns = 120;
const rows = 40;
const fps = 10;
const seconds = 5;

class CountingTerminal extends Writable {
	readonly isTTY = true;
	readonly columns = columns;
	readonly rows = rows;
	bytes = 0;

	override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
		this.bytes += chunk.length;
		callback();
	}
}

function fakeStdin(): NodeJS.ReadStream {
	const stdin = new PassThrough() as unknown as NodeJS.ReadStream & {isTTY: boolean};
	stdin.isTTY = true;
	stdin.setRawMode = () => stdin;
	stdin.ref = () => stdin;
	stdin.unref = () => stdin;
	return stdin;
}

const start = Date.parse('2026-11-22T10:00:00Z');
const feed = new ScenarioFeed(zeroTrustScenario, {seed: 5, rate: 5000, stageSeconds: 2, startMilliseconds: start, lostEvery: 0});
const {getFlowsResponse} = hubbleSchema();
const flows = feed
	.until(start + 10_000)
	.filter(response => response.flow)
	.map(response => {
		const raw = encodeMessage(getFlowsResponse, response);
		return {record: decodeFlowRecord(raw) as FlowRecord, raw};
	});

type Mode = 'lines' | 'ink' | 'none';
type Result = {bytesPerSecond: number; cpuMillisecondsPerSecond: number; frames: number};

async function run(flowsPerSecond: number, mode: Mode): Promise<Result> {
	const terminal = new CountingTerminal();
	const controller = new TuiControllerImpl({
		capacity: 100_000,
		fps,
		color: true,
		decodeFlow: raw => decodeFullFlow(raw),
		jsonLine: () => undefined,
		writeTerminal: () => undefined,
		exportDirectory: '.',
	});
	// A backfill, as ztop starts with one.
	let next = 0;
	for (; next < 2000; next++) {
		controller.store.push(flows[next]!.record, flows[next]!.raw);
	}

	controller.setStatus({label: 'bench', state: 'connected', reconnects: 0, nodes: {connected: 4, unavailable: 0, total: 4}});
	let frames = 0;
	controller.start();
	// Without a UI the controller still builds frames on its clock, for a listener that only counts them.
	const unsubscribe = mode === 'none' ? controller.onFrame(() => frames++) : undefined;
	const app =
		mode === 'none'
			? undefined
			: startTuiApp(controller, {
					stdout: terminal as unknown as NodeJS.WriteStream,
					stdin: fakeStdin(),
					stderr: new CountingTerminal() as unknown as NodeJS.WriteStream,
					fps,
					onFrame: () => frames++,
					drawWithInk: mode === 'ink',
				});
	// Arrivals in 10 ms batches, as a stream delivers them.
	const perBatch = flowsPerSecond / 100;
	let carry = 0;
	const feeder = setInterval(() => {
		carry += perBatch;
		for (; carry >= 1; carry--) {
			const flow = flows[next++ % flows.length]!;
			controller.store.push(flow.record, flow.raw);
		}
	}, 10);
	// Warm up for a second, then measure.
	await new Promise(resolve => setTimeout(resolve, 1000));
	const bytesBefore = terminal.bytes;
	const framesBefore = frames;
	const cpuBefore = process.cpuUsage();
	await new Promise(resolve => setTimeout(resolve, seconds * 1000));
	const cpu = process.cpuUsage(cpuBefore);
	const framesDrawn = frames - framesBefore;
	const bytes = terminal.bytes - bytesBefore;
	clearInterval(feeder);
	unsubscribe?.();
	controller.stop();
	app?.quit();
	await app?.exited;
	return {bytesPerSecond: bytes / seconds, cpuMillisecondsPerSecond: (cpu.user + cpu.system) / 1000 / seconds, frames: framesDrawn};
}

const kilobytes = (value: number) => `${(value / 1024).toFixed(2)} KB/s`;
console.log(`TUI frames at ${columns}×${rows}, ${fps} fps, ${seconds} s per run (after 1 s of warm-up), each mode 3 times, least CPU of each`);
for (const [name, rate, byteTarget] of [
	['idle view (no flows)', 0, 1024],
	['100 flows/s', 100, undefined],
	['5,000 flows/s, following the tail', 5000, 60 * 1024],
] as const) {
	// Each mode three times, interleaved, and the least CPU of each (noise only ever adds): a frame's cost is
	// the difference to the run without a UI, and at 5,000 flows/s ingest dwarfs it, so one run each could
	// even give a negative cost.
	const runs: Record<'none' | 'ink' | 'lines', Result[]> = {none: [], ink: [], lines: []};
	for (let repeat = 0; repeat < 3; repeat++) {
		for (const mode of ['none', 'ink', 'lines'] as const) {
			runs[mode].push(await run(rate, mode));
		}
	}

	const least = (results: Result[]): Result => [...results].sort((a, b) => a.cpuMillisecondsPerSecond - b.cpuMillisecondsPerSecond)[0]!;
	const none = least(runs.none);
	const ink = least(runs.ink);
	const lines = least(runs.lines);
	const perFrame = (result: Result) => (result.frames === 0 ? 0 : (Math.max(0, result.cpuMillisecondsPerSecond - none.cpuMillisecondsPerSecond) * seconds) / result.frames);
	// No more CPU than the run without a UI: the cost is below what this measurement can see.
	const isNoise = (result: Result) => result.cpuMillisecondsPerSecond <= none.cpuMillisecondsPerSecond;
	const frameText = (result: Result) => (isNoise(result) ? 'no more CPU than the run without a UI (below what this run can measure)' : `${perFrame(result).toFixed(2)} ms CPU per frame`);
	const ratio = perFrame(ink) > 0 ? perFrame(lines) / perFrame(ink) : Number.NaN;
	const byteVerdict = byteTarget === undefined ? '' : ` (target ≤ ${kilobytes(byteTarget)}: ${lines.bytesPerSecond <= byteTarget ? 'met' : 'NOT met'})`;
	console.log(`  ${name}`);
	console.log(`    without a UI: ${none.cpuMillisecondsPerSecond.toFixed(1)} ms CPU per second (ingest and frames built)`);
	console.log(`    Ink's renderer: ${ink.frames} frames written, ${frameText(ink)}, ${kilobytes(ink.bytesPerSecond)}`);
	console.log(`    line renderer:  ${lines.frames} frames written, ${frameText(lines)}, ${kilobytes(lines.bytesPerSecond)}${byteVerdict}`);
	if (rate > 0) {
		console.log(
			isNoise(lines) && !isNoise(ink)
				? `    line renderer / Ink per frame: ~0× (Ink's frames measurable, the line renderer's not; target ≤ 0.2: met)`
				: `    line renderer / Ink per frame: ${ratio.toFixed(3)}× (target ≤ 0.2: ${ratio <= 0.2 ? 'met' : 'NOT met'})`,
		);
	}
}

process.exit(0);

/**
What the TUI costs a terminal and a CPU (issue 5's targets), at 120×40 and the default 10 fps, with the
real App, controller, store and Ink writing to a terminal that counts bytes:
- an idle view (nothing arrives): ≤ 1 KB/s;
- a 100 flows/s view, and a 5 000 flows/s follow view: ≤ 60 KB/s at 5 000 flows/s;
- Ink's render time per frame: ≤ 15 ms; CPU per frame is reported too.
Baseline, measured in the same run: the 5 000 flows/s view with Ink's standard renderer, which repaints
every frame whole.
Flows come from the zero-trust lab, decoded from real GetFlowsResponse bytes.
*/
import {PassThrough, Writable} from 'node:stream';
import type {FlowRecord} from '../src/flow/flow-record.js';

// Ink renders nothing while CI is set, and decides that when it is imported; React picks its production
// build (the one the bundled ztop runs) from NODE_ENV at import time too.
delete process.env['CI'];
process.env['NODE_ENV'] = 'production';
const {TuiControllerImpl} = await import('../src/cli/tui-controller.js');
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

type Result = {bytesPerSecond: number; renderMilliseconds: number[]; cpuMillisecondsPerFrame: number; frames: number};

async function run(flowsPerSecond: number, repaintWholeFrames = false): Promise<Result> {
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
	const renderTimes: number[] = [];
	controller.start();
	const app = startTuiApp(controller, {
		stdout: terminal as unknown as NodeJS.WriteStream,
		stdin: fakeStdin(),
		stderr: new CountingTerminal() as unknown as NodeJS.WriteStream,
		fps,
		onRender: milliseconds => renderTimes.push(milliseconds),
		repaintWholeFrames,
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
	const framesBefore = renderTimes.length;
	const cpuBefore = process.cpuUsage();
	await new Promise(resolve => setTimeout(resolve, seconds * 1000));
	const cpu = process.cpuUsage(cpuBefore);
	const frames = renderTimes.length - framesBefore;
	const bytes = terminal.bytes - bytesBefore;
	clearInterval(feeder);
	controller.stop();
	app.quit();
	await app.exited;
	return {
		bytesPerSecond: bytes / seconds,
		renderMilliseconds: renderTimes.slice(framesBefore),
		cpuMillisecondsPerFrame: frames === 0 ? 0 : (cpu.user + cpu.system) / 1000 / frames,
		frames,
	};
}

const kilobytes = (value: number) => `${(value / 1024).toFixed(2)} KB/s`;
const percentile = (values: number[], fraction: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * fraction))] ?? 0;
console.log(`TUI rendering at ${columns}×${rows}, ${fps} fps, ${seconds} s per case (after 1 s of warm-up)`);
const baseline = (await run(5000, true)).bytesPerSecond;
console.log(`  baseline: 5,000 flows/s, whole frames repainted (Ink's standard renderer) ${kilobytes(baseline)}`);
for (const [name, rate, target] of [
	['idle view (no flows)', 0, 1024],
	['100 flows/s', 100, undefined],
	['5,000 flows/s, following the tail', 5000, 60 * 1024],
] as const) {
	const result = await run(rate);
	const p50 = percentile(result.renderMilliseconds, 0.5);
	const p99 = percentile(result.renderMilliseconds, 0.99);
	const verdict = target === undefined ? '' : `   target ≤ ${kilobytes(target)}: ${result.bytesPerSecond <= target ? 'met' : 'NOT met'}`;
	console.log(
		`  ${name.padEnd(34)} ${kilobytes(result.bytesPerSecond).padStart(12)} (${(result.bytesPerSecond / baseline).toFixed(3)}× baseline)${verdict}`,
	);
	console.log(
		`    ${result.frames} frames; Ink render median ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (target ≤ 15 ms: ${p99 <= 15 ? 'met' : 'NOT met'}); CPU ${result.cpuMillisecondsPerFrame.toFixed(2)} ms per frame (ingest included)`,
	);
}

process.exit(0);

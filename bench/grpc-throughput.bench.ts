/**
Measures receiving a 100k-flow GetFlows stream from a local gRPC server through (a) ztop's path — raw
bytes kept, partial decode of the indexed fields — and (b) grpc-js with proto-loader's default object
conversion, each keeping the last 100k flows. Both clients run in their own process (peak RSS is per
process) against the same server in this one, and the ratio (a)/(b) is printed. The flows are the
zero-trust demo's, encoded once up front so that the server costs the same for both.
*/
import {execFile} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import http2 from 'node:http2';
import {build} from 'esbuild';
import {ScenarioFeed} from '../src/relay/scenario-feed.js';
import {zeroTrustScenario} from '../src/relay/scenarios/zero-trust.js';
import {encodeMessage} from '../src/stream/binary-codec.js';
import {hubbleSchema} from '../src/stream/hubble-schema.js';

const flowCount = 100_000;
const runs = 3;
const here = path.dirname(fileURLToPath(import.meta.url));

const start = Date.parse('2026-11-22T10:00:00Z');
const feed = new ScenarioFeed(zeroTrustScenario, {seed: 1, rate: 1000, stageSeconds: 20, startMilliseconds: start, lostEvery: 0});
const type = hubbleSchema().getFlowsResponse;
const messages: Buffer[] = [];
for (let until = start; messages.length < flowCount; until += 1000) {
	for (const response of feed.until(until)) {
		if (messages.length < flowCount) {
			messages.push(Buffer.from(encodeMessage(type, response)));
		}
	}
}

const averageBytes = Math.round(messages.reduce((total, message) => total + message.length, 0) / messages.length);

/**
The server is a minimal HTTP/2 gRPC responder writing pre-framed messages in 256 KiB chunks, standing
in for Hubble Relay (Go): a grpc-js server costs about 10 µs per message itself (node-ecosystem.md §3),
which would cap both clients at the server's speed and hide the difference being measured.
*/
const framed: Buffer[] = [];
for (let index = 0; index < messages.length; ) {
	const chunk: Buffer[] = [];
	let size = 0;
	while (index < messages.length && size < 256 * 1024) {
		const message = messages[index++]!;
		const prefix = Buffer.alloc(5);
		prefix.writeUInt32BE(message.length, 1);
		chunk.push(prefix, message);
		size += message.length + 5;
	}

	framed.push(Buffer.concat(chunk));
}

const server = http2.createServer();
server.on('stream', (stream, headers) => {
	if (headers[':path'] !== '/observer.Observer/GetFlows') {
		stream.respond({':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12'}, {endStream: true});
		return;
	}

	stream.on('error', () => undefined);
	stream.respond({':status': 200, 'content-type': 'application/grpc'}, {waitForTrailers: true});
	stream.on('wantTrailers', () => stream.sendTrailers({'grpc-status': '0'}));
	let index = 0;
	const pump = () => {
		while (index < framed.length) {
			if (!stream.write(framed[index++])) {
				stream.once('drain', pump);
				return;
			}
		}

		stream.end();
	};

	// Let the request body (the encoded GetFlowsRequest) arrive first.
	stream.resume();
	pump();
});
const port = await new Promise<number>(resolve => server.listen(0, '127.0.0.1', () => resolve((server.address() as {port: number}).port)));

// The clients run bundled, as the ztop CLI ships, so no TypeScript loader sits in the measured process.
const clientBundle = path.join(here, '..', 'dist', 'bench-grpc-client.mjs');
await build({
	entryPoints: [path.join(here, 'grpc-client.ts')],
	outfile: clientBundle,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	logLevel: 'warning',
	banner: {js: "import {createRequire as __benchRequire} from 'node:module'; const require = __benchRequire(import.meta.url);"},
});

type Result = {flowsPerSecond: number; peakRssMegabytes: number; flows: number};

async function measure(mode: 'raw' | 'partial' | 'proto-loader'): Promise<Result> {
	const results: Result[] = [];
	for (let run = 0; run < runs; run++) {
		// execFileSync would block this process, which serves the stream; run the client asynchronously.
		const output = await new Promise<string>((resolve, reject) => {
			execFile(process.execPath, [clientBundle, mode, `127.0.0.1:${port}`], {maxBuffer: 1 << 20}, (error, stdout) =>
				error ? reject(error) : resolve(stdout),
			);
		});
		results.push(JSON.parse(output) as Result);
	}

	results.sort((a, b) => a.flowsPerSecond - b.flowsPerSecond);
	return results[Math.floor(runs / 2)]!;
}

const raw = await measure('raw');
const partial = await measure('partial');
const protoLoaderResult = await measure('proto-loader');
server.close();

const line = (name: string, result: Result) =>
	`  ${name.padEnd(44)} ${`${result.flowsPerSecond.toLocaleString('en-US')} flows/s`.padStart(16)}   peak RSS ${String(result.peakRssMegabytes).padStart(5)} MB`;
console.log(`gRPC GetFlows, ${flowCount.toLocaleString('en-US')} flows (${averageBytes} B each on average) from a local server, median of ${runs} runs`);
console.log(line('ceiling: raw bytes only, no decode', raw));
console.log(line('(a) raw bytes + partial decode (ztop)', partial));
console.log(line('(b) proto-loader default conversion', protoLoaderResult));
console.log(
	`  (a)/(b): ${(partial.flowsPerSecond / protoLoaderResult.flowsPerSecond).toFixed(2)}× the throughput, ${(protoLoaderResult.peakRssMegabytes / partial.peakRssMegabytes).toFixed(2)}× less peak RSS (targets: ≥ 3× and ≥ 80,000 flows/s)`,
);

/**
The end-to-end benchmark's Hubble Relay: a minimal HTTP/2 gRPC responder in its own process that streams
the zero-trust demo's flows at a fixed rate to every GetFlows caller, standing in for Relay (Go) so that
the server costs next to nothing and the same for every client measured. Flows are encoded once; each send
copies a slice of them and patches, in place, the seconds of both timestamps (fixed-width varints) with
the current second and the tail of each uuid with a counter, so every flow is new and current.

Usage: node paced-server.mjs RATE — prints `{"address": "127.0.0.1:PORT"}`, then streams at RATE flows/s
to each caller until it is sent SIGUSR2, which stops the sending and prints `{"sent": N, "due": D, "streams": S}`
(the streams stay open, as a quiet relay's would). ServerStatus answers with the flows sent.
*/
import http2 from 'node:http2';
import {ScenarioFeed} from '../../src/relay/scenario-feed.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';
import {encodeMessage} from '../../src/stream/binary-codec.js';
import {hubbleSchema} from '../../src/stream/hubble-schema.js';
import {varintBytes} from '../../src/stream/protobuf-wire.js';

const rate = Number(process.argv[2] ?? 1000);
const templateCount = 20_000;
const tickMilliseconds = 10;
/** A varint as a Buffer, to splice into encoded messages. */
const varintBuffer = (value: number) => Buffer.from(varintBytes(value));

// 2027-01-15T08:00:00Z: its seconds encode as a 5-byte varint, as every second until 2038 does.
const sentinelSeconds = 1_799_913_600;
const sentinelTime = new Date(sentinelSeconds * 1000).toISOString();

const schema = hubbleSchema();
const start = Date.parse('2026-11-22T10:00:00Z');
const feed = new ScenarioFeed(zeroTrustScenario, {seed: 7, rate: 1000, stageSeconds: 20, startMilliseconds: start, lostEvery: 0});
type Template = {framed: Buffer; secondsAt: number[]; uuidAt: number};
const templates: Template[] = [];
const sentinel = varintBuffer(sentinelSeconds);
for (let until = start; templates.length < templateCount; until += 1000) {
	for (const response of feed.until(until)) {
		if (!response.flow || templates.length >= templateCount) {
			continue;
		}

		const uuid = `00000000-0000-4000-8000-${String(templates.length).padStart(12, '0')}`;
		const message = Buffer.from(
			encodeMessage(schema.getFlowsResponse, {...response, time: sentinelTime, flow: {...response.flow, time: sentinelTime, uuid}}),
		);
		const framed = Buffer.alloc(5 + message.length);
		framed.writeUInt32BE(message.length, 1);
		message.copy(framed, 5);
		const secondsAt: number[] = [];
		for (let at = framed.indexOf(sentinel); at !== -1; at = framed.indexOf(sentinel, at + 1)) {
			secondsAt.push(at);
		}

		const uuidAt = framed.indexOf(uuid) + 24;
		if (secondsAt.length !== 2 || uuidAt < 24) {
			throw new Error(`flow ${templates.length}: expected two timestamps and a uuid, found ${secondsAt.length}`);
		}

		templates.push({framed, secondsAt, uuidAt});
	}
}

let sentTotal = 0;
let isStopped = false;
const streams = new Set<{sent: number; began: number; timer?: NodeJS.Timeout}>();

/** `count` flows from template `first` on, as one buffer, with this second's time and fresh uuids. */
function batch(first: number, count: number, serial: number): Buffer {
	const parts: Buffer[] = [];
	for (let index = 0; index < count; index++) {
		parts.push(templates[(first + index) % templates.length]!.framed);
	}

	const buffer = Buffer.concat(parts);
	const seconds = varintBuffer(Math.floor(Date.now() / 1000));
	let offset = 0;
	for (let index = 0; index < count; index++) {
		const template = templates[(first + index) % templates.length]!;
		for (const at of template.secondsAt) {
			seconds.copy(buffer, offset + at);
		}

		buffer.write(String(serial + index).padStart(12, '0').slice(-12), offset + template.uuidAt, 'latin1');
		offset += template.framed.length;
	}

	return buffer;
}

const server = http2.createServer();
server.on('stream', (stream, headers) => {
	stream.on('error', () => undefined);
	if (headers[':path'] === '/observer.Observer/ServerStatus') {
		const status = Buffer.from(encodeMessage(schema.serverStatusResponse, {num_flows: String(sentTotal), max_flows: '4095', seen_flows: String(sentTotal), uptime_ns: '1', version: 'paced-server'}));
		const framed = Buffer.alloc(5 + status.length);
		framed.writeUInt32BE(status.length, 1);
		status.copy(framed, 5);
		stream.respond({':status': 200, 'content-type': 'application/grpc'}, {waitForTrailers: true});
		stream.on('wantTrailers', () => stream.sendTrailers({'grpc-status': '0'}));
		stream.end(framed);
		return;
	}

	if (headers[':path'] !== '/observer.Observer/GetFlows') {
		stream.respond({':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12'}, {endStream: true});
		return;
	}

	stream.respond({':status': 200, 'content-type': 'application/grpc'});
	stream.resume();
	const began = performance.now();
	const state: {sent: number; began: number; timer?: NodeJS.Timeout} = {sent: 0, began};
	streams.add(state);
	let isWaiting = false;
	const timer = setInterval(() => {
		if (isStopped || isWaiting || stream.destroyed) {
			return;
		}

		// As many as the rate asks for by now: a tick that came late, or a reader that held us back, catches up.
		const due = Math.floor(((performance.now() - began) / 1000) * rate) - state.sent;
		const count = Math.min(due, Math.max(1, rate / 10));
		if (count <= 0) {
			return;
		}

		const chunk = batch(state.sent, count, sentTotal);
		state.sent += count;
		sentTotal += count;
		if (!stream.write(chunk)) {
			isWaiting = true;
			stream.once('drain', () => (isWaiting = false));
		}
	}, tickMilliseconds);
	state.timer = timer;
	stream.on('close', () => {
		clearInterval(timer);
		streams.delete(state);
	});
});

process.on('SIGUSR2', () => {
	isStopped = true;
	for (const state of streams) {
		clearInterval(state.timer);
	}

	// What the rate asked for since each stream began: a client that held the server back got less.
	const due = [...streams].reduce((total, state) => total + Math.floor(((performance.now() - state.began) / 1000) * rate), 0);
	process.stdout.write(JSON.stringify({sent: sentTotal, due, streams: streams.size}) + '\n');
});

server.listen(0, '127.0.0.1', () => {
	process.stdout.write(JSON.stringify({address: `127.0.0.1:${(server.address() as {port: number}).port}`, templates: templates.length}) + '\n');
});

/**
The end-to-end benchmark's Hubble Relay: a minimal HTTP/2 gRPC responder in its own process that streams
the zero-trust demo's flows at a fixed rate to every GetFlows caller, standing in for Relay (Go) so that
the server costs next to nothing and the same for every client measured. Flows are encoded once; each send
copies a slice of them and patches, in place, both timestamps (fixed-width varints) with the time the flow
is due, in order, the tail of each uuid with a counter, and each client port with one shifted on every
pass over the templates, so every flow is new and current and every pass opens new connections, as a
cluster's clients do (repeating the templates' ports, a client's connection tables never filled up).

Usage: node paced-server.mjs RATE [CAPTURE] — with CAPTURE (a jsonpb file, e.g. a generated cluster world from
bench/worlds) its flows are the templates instead of the demo's. Prints `{"address": "127.0.0.1:PORT"}`, then streams at RATE flows/s
to each caller until it is sent SIGUSR2, which stops the sending and prints `{"sent": N, "due": D, "streams": S}`
(the streams stay open, as a quiet relay's would). ServerStatus answers with the flows sent.
*/
import {readFileSync} from 'node:fs';
import http2 from 'node:http2';
import type {GetFlowsResponse} from '../../src/flow/flow.js';
import {ScenarioFeed} from '../../src/relay/scenario-feed.js';
import {ScenarioResponse} from '../../src/relay/scenario-response.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';
import {encodeMessage} from '../../src/stream/binary-codec.js';
import {hubbleSchema} from '../../src/stream/hubble-schema.js';
import {varintBytes, writePaddedVarint} from '../../src/stream/protobuf-wire.js';

const rate = Number(process.argv[2] ?? 1000);
const capture = process.argv[3];
const templateCount = 20_000;
const tickMilliseconds = 10;

// 2027-01-15T08:00:00Z: its seconds encode as a 5-byte varint, as every second until 2038 does.
const sentinelSeconds = 1_799_913_600;

const schema = hubbleSchema();
const start = Date.parse('2026-11-22T10:00:00Z');
const feed = new ScenarioFeed(zeroTrustScenario, {seed: 7, rate: 1000, stageSeconds: 20, startMilliseconds: start, lostEvery: 0});
/** Client ports stay in 32768–65535 (the feed's are in it): all 3-byte varints, so a port is patched in place. */
const firstPort = 32_768;
const portCount = 32_768;
const sentinelPort = 65_535;
type Template = {framed: Buffer; secondsAt: number[]; uuidAt: number; portAt: number; port: number};
const templates: Template[] = [];
// Each Timestamp's body: seconds and nanos (fields 1 and 2), both at their widest (5-byte varints).
const sentinelNanos = 999_999_999;
const sentinel = Buffer.from([0x08, ...varintBytes(sentinelSeconds), 0x10, ...varintBytes(sentinelNanos)]);
/** A response with the sentinels in place of its times, uuid and client port, and which field the port is. */
type Sentinelled = {message: Buffer; clientPortField: 'source_port' | 'destination_port'; clientPort: number};

function fromScenario(response: ScenarioResponse, uuid: string): Sentinelled {
	const {shape, clientPort} = response;
	const withSentinels = new ScenarioResponse(shape, response.node_name, sentinelSeconds, sentinelNanos, uuid, sentinelPort);
	return {message: Buffer.from(encodeMessage(schema.getFlowsResponse, withSentinels.toJSON())), clientPortField: shape.clientPortField, clientPort};
}

/** A capture's flow (TCP or UDP, client port in 32768–65535) as a template; undefined for others. */
function fromCapture(response: GetFlowsResponse, uuid: string): Sentinelled | undefined {
	const flow = response.flow;
	const layer4 = flow?.l4?.TCP ?? flow?.l4?.UDP;
	const clientPortField = flow?.is_reply === true ? 'destination_port' : 'source_port';
	const clientPort = layer4?.[clientPortField] ?? 0;
	if (!flow || !layer4 || clientPort < firstPort) {
		return undefined;
	}

	const time = `${new Date(sentinelSeconds * 1000).toISOString().slice(0, 19)}.${sentinelNanos}Z`;
	const l4 = flow.l4!.TCP ? {TCP: {...flow.l4!.TCP, [clientPortField]: sentinelPort}} : {UDP: {...flow.l4!.UDP, [clientPortField]: sentinelPort}};
	const message = Buffer.from(encodeMessage(schema.getFlowsResponse, {...response, flow: {...flow, time, uuid, l4}, time}));
	return {message, clientPortField, clientPort};
}

function* sources(): Generator<GetFlowsResponse> {
	if (capture) {
		for (const line of readFileSync(capture, 'utf8').split('\n')) {
			if (line !== '') {
				yield JSON.parse(line) as GetFlowsResponse;
			}
		}

		return;
	}

	for (let until = start; ; until += 1000) {
		yield* feed.until(until);
	}
}

for (const response of sources()) {
	if (templates.length >= templateCount) {
		break;
	}

	const uuid = `00000000-0000-4000-8000-${String(templates.length).padStart(12, '0')}`;
	const item = capture ? fromCapture(response, uuid) : response instanceof ScenarioResponse ? fromScenario(response, uuid) : undefined;
	if (item) {
		const {message, clientPortField, clientPort} = item;
		const framed = Buffer.alloc(5 + message.length);
		framed.writeUInt32BE(message.length, 1);
		message.copy(framed, 5);
		const secondsAt: number[] = [];
		for (let at = framed.indexOf(sentinel); at !== -1; at = framed.indexOf(sentinel, at + 1)) {
			secondsAt.push(at + 1);
		}

		const uuidAt = framed.indexOf(uuid) + 24;
		// The client port's field: source_port (1) of a request, destination_port (2) of a reply.
		const portField = Buffer.from([clientPortField === 'source_port' ? 0x08 : 0x10, ...varintBytes(sentinelPort)]);
		const portAt = framed.indexOf(portField) + 1;
		if (secondsAt.length !== 2 || uuidAt < 24 || portAt < 1 || framed.indexOf(portField, portAt) !== -1) {
			throw new Error(`flow ${templates.length}: expected two timestamps, a uuid and a client port, found ${secondsAt.length} timestamps`);
		}

		templates.push({framed, secondsAt, uuidAt, portAt, port: clientPort});
	}
}

let sentTotal = 0;
let isStopped = false;
const streams = new Set<{sent: number; began: number; timer?: NodeJS.Timeout}>();

/**
`count` flows from template `first` on, as one buffer, with fresh uuids and times: the stream's `first`-th
flow is due `first / rate` seconds after `beganMilliseconds`, and each gets that time, so a stream's flows
come in time order, as Relay sorts them (templates' own sub-second times made most flows look older than
the one before).
*/
function batch(first: number, count: number, serial: number, beganMilliseconds: number): Buffer {
	const parts: Buffer[] = [];
	for (let index = 0; index < count; index++) {
		parts.push(templates[(first + index) % templates.length]!.framed);
	}

	const buffer = Buffer.concat(parts);
	let offset = 0;
	for (let index = 0; index < count; index++) {
		const template = templates[(first + index) % templates.length]!;
		const due = beganMilliseconds + ((first + index) * 1000) / rate;
		const seconds = Math.floor(due / 1000);
		const nanos = Math.floor((due - seconds * 1000) * 1_000_000);
		for (const at of template.secondsAt) {
			writePaddedVarint(buffer, offset + at, seconds, 5);
			writePaddedVarint(buffer, offset + at + 6, nanos, 5);
		}

		buffer.write(String(serial + index).padStart(12, '0').slice(-12), offset + template.uuidAt, 'latin1');
		const pass = Math.floor((first + index) / templates.length);
		const port = firstPort + ((template.port - firstPort + pass * 7919) % portCount);
		buffer[offset + template.portAt] = (port & 0x7f) | 0x80;
		buffer[offset + template.portAt + 1] = ((port >> 7) & 0x7f) | 0x80;
		buffer[offset + template.portAt + 2] = port >> 14;
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
	const beganMilliseconds = Date.now();
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

		const chunk = batch(state.sent, count, sentTotal, beganMilliseconds);
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

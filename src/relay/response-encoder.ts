/**
The demo relay's encoder: a GetFlowsResponse to its protobuf bytes, once per shape. Demo flows repeat the
same few dozen shapes (a connection's verdicts, traces, requests) and differ only in time, uuid and ports,
so each shape is encoded once with sentinel values in those fields, the sentinels' byte offsets are
noted, and every later flow of the shape is a copy of those bytes with its own values written in place.
Encoding through protobufjs from the canonical shape cost most of the relay's time per flow.

Values written in place must keep the sentinel's width: a time's seconds take 5 bytes until 2038; its
nanoseconds and the ports are written as padded varints of the sentinel's width (5 and 3 bytes), which
every protobuf decoder reads as the plain value (the encoding spec allows non-minimal varints; protobufjs
and Go's protowire accept them). A shape whose sentinels cannot be found exactly once each is encoded
the slow way every time.

A scenario's responses carry their shape (relay/scenario-response.ts) and a replay's its capture line
(relay/replayed-response.ts), which find their template directly; other responses find theirs by a key
made from the whole flow with sentinels in place, which costs more than the patching.
*/
import type {GetFlowsResponse} from '../flow/flow.js';
import {formatTimestamp, parseTimestamp} from '../flow/timestamp.js';
import {RecentMap} from '../flow/recent-map.js';
import {encodeMessage} from '../stream/binary-codec.js';
import {hubbleSchema} from '../stream/hubble-schema.js';
import {varintBytes, writePaddedVarint} from '../stream/protobuf-wire.js';
import type {FlowShape} from './flow-builder.js';
import {ReplayedResponse} from './replayed-response.js';
import {ScenarioResponse} from './scenario-response.js';

const sentinelSeconds = 1_799_999_999;
const sentinelNanos = 999_999_999;
const sentinelTime = formatTimestamp({seconds: sentinelSeconds, nanos: sentinelNanos});
const sentinelUuid = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
const sentinelSourcePort = 65_535;
const sentinelDestinationPort = 65_534;

type Template = {
	bytes: Uint8Array;
	/** Offsets of each timestamp's seconds varint (the nanos varint follows its tag right after). */
	times: number[];
	uuid: number;
	sourcePort: number;
	destinationPort: number;
};

function occurrences(haystack: Uint8Array, needle: readonly number[]): number[] {
	const found: number[] = [];
	const buffer = Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength);
	const pattern = Buffer.from(needle);
	for (let at = buffer.indexOf(pattern); at !== -1; at = buffer.indexOf(pattern, at + 1)) {
		found.push(at);
	}

	return found;
}

// A Timestamp's body: seconds (field 1) and nanos (field 2), both sentinels at their widest.
const timePattern = [0x08, ...varintBytes(sentinelSeconds), 0x10, ...varintBytes(sentinelNanos)];
const sourcePortPattern = [0x08, ...varintBytes(sentinelSourcePort)];
const destinationPortPattern = [0x10, ...varintBytes(sentinelDestinationPort)];
const uuidPattern = [...Buffer.from(sentinelUuid, 'latin1')];
/** A reply's client port: the destination port, holding the same sentinel as a request's source port. */
const clientDestinationPortPattern = [0x10, ...varintBytes(sentinelSourcePort)];

type Ports = {source_port?: number; destination_port?: number};

/** A template whose time (both timestamps: offsets of each seconds varint) and uuid are patched. */
type TimeAndUuidTemplate = {bytes: Uint8Array; times: number[]; uuid: number};
type ShapeTemplate = TimeAndUuidTemplate & {nodeName: string; clientPort: number};

/** A copy of the template's bytes with the time and uuid written in. */
function patchedCopy(template: TimeAndUuidTemplate, values: {seconds: number; nanos: number; uuid: string}): Buffer {
	// From Buffer's pool: a separate ArrayBuffer per message cost the relay more than the copy.
	const bytes = Buffer.allocUnsafe(template.bytes.length);
	bytes.set(template.bytes);
	for (const at of template.times) {
		writePaddedVarint(bytes, at, values.seconds, 5);
		writePaddedVarint(bytes, at + 6, values.nanos, 5);
	}

	bytes.write(values.uuid, template.uuid, 'latin1');
	return bytes;
}

export class ResponseEncoder {
	private readonly type = hubbleSchema().getFlowsResponse;
	private readonly templates = new RecentMap<string, Template | null>(4096);
	/** A scenario flow shape's template: found by the shape itself, with no key to build. */
	private readonly shapeTemplates = new WeakMap<FlowShape, ShapeTemplate | null>();
	/** A replayed capture line's template: its bytes with time and uuid to patch (the rest is the capture's). */
	private readonly replayTemplates = new WeakMap<GetFlowsResponse, TimeAndUuidTemplate | null>();
	/** Flows encoded from a template, and the slow way (shapes seen first, or not patchable). */
	fromTemplate = 0;
	encodedWhole = 0;

	encode(response: GetFlowsResponse): Uint8Array {
		if (response instanceof ScenarioResponse) {
			return this.encodeScenarioResponse(response);
		}

		if (response instanceof ReplayedResponse) {
			return this.encodeReplayedResponse(response);
		}

		const flow = response.flow;
		const layer4 = flow?.l4?.TCP ?? flow?.l4?.UDP;
		if (!flow || !layer4 || flow.time === undefined || response.time !== flow.time || flow.uuid?.length !== sentinelUuid.length) {
			this.encodedWhole++;
			return encodeMessage(this.type, response);
		}

		const ports = layer4 as Ports;
		const sentinel: GetFlowsResponse = {...response, time: sentinelTime, flow: {...flow, time: sentinelTime, uuid: sentinelUuid, l4: this.sentinelLayer4(flow.l4!)}};
		const key = JSON.stringify(sentinel);
		let template = this.templates.get(key);
		if (template === undefined) {
			template = this.compile(sentinel);
			this.templates.set(key, template);
		}

		const time = parseTimestamp(flow.time);
		if (!template || !time || time.seconds < 2 ** 28 || time.seconds >= 2 ** 35) {
			this.encodedWhole++;
			return encodeMessage(this.type, response);
		}

		const bytes = patchedCopy(template, {seconds: time.seconds, nanos: time.nanos, uuid: flow.uuid});
		writePaddedVarint(bytes, template.sourcePort, ports.source_port ?? 0, 3);
		writePaddedVarint(bytes, template.destinationPort, ports.destination_port ?? 0, 3);
		this.fromTemplate++;
		return bytes;
	}

	private encodeScenarioResponse(response: ScenarioResponse): Uint8Array {
		let template = this.shapeTemplates.get(response.shape);
		if (template === undefined || (template !== null && template.nodeName !== response.node_name)) {
			template = this.compileShape(response);
			this.shapeTemplates.set(response.shape, template);
		}

		if (!template || response.seconds < 2 ** 28 || response.seconds >= 2 ** 35 || response.uuid.length !== sentinelUuid.length) {
			this.encodedWhole++;
			return encodeMessage(this.type, response.toJSON());
		}

		const bytes = patchedCopy(template, response);
		writePaddedVarint(bytes, template.clientPort, response.clientPort, 3);
		this.fromTemplate++;
		return bytes;
	}

	private encodeReplayedResponse(response: ReplayedResponse): Uint8Array {
		let template = this.replayTemplates.get(response.original);
		if (template === undefined) {
			const {original} = response;
			const sentinel: GetFlowsResponse = {...original, time: sentinelTime, flow: {...original.flow, time: sentinelTime, uuid: sentinelUuid}};
			const bytes = encodeMessage(this.type, sentinel);
			const times = occurrences(bytes, timePattern);
			const uuid = occurrences(bytes, uuidPattern);
			template = times.length === 2 && uuid.length === 1 ? {bytes, times: times.map(at => at + 1), uuid: uuid[0]!} : null;
			this.replayTemplates.set(original, template);
		}

		if (!template || response.seconds < 2 ** 28 || response.seconds >= 2 ** 35 || response.uuid.length !== sentinelUuid.length) {
			this.encodedWhole++;
			return encodeMessage(this.type, response.toJSON());
		}

		const bytes = patchedCopy(template, response);
		this.fromTemplate++;
		return bytes;
	}

	/** A shape's bytes with sentinels for time, uuid and the client port, and where they are; null when they are not each found exactly once. */
	private compileShape(response: ScenarioResponse): ShapeTemplate | null {
		const sentinel = new ScenarioResponse(response.shape, response.node_name, sentinelSeconds, sentinelNanos, sentinelUuid, sentinelSourcePort);
		const bytes = encodeMessage(this.type, sentinel.toJSON());
		const times = occurrences(bytes, timePattern);
		const uuid = occurrences(bytes, uuidPattern);
		const clientPort = occurrences(bytes, response.shape.clientPortField === 'source_port' ? sourcePortPattern : clientDestinationPortPattern);
		if (times.length !== 2 || uuid.length !== 1 || clientPort.length !== 1) {
			return null;
		}

		return {nodeName: response.node_name, bytes, times: times.map(at => at + 1), uuid: uuid[0]!, clientPort: clientPort[0]! + 1};
	}

	private sentinelLayer4(l4: NonNullable<NonNullable<GetFlowsResponse['flow']>['l4']>): typeof l4 {
		const ports = {source_port: sentinelSourcePort, destination_port: sentinelDestinationPort};
		return l4.TCP ? {...l4, TCP: {...l4.TCP, ...ports}} : {...l4, UDP: {...l4.UDP, ...ports}};
	}

	/** The shape's bytes and where its sentinels are; null when they are not each found exactly once. */
	private compile(sentinel: GetFlowsResponse): Template | null {
		const bytes = encodeMessage(this.type, sentinel);
		const times = occurrences(bytes, timePattern);
		const uuid = occurrences(bytes, uuidPattern);
		const sourcePort = occurrences(bytes, sourcePortPattern);
		const destinationPort = occurrences(bytes, destinationPortPattern);
		if (times.length !== 2 || uuid.length !== 1 || sourcePort.length !== 1 || destinationPort.length !== 1) {
			return null;
		}

		// Offsets of the values themselves, after each field's tag byte.
		return {bytes, times: times.map(at => at + 1), uuid: uuid[0]!, sourcePort: sourcePort[0]! + 1, destinationPort: destinationPort[0]! + 1};
	}
}

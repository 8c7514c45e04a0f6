/**
A GetFlowsResponse's bytes split into what is particular to the flow and the parts that repeat from flow
to flow: its source and destination endpoints (each pod's Endpoint message is the same in every flow it
sends or receives — two thirds of a demo flow's 836 bytes) and its policy lists (`egress_allowed_by`,
`ingress_allowed_by`, `egress_denied_by`, `ingress_denied_by`). The ring keeps the residual and one shared
copy of each distinct part (src/store/flow-ring.ts), and joins them again for a drill-down or an export.

Both work on the wire format (protobuf encoding spec): a message is a sequence of fields, so removing a
field and appending it again later gives the same message to every decoder (repeated fields keep their
order: every occurrence of one field goes into its part in order). Unknown or malformed input is left
whole (split answers undefined).
*/
import {varintBytes, varintLength, writeVarint} from './protobuf-wire.js';

/** Flow field numbers of the parts, in part order (flow.proto: source 8, destination 9, policies 21001–21005). */
export const flowPartFields = [8, 9, 21_001, 21_002, 21_004, 21_005] as const;

export type SplitFlow = {residual: Uint8Array; parts: Array<Uint8Array | undefined>};

const flowField = 1;

type Cursor = {at: number};

function readVarint(bytes: Uint8Array, cursor: Cursor): number {
	let value = 0;
	let scale = 1;
	for (let index = 0; index < 10; index++) {
		const byte = bytes[cursor.at++];
		if (byte === undefined) {
			return -1;
		}

		value += (byte & 0x7f) * scale;
		if (byte < 0x80) {
			return value;
		}

		scale *= 128;
	}

	return -1;
}

/** Where the field at `cursor.at` ends (its tag read already), or -1 when it is malformed. */
function skipField(bytes: Uint8Array, cursor: Cursor, wireType: number, end: number): number {
	switch (wireType) {
		case 0: {
			return readVarint(bytes, cursor) < 0 ? -1 : cursor.at;
		}

		case 1: {
			cursor.at += 8;
			break;
		}

		case 2: {
			const length = readVarint(bytes, cursor);
			if (length < 0) {
				return -1;
			}

			cursor.at += length;
			break;
		}

		case 5: {
			cursor.at += 4;
			break;
		}

		default: {
			// Groups (3, 4) are not in Hubble's messages; anything else is not protobuf.
			return -1;
		}
	}

	return cursor.at <= end ? cursor.at : -1;
}

/** The flow field's payload in a response: [start, end), and where the whole field starts. */
function findFlow(bytes: Uint8Array): {fieldStart: number; start: number; end: number} | undefined {
	const cursor = {at: 0};
	return findFlowAt(bytes, cursor) ? {fieldStart: cursor.fieldStart, start: cursor.start, end: cursor.end} : undefined;
}

type FlowCursor = Cursor & {fieldStart: number; start: number; end: number};

/** findFlow without allocating: the flow field's bounds go into `cursor`; false when there is none. */
function findFlowAt(bytes: Uint8Array, cursor: Cursor & Partial<FlowCursor>): cursor is FlowCursor {
	cursor.at = 0;
	while (cursor.at < bytes.length) {
		const fieldStart = cursor.at;
		const tag = readVarint(bytes, cursor);
		if (tag < 0) {
			return false;
		}

		if (Math.floor(tag / 8) === flowField && tag % 8 === 2) {
			const length = readVarint(bytes, cursor);
			if (length < 0 || cursor.at + length > bytes.length) {
				return false;
			}

			cursor.fieldStart = fieldStart;
			cursor.start = cursor.at;
			cursor.end = cursor.at + length;
			return true;
		}

		if (skipField(bytes, cursor, tag % 8, bytes.length) < 0) {
			return false;
		}
	}

	return false;
}

/** The response with its flow field's payload replaced by `flow`. */
function withFlow(bytes: Uint8Array, found: {fieldStart: number; end: number}, flow: Uint8Array[], flowLength: number): Uint8Array {
	const header = [...varintBytes((flowField << 3) | 2), ...varintBytes(flowLength)];
	const result = new Uint8Array(found.fieldStart + header.length + flowLength + (bytes.length - found.end));
	result.set(bytes.subarray(0, found.fieldStart), 0);
	result.set(header, found.fieldStart);
	let at = found.fieldStart + header.length;
	for (const piece of flow) {
		result.set(piece, at);
		at += piece.length;
	}

	result.set(bytes.subarray(found.end), at);
	return result;
}

/**
Where a split put things, reused from flow to flow (the TUI splits every flow it receives; a new residual
and a view per part were a fifth of what its ingest allocated): the residual in `residual[0, residualLength)`,
part `i` in `partBytes[i][partStart[i], partEnd[i])` — a range of the response itself when the part is one
piece, else pieces joined in a scratch buffer of the part — or absent when `partEnd[i]` is 0. Valid until
the next split.
*/
export class FlowSplit {
	residual = new Uint8Array(1024);
	residualLength = 0;
	readonly partBytes: Array<Uint8Array | undefined> = flowPartFields.map(() => undefined);
	readonly partStart = new Int32Array(flowPartFields.length);
	readonly partEnd = new Int32Array(flowPartFields.length);
	private readonly joined: Uint8Array[] = flowPartFields.map(() => new Uint8Array(256));
	readonly cursor: Cursor & Partial<FlowCursor> = {at: 0};
	// Kept ranges of the flow payload, as start/end pairs.
	kept = new Int32Array(64);
	keptCount = 0;
	keptLength = 0;

	/** Keeps bytes[from, to) of the flow in the residual. */
	keep(from: number, to: number): void {
		if (this.keptCount * 2 + 2 > this.kept.length) {
			const larger = new Int32Array(this.kept.length * 2);
			larger.set(this.kept);
			this.kept = larger;
		}

		this.kept[this.keptCount * 2] = from;
		this.kept[this.keptCount * 2 + 1] = to;
		this.keptCount++;
		this.keptLength += to - from;
	}

	/** Adds bytes[start, end) to part `part`, joining them with what it has when it is not the next range. */
	addPiece(part: number, bytes: Uint8Array, start: number, end: number): void {
		if (this.partEnd[part] === 0) {
			this.partBytes[part] = bytes;
			this.partStart[part] = start;
			this.partEnd[part] = end;
			return;
		}

		if (this.partBytes[part] === bytes && this.partEnd[part] === start) {
			this.partEnd[part] = end;
			return;
		}

		// Pieces apart: join them in the part's scratch buffer.
		const had = this.partEnd[part]! - this.partStart[part]!;
		const length = had + end - start;
		let joined = this.joined[part]!;
		if (joined.length < length) {
			joined = new Uint8Array(Math.max(length, joined.length * 2));
		}

		if (this.partBytes[part] !== joined || this.partStart[part] !== 0) {
			joined.set(this.partBytes[part]!.subarray(this.partStart[part], this.partEnd[part]), 0);
		}

		joined.set(bytes.subarray(start, end), had);
		this.joined[part] = joined;
		this.partBytes[part] = joined;
		this.partStart[part] = 0;
		this.partEnd[part] = length;
	}

	/** Room for `length` bytes of residual. */
	reserve(length: number): Uint8Array {
		if (this.residual.length < length) {
			this.residual = new Uint8Array(Math.max(length, this.residual.length * 2));
		}

		return this.residual;
	}
}

/** Splits a response with a flow into `into`; false when it has none or is not well-formed protobuf. */
export function splitFlowResponseInto(bytes: Uint8Array, into: FlowSplit): boolean {
	const cursor = into.cursor;
	if (!findFlowAt(bytes, cursor)) {
		return false;
	}

	const {fieldStart: flowFieldStart, start: flowStart, end: flowEnd} = cursor;
	into.partEnd.fill(0);
	into.keptCount = 0;
	into.keptLength = 0;

	cursor.at = flowStart;
	let keptFrom = flowStart;
	while (cursor.at < flowEnd) {
		const fieldStart = cursor.at;
		const tag = readVarint(bytes, cursor);
		if (tag < 0) {
			return false;
		}

		const fieldEnd = skipField(bytes, cursor, tag % 8, flowEnd);
		if (fieldEnd < 0) {
			return false;
		}

		const part = tag % 8 === 2 ? flowPartFields.indexOf(Math.floor(tag / 8) as (typeof flowPartFields)[number]) : -1;
		if (part >= 0) {
			if (fieldStart > keptFrom) {
				into.keep(keptFrom, fieldStart);
			}

			into.addPiece(part, bytes, fieldStart, fieldEnd);
			keptFrom = fieldEnd;
		}
	}

	if (flowEnd > keptFrom) {
		into.keep(keptFrom, flowEnd);
	}

	// The residual: what precedes the flow field, the field's tag and new length, the kept ranges, the rest.
	const tagBytes = varintLength((flowField << 3) | 2);
	const {keptCount, keptLength} = into;
	const lengthBytes = varintLength(keptLength);
	const residualLength = flowFieldStart + tagBytes + lengthBytes + keptLength + (bytes.length - flowEnd);
	const residual = into.reserve(residualLength);
	copyBytes(bytes, 0, flowFieldStart, residual, 0);
	let at = writeVarint(residual, flowFieldStart, (flowField << 3) | 2);
	at = writeVarint(residual, at, keptLength);
	for (let index = 0; index < keptCount; index++) {
		at = copyBytes(bytes, into.kept[index * 2]!, into.kept[index * 2 + 1]!, residual, at);
	}

	copyBytes(bytes, flowEnd, bytes.length, residual, at);
	into.residualLength = residualLength;
	return true;
}

/** Copies source[from, to) to target[at…]; returns where it ends. A loop: the ranges are short, and `set` needs a view of each. */
function copyBytes(source: Uint8Array, from: number, to: number, target: Uint8Array, at: number): number {
	let position = at;
	for (let index = from; index < to; index++) {
		target[position++] = source[index]!;
	}

	return position;
}

/** Splits a response with a flow; undefined when it has none or is not well-formed protobuf. */
export function splitFlowResponse(bytes: Uint8Array): SplitFlow | undefined {
	const split = new FlowSplit();
	if (!splitFlowResponseInto(bytes, split)) {
		return undefined;
	}

	return {
		residual: split.residual.slice(0, split.residualLength),
		// Uint8Array.from copies (a Buffer's slice() would be a view into the caller's bytes).
		parts: flowPartFields.map((_, part) => (split.partEnd[part] === 0 ? undefined : Uint8Array.from(split.partBytes[part]!.subarray(split.partStart[part], split.partEnd[part])))),
	};
}

/** The splitter the ring uses for gRPC flows (src/store/flow-ring.ts): one FlowSplit, reused. */
export function flowResponseSplitter(): {partCount: number; split(raw: Uint8Array): FlowSplit | undefined; join: typeof joinFlowResponse} {
	const split = new FlowSplit();
	return {
		partCount: flowPartFields.length,
		split: raw => (splitFlowResponseInto(raw, split) ? split : undefined),
		join: joinFlowResponse,
	};
}

/** The response again: the residual's flow with the parts appended (the same message to any decoder). */
export function joinFlowResponse(residual: Uint8Array, parts: ReadonlyArray<Uint8Array | undefined>): Uint8Array {
	const found = findFlow(residual);
	if (!found) {
		return residual;
	}

	const pieces = [residual.subarray(found.start, found.end), ...parts.filter((part): part is Uint8Array => part !== undefined)];
	return withFlow(residual, found, pieces, pieces.reduce((total, piece) => total + piece.length, 0));
}

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
import {varintBytes} from './protobuf-wire.js';

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
	while (cursor.at < bytes.length) {
		const fieldStart = cursor.at;
		const tag = readVarint(bytes, cursor);
		if (tag < 0) {
			return undefined;
		}

		if (Math.floor(tag / 8) === flowField && tag % 8 === 2) {
			const length = readVarint(bytes, cursor);
			if (length < 0 || cursor.at + length > bytes.length) {
				return undefined;
			}

			return {fieldStart, start: cursor.at, end: cursor.at + length};
		}

		if (skipField(bytes, cursor, tag % 8, bytes.length) < 0) {
			return undefined;
		}
	}

	return undefined;
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

/** Splits a response with a flow; undefined when it has none or is not well-formed protobuf. */
export function splitFlowResponse(bytes: Uint8Array): SplitFlow | undefined {
	const found = findFlow(bytes);
	if (!found) {
		return undefined;
	}

	const parts: Array<Uint8Array[] | undefined> = flowPartFields.map(() => undefined);
	const kept: Uint8Array[] = [];
	let keptLength = 0;
	const cursor = {at: found.start};
	let keptFrom = found.start;
	while (cursor.at < found.end) {
		const fieldStart = cursor.at;
		const tag = readVarint(bytes, cursor);
		if (tag < 0) {
			return undefined;
		}

		const fieldEnd = skipField(bytes, cursor, tag % 8, found.end);
		if (fieldEnd < 0) {
			return undefined;
		}

		const part = tag % 8 === 2 ? flowPartFields.indexOf(Math.floor(tag / 8) as (typeof flowPartFields)[number]) : -1;
		if (part >= 0) {
			if (fieldStart > keptFrom) {
				kept.push(bytes.subarray(keptFrom, fieldStart));
				keptLength += fieldStart - keptFrom;
			}

			(parts[part] ??= []).push(bytes.subarray(fieldStart, fieldEnd));
			keptFrom = fieldEnd;
		}
	}

	if (found.end > keptFrom) {
		kept.push(bytes.subarray(keptFrom, found.end));
		keptLength += found.end - keptFrom;
	}

	return {residual: withFlow(bytes, found, kept, keptLength), parts: parts.map(pieces => (pieces ? concatenate(pieces) : undefined))};
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

function concatenate(pieces: Uint8Array[]): Uint8Array {
	if (pieces.length === 1) {
		return pieces[0]!;
	}

	const result = new Uint8Array(pieces.reduce((total, piece) => total + piece.length, 0));
	let at = 0;
	for (const piece of pieces) {
		result.set(piece, at);
		at += piece.length;
	}

	return result;
}

/**
Splitting a GetFlowsResponse into its residual and its repeating parts (endpoints, policy lists) and
joining them again gives the same message to a full decoder, for every flow of the real captures; the
parts are what repeats, and anything that is not a well-formed response is left whole.
*/
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {encodeMessage, decodeMessage} from '../../src/stream/binary-codec.js';
import {flowPartFields, flowResponseSplitter, joinFlowResponse, splitFlowResponse} from '../../src/stream/flow-bytes.js';
import {varintBytes} from '../../src/stream/protobuf-wire.js';
import protobuf from 'protobufjs/minimal.js';
import {hubbleSchema} from '../../src/stream/hubble-schema.js';
import {parseResponseLine} from '../../src/stream/jsonpb-reader.js';
import {labStages} from '../helpers/lab-flows.js';
import {captureLines, captureNames} from '../helpers/real-flows.js';
import {makePolicy, makePolicyVerdict, response as responseOf} from '../fixtures/flows.js';

const {getFlowsResponse} = hubbleSchema();
// The real captures, and the lab's flows (the captures carry no policy lists).
const encoded = [
	...captureNames.flatMap(name => captureLines(name).map(line => parseResponseLine(line))),
	...labStages().flat(),
].flatMap(response => (response?.flow ? [Buffer.from(encodeMessage(getFlowsResponse, response))] : []));

describe('flow bytes split and joined', () => {
	test('every real and lab flow joins back to the same message, with its endpoints and policies as parts', () => {
		expect(encoded.length).toBeGreaterThan(500);
		let withPolicies = 0;
		for (const bytes of encoded) {
			const split = splitFlowResponse(bytes)!;
			expect(split).toBeDefined();
			expect(split.parts).toHaveLength(flowPartFields.length);
			expect(decodeMessage(getFlowsResponse, joinFlowResponse(split.residual, split.parts))).toEqual(decodeMessage(getFlowsResponse, bytes));
			const original = decodeMessage(getFlowsResponse, bytes) as {flow: Record<string, unknown>};
			// A part is there exactly when the flow has that field.
			expect(split.parts[0] !== undefined).toBe(original.flow['source'] !== undefined);
			expect(split.parts[1] !== undefined).toBe(original.flow['destination'] !== undefined);
			const residualFlow = (decodeMessage(getFlowsResponse, split.residual) as {flow: Record<string, unknown>}).flow;
			expect(residualFlow['source']).toBeUndefined();
			expect(residualFlow['egress_allowed_by'] ?? []).toEqual([]);
			if (split.parts.slice(2).some(Boolean)) {
				withPolicies++;
			}
		}

		expect(withPolicies).toBeGreaterThan(0);
	}, 60_000);

	test('the same pod gives byte-identical endpoint parts in different flows', () => {
		const byPod = new Map<string, Set<string>>();
		for (const bytes of encoded) {
			const flow = (decodeMessage(getFlowsResponse, bytes) as {flow: {source?: {namespace?: string; pod_name?: string}}}).flow;
			const pod = flow.source?.pod_name;
			if (pod) {
				const key = `${flow.source!.namespace}/${pod}`;
				const parts = byPod.get(key) ?? new Set();
				parts.add(Buffer.from(splitFlowResponse(bytes)!.parts[0]!).toString('base64'));
				byPod.set(key, parts);
			}
		}

		const repeated = [...byPod.values()].filter(parts => parts.size === 1).length;
		expect(repeated / byPod.size).toBeGreaterThan(0.5);
	});

	test('input that is not a response with a flow is left whole; whatever splits joins back to what a decoder reads the same (property)', () => {
		expect(splitFlowResponse(new Uint8Array([0x0a, 0x05, 0x01]))).toBeUndefined();
		let compared = 0;
		fc.assert(
			fc.property(
				fc.oneof(
					fc.uint8Array({maxLength: 200}),
					// A real flow with a few bytes changed.
					fc.tuple(fc.constantFrom(...encoded.slice(0, 50)), fc.array(fc.tuple(fc.nat(), fc.integer({min: 0, max: 255})), {maxLength: 3})).map(([bytes, changes]) => {
						const copy = Uint8Array.from(bytes);
						for (const [at, value] of changes) {
							copy[at % copy.length] = value;
						}

						return copy;
					}),
				),
				bytes => {
					const split = splitFlowResponse(bytes);
					let decoded: unknown;
					try {
						decoded = decodeMessage(getFlowsResponse, bytes);
					} catch {
						return;
					}

					if (split) {
						compared++;
						expect(decodeMessage(getFlowsResponse, joinFlowResponse(split.residual, split.parts))).toEqual(decoded);
					}
				},
			),
			{numRuns: 2000},
		);
		expect(compared).toBeGreaterThan(100);
	}, 60_000);

	test('one splitter reused from flow to flow splits fields in any order, repeated parts apart included (property)', () => {
		const splitter = flowResponseSplitter();
		// Policy lists of two and three entries, so that shuffling puts entries of one list apart.
		const severalPolicies = [
			makePolicyVerdict({ingress_allowed_by: [makePolicy('allow-all'), makePolicy('allow-web')]}),
			makePolicyVerdict({egress_allowed_by: [makePolicy('a'), makePolicy('b'), makePolicy('c')], ingress_denied_by: [makePolicy('deny-1'), makePolicy('deny-2')]}),
		].map(flow => Buffer.from(encodeMessage(getFlowsResponse, responseOf(flow))));
		let apart = 0;
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.constantFrom(...severalPolicies, ...encoded.slice(0, 200)), fc.array(fc.double({noNaN: true}), {minLength: 200, maxLength: 200})), {minLength: 1, maxLength: 8}), flows => {
				for (const [bytes, order] of flows) {
					const shuffled = withFlowFieldsShuffled(bytes, order);
					apart += partsApart(shuffled);
					const split = splitter.split(shuffled)!;
					expect(split).toBeDefined();
					const residual = split.residual.slice(0, split.residualLength);
					const parts = flowPartFields.map((_, index) => (split.partEnd[index] === 0 ? undefined : split.partBytes[index]!.slice(split.partStart[index], split.partEnd[index])));
					expect(decodeMessage(getFlowsResponse, joinFlowResponse(residual, parts))).toEqual(decodeMessage(getFlowsResponse, bytes));
				}
			}),
			{numRuns: 300},
		);
		// Some flows had a policy list's entries apart, which the splitter joins in a scratch buffer.
		expect(apart).toBeGreaterThan(0);
	}, 60_000);
});

/** The top-level fields of a message, as byte ranges. */
function fieldsOf(bytes: Uint8Array): Array<{number: number; bytes: Uint8Array}> {
	const reader = protobuf.Reader.create(bytes);
	const fields: Array<{number: number; bytes: Uint8Array}> = [];
	while (reader.pos < reader.len) {
		const start = reader.pos;
		const tag = reader.uint32();
		reader.skipType(tag & 7);
		fields.push({number: tag >>> 3, bytes: bytes.subarray(start, reader.pos)});
	}

	return fields;
}

/**
The response with its flow's fields in the order `order` gives (a random key per field), each field number's
occurrences still in their order (a decoder appends repeated fields in the order it reads them).
*/
function withFlowFieldsShuffled(bytes: Uint8Array, order: number[]): Uint8Array {
	const response = fieldsOf(bytes);
	const flowField = response.find(field => field.number === 1)!;
	const payloadStart = flowField.bytes.length - decodeLength(flowField.bytes);
	const fields = fieldsOf(flowField.bytes.subarray(payloadStart));
	const positions = fields.map((_, index) => index).sort((a, b) => (order[a % order.length]! - order[b % order.length]!) || a - b);
	// Positions taken by each field number, filled with its occurrences in their original order.
	const byNumber = new Map<number, Array<Uint8Array>>();
	for (const field of fields) {
		byNumber.set(field.number, [...(byNumber.get(field.number) ?? []), field.bytes]);
	}

	const placed = positions.map(index => byNumber.get(fields[index]!.number)!.shift()!);
	const payload = Buffer.concat(placed);
	const rest = response.filter(field => field !== flowField).map(field => field.bytes);
	return Buffer.concat([Buffer.from([...varintBytes((1 << 3) | 2), ...varintBytes(payload.length)]), payload, ...rest]);
}

/** The length of a length-delimited field's payload, from its tag and length. */
function decodeLength(field: Uint8Array): number {
	const reader = protobuf.Reader.create(field);
	reader.uint32();
	return reader.uint32();
}

/** How many part fields of the flow occur apart from their field's previous occurrence. */
function partsApart(bytes: Uint8Array): number {
	const flowField = fieldsOf(bytes).find(field => field.number === 1)!;
	const fields = fieldsOf(flowField.bytes.subarray(flowField.bytes.length - decodeLength(flowField.bytes)));
	let count = 0;
	for (let index = 1; index < fields.length; index++) {
		const number = fields[index]!.number;
		if ((flowPartFields as readonly number[]).includes(number) && fields[index - 1]!.number !== number && fields.slice(0, index).some(field => field.number === number)) {
			count++;
		}
	}

	return count;
}

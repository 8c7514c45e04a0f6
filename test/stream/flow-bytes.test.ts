/**
Splitting a GetFlowsResponse into its residual and its repeating parts (endpoints, policy lists) and
joining them again gives the same message to a full decoder, for every flow of the real captures; the
parts are what repeats, and anything that is not a well-formed response is left whole.
*/
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {encodeMessage, decodeMessage} from '../../src/stream/binary-codec.js';
import {flowPartFields, joinFlowResponse, splitFlowResponse} from '../../src/stream/flow-bytes.js';
import {hubbleSchema} from '../../src/stream/hubble-schema.js';
import {parseResponseLine} from '../../src/stream/jsonpb-reader.js';
import {labStages} from '../helpers/lab-flows.js';
import {captureLines, captureNames} from '../helpers/real-flows.js';

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
});

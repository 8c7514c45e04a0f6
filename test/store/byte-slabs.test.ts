/**
The ring's raw bytes live in slabs: each held flow reads back exactly the bytes it was pushed with (not a
view of a buffer the sender may reuse), evicted flows have none, and the slabs hold about the bytes of the
flows held — a full ring stops allocating.
*/
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {dropReasonNames} from '../../src/flow/drop-reason.js';
import type {FlowRecord} from '../../src/flow/flow-record.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {ByteSlabs} from '../../src/store/byte-slabs.js';
import {FlowRing} from '../../src/store/flow-ring.js';
import {makeFlow, response} from '../fixtures/flows.js';

const record = toFlowRecord(response(makeFlow()), new RecordLists(), dropReasonNames)!;

/** Distinct bytes for flow `sequence`: its number, repeated. */
function bytesOf(sequence: number, length: number): Uint8Array {
	const bytes = new Uint8Array(length);
	for (let index = 0; index < length; index++) {
		bytes[index] = (sequence * 31 + index) % 251;
	}

	return bytes;
}

describe('raw bytes in slabs', () => {
	test('every held flow reads back its own bytes, evicted ones none, whatever the sizes (property)', () => {
		fc.assert(
			fc.property(fc.integer({min: 1, max: 50}), fc.array(fc.integer({min: 0, max: 3000}), {minLength: 1, maxLength: 400}), (capacity, lengths) => {
				const ring = new FlowRing(capacity);
				// A reused receive buffer: pushing must copy, not keep a view.
				const receive = new Uint8Array(4096);
				for (const [sequence, length] of lengths.entries()) {
					receive.set(bytesOf(sequence, length));
					ring.push(record, receive.subarray(0, length));
					receive.fill(0);
				}

				for (let sequence = 0; sequence < lengths.length; sequence++) {
					const raw = ring.raw(sequence);
					if (sequence < ring.start) {
						expect(raw).toBeUndefined();
					} else {
						expect(raw).toEqual(bytesOf(sequence, lengths[sequence]!));
					}
				}
			}),
			{numRuns: 100},
		);
	}, 60_000);

	test('a flow without raw bytes has none, between flows that have them', () => {
		const ring = new FlowRing(4);
		ring.push(record, bytesOf(0, 10));
		ring.push(record);
		ring.push(record, bytesOf(2, 10));
		expect(ring.raw(1)).toBeUndefined();
		expect(ring.raw(2)).toEqual(bytesOf(2, 10));
	});

	test('a full ring holds about its flows\' bytes, however long it runs', () => {
		const slabBytes = 64 * 1024;
		const slabs = new ByteSlabs(slabBytes);
		const held = 1000;
		const length = 700;
		for (let sequence = 0; sequence < 50_000; sequence++) {
			slabs.append(sequence, bytesOf(sequence, length));
			slabs.release(sequence - held + 1);
			// The flows held, one slab partly filled at each end, and at most two spare.
			expect(slabs.heldBytes).toBeLessThanOrEqual(held * length + 4 * slabBytes);
		}
	}, 60_000);
});

describe('repeating parts kept once', () => {
	test('with the gRPC splitter, every held flow decodes as pushed; parts are shared and freed with their last flow', async () => {
		const {splitFlowResponse, flowResponseSplitter} = await import('../../src/stream/flow-bytes.js');
		const {encodeMessage, decodeMessage} = await import('../../src/stream/binary-codec.js');
		const {hubbleSchema} = await import('../../src/stream/hubble-schema.js');
		const {labStages} = await import('../helpers/lab-flows.js');
		const {getFlowsResponse} = hubbleSchema();
		const lists = new RecordLists();
		const flows = labStages()
			.flat()
			.filter(item => item.flow)
			.map(item => ({record: toFlowRecord(item, lists, dropReasonNames)!, raw: encodeMessage(getFlowsResponse, item)}));
		const capacity = 300;
		const ring = new FlowRing(capacity, flowResponseSplitter());
		let rawTotal = 0;
		for (const {record, raw} of flows) {
			ring.push(record, raw);
		}

		for (let sequence = ring.start; sequence < ring.end; sequence++) {
			const pushed = flows[sequence]!.raw;
			rawTotal += pushed.length;
			expect(decodeMessage(getFlowsResponse, ring.raw(sequence)!)).toEqual(decodeMessage(getFlowsResponse, pushed));
		}

		// Endpoints and policy lists are stored once: residuals and shared parts are under half the flows' bytes.
		expect(flows.length).toBeGreaterThan(capacity);
		const {interner} = ring as unknown as {interner: {distinct: number; heldBytes: number}};
		let residuals = 0;
		for (let sequence = ring.start; sequence < ring.end; sequence++) {
			residuals += splitFlowResponse(flows[sequence]!.raw)!.residual.length;
		}

		expect(residuals + interner.heldBytes).toBeLessThan(rawTotal / 2);
		expect(interner.distinct).toBeLessThan(100);
		// Flows without raw bytes push the others out, and with them every part.
		for (let index = 0; index < capacity; index++) {
			ring.push(flows[0]!.record);
		}

		expect(interner.distinct).toBe(0);
	}, 60_000);

	test('a workload of many replicas and a namespace of many policy lists still keep each part once', async () => {
		const {flowResponseSplitter} = await import('../../src/stream/flow-bytes.js');
		const {encodeMessage} = await import('../../src/stream/binary-codec.js');
		const {hubbleSchema} = await import('../../src/stream/hubble-schema.js');
		const {decodeFlowRecord} = await import('../../src/stream/flow-record-decoder.js');
		const {getFlowsResponse} = hubbleSchema();
		// 30 replicas of one workload (one identity), each flow naming its replica's two policies.
		const replicas = Array.from({length: 30}, (_, index) => ({
			identity: 51_000,
			namespace: 'shop',
			pod_name: `web-7d9c5b6f4-${String(index).padStart(5, 'x')}`,
			labels: ['k8s:app=web', 'k8s:io.kubernetes.pod.namespace=shop'],
		}));
		const policy = (name: string) => ({name, namespace: 'shop', kind: 'CiliumNetworkPolicy', revision: '1'});
		const server = {identity: 52_000, namespace: 'shop', pod_name: 'api-0', labels: ['k8s:app=api']};
		const ring = new FlowRing(1000, flowResponseSplitter());
		for (let index = 0; index < 5000; index++) {
			const replica = index % 30;
			const raw = encodeMessage(getFlowsResponse, {
				flow: {
					uuid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
					IP: {source: `10.0.0.${replica}`, destination: '10.0.1.1', ipVersion: 'IPv4'},
					l4: {TCP: {source_port: 32_768 + index, destination_port: 80}},
					source: replicas[replica],
					destination: server,
					event_type: {type: 5},
					verdict: 'FORWARDED',
					egress_allowed_by: [policy(`allow-web-${replica}`), policy('baseline')],
				},
			});
			ring.push(decodeFlowRecord(raw) as FlowRecord, raw);
		}

		// 30 source endpoints, one destination, 30 policy lists: each once, not once per flow.
		const {interner} = ring as unknown as {interner: {distinct: number}};
		expect(interner.distinct).toBe(61);
	});
});

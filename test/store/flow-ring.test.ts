import {describe, expect, test} from 'vitest';
import {dropReasonNames} from '../../src/flow/drop-reason.js';
import {newFlowRecord} from '../../src/flow/flow-record.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {FlowRing} from '../../src/store/flow-ring.js';
import {parseResponseLine} from '../../src/stream/jsonpb-reader.js';
import {makeFlow, makeHttpRequest, makePolicy, makePolicyVerdict, response} from '../fixtures/flows.js';
import {captureLines, captureNames} from '../helpers/real-flows.js';

const lists = new RecordLists();
const record = (uuid: string) => toFlowRecord(response(makeFlow({uuid})), lists, dropReasonNames)!;

describe('FlowRing', () => {
	test('names flows by growing sequence numbers and evicts the oldest when full', () => {
		const ring = new FlowRing(3);
		const pushed = ['a', 'b', 'c', 'd', 'e'].map(uuid => ring.push(record(uuid), Uint8Array.of(uuid.charCodeAt(0))));
		expect(pushed).toEqual([0, 1, 2, 3, 4]);
		expect([ring.start, ring.end, ring.size]).toEqual([2, 5, 3]);
		expect(ring.get(1)).toBeUndefined();
		expect(ring.get(2)?.uuid).toBe('c');
		expect(ring.get(4)?.uuid).toBe('e');
		expect(ring.raw(2)).toEqual(Uint8Array.of('c'.charCodeAt(0)));
	});

	test('an evicted selection answers undefined, never another flow', () => {
		const ring = new FlowRing(2);
		for (const uuid of ['a', 'b', 'c']) {
			ring.push(record(uuid));
		}

		expect(ring.get(0)).toBeUndefined();
		expect(ring.get(3)).toBeUndefined();
		expect(ring.get(1)?.uuid).toBe('b');
	});

	test('getInto writes a held record into the caller\'s scratch record, as get makes it; an evicted one leaves it alone', () => {
		const ring = new FlowRing(2);
		for (const uuid of ['a', 'b', 'c']) {
			ring.push(record(uuid));
		}

		const scratch = newFlowRecord();
		expect(ring.getInto(1, scratch)).toBe(scratch);
		expect(scratch).toEqual(ring.get(1));
		expect(ring.getInto(2, scratch)).toEqual(ring.get(2));
		expect(scratch.uuid).toBe('c');
		expect(ring.getInto(0, scratch)).toBeUndefined();
		expect(scratch.uuid).toBe('c');
	});

	test('keeps every field of a record through its columns (real captures and the lab\'s shapes)', () => {
		const records = [
			...captureNames.flatMap(name => captureLines(name).map(line => toFlowRecord(parseResponseLine(line), lists, dropReasonNames))),
			toFlowRecord(response(makePolicyVerdict({verdict: 'DROPPED', is_reply: undefined, ingress_denied_by: [makePolicy('deny')]})), lists, dropReasonNames),
			toFlowRecord(response(makeHttpRequest({l7: {type: 'RESPONSE', http: {code: 403, method: 'GET', url: 'http://x/'}}})), lists, dropReasonNames),
		].filter(record => record !== undefined);
		expect(records.length).toBeGreaterThan(800);
		const ring = new FlowRing(records.length);
		for (const item of records) {
			ring.push(item);
		}

		expect(records.map((_, sequence) => ring.get(sequence))).toEqual(records);
	});

	test('rejects a capacity that is not a positive whole number', () => {
		expect(() => new FlowRing(0)).toThrow(RangeError);
	});
});

import {describe, expect, test} from 'vitest';
import {dropReasonNames} from '../../src/flow/drop-reason.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {FlowRing} from '../../src/store/flow-ring.js';
import {makeFlow, response} from '../fixtures/flows.js';

const lists = new RecordLists();
const record = (uuid: string) => toFlowRecord(response(makeFlow({uuid})), lists, dropReasonNames)!;

describe('FlowRing', () => {
	test('names flows by growing sequence numbers and evicts the oldest when full', () => {
		const ring = new FlowRing(3);
		const pushed = ['a', 'b', 'c', 'd', 'e'].map(uuid => ring.push(record(uuid), Uint8Array.of(uuid.charCodeAt(0))));
		expect(pushed.map(result => result.sequence)).toEqual([0, 1, 2, 3, 4]);
		expect(pushed[3]!.evicted).toMatchObject({sequence: 0, record: {uuid: 'a'}});
		expect(pushed[4]!.evicted).toMatchObject({sequence: 1, record: {uuid: 'b'}});
		expect([ring.start, ring.end, ring.size]).toEqual([2, 5, 3]);
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

	test('rejects a capacity that is not a positive whole number', () => {
		expect(() => new FlowRing(0)).toThrow(RangeError);
	});
});

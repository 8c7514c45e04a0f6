/** The flow record's defaults: one literal for a new record, and a reset that leaves nothing behind. */
import {expect, test} from 'vitest';
import {newFlowRecord, resetFlowRecord, type FlowRecord} from '../../src/flow/flow-record.js';

test('a reset record equals a new one, whatever every field held before', () => {
	const record = newFlowRecord();
	// Every field changed: a field that resetFlowRecord forgets keeps this value and the comparison fails.
	const dirty = record as unknown as Record<string, unknown>;
	for (const [name, value] of Object.entries(newFlowRecord())) {
		if (name !== 'kind') {
			dirty[name] = typeof value === 'number' ? 7 : typeof value === 'boolean' ? !value : typeof value === 'string' ? 'x' : ['x'];
		}
	}

	expect(record).not.toEqual(newFlowRecord());
	resetFlowRecord(record as FlowRecord);
	expect(record).toEqual(newFlowRecord());
});

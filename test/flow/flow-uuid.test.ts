/** A flow's uuid as four words: every canonical uuid and only those, spelled back exactly as sent. */
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {newFlowRecord} from '../../src/flow/flow-record.js';
import {readUuidWords, setUuid, uuidText} from '../../src/flow/flow-uuid.js';

const withUuid = (text: string) => {
	const record = newFlowRecord();
	setUuid(record, text);
	return record;
};

describe('a flow uuid in words', () => {
	test('a canonical uuid goes into words and reads back as it came', () => {
		fc.assert(
			fc.property(fc.uint8Array({minLength: 16, maxLength: 16}), bytes => {
				const hex = Buffer.from(bytes).toString('hex');
				const text = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
				const record = withUuid(text);
				expect(record.isUuidInWords).toBe(true);
				expect(record.uuid).toBe('');
				expect(uuidText(record)).toBe(text);
				expect([record.uuidWord0, record.uuidWord1, record.uuidWord2, record.uuidWord3]).toEqual([0, 4, 8, 12].map(at => Buffer.from(bytes).readUInt32BE(at)));
			}),
			{numRuns: 500},
		);
		expect(uuidText(withUuid('00000000-0000-0000-0000-000000000000'))).toBe('00000000-0000-0000-0000-000000000000');
		expect(uuidText(withUuid('ffffffff-ffff-ffff-ffff-ffffffffffff'))).toBe('ffffffff-ffff-ffff-ffff-ffffffffffff');
	});

	test('anything else is kept as text, so it is shown as it was sent', () => {
		const others = [
			'',
			'uuid-5',
			'C1F907D5-EC15-479B-9439-F65CB5E19E72', // upper case: Go writes lower case
			'c1f907d5ec15479b9439f65cb5e19e72----',
			'c1f907d5-ec15-479b-9439f65cb5e19e72-', // a hyphen out of place
			'c1f907d5-ec15-479b-9439-f65cb5e19e7', // 35
			'c1f907d5-ec15-479b-9439-f65cb5e19e72a', // 37
			'c1f907d5-ec15-479b-9439-f65cb5e19e7g',
			'c1f907d5-ec15-479b_9439-f65cb5e19e72',
			'{1f907d5-ec15-479b-9439-f65cb5e19e72',
		];
		for (const text of others) {
			const record = withUuid(text);
			expect(record.isUuidInWords, text).toBe(false);
			expect(uuidText(record)).toBe(text);
		}
	});

	test('reading words from bytes leaves a record untouched when they are not a uuid', () => {
		const record = withUuid('c1f907d5-ec15-479b-9439-f65cb5e19e72');
		expect(readUuidWords(Buffer.from('c1f907d5-ec15-479b-9439-f65cb5e19eXX'), 0, record)).toBe(false);
		expect(uuidText(record)).toBe('c1f907d5-ec15-479b-9439-f65cb5e19e72');
		// At an offset, as the decoder reads it inside a message.
		expect(readUuidWords(Buffer.from('xx0123abcd-4567-89ab-cdef-0123456789abyy'), 2, record)).toBe(true);
		expect(uuidText(record)).toBe('0123abcd-4567-89ab-cdef-0123456789ab');
	});

	test('setting a text uuid clears the words of the one before', () => {
		const record = withUuid('c1f907d5-ec15-479b-9439-f65cb5e19e72');
		setUuid(record, 'uuid-5');
		expect(record).toEqual({...newFlowRecord(), uuid: 'uuid-5'});
	});
});

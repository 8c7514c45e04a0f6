/** The recent flow ids: what was added is found while recent, what was not is never found. */
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {RecentFlowIds} from '../../src/flow/recent-flow-ids.js';

type Words = [number, number, number, number];

describe('the recent flow ids', () => {
	test('model check: never finds an id it was not given, and finds at least the last capacity/2', () => {
		fc.assert(
			fc.property(
				fc.integer({min: 2, max: 64}),
				// Few distinct words, so that ids collide in the hash table and differ in one word only.
				fc.array(fc.tuple(fc.constantFrom(0, 1, 0xff_ff_ff_ff), fc.constantFrom(0, 7), fc.integer({min: 0, max: 40}), fc.integer({min: 0, max: 3})), {minLength: 1, maxLength: 400}),
				(capacity, stream) => {
					const ids = new RecentFlowIds(capacity);
					const added: string[] = [];
					for (const words of stream as Words[]) {
						const key = words.join(',');
						const recent = added.slice(-Math.floor(capacity / 2));
						const found = ids.hasUuid(...words);
						if (recent.includes(key)) {
							expect(found, key).toBe(true);
						}

						if (!added.includes(key)) {
							expect(found, key).toBe(false);
						}

						if (!found) {
							ids.addUuid(...words);
							added.push(key);
						}

						expect(ids.size).toBeLessThanOrEqual(capacity);
					}
				},
			),
			{numRuns: 300},
		);
	});

	test('ids that differ in one word only are told apart (a half-full table, long probe runs)', () => {
		for (let position = 0; position < 4; position++) {
			const ids = new RecentFlowIds(4096);
			const words = (value: number): Words => {
				const result: Words = [0x12_34_56_78, 0x9a_bc_de_f0, 0x0f_ed_cb_a9, 0x87_65_43_21];
				result[position] = value;
				return result;
			};

			for (let value = 0; value < 2000; value++) {
				ids.addUuid(...words(value));
			}

			for (let value = 0; value < 4000; value++) {
				expect(ids.hasUuid(...words(value)), `word ${position} = ${value}`).toBe(value < 2000);
			}
		}
	});

	test('forgets the oldest in bulk, as a RecentMap does', () => {
		const ids = new RecentFlowIds(8);
		for (let index = 0; index < 100; index++) {
			ids.addUuid(0, 0, 0, index);
		}

		expect(ids.hasUuid(0, 0, 0, 0)).toBe(false);
		expect(ids.hasUuid(0, 0, 0, 99)).toBe(true);
		expect(ids.size).toBeLessThanOrEqual(8);
	});

	test('other ids are kept apart from uuids in words', () => {
		const ids = new RecentFlowIds(16);
		ids.add('uuid-5');
		expect(ids.has('uuid-5')).toBe(true);
		expect(ids.has('uuid-6')).toBe(false);
		expect(ids.hasUuid(0, 0, 0, 0)).toBe(false);
		ids.addUuid(1, 2, 3, 4);
		expect(ids.hasUuid(1, 2, 3, 4)).toBe(true);
		expect(ids.hasUuid(4, 3, 2, 1)).toBe(false);
		expect(ids.size).toBe(2);
	});
});

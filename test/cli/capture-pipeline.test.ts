import {describe, expect, test} from 'vitest';
import type {GetFlowsResponse} from '../../src/flow/flow.js';
import {selectResponses, type CaptureSelection} from '../../src/cli/capture-pipeline.js';
import {makeFlow, response} from '../fixtures/flows.js';

const flows = (count: number) => Array.from({length: count}, (_, index) => response(makeFlow({uuid: `flow-${index}`})));
const lost: GetFlowsResponse = {lost_events: {source: 'HUBBLE_RING_BUFFER', num_events_lost: '1'}};

async function select(responses: GetFlowsResponse[], selection: Partial<CaptureSelection>): Promise<string[]> {
	const seen: string[] = [];
	async function* source() {
		yield* responses;
	}

	await selectResponses(source(), {predicate: () => true, ...selection}, item => seen.push(item.flow?.uuid ?? 'lost'));
	return seen;
}

describe('selecting responses from a capture (hubble io_reader_observer.go)', () => {
	test.each([
		[2, 5, ['flow-3', 'flow-4']],
		[5, 5, ['flow-0', 'flow-1', 'flow-2', 'flow-3', 'flow-4']],
		[7, 3, ['flow-0', 'flow-1', 'flow-2']],
	])('--last %i of %i flows keeps the newest, oldest first', async (last, count, expected) => {
		expect(await select(flows(count), {last})).toEqual(expected);
	});

	test('--last 0 and --first 0 select everything, as hubble sets no count for them', async () => {
		expect(await select(flows(3), {last: 0})).toEqual(['flow-0', 'flow-1', 'flow-2']);
		expect(await select(flows(3), {first: 0})).toEqual(['flow-0', 'flow-1', 'flow-2']);
	});

	test('lost events count towards --first and --last like any line', async () => {
		expect(await select([lost, ...flows(5)], {first: 2})).toEqual(['lost', 'flow-0']);
		expect(await select([...flows(3), lost], {last: 2})).toEqual(['flow-2', 'lost']);
	});

	test('time bounds read the response time; a response without one reads as 1970', async () => {
		const early = {...response(makeFlow({uuid: 'early'})), time: '2026-11-22T09:00:00Z'};
		const late = {...response(makeFlow({uuid: 'late'})), time: '2026-11-22T11:00:00Z'};
		const timeless = {flow: makeFlow({uuid: 'timeless'})};
		const ten = {seconds: Date.parse('2026-11-22T10:00:00Z') / 1000, nanos: 0};
		expect(await select([early, timeless, late], {since: ten})).toEqual(['late']);
		expect(await select([early, timeless, late], {until: ten})).toEqual(['early', 'timeless']);
	});

	test('reading stops once the consumer has gone away', async () => {
		let isStopped = false;
		const seen: string[] = [];
		async function* source() {
			for (const item of flows(5)) {
				yield item;
			}
		}

		await selectResponses(source(), {predicate: () => true, isStopped: () => isStopped}, item => {
			seen.push(item.flow!.uuid!);
			isStopped = seen.length === 2;
		});
		expect(seen).toEqual(['flow-0', 'flow-1']);
	});
});

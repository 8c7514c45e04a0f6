import {describe, expect, test} from 'vitest';
import {dropReasonNames} from '../../src/flow/drop-reason.js';
import type {Flow} from '../../src/flow/flow.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {parseFilterText} from '../../src/filters/filter-language.js';
import {FrameClock, RateMeter} from '../../src/store/frame-clock.js';
import {buildFrame, type Frame, type FrameInputs, type ViewState} from '../../src/store/frame.js';
import {FlowStore} from '../../src/store/flow-store.js';
import {makeFlow, makePolicy, makePolicyVerdict, response} from '../fixtures/flows.js';

const lists = new RecordLists();

function pushFlows(store: FlowStore, flows: Flow[]): void {
	for (const flow of flows) {
		store.push(toFlowRecord(response(flow), lists, dropReasonNames)!);
	}
}

const view: ViewState = {
	flowRows: 5,
	scrollTop: undefined,
	policyRows: 3,
	sparklineWidth: 10,
	sinceMark: false,
	showOverview: false,
	filterText: '',
};

function inputs(store: FlowStore, overrides: Partial<FrameInputs> = {}): FrameInputs {
	return {
		store,
		source: {label: 'test', state: 'connected', reconnects: 0},
		view,
		paused: undefined,
		flowsPerSecond: 0,
		markedAt: undefined,
		now: 1_000_000,
		...overrides,
	};
}

/** Flows numbered by their source port, one per second. */
const numbered = (count: number, from = 0) =>
	Array.from({length: count}, (_, index) =>
		makeFlow({
			time: `2026-11-22T10:00:${String((from + index) % 60).padStart(2, '0')}Z`,
			l4: {TCP: {source_port: 1000 + from + index, destination_port: 80}},
		}),
	);

const ports = (frame: Frame) => frame.rows.map(row => row.record?.sourcePort);

describe('frames', () => {
	test('follow the tail with a window as tall as the pane, or stay where the user scrolled', () => {
		const store = new FlowStore({capacity: 100});
		pushFlows(store, numbered(12));
		expect(ports(buildFrame(inputs(store)))).toEqual([1007, 1008, 1009, 1010, 1011]);
		const scrolled = buildFrame(inputs(store, {view: {...view, scrollTop: 2}}));
		expect(scrolled.firstRow).toBe(2);
		expect(ports(scrolled)).toEqual([1002, 1003, 1004, 1005, 1006]);
		// Scrolling past the end shows the last page.
		expect(buildFrame(inputs(store, {view: {...view, scrollTop: 50}})).firstRow).toBe(7);
	});

	test('show the filter\'s selection only', () => {
		const store = new FlowStore({capacity: 100});
		pushFlows(store, [...numbered(3), makeFlow({verdict: 'DROPPED', l4: {TCP: {source_port: 7, destination_port: 80}}}), ...numbered(3, 3)]);
		store.setFilter(parseFilterText('verdict:dropped'));
		const frame = buildFrame(inputs(store, {view: {...view, filterText: 'verdict:dropped'}}));
		expect(frame.matchCount).toBe(1);
		expect(ports(frame)).toEqual([7]);
		expect(frame.filterText).toBe('verdict:dropped');
	});

	test('a paused view keeps its rows while ingest goes on, counts what arrived, and marks evicted rows', () => {
		const store = new FlowStore({capacity: 10});
		pushFlows(store, numbered(10));
		const paused = {sequences: store.matches(), matchedAtPause: store.matchedTotal};
		pushFlows(store, numbered(3, 10));
		const frame = buildFrame(inputs(store, {paused, view: {...view, scrollTop: 0}}));
		expect(frame.paused).toBe(true);
		expect(frame.newWhilePaused).toBe(3);
		// The first three flows of the snapshot were pushed out of the 10-flow ring: they say so.
		expect(ports(frame)).toEqual([undefined, undefined, undefined, 1003, 1004]);
		expect(frame.rows[0]!.sequence).toBe(0);
	});

	test('carry the top policy rows, since the mark when asked, with per-second series', () => {
		const store = new FlowStore({capacity: 100});
		const allowed = (second: number) =>
			makePolicyVerdict({time: `2026-11-22T10:00:0${second}Z`, ingress_allowed_by: [makePolicy('allow-frontend-to-backend')]});
		const denied = makePolicyVerdict({time: '2026-11-22T10:00:09Z', verdict: 'DROPPED', ingress_denied_by: [makePolicy('deny-all')]});
		pushFlows(store, [allowed(1), allowed(1), allowed(3)]);
		store.mark();
		pushFlows(store, [denied]);
		const total = buildFrame(inputs(store));
		expect(total.policies.map(row => [row.name, row.counts.allowed, row.counts.denied])).toEqual([
			['deny-all', 0, 1],
			['allow-frontend-to-backend', 3, 0],
		]);
		expect(total.policies[1]!.allowedSeries).toEqual([0, 2, 0, 1, 0, 0, 0, 0, 0, 0]);
		const sinceMark = buildFrame(inputs(store, {view: {...view, sinceMark: true}, markedAt: 1_000_000 - 4500}));
		expect(sinceMark.policies.map(row => row.name)).toEqual(['deny-all']);
		expect(sinceMark.markAgeSeconds).toBe(4);
		expect(buildFrame(inputs(store)).overview).toBeUndefined();
		expect(buildFrame(inputs(store, {view: {...view, showOverview: true}})).overview?.flows).toBe(4);
	});
});

describe('the frame clock', () => {
	test('builds only when the store or the view changed, and at least once a second', () => {
		let version = 0;
		let now = 0;
		let built = 0;
		const clock = new FrameClock({
			fps: 10,
			version: () => version,
			build: () => ({builtAt: now}) as Frame,
			onFrame: () => built++,
			now: () => now,
		});
		expect(clock.tick()).toBe(true);
		now += 100;
		expect(clock.tick()).toBe(false);
		version++;
		expect(clock.tick()).toBe(true);
		now += 100;
		clock.invalidate();
		expect(clock.tick()).toBe(true);
		now += 999;
		expect(clock.tick()).toBe(false);
		now += 1;
		expect(clock.tick()).toBe(true);
		expect(built).toBe(4);
	});

	test('keeps --fps on a busy loop: a late tick does not push the next one back; far behind, it skips', () => {
		let now = 0;
		let version = 0;
		const delays: number[] = [];
		let pending: (() => void) | undefined;
		const clock = new FrameClock({
			fps: 10,
			version: () => ++version,
			build: () => ({builtAt: now}) as Frame,
			onFrame() {},
			now: () => now,
			setTimer(callback, milliseconds) {
				delays.push(milliseconds);
				pending = callback;
				return {} as NodeJS.Timeout;
			},
		});
		clock.start();
		// Every tick runs 30 ms after it was due (the loop was busy with ingest).
		for (let tick = 1; tick <= 10; tick++) {
			now = tick * 100 + 30;
			pending!();
		}

		expect(delays[0]).toBe(100);
		// Due at 200, 300, …: 70 ms after a tick that ran at 130, 230, …
		expect(delays.slice(1)).toEqual(Array.from({length: 10}, () => 70));
		// Ten ticks in 1,030 ms: 10 frames a second (setInterval's way, 100 ms after each, gave 7.7).
		// A tick 350 ms late starts the grid again from then: no burst of catch-up frames.
		now += 350;
		pending!();
		expect(delays.at(-1)).toBe(100);
		clock.stop();
	});

	test('refuses a frame rate outside 1-60', () => {
		const options = {version: () => 0, build: () => ({}) as Frame, onFrame() {}};
		expect(() => new FrameClock({...options, fps: 0})).toThrow(/--fps/);
		expect(() => new FrameClock({...options, fps: 120})).toThrow(/--fps/);
	});
});

test('the rate meter reports flows per second over its window', () => {
	const meter = new RateMeter(5000);
	expect(meter.sample(0, 0)).toBe(0);
	expect(meter.sample(1000, 500)).toBe(500);
	expect(meter.sample(2000, 1500)).toBe(750);
	// Old samples leave the window.
	expect(meter.sample(10_000, 1500)).toBe(0);
});

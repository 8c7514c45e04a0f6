import {describe, expect, test} from 'vitest';
import type {GetFlowsResponse} from '../../src/flow/flow.js';
import {DemoRelay, RequestError} from '../../src/relay/demo-relay.js';
import {defaultDemoRelayOptions} from '../../src/relay/demo-relay-server.js';
import {ScenarioFeed} from '../../src/relay/scenario-feed.js';
import {starWarsScenario} from '../../src/relay/scenarios/starwars.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';
import {PolicyTally} from '../../src/store/policy-tally.js';
import {flowTypeText} from '../../src/printer/flow-columns.js';

const start = Date.parse('2026-11-22T10:00:00Z');

function feed(scenario = zeroTrustScenario, seed = 7) {
	return new ScenarioFeed(scenario, {seed, rate: 100, stageSeconds: 10, startMilliseconds: start, lostEvery: 0});
}

/**
The responses of one stage (stages are 10 s long here), leaving out its first second: a round that
began in the previous stage may still be running then.
*/
function stage(index: number, scenario = zeroTrustScenario): GetFlowsResponse[] {
	const responses = feed(scenario).until(start + 10_000 * scenario.stages.length);
	return responses.filter(response => {
		const elapsed = Date.parse(response.time!) - start;
		return Math.floor(elapsed / 10_000) === index && elapsed % 10_000 >= 1000;
	});
}

function tallyOf(responses: GetFlowsResponse[]) {
	const tally = new PolicyTally();
	for (const response of responses) {
		tally.add(response);
	}

	return tally.summary().rows;
}

describe('scenario feeds', () => {
	test('are deterministic for a seed and differ between seeds', () => {
		const a = feed().until(start + 5000);
		expect(feed().until(start + 5000)).toEqual(a);
		expect(feed(zeroTrustScenario, 8).until(start + 5000)).not.toEqual(a);
		expect(a.length).toBeGreaterThan(400);
	});

	test('keep the requested rate and increasing times', () => {
		const responses = feed().until(start + 10_000);
		expect(responses.length).toBeGreaterThan(950);
		expect(responses.length).toBeLessThan(1050);
		const times = responses.map(response => response.time!);
		expect([...times].sort()).toEqual(times);
	});
});

describe('the zero-trust lab, stage by stage (shared/scenarios/README.md)', () => {
	test('1 allow-all: verdicts of match type all, attributed to allow-all in both directions', () => {
		const rows = tallyOf(stage(0));
		expect(rows.map(row => `${row.name} ${row.direction}`).sort()).toEqual(['allow-all EGRESS', 'allow-all INGRESS']);
		expect(stage(0).some(response => flowTypeText(response.flow!) === 'policy-verdict:all EGRESS')).toBe(true);
	});

	test('2 allow-dns: DNS goes through the proxy', () => {
		const types = new Set(stage(1).map(response => flowTypeText(response.flow!)));
		expect(types).toContain('dns-request proxy');
		expect(types).toContain('dns-response proxy');
		expect(tallyOf(stage(1)).find(row => row.name === 'allow-dns')?.direction).toBe('EGRESS');
	});

	test('3 L4: frontend → backend allowed by allow-frontend-egress and allow-frontend-to-backend at L3-L4', () => {
		const names = tallyOf(stage(2)).map(row => `${row.name} ${row.direction}`);
		expect(names).toEqual(expect.arrayContaining(['allow-frontend-egress EGRESS', 'allow-frontend-to-backend INGRESS']));
		expect(stage(2).some(response => flowTypeText(response.flow!) === 'policy-verdict:L3-L4 INGRESS')).toBe(true);
	});

	test('4 L7: REDIRECTED verdicts by allow-frontend-l7 and forwarded HTTP requests', () => {
		const responses = stage(3);
		const redirected = responses.filter(response => response.flow!.verdict === 'REDIRECTED' && response.flow!.l4?.TCP?.destination_port === 80);
		expect(redirected.length).toBeGreaterThan(0);
		expect(redirected.every(response => response.flow!.ingress_allowed_by?.[0]?.name === 'allow-frontend-l7')).toBe(true);
		expect(responses.filter(response => response.flow!.l7?.http).every(response => response.flow!.verdict === 'FORWARDED')).toBe(true);
	});

	test('5 default deny: world dropped by default deny, GET /get dropped at L7 and charged to allow-frontend-l7', () => {
		const responses = stage(4);
		const rows = tallyOf(responses);
		expect(rows[0]).toMatchObject({name: '(default deny)', namespace: 'shop', direction: 'EGRESS'});
		expect(rows.find(row => row.name === 'allow-frontend-l7')!.l7Denied).toBeGreaterThan(0);
		expect(rows.some(row => row.name === 'allow-all')).toBe(false);
		expect(responses.some(response => flowTypeText(response.flow!) === 'Policy denied' && response.flow!.destination?.identity === 2)).toBe(true);
		expect(responses.some(response => response.flow!.l7?.http?.code === 403)).toBe(true);
	});

	test('both clusters appear, as cluster names and node names', () => {
		const nodes = new Set(stage(0).map(response => response.node_name));
		expect(nodes).toEqual(new Set(zeroTrustScenario.nodes));
		expect(new Set(stage(0).map(response => response.flow!.source!.cluster_name))).toEqual(new Set(['cluster1', 'cluster2']));
	});
});

describe('the Star Wars demo', () => {
	test('with L3/L4 rule1 the xwing is denied by default deny and the tiefighter allowed by rule1', () => {
		const rows = tallyOf(stage(1, starWarsScenario));
		expect(rows.find(row => row.name === '(default deny)')).toMatchObject({namespace: 'default', direction: 'INGRESS'});
		expect(rows.find(row => row.name === 'rule1')!.allowed).toBeGreaterThan(0);
	});

	test('with L7 rule1 the exhaust-port PUT is an http-request DROPPED', () => {
		const dropped = stage(2, starWarsScenario).filter(response => response.flow!.l7?.http?.method === 'PUT');
		expect(dropped.some(response => response.flow!.verdict === 'DROPPED' && flowTypeText(response.flow!) === 'http-request')).toBe(true);
	});
});

describe('GetFlows on the demo relay', () => {
	function collect(relay: DemoRelay, request: Parameters<DemoRelay['getFlows']>[0]) {
		const sent: GetFlowsResponse[] = [];
		let isEnded = false;
		const drainListeners: Array<() => void> = [];
		let accepting = true;
		relay.getFlows(request, {
			send(response) {
				sent.push(response);
				return accepting;
			},
			end: () => (isEnded = true),
			onDrain: listener => drainListeners.push(listener),
			onClose: () => undefined,
		});
		return {
			sent,
			isEnded: () => isEnded,
			block: () => (accepting = false),
			drain() {
				accepting = true;
				for (const listener of drainListeners) {
					listener();
				}
			},
		};
	}

	test('starts with NODE_CONNECTED for every node, then history, and ends without follow', () => {
		let now = start;
		const relay = new DemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, backfillSeconds: 10, now: () => now});
		const stream = collect(relay, {number: '5'});
		expect(stream.sent[0]).toMatchObject({node_status: {state_change: 'NODE_CONNECTED', node_names: zeroTrustScenario.nodes}});
		expect(stream.sent.slice(1).length).toBe(5 * 4);
		expect(stream.isEnded()).toBe(true);
		now += 1000;
		relay.tick();
		expect(stream.sent.length).toBe(21);
	});

	test('a fast relay makes only the backfill its history can hold, and its stages keep their times', () => {
		const now = start;
		const rate = 20_000;
		const historyPerNode = 100;
		const capacity = historyPerNode * zeroTrustScenario.nodes.length;
		const relay = new DemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, rate, historyPerNode, now: () => now});
		// A whole cycle of stages back (5 × 30 s at 20,000/s) would be 3 million flows.
		expect(relay.history.seenFlows).toBeLessThan(3 * capacity);
		expect(relay.history.flowCount).toBe(capacity);
		const slow = new DemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, rate: 20, historyPerNode, now: () => now});
		expect(relay.stage()).toEqual(slow.stage());
		expect(relay.stage()!.index).toBe(1);
	});

	test('a source behind by more than the allowed lag skips ahead and counts what it skipped', () => {
		const source = feed();
		const first = source.until(start + 1000);
		expect(source.skippedMilliseconds).toBe(0);
		// 10 s later with at most 500 ms of lag: only the last half second is made.
		const late = source.until(start + 11_000, 500);
		expect(source.skippedMilliseconds).toBeGreaterThan(9000);
		const times = late.map(response => Date.parse(response.time!));
		expect(Math.min(...times)).toBeGreaterThanOrEqual(start + 10_500);
		expect(late.length).toBeLessThan(first.length);
		// Without a limit nothing is skipped.
		const all = feed().until(start + 11_000);
		expect(all.length).toBeGreaterThan(10 * first.length * 0.9);
	});

	test('first with follow is refused, as by Hubble', () => {
		const relay = new DemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, backfillSeconds: 0});
		expect(() => collect(relay, {first: true, follow: true})).toThrow(RequestError);
	});

	// Hubble reads each client's flows from its ring at the client's pace (relay/stream-outbox.ts).
	test('a follower that reads slowly gets every flow later, in order, while it lags less than the history', () => {
		let now = start;
		const relay = new DemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, backfillSeconds: 0, now: () => now});
		const stream = collect(relay, {follow: true});
		stream.block();
		now += 2000;
		relay.tick();
		const whileBlocked = stream.sent.length;
		stream.drain();
		const flows = stream.sent.filter(response => response.flow);
		expect(stream.sent.length).toBeGreaterThan(whileBlocked + 20);
		expect(stream.sent.some(response => response.lost_events?.source === 'HUBBLE_RING_BUFFER')).toBe(false);
		expect(new Set(flows.map(response => response.flow!.uuid)).size).toBe(flows.length);
		const times = flows.map(response => Date.parse(response.time!));
		expect(times).toEqual([...times].sort((a, b) => a - b));
	});

	test('a follower still reading a full history loses none of it to the live flows made meanwhile', () => {
		let now = start;
		const historyPerNode = 50;
		const relay = new DemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, rate: 1000, historyPerNode, now: () => now});
		const held = relay.history.flowCount;
		expect(held).toBe(historyPerNode * zeroTrustScenario.nodes.length);
		// A client that takes the node status and 10 flows, then makes the relay wait.
		const sent: GetFlowsResponse[] = [];
		let drain = () => undefined as void;
		relay.getFlows(
			{follow: true, number: String(held)},
			{send: response => sent.push(response) <= 11, end: () => undefined, onDrain: listener => (drain = listener), onClose: () => undefined},
		);
		expect(sent.length).toBeLessThan(held);
		const seenBefore = relay.history.seenFlows;
		now += 100;
		relay.tick();
		const live = relay.history.seenFlows - seenBefore;
		expect(live).toBeGreaterThan(50);
		const drained = (function readAll() {
			for (let before = -1; before !== sent.length; ) {
				before = sent.length;
				drain();
			}

			return sent;
		})();
		expect(drained.some(response => response.lost_events)).toBe(false);
		expect(drained.filter(response => response.flow)).toHaveLength(held + live);
	});

	test('a follower that lags by more than the history loses the oldest, and is told how many', () => {
		let now = start;
		const historyPerNode = 2;
		const relay = new DemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, historyPerNode, backfillSeconds: 0, now: () => now});
		const stream = collect(relay, {follow: true});
		stream.block();
		const blockedAt = stream.sent.length;
		const seenBefore = relay.history.seenFlows;
		now += 2000;
		relay.tick();
		// The first response after the block was still taken; the rest waited, and only the newest 8 (2 per node) fit.
		const produced = relay.history.seenFlows - seenBefore;
		stream.drain();
		const afterDrain = stream.sent.slice(blockedAt + 1);
		expect(afterDrain[0]!.lost_events).toMatchObject({source: 'HUBBLE_RING_BUFFER'});
		const kept = afterDrain.slice(1);
		expect(kept.length).toBe(historyPerNode * zeroTrustScenario.nodes.length);
		expect(Number(afterDrain[0]!.lost_events!.num_events_lost) + kept.length + 1).toBe(produced);
	});
});

/**
The FlowStore fed the zero-trust lab (shared/scenarios/README.md) the way ztop receives it: the demo
relay's scenario, encoded to GetFlowsResponse bytes, decoded by the hot-path decoder, with the raw bytes
kept for drill-down.
*/
import {describe, expect, test} from 'vitest';
import type {FlowRecord} from '../../src/flow/flow-record.js';
import type {GetFlowsResponse} from '../../src/flow/flow.js';
import {FilterError} from '../../src/filters/filter-error.js';
import {parseFilterText} from '../../src/filters/filter-language.js';
import type {FlowIndexes} from '../../src/store/flow-indexes.js';
import {FlowStore} from '../../src/store/flow-store.js';
import {encodeMessage} from '../../src/stream/binary-codec.js';
import {decodeFlowRecord} from '../../src/stream/flow-record-decoder.js';
import {hubbleSchema} from '../../src/stream/hubble-schema.js';
import {makePolicyVerdict, response} from '../fixtures/flows.js';
import {PolicyTally, type TallyRow} from '../../src/store/policy-tally.js';
import {labStageSeconds, labStages, labStart, pushResponses, storeOf} from '../helpers/lab-flows.js';
import {uuidText} from '../../src/flow/flow-uuid.js';

const start = labStart;
const stageSeconds = labStageSeconds;
const stages = labStages();
const push = pushResponses;

function referenceTally(responses: GetFlowsResponse[]): TallyRow[] {
	const tally = new PolicyTally();
	for (const response of responses) {
		tally.add(response);
	}

	return tally.summary().rows;
}

const all = stages.flat();

describe('live tallies', () => {
	test('count every flow as the headless tally does, with default-deny rows in the local namespace', () => {
		const store = storeOf(all, 1000);
		expect(store.received).toBe(all.filter(response => response.flow).length);
		// The ring holds 1000 flows; the tallies still count all of them.
		expect(store.ring.size).toBe(1000);
		const rows = store.tally.summary().rows;
		expect(rows).toEqual(referenceTally(all));
		const defaultDeny = rows.find(row => row.name === '(default deny)');
		expect(defaultDeny).toMatchObject({namespace: 'shop', direction: 'EGRESS'});
		expect(defaultDeny!.denied).toBeGreaterThan(0);
		expect(rows.find(row => row.name === 'allow-frontend-l7')!.l7Denied).toBeGreaterThan(0);
	});

	test('a mark sets a baseline: since-mark counts are what came after it, totals are kept', () => {
		const store = storeOf(stages.slice(0, 3).flat());
		const before = store.tally.summary().rows;
		store.mark();
		expect(store.tally.summary({sinceMark: true}).rows).toEqual([]);
		push(store, stages[4]!);
		expect(store.tally.summary({sinceMark: true}).rows).toEqual(referenceTally(stages[4]!));
		expect(store.tally.summary().rows).toEqual(referenceTally([...stages.slice(0, 3).flat(), ...stages[4]!]));
		// allow-frontend-to-backend (the L4 stage) had counts before the mark, none after, and keeps its total.
		const total = (rows: TallyRow[]) => rows.find(row => row.name === 'allow-frontend-to-backend')?.allowed;
		expect(total(before)).toBeGreaterThan(0);
		expect(total(store.tally.summary({sinceMark: true}).rows)).toBeUndefined();
		expect(total(store.tally.summary().rows)).toBe(total(before));
	});

	test('per cluster: each cluster\'s tally counts the flows its nodes observed, from the first flow on; the clusters add up to the whole', () => {
		const clusterOf = (response: GetFlowsResponse) => (response.node_name ?? response.flow?.node_name ?? '').split('/')[0]!;
		// The first stage's flows of cluster1 alone first: the store sees one cluster, then the second one.
		const first = stages[0]!.filter(response => !response.flow || clusterOf(response) === 'cluster1');
		const rest = [...stages[0]!.filter(response => response.flow && clusterOf(response) !== 'cluster1'), ...stages.slice(1, 3).flat()];
		const store = storeOf(first);
		expect(store.clusterTallies).toBeUndefined();
		store.mark();
		push(store, rest);
		const byCluster = (cluster: string, responses: GetFlowsResponse[]) => responses.filter(response => response.flow && clusterOf(response) === cluster);
		const tallies = store.clusterTallies!;
		expect([...tallies.keys()].sort()).toEqual(['cluster1', 'cluster2']);
		for (const cluster of ['cluster1', 'cluster2']) {
			expect(tallies.get(cluster)!.summary().rows).toEqual(referenceTally(byCluster(cluster, [...first, ...rest])));
			// The mark, set while only cluster1 was known, holds for both.
			expect(tallies.get(cluster)!.summary({sinceMark: true}).rows).toEqual(referenceTally(byCluster(cluster, rest)));
		}

		const sum = (rows: TallyRow[]) => rows.reduce((total, row) => total + row.allowed + row.denied + row.audited + row.l7Denied, 0);
		expect(sum(tallies.get('cluster1')!.summary().rows) + sum(tallies.get('cluster2')!.summary().rows)).toBe(sum(store.tally.summary().rows));
		expect(sum(tallies.get('cluster1')!.summary().rows)).toBeGreaterThan(0);
		expect(sum(tallies.get('cluster2')!.summary().rows)).toBeGreaterThan(0);
	});

	test('several sources whose node names name no cluster: each source\'s flows are its own cluster, named after it and marked', () => {
		const {getFlowsResponse} = hubbleSchema();
		const store = new FlowStore({capacity: 100});
		const east = store.addSource('east');
		const west = store.addSource('west');
		const push = (node: string, source: number) => {
			const bytes = encodeMessage(getFlowsResponse, response(makePolicyVerdict({node_name: node}), node));
			return store.push(decodeFlowRecord(bytes) as FlowRecord, bytes, source);
		};

		const fromEast = push('worker-1', east);
		const fromWest = push('worker-1', west);
		// A node that names its cluster keeps it, whatever the source.
		const meshed = push('cluster9/worker-2', west);
		expect([store.clusterOfFlow(fromEast), store.clusterOfFlow(fromWest), store.clusterOfFlow(meshed)]).toEqual(['east*', 'west*', 'cluster9']);
		expect(store.clusterCount).toBe(3);
		expect([...store.clusterTallies!.keys()].sort()).toEqual(['cluster9', 'east*', 'west*']);
		// One source: nothing is filled in.
		const single = new FlowStore({capacity: 100});
		single.addSource('only');
		const bytes = encodeMessage(getFlowsResponse, response(makePolicyVerdict({node_name: 'worker-1'}), 'worker-1'));
		expect(single.clusterOfFlow(single.push(decodeFlowRecord(bytes) as FlowRecord, bytes, 0))).toBe('');
	});

	test('per-second history follows the flows\' own time', () => {
		const store = storeOf(stages[0]!);
		const allowAll = store.tally.liveRows().find(row => row.name === 'allow-all' && row.direction === 'EGRESS')!;
		const lastSecond = Math.floor(start / 1000) + stageSeconds - 1;
		const series = allowAll.allowedHistory.series(lastSecond, stageSeconds);
		expect(series.reduce((sum, count) => sum + count, 0)).toBe(allowAll.allowed);
		expect(series.filter(count => count > 0).length).toBeGreaterThanOrEqual(stageSeconds - 1);
	});
});

describe('connection attribution', () => {
	const sequencesWhere = (store: FlowStore, predicate: (record: FlowRecord) => boolean) => {
		const sequences: number[] = [];
		for (let sequence = store.ring.start; sequence < store.ring.end; sequence++) {
			if (predicate(store.record(sequence)!)) {
				sequences.push(sequence);
			}
		}

		return sequences;
	};

	test('HTTP requests of the L7 stage carry the policies of their connection\'s verdicts on both sides', () => {
		const store = storeOf(stages[3]!);
		const requests = sequencesWhere(store, record => record.httpMethod === 'GET' && record.l7Type === 1);
		expect(requests.length).toBeGreaterThan(10);
		for (const sequence of requests) {
			const attribution = store.attribution(sequence)!;
			expect(attribution.ingress?.policies.map(policy => policy.name)).toEqual(['allow-frontend-l7']);
			expect(attribution.ingress?.isAllowed).toBe(true);
			expect(attribution.egress?.policies.map(policy => policy.name)).toEqual(['allow-frontend-egress']);
		}
	});

	test('to-endpoint traces of the L4 stage, and their replies, name allow-frontend-to-backend', () => {
		// Stages 1-3 in the store, so that a round begun in stage 2 still has its verdicts; traces from the
		// L4 stage's second second on.
		const store = storeOf(stages.slice(0, 3).flat());
		const l4StageStart = Math.floor(start / 1000) + 2 * stageSeconds + 1;
		const traces = sequencesWhere(
			store,
			record =>
				record.timeSeconds >= l4StageStart &&
				record.eventType === 4 &&
				[record.sourcePodName, record.destinationPodName].some(name => name.startsWith('backend')),
		);
		expect(traces.length).toBeGreaterThan(10);
		for (const sequence of traces) {
			expect(store.attribution(sequence)!.ingress?.policies.map(policy => policy.name)).toEqual(['allow-frontend-to-backend']);
		}
	});

	test('default-deny drops to the world are attributed as denied without a policy', () => {
		const store = storeOf(stages[4]!);
		const drops = sequencesWhere(store, record => record.verdict === 2 && record.destinationIdentity === 2);
		expect(drops.length).toBeGreaterThan(0);
		for (const sequence of drops) {
			expect(store.attribution(sequence)!.egress).toMatchObject({isAllowed: false, policies: []});
		}
	});
});

describe('filters over the store', () => {
	test('a filter switch selects exactly the matching flows of the ring, and new flows join on arrival', () => {
		// Up to the L4 stage nothing is dropped; the default-deny stage drops.
		const store = storeOf(stages.slice(0, 3).flat());
		store.setFilter(parseFilterText('verdict:dropped'));
		const dropped = (sequences: Float64Array) => [...sequences].every(sequence => store.record(sequence)!.verdict === 2);
		expect(store.matchCount).toBe(0);
		push(store, stages[4]!);
		expect(store.matchCount).toBeGreaterThan(0);
		expect(dropped(store.matches())).toBe(true);
		const expected = [...Array.from({length: store.ring.size}, (_, index) => store.ring.start + index)].filter(
			sequence => store.record(sequence)!.verdict === 2,
		);
		expect([...store.matches()]).toEqual(expected);
	});

	test('an invalid filter throws and the previous one stays', () => {
		const store = storeOf(stages[4]!);
		store.setFilter(parseFilterText('policy:allow-frontend-l7'));
		const count = store.matchCount;
		expect(count).toBeGreaterThan(0);
		expect(() => store.setFilter({allowlist: [{source_ip: ['not-an-ip']}], denylist: []})).toThrow(FilterError);
		expect(store.filter.allowlist[0]?.policy).toEqual(['allow-frontend-l7']);
		expect(store.matchCount).toBe(count);
	});

	test('bare words match fuzzily over the vocabulary (pods, policies), then resolve through the indexes', () => {
		const store = storeOf(stages[3]!);
		store.setFilter(parseFilterText('frontend-l7'));
		const matches = [...store.matches()];
		expect(matches.length).toBeGreaterThan(0);
		for (const sequence of matches) {
			const record = store.record(sequence)!;
			const policies = [...record.ingressAllowedBy, ...record.egressAllowedBy].map(policy => policy.name);
			expect(policies).toContain('allow-frontend-l7');
		}

		// A typo still finds the pod.
		store.setFilter(parseFilterText('kube-dsn'));
		expect(store.matchCount).toBeGreaterThan(0);
		for (const sequence of store.matches()) {
			const record = store.record(sequence)!;
			expect([record.sourcePodName, record.destinationPodName].some(name => name.startsWith('kube-dns'))).toBe(true);
		}
	});

	test('residual fields (no index) are checked on the full flow decoded from the raw bytes', () => {
		const store = storeOf(stages[2]!);
		store.setFilter(parseFilterText('--tcp-flags SYN'));
		expect(store.matchCount).toBeGreaterThan(0);
		for (const sequence of store.matches()) {
			expect(store.flow(sequence)!.l4?.TCP?.flags?.SYN).toBe(true);
		}
	});
});

describe('the ring behind the store', () => {
	test('evicted flows leave the indexes: their keys go from the vocabulary and their entries from the lists, also for keys no new flow has', () => {
		const store = new FlowStore({capacity: 100});
		// Every flow to a new address (a scan, a world of short-lived peers): 30,000 keys come and go.
		for (let index = 0; index < 30_000; index++) {
			const flow = makePolicyVerdict({IP: {source: '10.0.0.1', destination: `10.${index >> 16}.${(index >> 8) & 255}.${index & 255}`, ipVersion: 'IPv4'}});
			store.push(decodeFlowRecord(encodeMessage(hubbleSchema().getFlowsResponse, response(flow))) as FlowRecord);
		}

		const {indexes} = store as unknown as {indexes: FlowIndexes};
		const held = new Set<string>();
		for (let sequence = store.ring.start; sequence < store.ring.end; sequence++) {
			held.add(store.record(sequence)!.destinationIp);
		}

		expect([...indexes.keys('destinationIp')].sort()).toEqual([...held].sort());
		for (const address of held) {
			expect(indexes.postings('destinationIp', address)).toHaveLength(1);
		}

		// Keys of flows evicted since the last sweep may wait for the next one; never more than that.
		const {maps} = indexes as unknown as {maps: Array<Map<unknown, unknown>>};
		expect(Math.max(...maps.map(map => map.size))).toBeLessThanOrEqual(100 + 8192);
		expect(indexes.postings('sourceIp', '10.0.0.1')).toHaveLength(100);
		// A filter still selects exactly the held flows.
		expect(store.setFilter(parseFilterText('--to-ip 10.0.117.47'))).toBeUndefined();
		expect(store.matchCount).toBe(1);
	});

	test('an evicted selection answers undefined, never another flow', () => {
		const store = storeOf(stages[0]!.slice(0, 50), 20);
		const evicted = store.ring.start - 1;
		expect(store.record(evicted)).toBeUndefined();
		expect(store.flow(evicted)).toBeUndefined();
		expect(store.attribution(evicted)).toBeUndefined();
		const newest = store.ring.end - 1;
		expect(store.flow(newest)?.uuid).toBe(uuidText(store.record(newest)!));
	});

	test('overview aggregates count every flow seen', () => {
		const store = storeOf(all, 500);
		const overview = store.overview.snapshot(60);
		expect(overview.flows).toBe(store.received);
		expect(overview.dropReasons.find(reason => reason.name === 'Policy denied')?.count).toBeGreaterThan(0);
		// The lab's L7 denials (HTTP 403 from the proxy) have no datapath drop reason.
		expect(overview.dropReasons.find(reason => reason.name === 'L7 denied by the proxy')?.count).toBeGreaterThan(0);
		expect(overview.dropReasons.map(reason => reason.name)).not.toContain('Success');
		expect(overview.destinationPorts.map(port => port.name)).toEqual(expect.arrayContaining(['80/TCP', '53/UDP']));
		expect(overview.l7.map(entry => entry.name)).toEqual(expect.arrayContaining(['DNS', 'HTTP']));
		expect(overview.httpStatusClasses.map(entry => entry.name)).toEqual(expect.arrayContaining(['2xx', '4xx']));
		const typeTotal = overview.typeSeries.flatMap(type => type.series).reduce((sum, count) => sum + count, 0);
		expect(typeTotal).toBe(store.received);
	});
});

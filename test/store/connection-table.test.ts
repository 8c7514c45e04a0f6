/**
Connections aggregated on ingest: a real capture against a table worked out by hand, replies folded into
the connection they answer, world peers by DNS name, outcomes per side counted as the tallies count them,
clusters named when flows come from several, and the bound.
*/
import {describe, expect, test} from 'vitest';
import {dropReasonNames} from '../../src/flow/drop-reason.js';
import type {Flow} from '../../src/flow/flow.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {ConnectionAttributions} from '../../src/store/connection-attribution.js';
import {ConnectionTable, workloadNameOfPod, type Connection} from '../../src/store/connection-table.js';
import {parseResponseLine} from '../../src/stream/jsonpb-reader.js';
import {backend, frontend, makeFlow, makeHttpRequest, makePolicy, makePolicyVerdict, response, makeWorldDrop} from '../fixtures/flows.js';
import {captureLines} from '../helpers/real-flows.js';

const lists = new RecordLists();

function tableOf(flows: Flow[], withCluster = false, capacity?: number): ConnectionTable {
	const table = new ConnectionTable(capacity);
	const attributions = new ConnectionAttributions();
	for (const flow of flows) {
		const record = toFlowRecord(response(flow), lists, dropReasonNames)!;
		table.add(record, attributions.attribute(record), withCluster);
	}

	return table;
}

/** A connection as a line of the hand-made table. */
const row = (connection: Connection) =>
	`${connection.client.text} → ${connection.server.text} ${connection.port}/${connection.protocol} flows=${connection.flows} egress=${connection.egress.allowed}/${connection.egress.denied} ingress=${connection.ingress.allowed}/${connection.ingress.denied}`;

describe('connections', () => {
	test('a real capture (basic-sample-5-http-flows): three connections, its two replies folded, pods by workload', () => {
		const flows = captureLines('basic-sample-5-http-flows').map(line => parseResponseLine(line).flow!);
		const connections = tableOf(flows).all();
		// Worked out by hand from the five lines: prometheus asks three servers for /metrics; node-local-dns
		// answers twice, from two of its pods (the second answer's request is not in the capture).
		expect(connections.map(connection => row(connection)).sort()).toEqual([
			'istio-system/prometheus → kube-system/kube-dns 10054/TCP flows=1 egress=0/0 ingress=0/0',
			'istio-system/prometheus → kube-system/node-local-dns 9253/TCP flows=3 egress=0/0 ingress=0/0',
			'istio-system/prometheus → world 10.128.0.4 9990/TCP flows=1 egress=0/0 ingress=0/0',
		]);
		const local = connections.find(connection => connection.server.text === 'kube-system/node-local-dns')!;
		expect([...local.requests]).toEqual([['GET /metrics', 1]]);
		expect([...local.serverPods].sort()).toEqual(['kube-system/node-local-dns-6jnx9', 'kube-system/node-local-dns-r99x7']);
		expect([...local.clientPods]).toEqual(['istio-system/prometheus-6655946b9f-6xcpf']);
		expect(local.client).toMatchObject({namespace: 'istio-system', name: 'prometheus'});
	});

	test('outcomes per side as the tallies count them, with their policies; world by DNS name; an L7 drop to the redirecting policy', () => {
		const allow = makePolicy('allow-frontend-egress');
		const l7 = makePolicy('allow-frontend-l7');
		const web = {IP: {source: '10.0.1.10', destination: '10.0.2.20', ipVersion: 'IPv4' as const}, l4: {TCP: {source_port: 40_000, destination_port: 80}}};
		const table = tableOf([
			makePolicyVerdict({...web, traffic_direction: 'EGRESS', verdict: 'FORWARDED', egress_allowed_by: [allow]}),
			makePolicyVerdict({...web, destination: backend, traffic_direction: 'INGRESS', verdict: 'REDIRECTED', ingress_allowed_by: [l7]}),
			makeHttpRequest({...web, verdict: 'DROPPED', traffic_direction: 'INGRESS'}),
			// The reply of another connection of the same pair and port counts toward the same aggregate.
			makeFlow({IP: {source: '10.0.2.20', destination: '10.0.1.10', ipVersion: 'IPv4'}, l4: {TCP: {source_port: 80, destination_port: 40_001}}, source: backend, destination: frontend, is_reply: true}),
			makeWorldDrop(),
		]);
		const [toWorld, toBackend] = [...table.all()].sort((a, b) => b.port - a.port);
		expect(row(toBackend!)).toBe('shop/frontend → shop/backend 80/TCP flows=4 egress=1/0 ingress=1/0');
		expect(toBackend!.ingress.l7Denied).toBe(1);
		expect([...toBackend!.ingress.policies]).toEqual([['shop/allow-frontend-l7', 2]]);
		expect([...toBackend!.egress.policies]).toEqual([['shop/allow-frontend-egress', 1]]);
		expect([...toBackend!.requests]).toEqual([['GET /get', 1]]);
		expect(row(toWorld!)).toBe('shop/frontend → world example.com 443/TCP flows=1 egress=0/1 ingress=0/0');
		expect(toWorld!.server).toMatchObject({reserved: 'world', address: 'example.com'});
		expect([...toWorld!.egress.policies]).toEqual([['(default deny)', 1]]);
		expect([...toWorld!.dropReasons]).toEqual([['POLICY_DENIED', 1]]);
	});

	test('with flows from several clusters an endpoint names its cluster; the bound forgets the least recent first', () => {
		const inCluster = (cluster: string) => makeFlow({source: {...frontend, cluster_name: cluster}, destination: {...backend, cluster_name: cluster}});
		expect(tableOf([inCluster('cluster1'), inCluster('cluster2')], true).all().map(connection => connection.client.text).sort()).toEqual(['cluster1: shop/frontend', 'cluster2: shop/frontend']);
		expect(tableOf([inCluster('cluster1'), inCluster('cluster2')], false).all()).toHaveLength(1);

		const ports = Array.from({length: 1000}, (_, index) => makeFlow({l4: {TCP: {source_port: 40_000, destination_port: 1000 + index}}}));
		const bounded = tableOf(ports, false, 100);
		expect(bounded.size).toBeLessThanOrEqual(100);
		expect(bounded.evicted).toBe(1000 - bounded.size);
		// The newest connections are kept.
		expect(bounded.all().some(connection => connection.port === 1999)).toBe(true);
	});

	test('requests are kept by method and path: their query parameters do not make another kind', () => {
		const request = (url: string) => makeHttpRequest({l7: {type: 'REQUEST', http: {method: 'GET', url}}});
		const [connection] = tableOf([request('http://backend/items?id=1'), request('http://backend/items?id=2'), request('http://backend')]).all();
		expect([...connection!.requests]).toEqual([
			['GET /items', 2],
			['GET /', 1],
		]);
	});

	test('a pod name without workloads loses its ReplicaSet and Job hashes', () => {
		expect(workloadNameOfPod('frontend-79f5dbfc6c-d6gb7')).toBe('frontend');
		expect(workloadNameOfPod('node-local-dns-r99x7')).toBe('node-local-dns');
		expect(workloadNameOfPod('db-0')).toBe('db-0');
		expect(workloadNameOfPod('coredns')).toBe('coredns');
	});
});

describe('the store counts every flow toward its connection', () => {
	test('all the flows pushed, not only the ring\'s, and an ICMP flow by its type (read from the raw flow)', async () => {
		const {FlowStore} = await import('../../src/store/flow-store.js');
		const {decodeFullFlow} = await import('../../src/stream/flow-record-decoder.js');
		const {pushResponses} = await import('../helpers/lab-flows.js');
		const icmp = captureLines('basic-sample-400-icmpv4-flows').map(line => parseResponseLine(line));
		// A ring of 8 flows: the table still sees all of them.
		const store = new FlowStore({capacity: 8, decodeFlow: raw => decodeFullFlow(raw)});
		pushResponses(store, icmp);
		const flows = icmp.filter(each => each.flow).length;
		expect(store.received).toBe(flows);
		expect(store.ring.size).toBeLessThan(flows);
		const counted = store.connections.all();
		expect(counted.reduce((total, connection) => total + connection.flows, 0)).toBe(flows);
		expect(counted.every(connection => connection.protocol !== 'ICMPv4' || connection.icmpType !== undefined)).toBe(true);
		// Echo requests and replies are of one connection (the reply folds into its request), by type 8.
		const types = new Set(icmp.map(each => each.flow?.l4?.ICMPv4?.type));
		expect(types.has(8)).toBe(true);
		expect(counted.some(connection => connection.icmpType === 8)).toBe(true);
	});
});

describe('the connections view\'s list', () => {
	test('the filter (a verdict among it), the mark and the three orders', async () => {
		const {FlowStore} = await import('../../src/store/flow-store.js');
		const {parseFilterText} = await import('../../src/filters/filter-language.js');
		const {pushResponses} = await import('../helpers/lab-flows.js');
		const {labStages} = await import('../helpers/lab-flows.js');
		const store = new FlowStore();
		const stages = labStages();
		pushResponses(store, stages.slice(0, 4).flat());
		const all = store.connectionList('last-seen', '', false, 0);
		expect(all.length).toBe(store.connections.size);
		expect(all.map(connection => connection.lastSeen)).toEqual([...all.map(connection => connection.lastSeen)].sort((a, b) => b - a));
		const byFlows = store.connectionList('flows', '', false, 0);
		expect(byFlows.map(connection => connection.flows)).toEqual([...byFlows.map(connection => connection.flows)].sort((a, b) => b - a));

		// Stage 5 denies the world: only then do connections with denied flows exist, and `verdict:denied` finds them.
		store.mark();
		pushResponses(store, stages[4]!);
		store.setFilter(parseFilterText('verdict:denied'));
		const denied = store.connectionList('denied', 'verdict:denied', false, 1);
		expect(denied.length).toBeGreaterThan(0);
		expect(denied.every(connection => connection.egress.denied + connection.ingress.denied + connection.egress.l7Denied + connection.ingress.l7Denied > 0)).toBe(true);
		expect(denied.some(connection => connection.server.reserved === 'world')).toBe(true);
		store.setFilter(parseFilterText(''));
		// Since the mark: what stage 5 saw, not the connections only earlier stages had.
		const sinceMark = store.connectionList('last-seen', '', true, 2);
		expect(sinceMark.length).toBeGreaterThan(0);
		expect(sinceMark.every(connection => connection.lastSeen >= store.connectionsMarkSeconds!)).toBe(true);
	});
});

describe('the TUI\'s what-if over a ledger', () => {
	test('connections restored from a ledger, with no flow in this run, are judged when the what-if is set; a flow of one then counts as usual', async () => {
		const {FlowStore} = await import('../../src/store/flow-store.js');
		const {PolicySet} = await import('../../src/policy/policy-evaluator.js');
		const {candidatePolicies} = await import('../../src/policy/what-if.js');
		const {loadPolicyFiles} = await import('../helpers/lab-policies.js');
		const {labStages} = await import('../helpers/lab-flows.js');
		const filled = new ConnectionTable();
		const attributions = new ConnectionAttributions();
		for (const response of labStages()[3]!) {
			const record = response.flow && toFlowRecord(response, lists, dropReasonNames);
			if (record) {
				filled.add(record, attributions.attribute(record), true);
			}
		}

		const store = new FlowStore();
		for (const connection of filled.values()) {
			store.connections.restore(connection);
		}

		const baseline = loadPolicyFiles('zero-trust/stage4').policies;
		const candidate = new PolicySet(candidatePolicies(baseline, loadPolicyFiles('zero-trust/stage5').policies, ['allow-all']));
		store.setWhatIf({candidate, baseline: new PolicySet(baseline)});
		const rows = store.whatIf!.changes.rows();
		expect(store.received).toBe(0);
		expect(rows.some(row => row.change === 'breaks' && row.destination.startsWith('world') && row.port === '80/TCP' && row.direction === 'egress')).toBe(true);
		expect(rows.some(row => row.change === 'breaks' && row.destination === 'shop/backend' && row.after === 'denied (L7)')).toBe(true);
		expect(rows.every(row => row.change === 'breaks')).toBe(true);
	});
});

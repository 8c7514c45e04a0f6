/**
Rules (issue "Rules, not only policies"): 100,000 flows of the generated cluster world under 200 policies
written for it (bench/worlds/cluster-world.ts: per server workload and client namespace an ingress policy,
per client workload and server namespace an egress policy, each a rule per peer workload with its ports;
and 40 policies that select nothing that runs). Each figure against a baseline measured in the same run:
- per-rule counting (RuleHits) of every flow's evaluation, per flow, against the evaluation itself (each flow
  counted right after it is evaluated, as the store does on ingest); target ≤ 0.3 µs;
- what deleting each rule breaks, for every rule that admitted flows, over those flows
  (src/store/rule-deletions.ts), against one evaluation of every flow; target ≤ 3 s.
*/
import {dropReasonNames} from '../src/flow/drop-reason.js';
import type {FlowRecord} from '../src/flow/flow-record.js';
import {RecordLists, toFlowRecord} from '../src/flow/to-flow-record.js';
import {loadPolicyText} from '../src/policy/policy-documents.js';
import {PolicySet, type FlowEvaluation} from '../src/policy/policy-evaluator.js';
import {AdmittedFlows, judgeDeletions} from '../src/store/rule-deletions.js';
import {RuleHits} from '../src/store/rule-hits.js';
import {ClusterWorld} from './worlds/cluster-world.js';

const world = new ClusterWorld({seed: 3});
const lists = new RecordLists();
const records: FlowRecord[] = world
	.responses(100_000, Date.parse('2026-12-01T00:00:00Z'))
	.flatMap(response => toFlowRecord(response, lists, dropReasonNames) ?? []);

type Peer = {namespace: string; workload: string};
const policies: unknown[] = [];
const group = <Key extends string>(key: (connection: (typeof world.connections)[number]) => Key) => {
	const groups = new Map<Key, typeof world.connections>();
	for (const connection of world.connections) {
		if (connection.server.node === undefined) {
			continue;
		}

		const list = groups.get(key(connection)) ?? [];
		list.push(connection);
		groups.set(key(connection), list);
	}

	return groups;
};

const serverOf = (connection: (typeof world.connections)[number]) => connection.server as unknown as Peer;
const rulesOf = (peers: Map<string, {peer: Peer; ports: Set<number>}>, side: 'fromEndpoints' | 'toEndpoints') =>
	[...peers.values()].map(({peer, ports}) => ({
		[side]: [{matchLabels: {app: peer.workload, 'io.kubernetes.pod.namespace': peer.namespace}}],
		toPorts: [{ports: [...ports].sort((a, b) => a - b).map(port => ({port: String(port), protocol: 'TCP'}))}],
	}));
for (const [key, connections] of group(connection => `${serverOf(connection).namespace}/${serverOf(connection).workload}|${connection.client.namespace}` as const)) {
	const [server, clientNamespace] = key.split('|') as [string, string];
	const [namespace, workload] = server.split('/') as [string, string];
	const peers = new Map<string, {peer: Peer; ports: Set<number>}>();
	for (const connection of connections) {
		const entry = peers.get(connection.client.workload) ?? {peer: {namespace: connection.client.namespace, workload: connection.client.workload}, ports: new Set()};
		entry.ports.add(connection.port);
		peers.set(connection.client.workload, entry);
	}

	policies.push({apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: {name: `in-${workload}-from-${clientNamespace}`, namespace}, spec: {endpointSelector: {matchLabels: {app: workload}}, ingress: rulesOf(peers, 'fromEndpoints')}});
}

for (const [key, connections] of group(connection => `${connection.client.namespace}/${connection.client.workload}|${serverOf(connection).namespace}` as const)) {
	const [client, serverNamespace] = key.split('|') as [string, string];
	const [namespace, workload] = client.split('/') as [string, string];
	const peers = new Map<string, {peer: Peer; ports: Set<number>}>();
	for (const connection of connections) {
		const server = serverOf(connection);
		const entry = peers.get(server.workload) ?? {peer: server, ports: new Set()};
		entry.ports.add(connection.port);
		peers.set(server.workload, entry);
	}

	policies.push({apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: {name: `out-${workload}-to-${serverNamespace}`, namespace}, spec: {endpointSelector: {matchLabels: {app: workload}}, egress: rulesOf(peers, 'toEndpoints')}});
}

for (let index = 0; policies.length < 200; index++) {
	policies.push({apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: {name: `retired-${index}`, namespace: 'checkout'}, spec: {endpointSelector: {matchLabels: {app: `retired-${index}`}}, ingress: [{fromEndpoints: [{}]}]}});
}

const loaded = loadPolicyText(policies.map(policy => JSON.stringify(policy)).join('\n---\n'), 'bench').policies;
const ruleCount = loaded.reduce((total, policy) => total + policy.rules.reduce((sum, rule) => sum + (rule.ingress?.entries.length ?? 0) + (rule.egress?.entries.length ?? 0), 0), 0);
const set = new PolicySet(loaded);
const input = {record: records[0]!, fullFlow: () => undefined};
const evaluations: FlowEvaluation[] = records.map(record => set.evaluate({...input, record}));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const evaluateOnly: number[] = [];
const evaluateAndCount: number[] = [];
const evaluateAndCountAgain: number[] = [];
const rounds = 9;
/**
Evaluates every flow, counting each evaluation at once into `hits` when given: the live path's order. Each
evaluation is kept in a variable read after the loop, as the live path uses it: unused, the optimiser could
drop the objects it is made of and make the baseline cheaper than the store's evaluation.
*/
let lastEvaluation: FlowEvaluation | undefined;
const pass = (hits: RuleHits | undefined) => {
	const started = performance.now();
	for (const record of records) {
		input.record = record;
		const evaluation = set.evaluate(input);
		lastEvaluation = evaluation;
		hits?.count(record, evaluation);
	}

	return performance.now() - started;
};

for (let round = 0; round < rounds; round++) {
	evaluateOnly.push(pass(undefined));
	// Counted as the store counts on ingest: each flow right after its evaluation, while the flow and its
	// evaluation are in the processor's caches. A first pass makes the entries of every connection and list
	// of rules; a second, into the same counts, is a long run's steady state.
	const hits = new RuleHits();
	evaluateAndCount.push(pass(hits));
	evaluateAndCountAgain.push(pass(hits));
}

if (lastEvaluation === undefined) {
	throw new Error('no flow was evaluated');
}

const microseconds = (milliseconds: number) => (milliseconds * 1000) / records.length;
const baseline = microseconds(median(evaluateOnly));
const added = microseconds(median(evaluateAndCount)) - baseline;
const steady = microseconds(median(evaluateAndCountAgain)) - baseline;
// Counting over evaluations made earlier (the flows no longer in the caches): what the count itself touches.
const cold = new RuleHits();
const coldStarted = performance.now();
for (let index = 0; index < records.length; index++) {
	cold.count(records[index]!, evaluations[index]!);
}

const coldCounting = microseconds(performance.now() - coldStarted);
console.log(`rules: ${loaded.length} policies, ${ruleCount} rules, ${records.length.toLocaleString('en-US')} flows of the cluster world (median of ${rounds})`);
console.log(`  baseline: evaluating every flow             ${baseline.toFixed(2)} µs per flow`);
console.log(`  per-rule counting as each is evaluated       +${added.toFixed(2)} µs per flow (${((added / baseline) * 100).toFixed(0)}% of the evaluation)   target ≤ +0.3 µs: ${added <= 0.3 ? 'met' : 'NOT met'}`);
console.log(`  the same, every connection seen before       +${steady.toFixed(2)} µs per flow (${((steady / baseline) * 100).toFixed(0)}% of the evaluation)   target ≤ +0.3 µs: ${steady <= 0.3 ? 'met' : 'NOT met'}`);
console.log(`  (counting alone over evaluations made earlier, out of the caches: ${coldCounting.toFixed(2)} µs per flow)`);

const admitted = new AdmittedFlows();
records.forEach((record, index) => admitted.add(record, evaluations[index]!, () => undefined));
const started = performance.now();
const deletions = judgeDeletions(loaded, admitted);
const judged = performance.now() - started;
const breaking = [...deletions.values()].filter(deletion => deletion.breaks.length > 0).length;
console.log(
	`  what deleting each rule breaks: ${deletions.size} rules that admitted flows judged in ${(judged / 1000).toFixed(2)} s (target ≤ 3 s: ${judged <= 3000 ? 'met' : 'NOT met'}); ${breaking} would break something; baseline one evaluation of every flow ${(median(evaluateOnly) / 1000).toFixed(2)} s`,
);

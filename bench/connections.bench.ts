/**
Connections at scale (issue "Connections, not packets"): a generated cluster world with 100,000 distinct
connections (bench/worlds/cluster-world.ts: 120 workloads in 4 namespaces, 16 labels a pod, client ports
renewed on every use), counted into the connection table from decoded flow records. Each figure has a
baseline measured in the same run:
- heap per connection (a fresh process with --expose-gc) vs the FlowRecords of one flow per connection
  (what any store that kept one flow for each must hold); target ≤ 60 MB for 100,000;
- the ledger written by the CLI's LedgerFile (encode, temporary file, fsync, rename) and its size, vs
  JSON.stringify of one flow record per connection; targets ≤ 1 s, ≤ 50 MB;
- the ledger read back (read, check, restore into a table) vs JSON.parse of that baseline; target ≤ 2 s;
- what-if over the whole ledger (every connection judged by its samples under a candidate set) vs one
  evaluation per connection of its first sample; target ≤ 1 s.
*/
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {LedgerFile} from '../src/cli/ledger-file.js';
import {dropReasonNames} from '../src/flow/drop-reason.js';
import type {FlowRecord} from '../src/flow/flow-record.js';
import {RecordLists, toFlowRecord} from '../src/flow/to-flow-record.js';
import {loadPolicyText} from '../src/policy/policy-documents.js';
import {PolicySet} from '../src/policy/policy-evaluator.js';
import {ConnectionChanges} from '../src/policy/what-if.js';
import {ConnectionAttributions} from '../src/store/connection-attribution.js';
import {judgeConnection} from '../src/store/connection-judging.js';
import {sampleFlowDetail, sampleRecord} from '../src/store/connection-samples.js';
import {ConnectionTable} from '../src/store/connection-table.js';
import {ClusterWorld} from './worlds/cluster-world.js';

const target = 100_000;
const namespaces = ['checkout', 'catalog', 'identity', 'analytics'];

/** Flow records of the world until `target` distinct connections are counted (and the attributions the store would give them). */
function worldRecords(): {records: FlowRecord[]; table: ConnectionTable} {
	const world = new ClusterWorld({workloads: 120, connections: 160_000, seed: 5});
	const lists = new RecordLists();
	const attributions = new ConnectionAttributions();
	const table = new ConnectionTable(target * 2);
	const records: FlowRecord[] = [];
	let start = Date.parse('2026-12-01T00:00:00Z');
	while (table.size < target) {
		for (const response of world.responses(50_000, start)) {
			const record = toFlowRecord(response, lists, dropReasonNames);
			if (record) {
				records.push(record);
				table.add(record, attributions.attribute(record), false);
			}
		}

		start += 60_000;
	}

	return {records, table};
}

/** Retained heap of the table alone, or of one flow record per connection: run in a fresh process. */
function heapOf(mode: 'table' | 'records'): number {
	const gc = (globalThis as {gc?: () => void}).gc!;
	const {records, table} = worldRecords();
	const kept = mode === 'records' ? firstRecordPerConnection(table) : [];
	const drop = mode === 'records' ? table : undefined;
	records.length = 0;
	gc();
	gc();
	const with_ = process.memoryUsage().heapUsed;
	// What is measured is let go, and the heap measured again: the difference is what it held.
	const size = mode === 'table' ? table.size : kept.length;
	if (mode === 'table') {
		(table as unknown as {connections: unknown}).connections = undefined;
	} else {
		kept.length = 0;
	}

	gc();
	gc();
	const without = process.memoryUsage().heapUsed;
	return drop === undefined || size > 0 ? (with_ - without) / size : 0;
}

function firstRecordPerConnection(table: ConnectionTable): FlowRecord[] {
	return [...table.values()].map(connection => ({...sampleRecord(connection.samples[0]!, connection)}));
}

const policyText = namespaces
	.map(
		namespace => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: baseline, namespace: ${namespace}}
spec:
  endpointSelector: {}
  ingress: [{fromEntities: [cluster]}]
  egress: [{toEntities: [cluster, world]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-only, namespace: ${namespace}}
spec:
  endpointSelector: {matchLabels: {tier: web}}
  ingress: [{fromEndpoints: [{}], toPorts: [{ports: [{port: "8080", protocol: TCP}]}]}]
`,
	)
	.join('---\n');

const mode = process.argv[2];
if (mode === 'table' || mode === 'records') {
	console.log(JSON.stringify({bytesPerConnection: heapOf(mode)}));
} else {
	const heap = (which: 'table' | 'records') =>
		(JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), which], {encoding: 'utf8'})) as {bytesPerConnection: number}).bytesPerConnection;
	const tableBytes = heap('table');
	const recordBytes = heap('records');
	const {table} = worldRecords();
	const connections = table.size;
	const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
	const seconds = (milliseconds: number) => `${(milliseconds / 1000).toFixed(2)} s`;
	console.log(`connections: ${connections.toLocaleString('en-US')} distinct connections of a generated cluster world`);
	console.log(
		`  heap: ${Math.round(tableBytes)} B per connection, ${megabytes(tableBytes * target)} for 100,000 (target ≤ 60 MB: ${tableBytes * target <= 60 * 1024 * 1024 ? 'met' : 'NOT met'}); baseline one flow record each ${Math.round(recordBytes)} B (${(tableBytes / recordBytes).toFixed(2)}×)`,
	);

	const directory = mkdtempSync(path.join(tmpdir(), 'ztop-ledger-bench-'));
	try {
		const file = path.join(directory, 'bench.ledger');
		const ledger = new LedgerFile(file);
		const written = ledger.write(table.values(), table.size);
		ledger.unlock();
		if (!written.written) {
			throw new Error(`the ledger was not written: ${written.reason}`);
		}

		const naiveStarted = performance.now();
		const naive = JSON.stringify(firstRecordPerConnection(table));
		const naiveWrite = performance.now() - naiveStarted;
		const bytes = statSync(file).size;
		console.log(
			`  ledger write: ${seconds(written.milliseconds)} (target ≤ 1 s: ${written.milliseconds <= 1000 ? 'met' : 'NOT met'}), ${megabytes(bytes)} (target ≤ 50 MB: ${bytes <= 50 * 1024 * 1024 ? 'met' : 'NOT met'}); baseline JSON.stringify of one record each ${seconds(naiveWrite)}, ${megabytes(naive.length)}`,
		);

		const loadStarted = performance.now();
		const read = new LedgerFile(file);
		const loaded = new ConnectionTable(target * 2);
		for (const connection of read.loaded) {
			loaded.restore(connection);
		}

		const load = performance.now() - loadStarted;
		read.unlock();
		const parseStarted = performance.now();
		JSON.parse(naive);
		const naiveLoad = performance.now() - parseStarted;
		console.log(`  ledger load: ${seconds(load)} for ${loaded.size.toLocaleString('en-US')} connections (target ≤ 2 s: ${load <= 2000 ? 'met' : 'NOT met'}); baseline JSON.parse of one record each ${seconds(naiveLoad)}`);

		const baseline = new PolicySet(loadPolicyText(policyText, 'bench').policies);
		// The candidate: the world taken away from every namespace's egress.
		const candidate = new PolicySet(loadPolicyText(policyText.replaceAll('[cluster, world]', '[cluster]'), 'bench').policies);
		const whatIfStarted = performance.now();
		const changes = new ConnectionChanges();
		for (const connection of loaded.values()) {
			judgeConnection(connection, {candidate, baseline}, changes);
		}

		const whatIf = performance.now() - whatIfStarted;
		const evaluateStarted = performance.now();
		for (const connection of loaded.values()) {
			const sample = connection.samples[0]!;
			candidate.evaluate({record: sampleRecord(sample, connection), fullFlow: () => sampleFlowDetail(connection)});
		}

		const evaluateOnce = performance.now() - evaluateStarted;
		const {breaks} = changes.totals();
		console.log(
			`  what-if over the ledger: ${seconds(whatIf)} (target ≤ 1 s: ${whatIf <= 1000 ? 'met' : 'NOT met'}), ${changes.rows().length} changed rows, ${breaks.toLocaleString('en-US')} flows break; baseline one evaluation of one sample each ${seconds(evaluateOnce)}`,
		);
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}
}

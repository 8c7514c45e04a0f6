/**
`-o what-if-json` and `-o what-if` over a capture of the zero-trust lab: each stage's policies
(shared/scenarios/policies) evaluated for the lab's connections, and the rollout's riskiest step —
apply stage 5, delete allow-all — listed as what breaks.
*/
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {beforeAll, describe, expect, test} from 'vitest';
import type {GetFlowsResponse} from '../../src/flow/flow.js';
import {labStages} from '../helpers/lab-flows.js';
import {policiesDirectory} from '../helpers/lab-policies.js';
import {runZtop} from '../helpers/run-ztop.js';

type DirectionJson = {verdict: string; by: string[]; reason: string | null; proxy: boolean};
type Line = {uuid: string; now: string; change: string | null; egress: DirectionJson; ingress: DirectionJson};

const flows = labStages().flat().filter(response => response.flow);
let capture: string;

beforeAll(() => {
	capture = path.join(mkdtempSync(path.join(tmpdir(), 'ztop-what-if-')), 'lab.json');
	writeFileSync(capture, flows.map(response => JSON.stringify(response)).join('\n') + '\n');
});

const stageDirectory = (stage: number) => path.join(policiesDirectory, 'zero-trust', `stage${stage}`);

/** The first flow of a connection kind, and its line of output. */
function pick(lines: Line[], predicate: (response: GetFlowsResponse) => boolean): Line {
	const index = flows.findIndex(response => predicate(response));
	expect(index).toBeGreaterThanOrEqual(0);
	expect(lines[index]!.uuid).toBe(flows[index]!.flow!.uuid);
	return lines[index]!;
}

const isForward = (response: GetFlowsResponse) => response.flow!.is_reply === false;
const toDns = (response: GetFlowsResponse) => isForward(response) && response.flow!.destination?.namespace === 'kube-system' && response.flow!.event_type?.type === 4;
const toBackend = (response: GetFlowsResponse) => isForward(response) && response.flow!.destination?.pod_name?.startsWith('backend') === true && response.flow!.event_type?.type === 4;
const toWorld = (response: GetFlowsResponse) => isForward(response) && response.flow!.IP?.destination === '1.1.1.1';
const httpGet = (response: GetFlowsResponse) => response.flow!.l7?.http?.url?.endsWith('/get') === true && response.flow!.l7.type === 'REQUEST';

async function whatIf(stage: number): Promise<Line[]> {
	const result = await runZtop(['--input-file', capture, '--what-if-apply', stageDirectory(stage), '-o', 'what-if-json']);
	expect(result.exitCode).toBe(0);
	const lines = result.stdout.trim().split('\n').map(line => JSON.parse(line) as Line);
	expect(lines).toHaveLength(flows.length);
	return lines;
}

describe('-o what-if-json on the lab, stage by stage', () => {
	test.each([
		[1, ['shop/allow-all'], false, ['shop/allow-all'], ['shop/allow-all'], 'allowed', 'allowed'],
		[2, ['shop/allow-all', 'shop/allow-dns'], true, ['shop/allow-all'], ['shop/allow-all'], 'allowed', 'allowed'],
		[3, ['shop/allow-all', 'shop/allow-dns'], true, ['shop/allow-all', 'shop/allow-frontend-egress'], ['shop/allow-all', 'shop/allow-frontend-to-backend'], 'allowed', 'allowed'],
		[4, ['shop/allow-all', 'shop/allow-dns'], true, ['shop/allow-all', 'shop/allow-frontend-egress'], ['shop/allow-all', 'shop/allow-frontend-l7'], 'allowed', 'allowed'],
		[5, ['shop/allow-dns'], true, ['shop/allow-frontend-egress'], ['shop/allow-frontend-l7'], 'denied', 'denied'],
	])('stage %i', async (stage, dnsBy, dnsProxy, backendEgressBy, backendIngressBy, getVerdict, worldVerdict) => {
		const lines = await whatIf(stage);
		const dns = pick(lines, toDns);
		expect(dns.egress).toEqual({verdict: 'allowed', by: dnsBy, reason: null, proxy: dnsProxy});
		expect(dns.ingress.verdict).toBe('not-enforced');
		const backend = pick(lines, toBackend);
		expect(backend.egress).toMatchObject({verdict: 'allowed', by: backendEgressBy});
		expect(backend.ingress).toMatchObject({verdict: 'allowed', by: backendIngressBy, proxy: stage >= 4});
		const get = pick(lines, httpGet);
		expect(get.ingress.verdict).toBe(getVerdict);
		const world = pick(lines, toWorld);
		expect(world.egress).toMatchObject({verdict: worldVerdict, reason: worldVerdict === 'denied' ? 'default-deny' : null, by: worldVerdict === 'denied' ? [] : ['shop/allow-all']});
	});

	test('apply stage 5 and delete allow-all on top of stage 4: frontend → world and GET /get break, nothing else', async () => {
		const result = await runZtop([
			'--input-file',
			capture,
			'--policies',
			stageDirectory(4),
			'--what-if-apply',
			stageDirectory(5),
			'--what-if-delete',
			'allow-all',
			'-o',
			'what-if-json',
		]);
		// The lab's default-deny.yaml is reported as rejected, and the run goes on.
		expect(result.stderr).toContain('shop/default-deny is rejected by Cilium (rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny)');
		expect(result.exitCode).toBe(0);
		const lines = result.stdout.trim().split('\n').map(line => JSON.parse(line) as Line);
		const breaking = new Set(lines.filter(line => line.change === 'breaks').map(line => line.uuid));
		for (const [index, response] of flows.entries()) {
			// Every first packet to the world (forwarded then, or dropped when the capture reached stage 5), and GET /get.
			const isToWorld = response.flow!.destination?.identity === 2 && response.flow!.is_reply !== true;
			const expected = isToWorld || httpGet(response);
			expect(breaking.has(response.flow!.uuid!), JSON.stringify(lines[index])).toBe(expected);
		}

		expect(lines.some(line => line.change === 'fixes')).toBe(false);
	});

	test('-o what-if lists the breaking connections with the policies that would decide', async () => {
		const result = await runZtop(['--input-file', capture, '--policies', stageDirectory(4), '--what-if-apply', stageDirectory(5), '--what-if-delete', 'allow-all', '-o', 'what-if']);
		expect(result.stdout).toMatch(/^CHANGE\s+FLOWS\s+SOURCE\s+DESTINATION\s+PORT\s+DIRECTION\s+NOW\s+AFTER\s+DECIDED BY$/m);
		expect(result.stdout).toMatch(/^breaks\s+\d+\s+shop\/frontend\s+world 1\.1\.1\.1\s+80\/TCP\s+egress\s+allowed\s+denied \(default deny\)\s+egress enforced by shop\/allow-dns, shop\/allow-frontend-egress; no rule admits it$/m);
		expect(result.stdout).toMatch(/^breaks\s+\d+\s+shop\/frontend\s+shop\/backend\s+80\/TCP\s+ingress\s+allowed\s+denied \(L7\)\s+L7 rules of shop\/allow-frontend-l7$/m);
		expect(result.stdout).not.toMatch(/^fixes/m);
	});

	test('what-if flags without policies, a deletion of nothing, and a what-if output without policies are refused', async () => {
		const noPolicies = await runZtop(['--input-file', capture, '-o', 'what-if-json']);
		expect(noPolicies.exitCode).toBe(2);
		expect(noPolicies.stderr).toContain('give --policies PATH|cluster');
		const missing = await runZtop(['--input-file', capture, '--policies', stageDirectory(1), '--what-if-delete', 'no-such', '-o', 'what-if']);
		expect(missing.exitCode).toBe(2);
		expect(missing.stderr).toBe('ztop: --what-if-delete no-such: no such policy in the baseline (shop/allow-all)\n');
	});
});

describe('--policies cluster through kubectl (a fake kubectl on PATH that serves the lab\'s stage 4)', () => {
	const fakeKubectlDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fake-kubectl');
	const environment = (extra: Record<string, string> = {}) => ({PATH: `${fakeKubectlDirectory}:${process.env['PATH']}`, FAKE_KUBECTL_POLICIES: stageDirectory(4), ...extra});

	test('reads every policy kind in every namespace, with --kube-context, and answers as the same files do', async () => {
		const log = path.join(mkdtempSync(path.join(tmpdir(), 'ztop-kubectl-')), 'calls.jsonl');
		const arguments_ = ['--input-file', capture, '--what-if-apply', stageDirectory(5), '--what-if-delete', 'allow-all', '-o', 'what-if-json'];
		const [fromCluster, fromFiles] = await Promise.all([
			runZtop(['--policies', 'cluster', '--kube-context', 'lab', ...arguments_], {environment: environment({FAKE_KUBECTL_LOG: log})}),
			runZtop(['--policies', stageDirectory(4), ...arguments_]),
		]);
		expect(fromCluster.exitCode).toBe(0);
		expect(fromCluster.stdout).toBe(fromFiles.stdout);
		expect(fromCluster.stdout).toContain('"change":"breaks"');
		const calls = readFileSync(log, 'utf8').trim().split('\n').map(line => JSON.parse(line) as string[]);
		expect(calls).toEqual([
			['--context', 'lab', 'get', 'ciliumnetworkpolicies.cilium.io,ciliumclusterwidenetworkpolicies.cilium.io,networkpolicies.networking.k8s.io', '--all-namespaces', '--output', 'json'],
		]);
	});

	test.each([
		['no-crds', /^ztop: the cluster has no Cilium policy CRDs \(is Cilium installed\?\) \[error: the server doesn't have a resource type "ciliumnetworkpolicies"\]\n$/],
		['unreachable', /^ztop: kubectl cannot reach the Kubernetes API server; check your kubeconfig, --kubeconfig or --kube-context\. \[E1130 .*connect: connection refused\]\n$/],
	])('a cluster that cannot answer (%s) is explained, with exit code 1', async (mode, message) => {
		const result = await runZtop(['--input-file', capture, '--policies', 'cluster', '-o', 'what-if-json'], {environment: environment({FAKE_KUBECTL_MODE: mode})});
		expect(result.exitCode).toBe(1);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(message);
	});

	test('several --kube-context: each cluster\'s policies judge its own endpoints, as that cluster\'s files alone would', async () => {
		const log = path.join(mkdtempSync(path.join(tmpdir(), 'ztop-kubectl-')), 'calls.jsonl');
		const clusters = {
			FAKE_KUBECTL_POLICIES_BY_CONTEXT: JSON.stringify({east: stageDirectory(5), west: stageDirectory(1)}),
			FAKE_KUBECTL_CLUSTER_NAMES: JSON.stringify({east: 'cluster1', west: 'cluster2'}),
		};
		const [both, stage5, stage1] = await Promise.all([
			runZtop(['--input-file', capture, '--policies', 'cluster', '--kube-context', 'east', '--kube-context', 'west', '-o', 'what-if-json'], {
				environment: environment({...clusters, FAKE_KUBECTL_LOG: log}),
			}),
			runZtop(['--input-file', capture, '--policies', stageDirectory(5), '-o', 'what-if-json']),
			runZtop(['--input-file', capture, '--policies', stageDirectory(1), '-o', 'what-if-json']),
		]);
		expect(both.exitCode).toBe(0);
		const lines = (result: {stdout: string}) => result.stdout.trim().split('\n');
		const [bothLines, stage5Lines, stage1Lines] = [lines(both), lines(stage5), lines(stage1)];
		expect(bothLines).toHaveLength(flows.length);
		let compared = 0;
		for (const [index, response] of flows.entries()) {
			const clusterOf = (endpoint: {cluster_name?: string} | undefined) => endpoint?.cluster_name;
			const cluster = clusterOf(response.flow!.source) ?? clusterOf(response.flow!.destination);
			if (cluster && [clusterOf(response.flow!.source), clusterOf(response.flow!.destination)].every(each => each === undefined || each === cluster)) {
				expect(bothLines[index]).toBe(cluster === 'cluster1' ? stage5Lines[index] : stage1Lines[index]);
				compared++;
			}
		}

		expect(compared).toBeGreaterThan(flows.length / 2);
		// The two sets differ, so the comparison could fail.
		expect(stage5.stdout).not.toBe(stage1.stdout);
		const calls = readFileSync(log, 'utf8').trim().split('\n').map(line => JSON.parse(line) as string[]);
		expect(calls.filter(call => call.includes('configmap')).map(call => call[1]).sort()).toEqual(['east', 'west']);
		expect(calls.filter(call => call.includes('--all-namespaces')).map(call => call[1]).sort()).toEqual(['east', 'west']);
	});

	test('with several contexts, a cluster that cannot answer is named', async () => {
		const result = await runZtop(['--input-file', capture, '--policies', 'cluster', '--kube-context', 'east', '--kube-context', 'west', '-o', 'what-if-json'], {
			environment: environment({FAKE_KUBECTL_MODE: 'unreachable'}),
		});
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toMatch(/^ztop: --kube-context east: (cannot read Cilium's cluster name \(configmap cilium-config\): )?kubectl cannot reach the Kubernetes API server/);
	});

	test('two contexts that are the same Cilium cluster are refused: their flows cannot be told apart', async () => {
		const result = await runZtop(['--input-file', capture, '--policies', 'cluster', '--kube-context', 'east', '--kube-context', 'west', '-o', 'what-if-json'], {environment: environment()});
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toBe(
			'ztop: --kube-context east and west are both Cilium cluster "default": ztop tells clusters\' flows apart by that name, so it cannot keep their policies apart; give each cluster\'s policies as files instead\n',
		);
	});

	test('without kubectl on PATH, says so and offers policy files instead', async () => {
		const result = await runZtop(['--input-file', capture, '--policies', 'cluster', '-o', 'what-if-json'], {environment: {PATH: mkdtempSync(path.join(tmpdir(), 'ztop-no-kubectl-'))}});
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toBe('ztop: --policies cluster needs kubectl, and it is not on PATH; or pass policy files: --policies DIR\n');
	});
});

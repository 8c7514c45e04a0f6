import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {defaultDemoRelayOptions, startDemoRelay, type RunningDemoRelay} from '../../src/relay/demo-relay-server.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';
import {runZtop} from '../helpers/run-ztop.js';

const fakeKubectlDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fake-kubectl');

describe('-P/--port-forward through kubectl (a fake kubectl on PATH)', () => {
	let relay: RunningDemoRelay;
	beforeAll(async () => {
		relay = await startDemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, backfillSeconds: 30, host: '127.0.0.1', port: 0});
	});
	afterAll(() => relay.stop());

	const environment = (extra: Record<string, string> = {}) => ({
		PATH: `${fakeKubectlDirectory}:${process.env['PATH']}`,
		FAKE_KUBECTL_TARGET: relay.address,
		...extra,
	});

	test('forwards service/hubble-relay in kube-system and streams through it', async () => {
		const log = path.join(mkdtempSync(path.join(tmpdir(), 'ztop-kubectl-')), 'calls.jsonl');
		const result = await runZtop(['-P', '--port-forward-port', '0', '--kube-context', 'lab', '--last', '3', '-o', 'jsonpb'], {
			environment: environment({FAKE_KUBECTL_LOG: log}),
		});
		expect(result.stderr).toBe('');
		expect(result.exitCode).toBe(0);
		expect(result.stdout.split('\n').filter(Boolean).length).toBeGreaterThan(0);
		const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean).map(line => JSON.parse(line) as string[]);
		expect(calls[0]).toEqual(['--context', 'lab', '--namespace', 'kube-system', 'get', 'service', 'hubble-relay', '--output', 'jsonpath={.spec.ports[0].port}']);
		expect(calls[1]).toEqual(['--context', 'lab', '--namespace', 'kube-system', 'port-forward', 'service/hubble-relay', ':80']);
	});

	test('no hubble-relay service: says so and exits 1', async () => {
		const result = await runZtop(['-P', '--kube-namespace', 'cilium', '--last', '1'], {environment: environment({FAKE_KUBECTL_MODE: 'no-service'})});
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toMatch(/^ztop: there is no hubble-relay service in namespace cilium\. Is Hubble Relay enabled/);
	});

	test('kubectl missing: says so and exits 1', async () => {
		const emptyDirectory = mkdtempSync(path.join(tmpdir(), 'ztop-no-kubectl-'));
		const result = await runZtop(['-P', '--last', '1'], {environment: {PATH: emptyDirectory}});
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toBe('ztop: -P needs kubectl, and it is not on PATH. Install kubectl, or port-forward Hubble Relay yourself and pass --server.\n');
	});
});

/**
ztop against a Hubble-compatible server over real loopback gRPC: the demo relay runs in the test
process, the CLI is the built binary, nothing on the transport is mocked.
*/
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {createRequire} from 'node:module';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import type {GetFlowsResponse} from '../../src/flow/flow.js';
import {DemoRelay} from '../../src/relay/demo-relay.js';
import {defaultDemoRelayOptions, serveDemoRelay, startDemoRelay, type RunningDemoRelay} from '../../src/relay/demo-relay-server.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';
import {ObserverClient} from '../../src/stream/observer-client.js';
import type {RunningObserverServer, ServerTls} from '../../src/stream/observer-server.js';
import {runZtop} from '../helpers/run-ztop.js';
import {startZtop} from '../helpers/run-ztop-live.js';
import {makeTestCertificates, type TestCertificates} from '../helpers/test-certificates.js';

const parseLines = (text: string) => text.split('\n').filter(Boolean).map(line => JSON.parse(line) as GetFlowsResponse);

function serve(relay: DemoRelay, port = 0, tls?: ServerTls): Promise<RunningObserverServer> {
	return serveDemoRelay(relay, {host: '127.0.0.1', port, ...(tls ? {tls} : {})});
}

describe('history and live flows from the demo relay', () => {
	let relay: RunningDemoRelay;
	beforeAll(async () => {
		relay = await startDemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, rate: 200, stageSeconds: 2, backfillSeconds: 10, host: '127.0.0.1', port: 0, tickMilliseconds: 50});
	});
	afterAll(() => relay.stop());

	test('--last N with a filter returns history filtered by the server, N per node', async () => {
		const result = await runZtop(['--server', relay.address, '--last', '10', '--type', 'policy-verdict', '-o', 'jsonpb']);
		expect(result.exitCode).toBe(0);
		const responses = parseLines(result.stdout);
		expect(responses.length).toBeGreaterThan(10);
		expect(responses.length).toBeLessThanOrEqual(10 * zeroTrustScenario.nodes.length);
		expect(responses.every(response => response.flow?.event_type?.type === 5)).toBe(true);
	});

	test('-f follows live flows, filtered by the server', async () => {
		const started = new Date().toISOString();
		const ztop = startZtop(['--server', relay.address, '-f', '--to-label', 'app=backend', '-o', 'jsonpb']);
		await ztop.waitFor(stdout => stdout.split('\n').length > 30);
		expect(await ztop.interrupt()).toBe(0);
		const flows = parseLines(ztop.stdout()).filter(response => response.flow);
		expect(flows.every(response => response.flow!.destination!.labels!.includes('k8s:app=backend'))).toBe(true);
		// Follow without --last starts at the newest entry: live flows only.
		expect(flows.every(response => response.time! >= started.slice(0, 19))).toBe(true);
	});

	test('the relay answers ServerStatus, GetNodes and the standard health check', async () => {
		const client = new ObserverClient({server: relay.address, requestTimeoutMilliseconds: 5000});
		const status = await client.serverStatus();
		expect(status['num_connected_nodes']).toBe(4);
		expect(Number(status['seen_flows'])).toBeGreaterThan(0);
		expect(Number(status['max_flows'])).toBe(4 * 4095);
		const nodes = (await client.getNodes())['nodes'] as Array<{name: string}>;
		expect(nodes.map(node => node.name)).toEqual(zeroTrustScenario.nodes);
		client.close();

		const require = createRequire(import.meta.url);
		const healthProto = protoLoader.loadSync(require.resolve('grpc-health-check/proto/health/v1/health.proto'), {enums: String});
		const health = grpc.loadPackageDefinition(healthProto) as unknown as {grpc: {health: {v1: {Health: grpc.ServiceClientConstructor}}}};
		const healthClient = new health.grpc.health.v1.Health(relay.address, grpc.credentials.createInsecure());
		for (const service of ['', 'hubble.server.Observer']) {
			const answer = await new Promise<{status: string}>((resolve, reject) => {
				healthClient['Check']!({service}, (error: Error | null, value: {status: string}) => (error ? reject(error) : resolve(value)));
			});
			expect(answer.status).toBe('SERVING');
		}

		// A service it does not serve: NOT_FOUND from Check, SERVICE_UNKNOWN first from Watch (gRPC's health-checking.md).
		const unknown = await new Promise<{code?: number}>(resolve => {
			healthClient['Check']!({service: 'nope'}, (error: {code?: number} | null) => resolve(error ?? {}));
		});
		expect(unknown.code).toBe(grpc.status.NOT_FOUND);
		for (const [service, status] of [['hubble.server.Observer', 'SERVING'], ['nope', 'SERVICE_UNKNOWN']] as const) {
			const watch = healthClient['Watch']!({service}) as grpc.ClientReadableStream<{status: string}>;
			const first = await new Promise<{status: string}>(resolve => watch.once('data', resolve));
			expect(first.status).toBe(status);
			watch.on('error', () => undefined);
			watch.cancel();
		}

		const list = await new Promise<{statuses: Record<string, {status: string}>}>((resolve, reject) => {
			healthClient['List']!({}, (error: Error | null, value: {statuses: Record<string, {status: string}>}) => (error ? reject(error) : resolve(value)));
		});
		expect(Object.fromEntries(Object.entries(list.statuses).map(([service, value]) => [service, value.status]))).toEqual({'': 'SERVING', 'hubble.server.Observer': 'SERVING'});
		healthClient.close();
	});
});

describe('never lose, never double', () => {
	test('killing the relay mid-stream and restarting it on the same port: no duplicate and no gap', async () => {
		// The agents' history outlives a Relay restart; so does the DemoRelay here, while its gRPC server dies.
		const relay = new DemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, rate: 150, stageSeconds: 2, backfillSeconds: 0});
		relay.start(50);
		let server = await serve(relay);
		const port = server.port;
		const ztop = startZtop(['--server', server.address, '-f', '-o', 'jsonpb']);
		try {
			await ztop.waitFor(stdout => stdout.split('\n').length > 40);
			server.kill();
			await new Promise(resolve => setTimeout(resolve, 800));
			server = await serve(relay, port);
			await ztop.waitFor((_stdout, stderr) => /reconnected to/.test(stderr), 15_000);
			const linesAfterReconnect = ztop.stdout().split('\n').length;
			await ztop.waitFor(stdout => stdout.split('\n').length > linesAfterReconnect + 40);
			expect(await ztop.interrupt()).toBe(0);
		} finally {
			relay.stop();
			await server.stop();
		}

		expect(ztop.stderr()).toMatch(/reconnecting in \d+\.\ds \(reconnect 1\)/);
		const received = parseLines(ztop.stdout()).filter(response => response.flow);
		const uuids = received.map(response => response.flow!.uuid!);
		expect(new Set(uuids).size).toBe(uuids.length);
		const first = received[0]!.time!;
		const last = received.at(-1)!.time!;
		const expected = relay.history
			.read({predicate: () => true, number: 0, first: false})
			.filter(response => response.flow && response.time! >= first && response.time! <= last)
			.map(response => response.flow!.uuid!);
		expect(new Set(uuids)).toEqual(new Set(expected));
	});
});

describe('the same bytes as a capture', () => {
	// A stopped clock freezes the history, so every request sees the same flows.
	const frozenNow = Date.parse('2026-11-22T10:00:00Z');
	let relay: DemoRelay;
	let server: RunningObserverServer;
	beforeAll(async () => {
		relay = new DemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, rate: 40, stageSeconds: 20, backfillSeconds: 110, now: () => frozenNow});
		server = await serve(relay);
	});
	afterAll(() => server.stop());

	test('--server … -o compact prints what --input-file prints for the same flows', async () => {
		const jsonpb = await runZtop(['--server', server.address, '--all', '-o', 'jsonpb']);
		const fromServer = await runZtop(['--server', server.address, '--all', '-o', 'compact', '--color', 'never']);
		const fromFile = await runZtop(['--input-file', '-', '-o', 'compact', '--color', 'never'], {stdin: jsonpb.stdout});
		expect(fromServer.stdout.split('\n').length).toBeGreaterThan(1000);
		expect(fromServer.stdout).toBe(fromFile.stdout);
	});

	test('-o tally-json over the relay equals the tallies of the capture', async () => {
		const jsonpb = await runZtop(['--server', server.address, '--all', '-o', 'jsonpb']);
		const fromServer = await runZtop(['--server', server.address, '--all', '-o', 'tally-json']);
		const fromFile = await runZtop(['--input-file', '-', '-o', 'tally-json'], {stdin: jsonpb.stdout});
		const tally = JSON.parse(fromServer.stdout) as {rows: Array<{name: string; l7Denied: number; denied: number}>; policyVerdicts: number};
		expect(tally.policyVerdicts).toBeGreaterThan(100);
		expect(tally.rows.map(row => row.name)).toEqual(
			expect.arrayContaining(['allow-all', 'allow-dns', 'allow-frontend-egress', 'allow-frontend-to-backend', 'allow-frontend-l7', '(default deny)']),
		);
		expect(fromServer.stdout).toBe(fromFile.stdout);
	});
});

describe('connection errors say what to do', () => {
	test('nothing listening: exit 1 and a hint to port-forward', async () => {
		const result = await runZtop(['--server', '127.0.0.1:1', '--last', '5']);
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toMatch(/^ztop: cannot reach Hubble Relay at 127\.0\.0\.1:1: nothing is listening there\. Is Hubble Relay port-forwarded\? Try `cilium hubble port-forward` or `ztop -P`/);
	});

	test('HTTPS_PROXY is used as hubble uses it, and a proxy that cannot be reached is named', async () => {
		const unreachable = await runZtop(['--server', 'hubble-relay.example:4245', '--last', '1'], {environment: {HTTPS_PROXY: 'http://127.0.0.1:1'}});
		expect(unreachable.exitCode).toBe(1);
		expect(unreachable.stderr).toMatch(/^ztop: cannot reach Hubble Relay at hubble-relay\.example:4245 through the proxy in HTTPS_PROXY\. Check HTTPS_PROXY, or list the relay's host in NO_PROXY/);
		const socks = await runZtop(['--server', 'hubble-relay.example:4245', '--last', '1'], {environment: {HTTPS_PROXY: 'socks5://127.0.0.1:1080'}});
		expect(socks.exitCode).toBe(2);
		expect(socks.stderr).toContain('socks5:// proxies are not supported');
		// A loopback server (a port-forward) is never proxied.
		const local = await runZtop(['--server', '127.0.0.1:1', '--last', '1'], {environment: {HTTPS_PROXY: 'http://127.0.0.1:2'}});
		expect(local.stderr).toMatch(/nothing is listening there/);
	});

	test('HUBBLE_SERVER is the default server', async () => {
		const result = await runZtop(['--last', '1'], {environment: {HUBBLE_SERVER: '127.0.0.1:2'}});
		expect(result.stderr).toContain('127.0.0.1:2');
	});
});

describe('TLS and mTLS with a throwaway CA', () => {
	let certificates: TestCertificates;
	let relay: DemoRelay;
	let tlsServer: RunningObserverServer;
	let mtlsServer: RunningObserverServer;
	beforeAll(async () => {
		certificates = makeTestCertificates();
		relay = new DemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, backfillSeconds: 30});
		const serverTls = {certificate: certificates.read(certificates.serverCertificateFile), privateKey: certificates.read(certificates.serverKeyFile)};
		tlsServer = await serve(relay, 0, serverTls);
		mtlsServer = await serve(relay, 0, {...serverTls, clientCa: certificates.read(certificates.caFile)});
	});
	afterAll(async () => {
		await tlsServer.stop();
		await mtlsServer.stop();
	});

	test('--tls with the CA verifies the server', async () => {
		const result = await runZtop(['--server', tlsServer.address, '--tls', '--tls-ca-cert-files', certificates.caFile, '--last', '2', '-o', 'jsonpb']);
		expect(result.stderr).toBe('');
		expect(parseLines(result.stdout).length).toBeGreaterThan(0);
	});

	test('tls:// and --tls-server-name reach the server under the name in its certificate', async () => {
		const result = await runZtop([
			'--server', `tls://${tlsServer.address}`, '--tls-ca-cert-files', certificates.caFile,
			'--tls-server-name', 'hubble.hubble-relay.cilium.io', '--last', '1', '-o', 'jsonpb',
		]);
		expect(result.exitCode).toBe(0);
		expect(parseLines(result.stdout).length).toBeGreaterThan(0);
	});

	test('a wrong CA gives the TLS message and exit 1; --tls-allow-insecure skips the check', async () => {
		const wrong = await runZtop(['--server', tlsServer.address, '--tls', '--tls-ca-cert-files', certificates.otherCaFile, '--last', '1']);
		expect(wrong.exitCode).toBe(1);
		expect(wrong.stderr).toMatch(/TLS with 127\.0\.0\.1:\d+ failed: the server's certificate is not signed by a CA ztop trusts/);
		const insecure = await runZtop(['--server', tlsServer.address, '--tls', '--tls-allow-insecure', '--last', '1', '-o', 'jsonpb']);
		expect(insecure.exitCode).toBe(0);
		expect(parseLines(insecure.stdout).length).toBeGreaterThan(0);
	});

	test('plain gRPC against a TLS server says TLS is expected', async () => {
		const result = await runZtop(['--server', tlsServer.address, '--last', '1']);
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toMatch(/expects TLS|unavailable/);
	});

	test('mTLS: a client certificate signed by the CA is accepted', async () => {
		const withCertificate = await runZtop([
			'--server', mtlsServer.address, '--tls', '--tls-ca-cert-files', certificates.caFile,
			'--tls-client-cert-file', certificates.clientCertificateFile, '--tls-client-key-file', certificates.clientKeyFile,
			'--last', '1', '-o', 'jsonpb',
		]);
		expect(withCertificate.stderr).toBe('');
		expect(parseLines(withCertificate.stdout).length).toBeGreaterThan(0);
		const without = await runZtop(['--server', mtlsServer.address, '--tls', '--tls-ca-cert-files', certificates.caFile, '--last', '1']);
		expect(without.exitCode).toBe(1);
		// What the server said, and the flags that give a client certificate (hubble: "tls: certificate required").
		expect(without.stderr).toMatch(/requires a client certificate \(mutual TLS\) and ztop sent none; the server said "certificate required"\. Pass .*--tls-client-cert-file and --tls-client-key-file/);
		expect(without.stderr).toMatch(/alert certificate required/);
	});
});

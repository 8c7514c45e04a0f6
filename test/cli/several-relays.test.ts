/**
Several relays at once (`--server` repeated): three demo relays on one frozen clock, one per cluster of the
zero-trust lab and a third serving both as a Cluster Mesh relay would. Each flow is printed once, in time
order; two single-cluster relays add up to the meshed one; a relay that cannot be reached does not stop
the others.
*/
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import type {GetFlowsResponse} from '../../src/flow/flow.js';
import {DemoRelay} from '../../src/relay/demo-relay.js';
import {defaultDemoRelayOptions, serveDemoRelay} from '../../src/relay/demo-relay-server.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';
import type {RunningObserverServer} from '../../src/stream/observer-server.js';
import {demoClusters, openDemoClusters} from '../../src/cli/live-connection.js';
import {projectRoot, runZtop} from '../helpers/run-ztop.js';
import {startZtop} from '../helpers/run-ztop-live.js';
import {TmuxTerminal} from '../helpers/tmux-terminal.js';

const frozenNow = Date.parse('2026-11-22T10:00:00Z');
const servers: Record<'cluster1' | 'cluster2' | 'both', RunningObserverServer | undefined> = {cluster1: undefined, cluster2: undefined, both: undefined};

const parseFlows = (stdout: string) =>
	stdout
		.split('\n')
		.filter(line => line.startsWith('{'))
		.map(line => JSON.parse(line) as GetFlowsResponse)
		.filter(response => response.flow);

function serve(relay: DemoRelay, port = 0): Promise<RunningObserverServer> {
	return serveDemoRelay(relay, {host: '127.0.0.1', port});
}

beforeAll(async () => {
	const options = {...defaultDemoRelayOptions, rate: 40, stageSeconds: 20, backfillSeconds: 60, now: () => frozenNow};
	servers.cluster1 = await serve(new DemoRelay(zeroTrustScenario, {...options, clusterName: 'cluster1'}));
	servers.cluster2 = await serve(new DemoRelay(zeroTrustScenario, {...options, clusterName: 'cluster2'}));
	servers.both = await serve(new DemoRelay(zeroTrustScenario, options));
});

afterAll(async () => {
	await Promise.all(Object.values(servers).map(server => server?.stop()));
});

const flowsOf = (stdout: string) =>
	stdout
		.trim()
		.split('\n')
		.map(line => JSON.parse(line) as GetFlowsResponse)
		.filter(response => response.flow);

async function jsonpb(...names: Array<keyof typeof servers>): Promise<GetFlowsResponse[]> {
	const result = await runZtop([...names.flatMap(name => ['--server', servers[name]!.address]), '--all', '-o', 'jsonpb']);
	expect(result.stderr).toBe('');
	expect(result.exitCode).toBe(0);
	return flowsOf(result.stdout);
}

describe('several --server', () => {
	test('a cluster relay and the meshed relay: each flow once, in time order', async () => {
		const meshed = await jsonpb('both');
		const merged = await jsonpb('cluster1', 'both');
		const uuids = merged.map(response => response.flow!.uuid);
		expect(new Set(uuids).size).toBe(uuids.length);
		expect(new Set(uuids)).toEqual(new Set(meshed.map(response => response.flow!.uuid)));
		const times = merged.map(response => Date.parse(response.time!));
		expect(times).toEqual([...times].sort((a, b) => a - b));
	}, 60_000);

	test('the two cluster relays add up to the meshed one, tallies included', async () => {
		const one = await jsonpb('cluster1');
		const two = await jsonpb('cluster2');
		expect(one.length).toBeGreaterThan(100);
		expect(two.length).toBeGreaterThan(100);
		expect(one.every(response => response.node_name!.startsWith('cluster1/'))).toBe(true);
		const merged = await jsonpb('cluster1', 'cluster2');
		expect(new Set(merged.map(response => response.flow!.uuid))).toEqual(new Set((await jsonpb('both')).map(response => response.flow!.uuid)));
		expect(merged).toHaveLength(one.length + two.length);
		const tally = async (...names: Array<keyof typeof servers>) =>
			JSON.parse((await runZtop([...names.flatMap(name => ['--server', servers[name]!.address]), '--all', '-o', 'tally-json'])).stdout) as unknown;
		expect(await tally('cluster1', 'cluster2')).toEqual(await tally('both'));
	}, 60_000);

	test('a relay that cannot be reached is reported; the others are printed; exit 1', async () => {
		const result = await runZtop(['--server', servers.cluster1!.address, '--server', '127.0.0.1:1', '--all', '-o', 'jsonpb', '--request-timeout', '2s']);
		expect(result.exitCode).toBe(1);
		expect(flowsOf(result.stdout).length).toBeGreaterThan(100);
		expect(result.stderr).toContain('127.0.0.1:1');
		expect(result.stderr).toContain('1 of 2 relays failed');
	}, 60_000);

	test('the TUI: one store for both relays, each flow once, a header segment per relay', async () => {
		const meshed = await jsonpb('both');
		const tmux = new TmuxTerminal(200, 40);
		try {
			tmux.start(['--server', servers.cluster1!.address, '--server', servers.both!.address, '--all']);
			const screen = await tmux.waitFor(
				text => text.includes(`buffer ${meshed.length.toLocaleString('en-US')}/`) && (text.match(/ connected/g) ?? []).length >= 2,
				'both relays connected and every flow held once',
			);
			const header = screen.split('\n')[0]!;
			expect(header).toContain(`${servers.cluster1!.address} connected`);
			expect(header).toContain(`${servers.both!.address} connected`);
			// Both relays delivered the shared flows; the store counted them once, and it stays at that.
			await new Promise(resolve => setTimeout(resolve, 1500));
			expect(tmux.screen().split('\n')[0]).toContain(`buffer ${meshed.length.toLocaleString('en-US')}/`);
			tmux.keys('q');
			await tmux.waitFor(text => text.includes('EXITED:0'), 'exit');
		} finally {
			tmux.kill();
		}
	}, 90_000);

	test('ztop --demo on the two-cluster lab runs a relay per cluster: each serves its own cluster, the TUI shows both', async () => {
		expect(demoClusters('zero-trust')).toEqual(['cluster1', 'cluster2']);
		// The Star Wars demo has one cluster: one relay, as before.
		expect(demoClusters('starwars')).toEqual([]);
		const opened = await openDemoClusters({}, 'zero-trust', () => undefined);
		try {
			expect(opened.sources.map(source => source.name)).toEqual(['cluster1', 'cluster2']);
			for (const source of opened.sources) {
				const result = await runZtop(['--server', source.connection.server, '--all', '-o', 'jsonpb']);
				const nodes = new Set(flowsOf(result.stdout).map(response => response.node_name!.split('/')[0]));
				expect(nodes).toEqual(new Set([source.name]));
			}
		} finally {
			await opened.cleanUp();
		}

		const tmux = new TmuxTerminal(200, 40);
		try {
			tmux.start(['--demo']);
			const screen = await tmux.waitFor(text => /cluster1 connected.* · cluster2 connected/.test(text.split('\n')[0]!), 'a connected segment per cluster');
			// The stage leads, so that 80 columns still show it.
			expect(screen.split('\n')[0]).toMatch(/^ztop │ demo: zero-trust stage \d\/5 [^│]+ │ cluster1 connected/);
			// Flows of both clusters in one view: the CLUSTER column (wide terminal) names both.
			await tmux.waitFor(text => text.includes(' cluster1 ') && text.includes(' cluster2 '), 'flows of both clusters');
			// C splits the policies pane by cluster; Enter on a row filters to that cluster's nodes.
			tmux.keys('Tab');
			tmux.keys('C');
			const split = await tmux.waitFor(text => text.includes('POLICIES BY CLUSTER') && /cluster1: allow-all/.test(text) && /cluster2: allow-all/.test(text), 'a row per cluster');
			expect(split).toContain('policy counts: per cluster');
			tmux.keys('Enter');
			// The top row is a policy or a (default deny) row, whichever has the most denials: either way, its cluster.
			await tmux.waitFor(text => /filter: \S.* --node-name cluster[12]\/ │/.test(text), 'the row\'s filter names its cluster');
			tmux.keys('C');
			await tmux.waitFor(text => text.includes('POLICIES (') && !text.includes('cluster1: allow-all'), 'together again');
			tmux.keys('q');
			await tmux.waitFor(text => text.includes('EXITED:0'), 'exit');
		} finally {
			tmux.kill();
		}
	}, 90_000);

	test('following two relays, one killed and restarted on its port: no duplicate and no gap in either', async () => {
		// Each relay's agents keep their history across its restart; the DemoRelay does, while its gRPC server dies.
		const live = {...defaultDemoRelayOptions, rate: 150, stageSeconds: 2, backfillSeconds: 0};
		const east = new DemoRelay(zeroTrustScenario, {...live, clusterName: 'cluster1'});
		const west = new DemoRelay(zeroTrustScenario, {...live, clusterName: 'cluster2'});
		east.start(50);
		west.start(50);
		const eastServer = await serve(east);
		let westServer = await serve(west);
		const port = westServer.port;
		const ztop = startZtop(['--server', eastServer.address, '--server', westServer.address, '-f', '-o', 'jsonpb']);
		try {
			await ztop.waitFor(stdout => stdout.split('\n').length > 60, 20_000);
			westServer.kill();
			await new Promise(resolve => setTimeout(resolve, 800));
			westServer = await serve(west, port);
			await ztop.waitFor((_stdout, stderr) => /reconnecting in/.test(stderr), 15_000);
			const linesAfter = ztop.stdout().split('\n').length;
			await ztop.waitFor(stdout => parseFlows(stdout).filter(response => response.node_name!.startsWith('cluster2/')).length > 0 && stdout.split('\n').length > linesAfter + 80, 20_000);
			expect(await ztop.interrupt()).toBe(0);
		} finally {
			east.stop();
			west.stop();
			await Promise.all([eastServer.stop(), westServer.stop()]);
		}

		const received = parseFlows(ztop.stdout());
		const uuids = received.map(response => response.flow!.uuid!);
		expect(new Set(uuids).size).toBe(uuids.length);
		for (const [relay, cluster] of [[east, 'cluster1'], [west, 'cluster2']] as const) {
			const mine = received.filter(response => response.node_name!.startsWith(`${cluster}/`));
			const first = mine[0]!.time!;
			const last = mine.at(-1)!.time!;
			const expected = relay.history
				.read({predicate: () => true, number: 0, first: false})
				.filter(response => response.flow && response.time! >= first && response.time! <= last)
				.map(response => response.flow!.uuid!);
			expect(new Set(mine.map(response => response.flow!.uuid!))).toEqual(new Set(expected));
		}
	}, 90_000);

	test('-P with two --kube-context: a port-forward per cluster, merged as several relays', async () => {
		const fakeKubectl = path.join(projectRoot, 'test', 'fixtures', 'fake-kubectl');
		const log = path.join(mkdtempSync(path.join(tmpdir(), 'ztop-contexts-')), 'calls.jsonl');
		const result = await runZtop(['-P', '--kube-context', 'east', '--kube-context', 'west', '--all', '-o', 'jsonpb'], {
			environment: {
				PATH: `${fakeKubectl}:${process.env['PATH']}`,
				FAKE_KUBECTL_TARGETS: JSON.stringify({east: servers.cluster1!.address, west: servers.cluster2!.address}),
				FAKE_KUBECTL_LOG: log,
			},
		});
		expect(result.stderr).toBe('');
		expect(result.exitCode).toBe(0);
		const merged = flowsOf(result.stdout);
		expect(new Set(merged.map(response => response.flow!.uuid))).toEqual(new Set((await jsonpb('both')).map(response => response.flow!.uuid)));
		const forwards = readFileSync(log, 'utf8').split('\n').filter(Boolean).map(line => JSON.parse(line) as string[]).filter(call => call.includes('port-forward'));
		expect(forwards.map(call => call[call.indexOf('--context') + 1]).sort()).toEqual(['east', 'west']);
	}, 60_000);

	test('followed into a pipe that closes (| head): every relay stops and ztop exits', async () => {
		const binary = path.join(projectRoot, 'bin', 'ztop.js');
		const environment = {...process.env};
		delete environment['CI'];
		const started = Date.now();
		const {stdout, code} = await new Promise<{stdout: string; code: number | null}>(resolve => {
			const child = spawn('sh', ['-c', `"${process.execPath}" "${binary}" --server ${servers.cluster1!.address} --server ${servers.cluster2!.address} --all -f -o compact | head -3`], {env: environment});
			let text = '';
			child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
			child.on('close', exitCode => resolve({stdout: text, code: exitCode}));
		});
		expect(code).toBe(0);
		expect(stdout.trim().split('\n')).toHaveLength(3);
		expect(Date.now() - started).toBeLessThan(60_000);
	}, 90_000);

	test('--demo and -P say what several --server can do, in one line', async () => {
		const demo = await runZtop(['--demo', '--server', 'a:1', '--server', 'b:1', '-o', 'compact']);
		expect(demo.exitCode).toBe(2);
		expect(demo.stderr).toContain('several --server go without --demo and -P');
	}, 60_000);
});

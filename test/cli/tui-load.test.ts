/**
A slow or busy relay is not an unreachable one (issue: reconnects under load): a relay that takes seconds
to send its first message is waited for, and a client throttled to 40 % of the clock stays connected to a
relay at 2,000 flows/s for a minute. In a file of their own, so that they run beside the other tests.
*/
import {afterEach, describe, expect, test} from 'vitest';
import {DemoRelay, type FlowsRequest} from '../../src/relay/demo-relay.js';
import {defaultDemoRelayOptions} from '../../src/relay/demo-relay-server.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';
import {startObserverServer, type RunningObserverServer} from '../../src/stream/observer-server.js';
import {startZtop} from '../helpers/run-ztop-live.js';
import {TmuxTerminal} from '../helpers/tmux-terminal.js';

let terminal: TmuxTerminal | undefined;

afterEach(() => {
	terminal?.kill();
	terminal = undefined;
});

function open(columns: number, rows: number): TmuxTerminal {
	terminal = new TmuxTerminal(columns, rows);
	return terminal;
}

/** The demo relay's behaviour behind a real gRPC server whose GetFlows waits before it answers. */
function serve(relay: DemoRelay, firstMessageDelayMilliseconds: number): Promise<RunningObserverServer> {
	return startObserverServer(
		{
			getFlows(request, stream) {
				setTimeout(() => relay.getFlows(request as FlowsRequest, stream), firstMessageDelayMilliseconds);
			},
			serverStatus: () => relay.serverStatus(),
			getNodes: () => relay.getNodes(),
			getNamespaces: () => relay.getNamespaces(),
		},
		{host: '127.0.0.1', port: 0},
	);
}

describe('a busy relay in a real terminal', () => {
	test('a relay that takes seconds to send its first message is waited for, not reconnected to', async () => {
		const relay = new DemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, rate: 50, stageSeconds: 4});
		relay.start(50);
		const server = await serve(relay, 8000);
		const tmux = open(120, 30);
		try {
			tmux.start(['--server', server.address]);
			await new Promise(resolve => setTimeout(resolve, 5000));
			expect(tmux.screen()).toMatch(/│ connecting… │/);
			const screen = await tmux.waitFor(text => text.includes('allow-all'), 'the flows', 30_000);
			expect(screen).toMatch(/│ connected │/);
			expect(screen).not.toContain('reconnect');
		} finally {
			relay.stop();
			await server.stop();
		}
	}, 60_000);

	test('a throttled client following a relay at 2,000 flows/s stays connected for a minute', async () => {
		const relay = startZtop(['demo-relay', '--listen', '127.0.0.1:0', '--rate', '2000', '--stage-seconds', '2']);
		await relay.waitFor((_stdout, stderr) => /serving .* on 127\.0\.0\.1:\d+/.test(stderr), 60_000);
		const address = /on (127\.0\.0\.1:\d+)/.exec(relay.stderr())![1]!;
		const tmux = open(120, 30);
		let throttle: NodeJS.Timeout | undefined;
		try {
			tmux.start(['--server', address]);
			await tmux.waitFor(text => text.includes('│ connected │'), 'connected', 30_000);
			// The client gets 40 % of the wall clock at most: stopped for 120 ms of every 200 ms.
			const pid = tmux.ztopPid();
			throttle = setInterval(() => {
				process.kill(pid, 'SIGSTOP');
				setTimeout(() => process.kill(pid, 'SIGCONT'), 120);
			}, 200);
			const until = Date.now() + 60_000;
			while (Date.now() < until) {
				await new Promise(resolve => setTimeout(resolve, 2000));
				expect(tmux.screen()).toMatch(/│ connected │/);
			}
		} finally {
			clearInterval(throttle);
			await relay.interrupt();
		}
	}, 150_000);
});

import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {defaultDemoRelayOptions, startDemoRelay, type RunningDemoRelay} from '../../src/relay/demo-relay-server.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';
import {ObserverClient} from '../../src/stream/observer-client.js';
import {ServerStatusPoller, formatServerStatus, toServerStatus, type ServerStatus} from '../../src/stream/server-status-poller.js';

describe('ServerStatus polling', () => {
	let relay: RunningDemoRelay;
	beforeAll(async () => {
		relay = await startDemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, backfillSeconds: 10, host: '127.0.0.1', port: 0});
	});
	afterAll(() => relay.stop());

	test('reads nodes, rate and buffer depth from the relay', async () => {
		const client = new ObserverClient({server: relay.address, requestTimeoutMilliseconds: 5000});
		const status = await new Promise<ServerStatus>((resolve, reject) => {
			const poller = new ServerStatusPoller(
				client,
				value => {
					poller.stop();
					resolve(value);
				},
				reject,
			);
			poller.start(1000);
		});
		client.close();
		expect(status).toMatchObject({connectedNodes: 4, unavailableNodes: 0, maxFlows: 4 * 4095, flowsPerSecond: 20});
		expect(status.numFlows).toBeGreaterThan(150);
		expect(formatServerStatus(status)).toMatch(/^4\/4 nodes, 20\.0 flows\/s, [\d,]+ of 16,380 flows buffered, [\d,]+ seen$/);
	});

	test('an agent, which reports no nodes, is said to be one', () => {
		expect(formatServerStatus(toServerStatus({num_flows: '10', max_flows: '4095', seen_flows: '99'}))).toBe(
			'agent (no node count), 0.0 flows/s, 10 of 4,095 flows buffered, 99 seen',
		);
	});

	test('a failing poll is reported', async () => {
		const client = new ObserverClient({server: '127.0.0.1:1', requestTimeoutMilliseconds: 2000});
		const error = await new Promise<Error>(resolve => {
			const poller = new ServerStatusPoller(client, () => undefined, failure => {
				poller.stop();
				resolve(failure);
			});
			poller.start();
		});
		client.close();
		expect(error.message).toMatch(/UNAVAILABLE|ECONNREFUSED|No connection/);
	});
});

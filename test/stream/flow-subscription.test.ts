import {describe, expect, test} from 'vitest';
import {DemoRelay} from '../../src/relay/demo-relay.js';
import {defaultDemoRelayOptions, serveDemoRelay} from '../../src/relay/demo-relay-server.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';
import {FlowSubscription, reconnectDelay} from '../../src/stream/flow-subscription.js';
import {ObserverClient} from '../../src/stream/observer-client.js';
import {uuidText} from '../../src/flow/flow-uuid.js';

describe('reconnect backoff', () => {
	const options = (random: number) => ({initialMilliseconds: 250, maximumMilliseconds: 30_000, random: () => random});

	test('doubles per attempt and is capped at the maximum', () => {
		expect(Array.from({length: 10}, (_, attempt) => reconnectDelay(attempt, options(1)))).toEqual([
			250, 500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
		]);
	});

	test('jitters between half and all of the backoff', () => {
		expect(reconnectDelay(3, options(0))).toBe(1000);
		expect(reconnectDelay(3, options(0.5))).toBe(1500);
		expect(reconnectDelay(20, options(0))).toBe(15_000);
	});
});

describe('the TUI\'s record path through a relay restart (real gRPC on loopback)', () => {
	test('no flow twice and none missing: the overlap after the reconnect is dropped, newer flows only remembered', async () => {
		// The agents' history outlives a Relay restart; so does the DemoRelay here, while its gRPC server dies.
		const relay = new DemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, rate: 200, stageSeconds: 2, backfillSeconds: 0});
		relay.start(50);
		let server = await serveDemoRelay(relay, {host: '127.0.0.1', port: 0});
		const port = server.port;
		const client = new ObserverClient({server: server.address, requestTimeoutMilliseconds: 5000});
		const uuids: string[] = [];
		const events: string[] = [];
		const subscription = new FlowSubscription(client, {follow: true, since: new Date(Date.now() - 60_000).toISOString()}, {
			follow: true,
			initialDelayMilliseconds: 100,
			onRecord: record => {
				if (record.kind === 'flow') {
					uuids.push(uuidText(record));
				}
			},
			onEvent: event => events.push(event.kind),
		});
		const waitFor = async (condition: () => boolean, what: string) => {
			for (let waited = 0; !condition(); waited += 50) {
				if (waited > 20_000) {
					throw new Error(`timed out waiting for ${what}`);
				}

				await new Promise(resolve => setTimeout(resolve, 50));
			}
		};

		try {
			subscription.start();
			await waitFor(() => uuids.length > 60, 'flows before the restart');
			server.kill();
			await new Promise(resolve => setTimeout(resolve, 500));
			server = await serveDemoRelay(relay, {host: '127.0.0.1', port});
			await waitFor(() => events.includes('reconnecting') && events.filter(kind => kind === 'connected').length >= 2, 'the reconnect');
			const afterReconnect = uuids.length;
			await waitFor(() => uuids.length > afterReconnect + 60, 'flows after the reconnect');
		} finally {
			subscription.stop();
			client.close();
			relay.stop();
			await server.stop();
		}

		// The resumed request replayed what had been seen at the newest time: dropped, each flow kept once.
		expect(subscription.duplicatesDropped).toBeGreaterThan(0);
		expect(new Set(uuids).size).toBe(uuids.length);
		const history = relay.history.read({predicate: () => true, number: 0, first: false}).flatMap(response => (response.flow ? [response.flow.uuid!] : []));
		const first = history.indexOf(uuids[0]!);
		const last = history.indexOf(uuids.at(-1)!);
		expect(first).toBeGreaterThanOrEqual(0);
		expect(new Set(uuids)).toEqual(new Set(history.slice(first, last + 1)));
	}, 60_000);
});

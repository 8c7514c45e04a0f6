/** Runs a DemoRelay behind a real gRPC server: what `ztop demo-relay` and `ztop --demo` start. */
import {startObserverServer, type RunningObserverServer, type ServerTls} from '../stream/observer-server.js';
import {DemoRelay, type DemoRelayOptions, type FlowsRequest} from './demo-relay.js';
import type {FlowSource} from './flow-source.js';
import type {Scenario} from './scenario.js';
import {starWarsScenario} from './scenarios/starwars.js';
import {zeroTrustScenario} from './scenarios/zero-trust.js';

export const scenarios: ReadonlyMap<string, Scenario> = new Map([
	[zeroTrustScenario.name, zeroTrustScenario],
	[starWarsScenario.name, starWarsScenario],
]);

export const defaultDemoRelayOptions: DemoRelayOptions = {
	seed: 1,
	rate: 20,
	stageSeconds: 30,
	lostEvery: 0,
	historyPerNode: 4095,
};

export type RunningDemoRelay = RunningObserverServer & {relay: DemoRelay};

/** Serves a DemoRelay that is already made (its clock is the caller's: tests freeze or tick it themselves). */
export async function serveDemoRelay(relay: DemoRelay, options: {host: string; port: number; tls?: ServerTls}): Promise<RunningObserverServer> {
	return startObserverServer(
		{
			getFlows: (request, stream) => relay.getFlows(request as FlowsRequest, stream),
			serverStatus: () => relay.serverStatus(),
			getNodes: () => relay.getNodes(),
			getNamespaces: () => relay.getNamespaces(),
		},
		{host: options.host, port: options.port, ...(options.tls ? {tls: options.tls} : {})},
	);
}

export async function startDemoRelay(
	source: Scenario | FlowSource,
	options: DemoRelayOptions & {host: string; port: number; tls?: ServerTls; tickMilliseconds?: number},
): Promise<RunningDemoRelay> {
	const relay = new DemoRelay(source, options);
	const server = await serveDemoRelay(relay, options);
	relay.start(options.tickMilliseconds);
	return {
		...server,
		relay,
		async stop() {
			relay.stop();
			await server.stop();
		},
	};
}

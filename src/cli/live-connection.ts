/**
Where live flows come from: the built-in demo relay (started in-process on an ephemeral loopback port),
a kubectl port-forward to hubble-relay (-P), or --server / $HUBBLE_SERVER. Shared by the headless
outputs and the TUI.
*/
import {defaultDemoRelayOptions, scenarios, startDemoRelay, type RunningDemoRelay} from '../relay/demo-relay-server.js';
import {startPortForward, PortForwardError} from '../stream/kubectl-port-forward.js';
import type {ClientOptions} from '../stream/observer-client.js';
import {connectionOptions} from './connection-flags.js';
import {RunError, UsageError} from './usage-error.js';

type Flags = Record<string, unknown>;

export type LiveConnection = {
	connection: ClientOptions;
	cleanUp: () => Promise<void>;
	/** The demo relay when --demo started one (the TUI shows its stage). */
	demo?: RunningDemoRelay;
};

export async function openLiveConnection(flags: Flags, demoScenario: string | undefined, notice: (text: string) => void): Promise<LiveConnection> {
	const connection = connectionOptions(flags, process.env);
	if (demoScenario !== undefined) {
		const scenario = scenarios.get(demoScenario);
		if (!scenario) {
			throw new UsageError(`unknown demo scenario ${JSON.stringify(demoScenario)}: use ${[...scenarios.keys()].join(' or ')}`);
		}

		const demo = await startDemoRelay(scenario, {
			...defaultDemoRelayOptions,
			...(typeof flags['seed'] === 'number' ? {seed: flags['seed']} : {}),
			...(typeof flags['stageSeconds'] === 'number' ? {stageSeconds: flags['stageSeconds']} : {}),
			host: '127.0.0.1',
			port: 0,
		});
		notice(`demo relay (${scenario.name}: ${scenario.description}) on ${demo.address}`);
		return {
			connection: {server: demo.address, requestTimeoutMilliseconds: connection.requestTimeoutMilliseconds},
			cleanUp: () => demo.stop(),
			demo,
		};
	}

	if (flags['portForward']) {
		const forward = await startPortForward({
			namespace: (flags['kubeNamespace'] as string | undefined) ?? process.env['HUBBLE_KUBE_NAMESPACE'] ?? 'kube-system',
			localPort: (flags['portForwardPort'] as number | undefined) ?? Number(process.env['HUBBLE_PORT_FORWARD_PORT'] ?? 4245),
			...optional('context', (flags['kubeContext'] as string | undefined) ?? process.env['HUBBLE_KUBE_CONTEXT']),
			...optional('kubeconfig', (flags['kubeconfig'] as string | undefined) ?? process.env['HUBBLE_KUBECONFIG']),
		}).catch((error: unknown) => {
			throw error instanceof PortForwardError ? new RunError(error.message) : error;
		});
		if (forward.servicePort === 443 && !connection.tls) {
			notice('service/hubble-relay listens on 443, so Relay serves TLS; add --tls (and --tls-ca-cert-files, --tls-server-name)');
		}

		// --server is ignored with -P, as in hubble.
		return {
			connection: {...connection, server: connection.server.startsWith('tls://') ? `tls://${forward.address}` : forward.address},
			cleanUp: async () => forward.close(),
		};
	}

	return {connection, cleanUp: async () => undefined};
}

/** One of several sources: what the header and messages call it, and how to reach it. */
export type NamedConnection = {name: string; connection: ClientOptions};

/** The clusters a demo scenario's nodes are in (nodes named `CLUSTER/NODE`): the zero-trust lab has two. */
export function demoClusters(scenarioName: string): string[] {
	const nodes = scenarios.get(scenarioName)?.nodes ?? [];
	return [...new Set(nodes.filter(node => node.includes('/')).map(node => node.slice(0, node.indexOf('/'))))];
}

/**
`ztop --demo` on a scenario that spans clusters: one demo relay per cluster, as clusters without Cluster Mesh
each run their own, so the TUI shows the merge of several relays. They share one clock and seed (the clock
stands still until both are made), so together they serve exactly the flows one meshed relay would.
*/
export async function openDemoClusters(
	flags: Flags,
	scenarioName: string,
	notice: (text: string) => void,
): Promise<{sources: NamedConnection[]; cleanUp: () => Promise<void>; demo: RunningDemoRelay}> {
	const scenario = scenarios.get(scenarioName)!;
	const {requestTimeoutMilliseconds} = connectionOptions(flags, process.env);
	const origin = Date.now();
	const clock: {startedAt?: number} = {};
	const now = () => (clock.startedAt === undefined ? origin : origin + (performance.now() - clock.startedAt));
	const relays: RunningDemoRelay[] = [];
	try {
		for (const clusterName of demoClusters(scenarioName)) {
			relays.push(
				await startDemoRelay(scenario, {
					...defaultDemoRelayOptions,
					...(typeof flags['seed'] === 'number' ? {seed: flags['seed']} : {}),
					...(typeof flags['stageSeconds'] === 'number' ? {stageSeconds: flags['stageSeconds']} : {}),
					clusterName,
					now,
					host: '127.0.0.1',
					port: 0,
				}),
			);
		}
	} catch (error) {
		await Promise.all(relays.map(async relay => relay.stop()));
		throw error;
	}

	clock.startedAt = performance.now();
	const clusters = demoClusters(scenarioName);
	notice(`demo relays (${scenario.name}: ${scenario.description}), one per cluster: ${relays.map((relay, index) => `${clusters[index]} on ${relay.address}`).join(', ')}`);
	return {
		sources: relays.map((relay, index) => ({name: clusters[index]!, connection: {server: relay.address, requestTimeoutMilliseconds}})),
		cleanUp: async () => {
			await Promise.all(relays.map(async relay => relay.stop()));
		},
		demo: relays[0]!,
	};
}

/**
Several relays at once: each --server as given, or with -P one port-forward per --kube-context (a
cluster each, as the zero-trust lab types every kubectl command twice). All forwards are closed by
`cleanUp`; one that cannot start stops the run with its reason, before anything is shown.
*/
export async function openSeveralConnections(flags: Flags, servers: readonly string[], contexts: readonly string[]): Promise<{sources: NamedConnection[]; cleanUp: () => Promise<void>}> {
	if (!flags['portForward']) {
		return {sources: servers.map(server => ({name: server, connection: connectionOptions({...flags, server}, process.env)})), cleanUp: async () => undefined};
	}

	const base = connectionOptions(flags, process.env);
	const forwards: Array<{close: () => void}> = [];
	const sources: NamedConnection[] = [];
	try {
		for (const context of contexts) {
			// Each forward listens on a port of its own: the port flag (or 4245) is for one cluster only.
			const forward = await startPortForward({
				namespace: (flags['kubeNamespace'] as string | undefined) ?? process.env['HUBBLE_KUBE_NAMESPACE'] ?? 'kube-system',
				localPort: 0,
				context,
				...optional('kubeconfig', (flags['kubeconfig'] as string | undefined) ?? process.env['HUBBLE_KUBECONFIG']),
			}).catch((error: unknown) => {
				throw error instanceof PortForwardError ? new RunError(`--kube-context ${context}: ${error.message}`) : error;
			});
			forwards.push(forward);
			sources.push({name: context, connection: {...base, server: base.server.startsWith('tls://') ? `tls://${forward.address}` : forward.address}});
		}
	} catch (error) {
		for (const forward of forwards) {
			forward.close();
		}

		throw error;
	}

	return {
		sources,
		cleanUp: async () => {
			for (const forward of forwards) {
				forward.close();
			}
		},
	};
}

function optional<Key extends string>(key: Key, value: string | undefined): Partial<Record<Key, string>> {
	return value === undefined ? {} : ({[key]: value} as Record<Key, string>);
}

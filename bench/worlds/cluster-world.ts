/**
A generated world like a real cluster's, for the benchmarks and the replay relay: where the demo has a
handful of pods with five labels each, this has dozens of workloads in several namespaces, two or three
replicas each spread over the nodes, label sets as Helm charts and operators leave them (about fifteen
labels a pod, namespace labels included), thousands of distinct connections (client → server workload and
port) and traffic to the world by DNS name. Every round a connection is used again with a new client port,
as a cluster's clients do, so ztop's connection tables and interned parts see what a real stream gives them.

Flows are built with the demo's flow builder (src/relay/flow-builder.ts): the verdicts, trace points and
L7 records Hubble reports for a connection (policy verdicts on both sides, trace events, drops for a share
of the connections, HTTP for the web tier). The result is deterministic for a seed.
*/
import type {Endpoint, GetFlowsResponse, Policy} from '../../src/flow/flow.js';
import {formatTimestamp} from '../../src/flow/timestamp.js';
import {cnp, Connection, flowOf, matchType, type RoundFlow, type Workload} from '../../src/relay/flow-builder.js';
import {SeededRandom} from '../../src/relay/random.js';

export type ClusterWorldOptions = {
	seed?: number;
	namespaces?: number;
	/** Workloads over all namespaces. */
	workloads?: number;
	/** Distinct connections (client pod → server workload:port). */
	connections?: number;
	nodes?: number;
};

type Pod = Workload & {workload: string; namespace: string};

const tiers = ['web', 'api', 'worker', 'cache', 'db'];
const teams = ['payments', 'search', 'platform', 'growth', 'data'];
const serverPorts: Record<string, number> = {web: 8080, api: 8443, worker: 9090, cache: 6379, db: 5432};
const worldNames = ['api.stripe.com', 'hooks.slack.com', 'storage.googleapis.com', 'sts.amazonaws.com', 'registry.npmjs.org', 'sentry.io'];

function podEndpoint(random: SeededRandom, namespace: string, workload: string, tier: string, team: string, identity: number, hash: string, suffix: string): Endpoint {
	const labels = [
		`k8s:app=${workload}`,
		`k8s:app.kubernetes.io/component=${tier}`,
		`k8s:app.kubernetes.io/instance=${workload}-${namespace}`,
		'k8s:app.kubernetes.io/managed-by=Helm',
		`k8s:app.kubernetes.io/name=${workload}`,
		`k8s:app.kubernetes.io/part-of=${team}`,
		`k8s:app.kubernetes.io/version=1.${random.integer(0, 30)}.${random.integer(0, 9)}`,
		`k8s:helm.sh/chart=${workload}-0.${random.integer(1, 40)}.0`,
		`k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${namespace}`,
		`k8s:io.cilium.k8s.namespace.labels.team=${team}`,
		`k8s:io.cilium.k8s.namespace.labels.istio-injection=disabled`,
		'k8s:io.cilium.k8s.policy.cluster=prod-eu-west-1',
		`k8s:io.cilium.k8s.policy.serviceaccount=${workload}`,
		`k8s:io.kubernetes.pod.namespace=${namespace}`,
		`k8s:team=${team}`,
		`k8s:tier=${tier}`,
	];
	return {
		ID: identity % 4096,
		identity,
		cluster_name: 'prod-eu-west-1',
		namespace,
		// Hubble lists an endpoint's labels sorted.
		labels: labels.sort(),
		pod_name: `${workload}-${hash}-${suffix}`,
		workloads: [{name: workload, kind: 'Deployment'}],
	};
}

/** The world's pods, its connections, and a generator of rounds over them. */
export class ClusterWorld {
	readonly pods: Pod[] = [];
	readonly connections: Array<{client: Pod; server: Workload; port: number; protocol: 'TCP' | 'UDP'; http: boolean; denied: boolean; policies: Policy[]}> = [];
	private readonly random: SeededRandom;
	private nextPort = 32_768;

	constructor(options: ClusterWorldOptions = {}) {
		const {seed = 1, namespaces = 4, workloads = 20, connections = 3000, nodes = 6} = options;
		this.random = new SeededRandom(seed);
		const random = this.random;
		const namespaceNames = ['checkout', 'catalog', 'identity', 'analytics', 'billing', 'search', 'ops', 'edge'].slice(0, namespaces);
		const nodeNames = Array.from({length: nodes}, (_, index) => `prod-eu-west-1/ip-10-0-${index + 1}-17.eu-west-1.compute.internal`);
		let identity = 40_000;
		for (let index = 0; index < workloads; index++) {
			const namespace = namespaceNames[index % namespaceNames.length]!;
			const tier = tiers[index % tiers.length]!;
			const team = teams[(index * 3) % teams.length]!;
			const workload = `${tier}-${['orders', 'cart', 'users', 'prices', 'events', 'ledger', 'feeds', 'mail'][index % 8]}${index >= 8 ? `-${index}` : ''}`;
			const hash = random.integer(0x1000_0000, 0xffff_ffff).toString(16).slice(0, 9);
			const replicas = random.integer(2, 3);
			identity++;
			for (let replica = 0; replica < replicas; replica++) {
				const suffix = random.integer(0, 36 ** 5 - 1).toString(36).padStart(5, 'a');
				this.pods.push({
					workload,
					namespace,
					endpoint: podEndpoint(random, namespace, workload, tier, team, identity, hash, suffix),
					ip: `10.${index + 1}.${replica}.${random.integer(2, 250)}`,
					node: random.pick(nodeNames),
				});
			}
		}

		const world = (name: string): Workload => ({endpoint: {identity: 2, labels: ['reserved:world']}, ip: `52.${random.integer(0, 255)}.${random.integer(0, 255)}.${random.integer(1, 254)}`, names: [name]});
		const worlds = worldNames.map(name => world(name));
		const seen = new Set<string>();
		for (let attempts = 0; this.connections.length < connections && attempts < connections * 20; attempts++) {
			const client = random.pick(this.pods);
			const toWorld = random.integer(0, 9) === 0;
			const serverPod = random.pick(this.pods);
			const server: Workload = toWorld ? random.pick(worlds) : serverPod;
			const tier = serverPod.endpoint.labels!.find(label => label.startsWith('k8s:tier='))!.slice('k8s:tier='.length);
			const port = toWorld ? 443 : serverPorts[tier]! + random.integer(0, 40) * 100;
			const key = `${client.endpoint.pod_name} ${server.ip} ${port}`;
			if (server === client || seen.has(key)) {
				continue;
			}

			seen.add(key);
			const namespace = client.namespace;
			this.connections.push({
				client,
				server,
				port,
				protocol: 'TCP',
				http: !toWorld && tier === 'web',
				denied: random.integer(0, 19) === 0,
				policies: [cnp(`allow-${client.workload}-egress`, namespace), cnp(`${namespace}-baseline`, namespace)],
			});
		}
	}

	/** The flows of `count` connections' next use, each with a new client port. */
	round(count: number): RoundFlow[] {
		const flows: RoundFlow[] = [];
		for (let index = 0; index < count; index++) {
			const item = this.random.pick(this.connections);
			this.nextPort = this.nextPort >= 60_999 ? 32_768 : this.nextPort + 1;
			const connection = new Connection({source: item.client, destination: item.server, protocol: item.protocol, sourcePort: this.nextPort, destinationPort: item.port});
			const isPod = item.server.node !== undefined;
			const egress = connection.policyVerdict('EGRESS', item.denied ? 'DROPPED' : 'FORWARDED', matchType.l3l4, item.policies);
			if (item.denied) {
				flows.push(egress, connection.drop('EGRESS'));
				continue;
			}

			flows.push(egress);
			if (isPod) {
				const ingressPolicies = [cnp(`allow-to-${(item.server as Pod).workload}`, (item.server as Pod).namespace)];
				flows.push(connection.policyVerdict('INGRESS', item.http ? 'REDIRECTED' : 'FORWARDED', matchType.l3l4, ingressPolicies));
				if (item.http) {
					const url = `http://${(item.server as Pod).workload}.${(item.server as Pod).namespace}.svc.cluster.local:${item.port}/api/v1/items`;
					flows.push(connection.trace('to-proxy', false, 'INGRESS'), connection.httpRequest('GET', url, 'FORWARDED'), connection.httpResponse('GET', url, 200, 3));
				} else {
					flows.push(connection.trace('to-endpoint', false, 'INGRESS'), connection.trace('to-stack', true, 'EGRESS'));
				}
			} else {
				flows.push(connection.trace('to-stack', false, 'EGRESS'));
			}
		}

		return flows;
	}

	/** `count` responses as Hubble sends them, a millisecond apart from `startMilliseconds`, with uuids. */
	responses(count: number, startMilliseconds: number): GetFlowsResponse[] {
		const responses: GetFlowsResponse[] = [];
		while (responses.length < count) {
			for (const roundFlow of this.round(64)) {
				if (responses.length >= count) {
					break;
				}

				const at = startMilliseconds + responses.length;
				const time = formatTimestamp({seconds: Math.floor(at / 1000), nanos: (at % 1000) * 1_000_000});
				const flow = flowOf(roundFlow);
				const uuid = `${this.random.integer(0, 0xffff_ffff).toString(16).padStart(8, '0')}-0000-4000-8000-${String(responses.length).padStart(12, '0')}`;
				const node = flow.node_name ?? '';
				responses.push({flow: {time, uuid, ...flow}, node_name: node, time});
			}
		}

		return responses;
	}
}

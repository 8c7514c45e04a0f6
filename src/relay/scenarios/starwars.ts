/**
Cilium's Star Wars demo (shared/scenarios/README.md §2), namespace default: tiefighter and xwing land
on the deathstar; stage 2 applies rule1 as an L3/L4 policy (only org=empire on TCP 80), stage 3 as an
L7 policy (only POST /v1/request-landing), which drops tiefighter's PUT /v1/exhaust-port.
*/
import type {Endpoint} from '../../flow/flow.js';
import {loadPolicyText, type PolicyLoad} from '../../policy/policy-documents.js';
import {Connection, cnp, matchType, type RoundFlow, type Workload} from '../flow-builder.js';
import type {Scenario, ScenarioRound} from '../scenario.js';
import {starWarsL3L4Policy, starWarsL7Policy} from './starwars-policies.js';

const rule1 = cnp('rule1', 'default');
const node1 = 'kind-worker';
const node2 = 'kind-worker2';

function ship(name: string, podName: string, labels: string[], identity: number, id: number, node: string, ip: string, kind = 'Deployment'): Workload {
	const endpoint: Endpoint = {
		ID: id,
		identity,
		namespace: 'default',
		labels: [...labels.map(label => `k8s:${label}`), 'k8s:io.kubernetes.pod.namespace=default'],
		pod_name: podName,
		workloads: [{name, kind}],
	};
	return {endpoint, ip, node};
}

const deathstars = [
	ship('deathstar', 'deathstar-c74d84667-cx5kp', ['class=deathstar', 'org=empire'], 31_409, 2012, node1, '10.244.1.87'),
	ship('deathstar', 'deathstar-c74d84667-t7wnp', ['class=deathstar', 'org=empire'], 31_409, 1432, node2, '10.244.2.15'),
];
const tiefighter = ship('tiefighter', 'tiefighter', ['class=tiefighter', 'org=empire'], 9_142, 318, node1, '10.244.1.203', 'Pod');
const xwing = ship('xwing', 'xwing', ['class=xwing', 'org=alliance'], 58_201, 877, node2, '10.244.2.66', 'Pod');
/** NodeLocal DNSCache on each ship's node: one workload per node, made once (connections between the same workloads share their flows' shapes). */
const nodeLocalDns = new Map([node1, node2].map(node => [node, {endpoint: {identity: 1, labels: ['reserved:host']}, ip: '169.254.25.10', node} satisfies Workload]));

const landingUrl = 'http://deathstar.default.svc.cluster.local/v1/request-landing';
const exhaustPortUrl = 'http://deathstar.default.svc.cluster.local/v1/exhaust-port';

/**
Each stage's policies, for `--policies demo` (in namespace default, where `kubectl apply` puts them); read
when first asked for, not by every command that imports the scenarios (the demo's verdicts do not use them).
*/
let stageLoads: PolicyLoad[] | undefined;
const stagePolicies = (stage: number): PolicyLoad =>
	(stageLoads ??= [{policies: [], messages: []}, loadPolicyText(starWarsL3L4Policy, 'starwars/sw_l3_l4_policy.yaml'), loadPolicyText(starWarsL7Policy, 'starwars/sw_l3_l4_l7_policy.yaml')])[stage]!;

export const starWarsScenario: Scenario = {
	name: 'starwars',
	description: 'namespace default: no policy → L3/L4 rule1 (org=empire only) → L7 rule1 (POST /v1/request-landing only)',
	nodes: [node1, node2],
	stages: ['no policy', 'L3/L4 rule1', 'L7 rule1'],
	policies: stagePolicies,
	round(context) {
		const deathstar = context.random.pick(deathstars);
		return [
			...land(tiefighter, deathstar, context),
			...land(xwing, deathstar, context),
			...(context.stage === 2 ? exhaustPort(deathstar, context) : []),
		];
	},
};

function lookUp(client: Workload, context: ScenarioRound): RoundFlow[] {
	const dns = new Connection({source: client, destination: nodeLocalDns.get(client.node!)!, protocol: 'UDP', sourcePort: context.ephemeralPort(), destinationPort: 53});
	return [dns.trace('to-stack', false, 'EGRESS'), dns.trace('to-endpoint', true, 'INGRESS')];
}

/** `curl -s -XPOST deathstar.default.svc.cluster.local/v1/request-landing` */
function land(client: Workload, deathstar: Workload, context: ScenarioRound): RoundFlow[] {
	const http = new Connection({source: client, destination: deathstar, protocol: 'TCP', sourcePort: context.ephemeralPort(), destinationPort: 80});
	const flows = lookUp(client, context);
	const isEmpire = client === tiefighter;
	switch (context.stage) {
		case 0: {
			flows.push(http.trace('to-endpoint', false, 'INGRESS'), http.trace('to-stack', true, 'EGRESS'));
			break;
		}

		case 1: {
			flows.push(
				isEmpire
					? http.policyVerdict('INGRESS', 'FORWARDED', matchType.l3l4, [rule1])
					: http.policyVerdict('INGRESS', 'DROPPED', matchType.none),
				isEmpire ? http.trace('to-endpoint', false, 'INGRESS') : http.drop('INGRESS'),
			);
			break;
		}

		default: {
			if (!isEmpire) {
				flows.push(http.policyVerdict('INGRESS', 'DROPPED', matchType.none), http.drop('INGRESS'));
				break;
			}

			flows.push(
				http.policyVerdict('INGRESS', 'REDIRECTED', matchType.l3l4, [rule1]),
				http.trace('to-proxy', false, 'INGRESS'),
				http.httpRequest('POST', landingUrl, 'FORWARDED'),
				http.httpResponse('POST', landingUrl, 200, context.random.integer(1, 4)),
			);
			break;
		}
	}

	return flows;
}

/** `curl -s -XPUT deathstar.default.svc.cluster.local/v1/exhaust-port`, denied by the L7 rule ("Access denied"). */
function exhaustPort(deathstar: Workload, context: ScenarioRound): RoundFlow[] {
	const http = new Connection({source: tiefighter, destination: deathstar, protocol: 'TCP', sourcePort: context.ephemeralPort(), destinationPort: 80});
	return [
		http.policyVerdict('INGRESS', 'REDIRECTED', matchType.l3l4, [rule1]),
		http.httpRequest('PUT', exhaustPortUrl, 'DROPPED'),
		http.httpResponse('PUT', exhaustPortUrl, 403, 0),
	];
}

/**
The zero-trust lab of shared/scenarios/README.md: namespace `shop` in clusters cluster1 and cluster2,
frontend → backend:80, DNS to kube-dns, curl to the world, through five policy stages (allow-all,
allow-dns, L4 allow, L7 HTTP rule, default deny). Each stage's verdicts, match types and policy names come
from the lab's own YAML (zero-trust-policies.ts) through ztop's policy evaluator.
*/
import {dropReasonNames} from '../../flow/drop-reason.js';
import type {Endpoint} from '../../flow/flow.js';
import {RecordLists, toFlowRecord} from '../../flow/to-flow-record.js';
import {loadPolicyText, mergePolicies, type PolicyLoad} from '../../policy/policy-documents.js';
import {PolicySet, type FlowEvaluation} from '../../policy/policy-evaluator.js';
import {Connection, cnp, flowOf, type RoundFlow, type Workload} from '../flow-builder.js';
import type {Scenario, ScenarioRound} from '../scenario.js';
import {zeroTrustPolicyFiles, zeroTrustStageFiles} from './zero-trust-policies.js';

const namespace = 'shop';

type Cluster = {frontend: Workload; backend: Workload; kubeDns: Workload};

function pod(cluster: string, app: string, podName: string, identity: number, id: number, ns = namespace, appLabel = `app=${app}`): Endpoint {
	return {
		ID: id,
		identity,
		cluster_name: cluster,
		namespace: ns,
		labels: [
			`k8s:${appLabel}`,
			`k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${ns}`,
			`k8s:io.cilium.k8s.policy.cluster=${cluster}`,
			`k8s:io.cilium.k8s.policy.serviceaccount=${app}`,
			`k8s:io.kubernetes.pod.namespace=${ns}`,
		],
		pod_name: podName,
		workloads: [{name: app, kind: 'Deployment'}],
	};
}

function cluster(name: string, octet: number, identityBase: number): Cluster {
	return {
		frontend: {
			endpoint: pod(name, 'frontend', `frontend-79f5dbfc6c-${octet === 1 ? 'd6gb7' : 'k2x8q'}`, identityBase + 1, 1201),
			ip: `10.${octet}.1.23`,
			node: `${name}/worker-1`,
		},
		backend: {
			endpoint: pod(name, 'backend', `backend-6d4f9c7b8d-${octet === 1 ? 'x2k9p' : 'm7c4w'}`, identityBase + 2, 3303),
			ip: `10.${octet}.2.41`,
			node: `${name}/worker-2`,
		},
		kubeDns: {
			endpoint: pod(name, 'kube-dns', `kube-dns-75df64b86-${octet === 1 ? 'xrfwz' : 'b9t2l'}`, identityBase + 3, 742, 'kube-system', 'k8s-app=kube-dns'),
			ip: `10.${octet}.0.10`,
			node: `${name}/worker-1`,
		},
	};
}

const clusters = [cluster('cluster1', 1, 114_000), cluster('cluster2', 2, 214_000)];

const exampleCom: Workload = {endpoint: {identity: 2, labels: ['reserved:world']}, ip: '93.184.215.14', names: ['example.com']};
const oneOneOneOne: Workload = {endpoint: {identity: 2, labels: ['reserved:world']}, ip: '1.1.1.1'};

const backendHost = 'backend.shop.svc.cluster.local';
const backendServiceIp = '34.118.239.118';

/** Each stage's policies, loaded as files are, and the evaluator over them: the one source of the lab's verdicts. */
const stageLoads: PolicyLoad[] = zeroTrustStageFiles.map(files =>
	mergePolicies(files.map(file => loadPolicyText(zeroTrustPolicyFiles[file]!, `zero-trust/${file}.yaml`))),
);
const stageSets = stageLoads.map(load => new PolicySet(load.policies));

export const zeroTrustScenario: Scenario = {
	name: 'zero-trust',
	description: 'namespace shop: allow-all → allow-dns → L4 allow → L7 HTTP rules → default deny',
	nodes: ['cluster1/worker-1', 'cluster1/worker-2', 'cluster2/worker-1', 'cluster2/worker-2'],
	stages: ['allow-all', 'allow-dns', 'L4 allow', 'L7 HTTP rules', 'default deny'],
	policies: stage => stageLoads[stage]!,
	round(context) {
		const lab = context.random.pick(clusters);
		return [...lookUpBackend(lab, context), ...curlBackend(lab, context), ...curlWorld(lab, context)];
	},
};

const lists = new RecordLists();
const evaluations = new Map<string, FlowEvaluation>();

/** What the stage's policies decide for a flow; flows of one kind decide alike, so the answer is kept per kind. */
function decide(stage: number, kind: string, roundFlow: RoundFlow): FlowEvaluation {
	const key = `${stage}|${kind}`;
	let evaluation = evaluations.get(key);
	if (!evaluation) {
		const flow = flowOf(roundFlow);
		evaluation = stageSets[stage]!.evaluate({record: toFlowRecord({flow}, lists, dropReasonNames)!, fullFlow: () => flow});
		evaluations.set(key, evaluation);
	}

	return evaluation;
}

/**
The first packet of a connection through the stage's policies, as Cilium reports it: a policy verdict for
each enforced side (none where no policy selects the endpoint), a drop where one side denies. `passed` says
whether the packet got through, and `proxy` which side redirected it to the L7 proxy.
*/
function firstPacket(connection: Connection, stage: number, kind: string): {flows: RoundFlow[]; passed: boolean; proxy: {egress: boolean; ingress: boolean}} {
	const evaluation = decide(stage, kind, connection.trace('to-endpoint', false, 'INGRESS'));
	const flows: RoundFlow[] = [];
	for (const direction of ['egress', 'ingress'] as const) {
		const result = evaluation[direction];
		const side = direction === 'egress' ? 'EGRESS' : 'INGRESS';
		if (result.verdict !== 'allowed' && result.verdict !== 'denied') {
			continue;
		}

		const isAllowed = result.verdict === 'allowed';
		const policies = result.named.map(name => cnp(name.name, name.namespace));
		flows.push(connection.policyVerdict(side, isAllowed ? (result.proxy ? 'REDIRECTED' : 'FORWARDED') : 'DROPPED', result.matchType, policies));
		if (!isAllowed) {
			flows.push(connection.drop(side));
			return {flows, passed: false, proxy: {egress: false, ingress: false}};
		}
	}

	return {flows, passed: true, proxy: {egress: evaluation.egress.proxy, ingress: evaluation.ingress.proxy}};
}

/** `nslookup backend.shop.svc.cluster.local` from frontend. */
function lookUpBackend(lab: Cluster, context: ScenarioRound): RoundFlow[] {
	const dns = new Connection({source: lab.frontend, destination: lab.kubeDns, protocol: 'UDP', sourcePort: context.ephemeralPort(), destinationPort: 53});
	const query = `${backendHost}.`;
	const {flows, passed, proxy} = firstPacket(dns, context.stage, `dns ${lab.frontend.node}`);
	if (!passed) {
		return flows;
	}

	if (!proxy.egress) {
		return [...flows, dns.trace('to-endpoint', false, 'INGRESS'), dns.trace('to-endpoint', true, 'EGRESS')];
	}

	// A DNS rule redirects lookups to the agent's DNS proxy, which answers only names the rules allow.
	const isAllowed = decide(context.stage, `dns-query ${lab.frontend.node}`, dns.dnsRequest(query)).egress.verdict === 'allowed';
	return [
		...flows,
		dns.trace('to-proxy', false, 'EGRESS'),
		isAllowed ? dns.dnsRequest(query) : dns.dnsRequest(query, 'DROPPED'),
		...(isAllowed ? [dns.dnsResponse(query, [backendServiceIp], 30)] : []),
	];
}

/** `curl backend/status/200` and `curl backend/get` from frontend. */
function curlBackend(lab: Cluster, context: ScenarioRound): RoundFlow[] {
	const flows: RoundFlow[] = [];
	for (const path of ['/status/200', '/get']) {
		const http = new Connection({source: lab.frontend, destination: lab.backend, protocol: 'TCP', sourcePort: context.ephemeralPort(), destinationPort: 80});
		const url = `http://${backendHost}${path}`;
		const first = firstPacket(http, context.stage, `http ${lab.frontend.node}`);
		flows.push(...first.flows);
		if (!first.passed) {
			continue;
		}

		if (!first.proxy.ingress) {
			flows.push(http.trace('to-endpoint', false, 'INGRESS'), http.trace('to-stack', true, 'EGRESS'));
			continue;
		}

		// Envoy judges each request by the HTTP rules; a denied one gets 403 Access denied.
		const request = http.httpRequest('GET', url, 'FORWARDED');
		const isAllowed = decide(context.stage, `http-request ${path} ${lab.frontend.node}`, request).ingress.verdict === 'allowed';
		flows.push(
			http.trace('to-proxy', false, 'INGRESS'),
			isAllowed ? request : http.httpRequest('GET', url, 'DROPPED'),
			http.httpResponse('GET', url, isAllowed ? 200 : 403, context.random.integer(1, 9)),
		);
	}

	return flows;
}

/** `curl example.com` and `curl 1.1.1.1` from frontend. */
function curlWorld(lab: Cluster, context: ScenarioRound): RoundFlow[] {
	const destination = context.random.pick([exampleCom, oneOneOneOne]);
	const http = new Connection({source: lab.frontend, destination, protocol: 'TCP', sourcePort: context.ephemeralPort(), destinationPort: 80});
	const {flows, passed} = firstPacket(http, context.stage, `world ${destination.ip} ${lab.frontend.node}`);
	return passed ? [...flows, http.trace('to-stack', false, 'EGRESS')] : flows;
}

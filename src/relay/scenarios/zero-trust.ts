/**
The zero-trust lab of shared/scenarios/README.md: namespace `shop` in clusters cluster1 and cluster2,
frontend → backend:80, DNS to kube-dns, curl to the world, through five policy stages (allow-all,
allow-dns, L4 allow, L7 HTTP rule, default deny) with the lab's exact policy names.
*/
import type {Endpoint, Flow} from '../../flow/flow.js';
import {Connection, cnp, matchType, type Workload} from '../flow-builder.js';
import type {Scenario, ScenarioRound} from '../scenario.js';

const namespace = 'shop';
const policies = {
	allowAll: cnp('allow-all', namespace),
	allowDns: cnp('allow-dns', namespace),
	frontendToBackend: cnp('allow-frontend-to-backend', namespace),
	frontendEgress: cnp('allow-frontend-egress', namespace),
	frontendL7: cnp('allow-frontend-l7', namespace),
};

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

export const zeroTrustScenario: Scenario = {
	name: 'zero-trust',
	description: 'namespace shop: allow-all → allow-dns → L4 allow → L7 HTTP rules → default deny',
	nodes: ['cluster1/worker-1', 'cluster1/worker-2', 'cluster2/worker-1', 'cluster2/worker-2'],
	stages: ['allow-all', 'allow-dns', 'L4 allow', 'L7 HTTP rules', 'default deny'],
	round(context) {
		const lab = context.random.pick(clusters);
		return [...lookUpBackend(lab, context), ...curlBackend(lab, context), ...curlWorld(lab, context)];
	},
};

/** `nslookup backend.shop.svc.cluster.local` from frontend. */
function lookUpBackend(lab: Cluster, context: ScenarioRound): Flow[] {
	const dns = new Connection({source: lab.frontend, destination: lab.kubeDns, protocol: 'UDP', sourcePort: context.ephemeralPort(), destinationPort: 53});
	const query = `${backendHost}.`;
	if (context.stage === 0) {
		return [
			dns.policyVerdict('EGRESS', 'FORWARDED', matchType.all, [policies.allowAll]),
			dns.trace('to-endpoint', false, 'INGRESS'),
			dns.trace('to-endpoint', true, 'EGRESS'),
		];
	}

	// From stage 2 on, allow-dns redirects DNS to the proxy (its L7 rule matchPattern "*").
	return [
		dns.policyVerdict('EGRESS', 'REDIRECTED', matchType.l3l4, [policies.allowDns]),
		dns.trace('to-proxy', false, 'EGRESS'),
		dns.dnsRequest(query),
		dns.dnsResponse(query, [backendServiceIp], 30),
	];
}

/** `curl backend/status/200` and `curl backend/get` from frontend. */
function curlBackend(lab: Cluster, context: ScenarioRound): Flow[] {
	const flows: Flow[] = [];
	for (const path of ['/status/200', '/get']) {
		const http = new Connection({source: lab.frontend, destination: lab.backend, protocol: 'TCP', sourcePort: context.ephemeralPort(), destinationPort: 80});
		const url = `http://${backendHost}${path}`;
		switch (context.stage) {
			case 0:
			case 1: {
				flows.push(
					http.policyVerdict('EGRESS', 'FORWARDED', matchType.all, [policies.allowAll]),
					http.policyVerdict('INGRESS', 'FORWARDED', matchType.all, [policies.allowAll]),
					http.trace('to-endpoint', false, 'INGRESS'),
					http.trace('to-stack', true, 'EGRESS'),
				);
				break;
			}

			case 2: {
				flows.push(
					http.policyVerdict('EGRESS', 'FORWARDED', matchType.l3l4, [policies.frontendEgress]),
					http.policyVerdict('INGRESS', 'FORWARDED', matchType.l3l4, [policies.frontendToBackend]),
					http.trace('to-endpoint', false, 'INGRESS'),
					http.trace('to-stack', true, 'EGRESS'),
				);
				break;
			}

			default: {
				// Stage 4 keeps allow-all, so every path passes; stage 5 (default deny) lets only GET /status/200 through.
				const isDenied = context.stage === 4 && path !== '/status/200';
				flows.push(
					http.policyVerdict('EGRESS', 'FORWARDED', matchType.l3l4, [policies.frontendEgress]),
					http.policyVerdict('INGRESS', 'REDIRECTED', matchType.l3l4, [policies.frontendL7]),
					http.trace('to-proxy', false, 'INGRESS'),
					http.httpRequest('GET', url, isDenied ? 'DROPPED' : 'FORWARDED'),
					http.httpResponse('GET', url, isDenied ? 403 : 200, context.random.integer(1, 9)),
				);
				break;
			}
		}
	}

	return flows;
}

/** `curl example.com` and `curl 1.1.1.1` from frontend. */
function curlWorld(lab: Cluster, context: ScenarioRound): Flow[] {
	const destination = context.random.pick([exampleCom, oneOneOneOne]);
	const http = new Connection({source: lab.frontend, destination, protocol: 'TCP', sourcePort: context.ephemeralPort(), destinationPort: 80});
	if (context.stage < 4) {
		return [http.policyVerdict('EGRESS', 'FORWARDED', matchType.all, [policies.allowAll]), http.trace('to-stack', false, 'EGRESS')];
	}

	// Default deny: no policy allows the world, so the verdict names none (match type none, reason 133).
	return [http.policyVerdict('EGRESS', 'DROPPED', matchType.none), http.drop('EGRESS')];
}

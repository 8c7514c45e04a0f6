/**
The evaluator against the cases cilium-policy.md §15 records from Cilium 1.17's own policy engine
(Repository → DistillPolicy with real YAML), one policy set per case, plus the datapath's choice (§9) and
Hubble's naming (§10).
*/
import {describe, expect, test} from 'vitest';
import type {Endpoint, Flow} from '../../src/flow/flow.js';
import {loadPolicyText} from '../../src/policy/policy-documents.js';
import {PolicySet, type DirectionEvaluation} from '../../src/policy/policy-evaluator.js';
import {policyKey} from '../../src/policy/policy-model.js';
import {backend, frontend, kubeDns, makeFlow, makeHttpRequest, world} from '../fixtures/flows.js';
import {evaluationInput} from '../helpers/lab-policies.js';

const otherFrontend: Endpoint = {
	identity: 31_000,
	cluster_name: 'cluster1',
	namespace: 'other',
	labels: [
		'k8s:app=frontend',
		'k8s:io.kubernetes.pod.namespace=other',
		'k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=other',
		'k8s:io.cilium.k8s.policy.cluster=cluster1',
	],
	pod_name: 'frontend-6d5b8c9f7-abcde',
};
const host: Endpoint = {identity: 1, labels: ['reserved:host']};
const remoteNode: Endpoint = {identity: 6, labels: ['reserved:remote-node']};
const kubeApiserver: Endpoint = {identity: 7, labels: ['reserved:kube-apiserver', 'reserved:remote-node']};
const health: Endpoint = {identity: 4, labels: ['reserved:health']};
const cidrIdentity: Endpoint = {identity: 16_777_217, labels: ['cidr:1.1.1.1/32', 'reserved:world']};

const addresses = new Map<Endpoint, string>([
	[frontend, '10.0.1.10'],
	[backend, '10.0.2.20'],
	[kubeDns, '10.0.3.10'],
	[otherFrontend, '10.0.4.40'],
	[host, '192.168.0.1'],
	[remoteNode, '192.168.0.2'],
	[kubeApiserver, '192.168.0.3'],
	[health, '10.0.9.9'],
	[world, '8.8.8.8'],
	[cidrIdentity, '1.1.1.1'],
]);

/** A connection's first packet from `source` to `destination` on `port`. */
function flow(source: Endpoint, destination: Endpoint, port = 80, protocol: 'TCP' | 'UDP' = 'TCP', extra: Partial<Flow> = {}): Flow {
	return makeFlow({
		source,
		destination,
		IP: {source: addresses.get(source) ?? '10.0.0.1', destination: addresses.get(destination) ?? '10.0.0.2', ipVersion: 'IPv4'},
		l4: protocol === 'TCP' ? {TCP: {source_port: 40_000, destination_port: port, flags: {SYN: true}}} : {UDP: {source_port: 40_000, destination_port: port}},
		...extra,
	});
}

function policies(yaml: string): PolicySet {
	const load = loadPolicyText(yaml, 'test.yaml', 'shop');
	return new PolicySet(load.policies);
}

function cnp(name: string, spec: string, namespace = 'shop'): string {
	const indented = spec.trim().split('\n').map(line => `  ${line}`).join('\n');
	return `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n${indented}\n---\n`;
}

function ccnp(name: string, spec: string): string {
	const indented = spec.trim().split('\n').map(line => `  ${line}`).join('\n');
	return `apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata:\n  name: ${name}\nspec:\n${indented}\n---\n`;
}

const ingressAt = (set: PolicySet, item: Flow): DirectionEvaluation => set.evaluate(evaluationInput(item)).ingress;
const egressAt = (set: PolicySet, item: Flow): DirectionEvaluation => set.evaluate(evaluationInput(item)).egress;
const names = (result: DirectionEvaluation) => result.named.map(name => policyKey(name));
const matchTypes = ['none', 'L3-Only', 'L3-L4', 'L4-Only', 'all', 'L3-Proto', 'Proto-Only'];

describe('enforcement and default deny (§2)', () => {
	test('#1 ingress: [{}] enforces and allows nothing but the host', () => {
		const set = policies(cnp('deny-in', 'endpointSelector: {matchLabels: {app: backend}}\ningress: [{}]'));
		expect(ingressAt(set, flow(frontend, backend))).toMatchObject({verdict: 'denied', reason: 'default-deny', named: []});
		const fromHost = ingressAt(set, flow(host, backend));
		expect(fromHost.verdict).toBe('allowed');
		// The localhost allow is synthetic: Hubble names no policy.
		expect(fromHost.named).toEqual([]);
		// Other directions and other pods are untouched.
		expect(egressAt(set, flow(backend, frontend)).verdict).toBe('not-enforced');
	});

	test('#2 egress: [{}] denies all egress (not "allow all")', () => {
		const set = policies(cnp('deny-out', 'endpointSelector: {matchLabels: {app: frontend}}\negress: [{}]'));
		expect(egressAt(set, flow(frontend, world)).verdict).toBe('denied');
		expect(egressAt(set, flow(frontend, backend)).verdict).toBe('denied');
	});

	test('#22 a deny-only policy puts the direction into default deny', () => {
		const set = policies(cnp('deny-world', 'endpointSelector: {matchLabels: {app: backend}}\ningressDeny:\n  - fromEntities: [world]'));
		expect(ingressAt(set, flow(world, backend))).toMatchObject({verdict: 'denied', reason: 'deny-rule', named: [{name: 'deny-world'}]});
		expect(ingressAt(set, flow(frontend, backend))).toMatchObject({verdict: 'denied', reason: 'default-deny'});
		expect(ingressAt(set, flow(host, backend)).verdict).toBe('allowed');
	});

	test('#21 enableDefaultDeny: false keeps the direction open, while its L7 rules still redirect', () => {
		const set = policies(
			cnp(
				'non-default',
				`endpointSelector: {matchLabels: {app: frontend}}
enableDefaultDeny: {egress: false}
egress:
  - toEndpoints: [{matchLabels: {app: backend}}]
    toPorts:
      - ports: [{port: "80", protocol: TCP}]
        rules: {http: [{method: GET}]}`,
			),
		);
		expect(egressAt(set, flow(frontend, world)).verdict).toBe('allowed');
		expect(egressAt(set, flow(frontend, world)).named).toEqual([]);
		const toBackend = egressAt(set, flow(frontend, backend));
		expect(toBackend).toMatchObject({verdict: 'allowed', proxy: true, named: [{name: 'non-default'}]});
	});
});

describe('selectors and namespaces (§3)', () => {
	const from = (selector: string) => policies(cnp('p', `endpointSelector: {matchLabels: {app: backend}}\ningress:\n  - fromEndpoints: [${selector}]`));
	const admitted = (set: PolicySet) =>
		[frontend, kubeDns, otherFrontend, world, host, remoteNode, health].filter(peer => peer !== host && ingressAt(set, flow(peer, backend)).verdict === 'allowed').map(peer => peer.labels?.[0]);

	test.each([
		['#4 {} is every pod of the policy namespace only', '{}', ['k8s:app=frontend']],
		['#5 naming the namespace reaches another one', '{matchLabels: {io.kubernetes.pod.namespace: other, app: frontend}}', ['k8s:app=frontend']],
		['#6 namespace labels select every pod of a namespace', '{matchLabels: {"k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name": other}}', ['k8s:app=frontend']],
		['#7 In over namespaces', '{matchExpressions: [{key: io.kubernetes.pod.namespace, operator: In, values: [shop, other]}]}', ['k8s:app=frontend', 'k8s:app=frontend']],
		['#9 NotIn also selects identities without the label', '{matchExpressions: [{key: "k8s:io.kubernetes.pod.namespace", operator: NotIn, values: [shop]}]}', ['k8s:k8s-app=kube-dns', 'k8s:app=frontend', 'reserved:world', 'reserved:remote-node', 'reserved:health']],
	])('%s', (_name, selector, expected) => {
		expect(admitted(from(selector))).toEqual(expected);
	});

	test('#5 and #6 reach other/frontend, #4 does not', () => {
		expect(ingressAt(from('{matchLabels: {io.kubernetes.pod.namespace: other, app: frontend}}'), flow(otherFrontend, backend)).verdict).toBe('allowed');
		expect(ingressAt(from('{matchLabels: {io.kubernetes.pod.namespace: other, app: frontend}}'), flow(frontend, backend)).verdict).toBe('denied');
		expect(ingressAt(from('{}'), flow(otherFrontend, backend)).verdict).toBe('denied');
	});

	test('#8 a reserved key is not scoped to the namespace', () => {
		const set = from('{matchLabels: {"reserved:host": ""}}');
		expect(ingressAt(set, flow(host, backend)).named).toEqual([{kind: 'CiliumNetworkPolicy', namespace: 'shop', name: 'p'}]);
		expect(ingressAt(set, flow(frontend, backend)).verdict).toBe('denied');
	});

	test('#10, #11 a clusterwide peer selector is "any pod", in every namespace', () => {
		const any = policies(ccnp('c', 'endpointSelector: {matchLabels: {app: backend}}\ningress:\n  - fromEndpoints: [{}]'));
		expect(ingressAt(any, flow(otherFrontend, backend)).verdict).toBe('allowed');
		expect(ingressAt(any, flow(world, backend)).verdict).toBe('denied');
		const app = policies(ccnp('c', 'endpointSelector: {matchLabels: {app: backend}}\ningress:\n  - fromEndpoints: [{matchLabels: {app: frontend}}]'));
		expect(ingressAt(app, flow(frontend, backend)).verdict).toBe('allowed');
		expect(ingressAt(app, flow(otherFrontend, backend)).verdict).toBe('allowed');
	});

	test('#12 a CNP subject selector naming another namespace is overwritten with its own', () => {
		const set = policies(cnp('p', 'endpointSelector: {matchLabels: {"k8s:io.kubernetes.pod.namespace": other}}\ningress: [{}]'));
		expect(ingressAt(set, flow(frontend, backend)).verdict).toBe('denied');
		expect(ingressAt(set, flow(backend, otherFrontend)).verdict).toBe('not-enforced');
	});
});

describe('entities, CIDRs and FQDNs (§4, §5, §8)', () => {
	const to = (peer: string) => policies(cnp('p', `endpointSelector: {matchLabels: {app: frontend}}\negress:\n  - ${peer}`));

	test('world is world and CIDR identities; cluster is pods and in-cluster reserved identities; remote-node includes identity 7', () => {
		const worldSet = to('toEntities: [world]');
		expect([world, cidrIdentity, backend, host].map(peer => egressAt(worldSet, flow(frontend, peer)).verdict)).toEqual(['allowed', 'allowed', 'denied', 'denied']);
		const cluster = to('toEntities: [cluster]');
		expect([backend, otherFrontend, host, remoteNode, kubeApiserver, world].map(peer => egressAt(cluster, flow(frontend, peer)).verdict)).toEqual([
			'allowed',
			'allowed',
			'allowed',
			'allowed',
			'allowed',
			'denied',
		]);
		expect(egressAt(to('toEntities: [remote-node]'), flow(frontend, kubeApiserver)).verdict).toBe('allowed');
	});

	test('#14, #15 CIDR rules see only world-like identities, with except', () => {
		expect(egressAt(to('toCIDR: [1.1.1.0/24]'), flow(frontend, cidrIdentity)).verdict).toBe('allowed');
		expect(egressAt(to('toCIDR: [10.0.0.0/8]'), flow(frontend, backend)).verdict).toBe('denied');
		const set = to('toCIDRSet: [{cidr: 0.0.0.0/0, except: [1.1.1.0/24]}]');
		expect(egressAt(set, flow(frontend, world)).verdict).toBe('allowed');
		expect(egressAt(set, flow(frontend, cidrIdentity)).verdict).toBe('denied');
	});

	test('#17 toFQDNs matches the names Hubble gave the destination; * spans one label', () => {
		const named = (names: string[]) => flow(frontend, world, 443, 'TCP', {destination_names: names});
		expect(egressAt(to('toFQDNs: [{matchName: api.github.com}]'), named(['api.github.com'])).verdict).toBe('allowed');
		expect(egressAt(to('toFQDNs: [{matchPattern: "*.github.com"}]'), named(['api.github.com'])).verdict).toBe('allowed');
		expect(egressAt(to('toFQDNs: [{matchPattern: "*.github.com"}]'), named(['a.b.github.com'])).verdict).toBe('denied');
		expect(egressAt(to('toFQDNs: [{matchPattern: "*.github.com"}]'), named(['github.com'])).verdict).toBe('denied');
		// No name: toFQDNs cannot be shown to match.
		expect(egressAt(to('toFQDNs: [{matchName: api.github.com}]'), flow(frontend, world, 443)).verdict).toBe('denied');
	});
});

describe('ports and keys (§6, §9, §10)', () => {
	test('#3 ports without a peer: anyone on that port, L4-Only', () => {
		const set = policies(cnp('l4', 'endpointSelector: {matchLabels: {app: frontend}}\ningress:\n  - toPorts: [{ports: [{port: "8080"}]}]'));
		for (const [peer, protocol] of [
			[world, 'TCP'],
			[backend, 'UDP'],
		] as const) {
			const result = ingressAt(set, flow(peer, frontend, 8080, protocol));
			expect(result.verdict).toBe('allowed');
			expect(matchTypes[result.matchType]).toBe('L4-Only');
			expect(names(result)).toEqual(['shop/l4']);
		}

		expect(ingressAt(set, flow(world, frontend, 8081)).verdict).toBe('denied');
	});

	test('#18 a port range: its blocks allow, and Hubble names only exact-port keys', () => {
		const set = policies(cnp('range', 'endpointSelector: {matchLabels: {app: frontend}}\negress:\n  - toEndpoints: [{matchLabels: {app: backend}}]\n    toPorts: [{ports: [{port: "4000", endPort: 4010, protocol: TCP}]}]'));
		expect(egressAt(set, flow(frontend, backend, 4005))).toMatchObject({verdict: 'allowed', named: []});
		expect(names(egressAt(set, flow(frontend, backend, 4010)))).toEqual(['shop/range']);
		expect(egressAt(set, flow(frontend, backend, 4011)).verdict).toBe('denied');
	});

	test('#19 a deny beats every allow, and Hubble names the deny', () => {
		const set = policies(
			cnp('allow-everything', 'endpointSelector: {matchLabels: {app: frontend}}\negress:\n  - toEntities: [all]') +
				cnp('deny-world', 'endpointSelector: {matchLabels: {app: frontend}}\negressDeny:\n  - toEntities: [world]'),
		);
		const result = egressAt(set, flow(frontend, world));
		expect(result).toMatchObject({verdict: 'denied', reason: 'deny-rule'});
		expect(names(result)).toEqual(['shop/deny-world']);
		expect(matchTypes[result.matchType]).toBe('L3-Only');
		expect(names(egressAt(set, flow(frontend, backend)))).toEqual(['shop/allow-everything']);
		// Each policy on its own: the allow would have let it through.
		expect(result.by.map(name => policyKey(name))).toEqual(['shop/allow-everything']);
	});

	test('`by` leaves out a policy whose own deny rule covers the flow: on its own it denies (Cilium 1.17)', () => {
		// The shape the third real run found (warehouse/deny-selected-egress): an allow of the cluster and a deny of
		// the subject's own namespace in one policy.
		const set = policies(
			cnp('deny-selected-egress', 'endpointSelector: {matchExpressions: [{key: app, operator: Exists}]}\negressDeny:\n  - toEndpoints: [{}]\negress:\n  - toEntities: [cluster]') +
				cnp('allow-backend', 'endpointSelector: {matchLabels: {app: frontend}}\negress:\n  - toEndpoints: [{matchLabels: {app: backend}}]'),
		);
		const denied = egressAt(set, flow(frontend, backend));
		expect(denied).toMatchObject({verdict: 'denied', reason: 'deny-rule'});
		expect(denied.by.map(name => policyKey(name))).toEqual(['shop/allow-backend']);
		expect(egressAt(policies(cnp('deny-selected-egress', 'endpointSelector: {matchExpressions: [{key: app, operator: Exists}]}\negressDeny:\n  - toEndpoints: [{}]\negress:\n  - toEntities: [cluster]')), flow(frontend, backend)).verdict).toBe('denied');
		// Outside its own namespace only its allow covers the flow: it allows on its own and is named.
		const other = egressAt(set, flow(frontend, otherFrontend));
		expect(other).toMatchObject({verdict: 'allowed'});
		expect(other.by.map(name => policyKey(name))).toEqual(['shop/deny-selected-egress']);
	});

	test('`by` of a request judges each policy\'s own L7 rules, also when the set denies it at L3/L4', () => {
		// Found by the property over mixed sets: a deny of another policy decided the egress, and `by` still
		// named a policy whose own HTTP rule refuses the request.
		const set = policies(
			cnp('deny-kube-system', 'endpointSelector: {}\negressDeny:\n  - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: kube-system}}]') +
				cnp('get-a', 'endpointSelector: {}\negress:\n  - toEntities: [all]\n    toPorts:\n      - ports: [{port: "80", protocol: TCP}]\n        rules: {http: [{method: GET, path: /a}]}'),
		);
		const request = (method: string) =>
			makeHttpRequest({...flow(frontend, kubeDns, 80), Type: 'L7', event_type: {type: 129}, traffic_direction: 'EGRESS', l7: {type: 'REQUEST', http: {method, url: 'http://x/a'}}});
		const post = egressAt(set, request('POST'));
		expect(post).toMatchObject({verdict: 'denied', reason: 'deny-rule'});
		expect(post.by).toEqual([]);
		expect(egressAt(set, request('GET')).by.map(name => policyKey(name))).toEqual(['shop/get-a']);
	});

	test('#20 one key from an L4 rule and two L7 rules: all three named, and every request passes', () => {
		const rule = (name: string, peer: string, http: string) =>
			cnp(name, `endpointSelector: {matchLabels: {app: backend}}\ningress:\n  - fromEndpoints: [${peer}]\n    toPorts:\n      - ports: [{port: "80", protocol: TCP}]${http}`);
		const set = policies(
			rule('l7-a', '{matchLabels: {app: frontend}}', '\n        rules: {http: [{method: GET, path: /a}]}') +
				rule('l4-b', '{matchLabels: {app: frontend}}', '') +
				rule('l7-c', '{}', '\n        rules: {http: [{method: POST}]}'),
		);
		const result = ingressAt(set, flow(frontend, backend));
		expect(result).toMatchObject({verdict: 'allowed', proxy: true});
		expect(names(result)).toEqual(['shop/l4-b', 'shop/l7-a', 'shop/l7-c']);
		expect(ingressAt(set, makeHttpRequest({l7: {type: 'REQUEST', http: {method: 'DELETE', url: 'http://backend/x'}}})).verdict).toBe('allowed');
	});

	test('#26 port 0 with a protocol: an L3-Proto key, which Hubble does not name', () => {
		const rule = (name: string) => cnp(name, 'endpointSelector: {matchLabels: {app: backend}}\ningress:\n  - fromEndpoints: [{matchLabels: {app: frontend}}]\n    toPorts: [{ports: [{port: "0", protocol: TCP}]}]');
		const result = ingressAt(policies(rule('a') + rule('b')), flow(frontend, backend, 9999));
		expect(result.verdict).toBe('allowed');
		expect(matchTypes[result.matchType]).toBe('L3-Proto');
		expect(result.named).toEqual([]);
		expect(result.by.map(name => policyKey(name))).toEqual(['shop/a', 'shop/b']);
	});
});

describe('L7 (§7)', () => {
	test('a toPorts listener (CiliumClusterwideEnvoyConfig) is a proxy redirect; its requests are Envoy\'s to judge', () => {
		// The shape of Cilium's connectivity test client-egress-to-fqdns-and-ccec-listener.
		const listener = (kind: string) =>
			`endpointSelector: {matchLabels: {app: frontend}}\negress:\n  - toFQDNs: [{matchName: one.one.one.one}]\n    toPorts:\n      - ports: [{port: "80", protocol: TCP}]\n        listener: {envoyConfig: {kind: ${kind}, name: cilium-test-egress}, name: L7-listener}`;
		const set = policies(cnp('client-egress-to-fqdns-and-ccec-listener', listener('CiliumClusterwideEnvoyConfig')));
		const toWorld = flow(frontend, world, 80, 'TCP', {destination_names: ['one.one.one.one']});
		const result = egressAt(set, toWorld);
		expect(result).toMatchObject({verdict: 'allowed', proxy: true});
		expect(result.matched.map(origin => origin.text)).toEqual([expect.stringContaining('Envoy CiliumClusterwideEnvoyConfig/cilium-test-egress listener L7-listener')]);
		const request = egressAt(set, makeHttpRequest({...toWorld, Type: 'L7', event_type: {type: 129}, l7: {type: 'REQUEST', http: {method: 'GET', url: 'http://one.one.one.one/'}}}));
		expect(request).toMatchObject({verdict: 'unknown', proxy: true});
		expect(request.unknownBecause).toMatch(/Envoy CiliumClusterwideEnvoyConfig\/cilium-test-egress listener L7-listener/);
		// Another port of the same peer is not covered by the listener's rule.
		expect(egressAt(set, flow(frontend, world, 443, 'TCP', {destination_names: ['one.one.one.one']})).verdict).toBe('denied');
		// A clusterwide policy may not name a namespaced CiliumEnvoyConfig: the agent refuses it at import.
		const refused = loadPolicyText(ccnp('ccnp-listener', listener('CiliumEnvoyConfig')), 'test.yaml').policies[0]!;
		expect(refused.rejected).toBe('Listener "L7-listener" in CCNP can not use Kind CiliumEnvoyConfig');
		expect(loadPolicyText(ccnp('ccnp-listener', listener('CiliumClusterwideEnvoyConfig')), 'test.yaml').policies[0]!.rejected).toBeUndefined();
	});

	test('HTTP fields are full-match regexes; the path includes the query string', () => {
		const set = policies(cnp('l7', 'endpointSelector: {matchLabels: {app: backend}}\ningress:\n  - fromEndpoints: [{matchLabels: {app: frontend}}]\n    toPorts:\n      - ports: [{port: "80", protocol: TCP}]\n        rules: {http: [{method: GET, path: "/status/[0-9]+"}]}'));
		const request = (method: string, url: string) => ingressAt(set, makeHttpRequest({l7: {type: 'REQUEST', http: {method, url}}}));
		expect(request('GET', 'http://backend/status/200').verdict).toBe('allowed');
		expect(request('GET', 'http://backend/status/200?x=1')).toMatchObject({verdict: 'denied', reason: 'l7'});
		expect(request('GET', 'http://backend/prefix/status/200').verdict).toBe('denied');
		expect(request('POST', 'http://backend/status/200').verdict).toBe('denied');
	});

	test('DNS rules judge the query on the redirected port', () => {
		const set = policies(
			cnp('dns', 'endpointSelector: {}\negress:\n  - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}}]\n    toPorts:\n      - ports: [{port: "53", protocol: ANY}]\n        rules: {dns: [{matchPattern: "*.google.com"}]}'),
		);
		const query = (name: string) =>
			egressAt(set, flow(frontend, kubeDns, 53, 'UDP', {Type: 'L7', event_type: {type: 129}, l7: {type: 'REQUEST', dns: {query: name}}}));
		expect(query('www.google.com.').verdict).toBe('allowed');
		expect(query('google.com.')).toMatchObject({verdict: 'denied', reason: 'l7'});
	});
});

describe('Kubernetes NetworkPolicy (§11)', () => {
	const knp = (spec: string) => policies(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: k, namespace: shop}\nspec:\n${spec.trim().split('\n').map(line => `  ${line}`).join('\n')}\n`);

	test('#23 peers and ports: pods, namespaces, ipBlock; ports default to TCP', () => {
		const set = knp(`podSelector: {matchLabels: {app: backend}}
ingress:
  - from:
      - podSelector: {matchLabels: {app: frontend}}
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}
      - ipBlock: {cidr: 0.0.0.0/0, except: [1.1.1.0/24]}
    ports:
      - port: 80
      - protocol: UDP
        port: 5000
        endPort: 5001`);
		expect([frontend, otherFrontend, world, cidrIdentity, kubeDns].map(peer => ingressAt(set, flow(peer, backend)).verdict)).toEqual(['allowed', 'allowed', 'allowed', 'denied', 'denied']);
		expect(ingressAt(set, flow(frontend, backend, 5001, 'UDP')).verdict).toBe('allowed');
		expect(ingressAt(set, flow(frontend, backend, 80, 'UDP')).verdict).toBe('denied');
		expect(names(ingressAt(set, flow(frontend, backend)))).toEqual(['netpol:shop/k']);
	});

	test('#24 a rule without from: anyone on its ports', () => {
		const set = knp('podSelector: {matchLabels: {app: backend}}\ningress:\n  - ports: [{port: 9090}]');
		const result = ingressAt(set, flow(world, backend, 9090));
		expect(result.verdict).toBe('allowed');
		expect(matchTypes[result.matchType]).toBe('L4-Only');
	});

	test('#25 an egress-only policy without policyTypes isolates ingress too', () => {
		const set = knp('podSelector: {matchLabels: {app: frontend}}\negress:\n  - to: [{podSelector: {matchLabels: {app: backend}}}]\n    ports: [{port: 443}]');
		expect(ingressAt(set, flow(backend, frontend)).verdict).toBe('denied');
		expect(egressAt(set, flow(frontend, kubeDns, 53, 'UDP')).verdict).toBe('denied');
		expect(egressAt(set, flow(frontend, backend, 443)).verdict).toBe('allowed');
	});
});

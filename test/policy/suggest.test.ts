import {describe, expect, test} from 'vitest';
import {parse, parseAllDocuments} from 'yaml';
import type {Endpoint, Flow} from '../../src/flow/flow.js';
import {loadPolicyText} from '../../src/policy/policy-documents.js';
import {PolicySet} from '../../src/policy/policy-evaluator.js';
import {stableLabels, suggestPolicies, type HeldFlow} from '../../src/policy/suggest.js';
import {candidatePolicies} from '../../src/policy/what-if.js';
import {backend, frontend, kubeDns, makeFlow, makeHttpRequest, makePolicyVerdict, world} from '../fixtures/flows.js';
import {evaluationInput, loadPolicyFiles} from '../helpers/lab-policies.js';

const held = (flow: Flow): HeldFlow => evaluationInput(flow);

/** frontend → 1.1.1.1:80, named example.com by Hubble's DNS cache. */
const toExampleCom = makePolicyVerdict({
	uuid: 'a1b2c3d4-0000-4000-8000-00000000e001',
	IP: {source: '10.0.1.10', destination: '1.1.1.1', ipVersion: 'IPv4'},
	destination: world,
	destination_names: ['example.com'],
	traffic_direction: 'EGRESS',
	verdict: 'DROPPED',
	drop_reason_desc: 'POLICY_DENIED',
});

/** Every document parses back through ztop's loader, is accepted, and has what the CNP schema requires. */
function loadBack(yaml: string) {
	const load = loadPolicyText(yaml, 'suggestion');
	expect(load.messages.filter(message => !message.text.includes('skipped'))).toEqual([]);
	for (const document of parseAllDocuments(yaml)) {
		const object = document.toJS() as {apiVersion: string; kind: string; metadata: {name: string; namespace: string}; spec: Record<string, unknown>};
		expect(object.apiVersion).toMatch(/^(cilium\.io\/v2|networking\.k8s\.io\/v1)$/);
		expect(object.metadata.name).toMatch(/^[a-z\d]([-a-z\d]*[a-z\d])?$/);
		expect(object.metadata.namespace).not.toBe('');
		expect(object.spec['endpointSelector'] ?? object.spec['podSelector']).toBeDefined();
	}

	for (const policy of load.policies) {
		expect(policy.rejected).toBeUndefined();
	}

	return load.policies;
}

describe('stable labels', () => {
	test('select by what a pod is, never by its hash, name or Cilium labels', () => {
		expect(stableLabels(['k8s:app=frontend', 'k8s:pod-template-hash=79f5dbfc6c', 'k8s:io.kubernetes.pod.namespace=shop'])).toEqual({app: 'frontend'});
		expect(stableLabels(['k8s:app.kubernetes.io/name=api', 'k8s:app=legacy'])).toEqual({'app.kubernetes.io/name': 'api'});
		expect(stableLabels(['k8s:tier=web', 'k8s:pod-template-hash=1', 'k8s:io.cilium.k8s.policy.cluster=c1', 'k8s:statefulset.kubernetes.io/pod-name=db-0'])).toEqual({tier: 'web'});
		expect(stableLabels(['k8s:pod-template-hash=1', 'reserved:host'])).toBeUndefined();
		// Not a Kubernetes label (an escape sequence in it): never a selector.
		expect(stableLabels(['k8s:app=\u001B]0;x\u0007'])).toBeUndefined();
	});
});

describe('suggestPolicies', () => {
	test('a flow denied when observed but allowed by the policies now (the demo looped back to stage 1) is said to be so', () => {
		const baseline = loadPolicyFiles('zero-trust/stage1').policies;
		const flow = held(toExampleCom);
		expect(new PolicySet(baseline).evaluate(flow).egress.verdict).toBe('allowed');
		const result = suggestPolicies({flows: [flow], held: [flow], baseline, kind: 'cnp'});
		expect(result.policies).toEqual([]);
		expect(result.allowedNow.map(target => target.text)).toEqual(['shop/frontend-79f5dbfc6c-d6gb7 → world example.com:80/TCP (egress)']);
		expect(result.yaml).toContain('# Nothing to write for shop/frontend-79f5dbfc6c-d6gb7 → world example.com:80/TCP (egress): denied when Hubble observed it, allowed by the policies now');
		expect(result.yaml).not.toContain('No denied flows');
		// Against what Hubble observed (no policies given) the same flow is a target.
		expect(suggestPolicies({flows: [flow], held: [flow], kind: 'cnp'}).policies).toHaveLength(1);
	});

	test('lab stage 5: frontend → world 1.1.1.1:80 named example.com gets toFQDNs and a DNS rule, proven by the evaluator', () => {
		const baseline = loadPolicyFiles('zero-trust/stage5').policies;
		const flow = held(toExampleCom);
		expect(new PolicySet(baseline).evaluate(flow).egress.verdict).toBe('denied');
		const result = suggestPolicies({flows: [flow], held: [flow], baseline, kind: 'cnp'});
		expect(result.notAdmitted).toEqual([]);
		expect(result.otherChanges).toEqual([]);
		expect(result.policies).toHaveLength(1);
		const spec = (result.policies[0]!.document as {spec: {endpointSelector: unknown; egress: Array<Record<string, unknown>>}}).spec;
		expect(spec.endpointSelector).toEqual({matchLabels: {app: 'frontend'}});
		expect(spec.egress).toContainEqual({toFQDNs: [{matchName: 'example.com'}], toPorts: [{ports: [{port: '80', protocol: 'TCP'}]}]});
		// Stage 5's allow-dns already sends lookups through the DNS proxy and allows every name: no DNS rule added.
		expect(JSON.stringify(spec.egress)).not.toContain('kube-dns');
		const policies = loadBack(result.yaml);
		const after = new PolicySet(candidatePolicies(baseline, policies, []));
		expect(after.evaluate(flow).egress.verdict).toBe('allowed');
		expect(policies[0]!.name.name).not.toBe('allow-frontend-egress');
	});

	test('without a DNS rule in the baseline, the suggestion adds one for the name', () => {
		const baseline = loadPolicyFiles('zero-trust/stage5/allow-frontend-egress.yaml').policies;
		const flow = held(toExampleCom);
		const result = suggestPolicies({flows: [flow], held: [flow], baseline, kind: 'cnp'});
		const egress = (result.policies[0]!.document as {spec: {egress: unknown[]}}).spec.egress;
		expect(egress).toContainEqual({
			toEndpoints: [{matchLabels: {'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns'}}],
			toPorts: [{ports: [{port: '53', protocol: 'ANY'}], rules: {dns: [{matchName: 'example.com'}]}}],
		});
		expect(result.notAdmitted).toEqual([]);
		expect(result.policies[0]!.notes.join()).toContain('DNS rule');
	});

	test('Star Wars rule1: the denied PUT /v1/exhaust-port gets an HTTP rule for exactly that method and path', () => {
		const baseline = loadPolicyFiles('examples/starwars.yaml').policies;
		const deathstar: Endpoint = {identity: 31_000, namespace: 'default', labels: ['k8s:class=deathstar', 'k8s:org=empire', 'k8s:io.kubernetes.pod.namespace=default'], pod_name: 'deathstar-6c94dcc57b-2xz9t'};
		const tiefighter: Endpoint = {identity: 31_001, namespace: 'default', labels: ['k8s:class=tiefighter', 'k8s:org=empire', 'k8s:io.kubernetes.pod.namespace=default'], pod_name: 'tiefighter'};
		const put = makeHttpRequest({
			source: tiefighter,
			destination: deathstar,
			verdict: 'DROPPED',
			traffic_direction: 'INGRESS',
			l7: {type: 'REQUEST', http: {method: 'PUT', url: 'http://deathstar.default.svc.cluster.local/v1/exhaust-port', protocol: 'HTTP/1.1'}},
		});
		const landing = makeHttpRequest({
			uuid: 'a1b2c3d4-0000-4000-8000-00000000e002',
			source: tiefighter,
			destination: deathstar,
			traffic_direction: 'INGRESS',
			l7: {type: 'REQUEST', http: {method: 'POST', url: 'http://deathstar.default.svc.cluster.local/v1/request-landing', protocol: 'HTTP/1.1'}},
		});
		const flows = [held(put), held(landing)];
		expect(new PolicySet(baseline).evaluate(flows[0]!).ingress).toMatchObject({verdict: 'denied', reason: 'l7'});
		const result = suggestPolicies({flows: [flows[0]!], held: flows, baseline, kind: 'cnp'});
		const ingress = (result.policies[0]!.document as {spec: {endpointSelector: unknown; ingress: unknown[]}}).spec;
		expect(ingress.endpointSelector).toEqual({matchLabels: {class: 'deathstar'}});
		expect(ingress.ingress).toEqual([
			{fromEndpoints: [{matchLabels: {class: 'tiefighter'}}], toPorts: [{ports: [{port: '80', protocol: 'TCP'}], rules: {http: [{method: 'PUT', path: '^/v1/exhaust-port$'}]}}]},
		]);
		expect(result.notAdmitted).toEqual([]);
		expect(result.otherChanges).toEqual([]);
		loadBack(result.yaml);
	});

	test('paths are literal: regex characters and control characters are escaped', () => {
		const request = makeHttpRequest({verdict: 'DROPPED', traffic_direction: 'INGRESS', l7: {type: 'REQUEST', http: {method: 'GET', url: 'http://backend/a.b?c=(1)+\u001B[2J', protocol: 'HTTP/1.1'}}});
		const baseline = loadPolicyText('apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: l7, namespace: shop}\nspec:\n  endpointSelector: {matchLabels: {app: backend}}\n  ingress:\n  - toPorts:\n    - ports: [{port: "80", protocol: TCP}]\n      rules: {http: [{method: GET, path: "/ok"}]}\n', 'l7.yaml').policies;
		const result = suggestPolicies({flows: [held(request)], held: [held(request)], baseline, kind: 'cnp'});
		expect(result.yaml).toContain(String.raw`^/a\.b\?c=\(1\)\+\x{1b}\[2J$`);
		expect(result.yaml).not.toContain('\u001B');
		expect(result.notAdmitted).toEqual([]);
	});

	test('several flows of one subject and direction make one policy with the fewest rules', () => {
		const denied = (overrides: Partial<Flow>) => held(makePolicyVerdict({verdict: 'DROPPED', traffic_direction: 'EGRESS', drop_reason_desc: 'POLICY_DENIED', ...overrides}));
		const other: Endpoint = {...backend, labels: ['k8s:app=cache', 'k8s:io.kubernetes.pod.namespace=shop'], identity: 22_000, pod_name: 'cache-0'};
		const flows = [
			denied({uuid: 'u1'}),
			denied({uuid: 'u2', l4: {TCP: {source_port: 40_000, destination_port: 80}}}),
			denied({uuid: 'u3', destination: other}),
			denied({uuid: 'u4', l4: {TCP: {source_port: 40_001, destination_port: 8080}}}),
			denied({uuid: 'u5', destination: kubeDns, l4: {UDP: {source_port: 40_002, destination_port: 53}}}),
		];
		const result = suggestPolicies({flows, held: flows, kind: 'cnp'});
		expect(result.policies).toHaveLength(1);
		const egress = (result.policies[0]!.document as {spec: {egress: unknown[]}}).spec.egress;
		expect(egress).toHaveLength(3);
		// Without the policies in force, the suggestion alone would default-deny the pod's other egress: no claim is made.
		expect(result.othersUnknown).toBe(true);
		expect(result.otherChanges).toEqual([]);
		expect(result.yaml).toContain('what else it changes needs the policies in force (--policies)');
		expect(egress).toContainEqual({
			toEndpoints: [{matchLabels: {app: 'backend'}}],
			toPorts: [{ports: [{port: '80', protocol: 'TCP'}]}, {ports: [{port: '8080', protocol: 'TCP'}]}],
		});
		expect(egress).toContainEqual({toEndpoints: [{matchLabels: {app: 'cache'}}], toPorts: [{ports: [{port: '80', protocol: 'TCP'}]}]});
		expect(egress).toContainEqual({toEndpoints: [{matchLabels: {'k8s-app': 'kube-dns', 'k8s:io.kubernetes.pod.namespace': 'kube-system'}}], toPorts: [{ports: [{port: '53', protocol: 'UDP'}]}]});
		loadBack(result.yaml);
	});

	test('a flow a deny rule blocks is reported with the rule, not suggested', () => {
		const baseline = loadPolicyText(
			'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: no-backend, namespace: shop}\nspec:\n  endpointSelector: {matchLabels: {app: frontend}}\n  egressDeny:\n  - toEndpoints: [{matchLabels: {app: backend}}]\n',
			'deny.yaml',
		).policies;
		const flow = held(makePolicyVerdict({traffic_direction: 'EGRESS', verdict: 'DROPPED'}));
		const result = suggestPolicies({flows: [flow], held: [flow], baseline, kind: 'cnp'});
		expect(result.policies).toEqual([]);
		expect(result.blocked).toHaveLength(1);
		expect(result.blocked[0]!.rule).toContain('shop/no-backend');
		expect(result.yaml).toContain('Cannot admit shop/frontend-79f5dbfc6c-d6gb7 → shop/backend-6d4f9c7b8d-x2k9p:80/TCP (egress): denied by shop/no-backend');
	});

	test('a suggested name never takes an existing policy name', () => {
		const baseline = loadPolicyText(
			'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: ztop-allow-frontend-egress, namespace: shop}\nspec:\n  endpointSelector: {matchLabels: {app: frontend}}\n  egress:\n  - toEndpoints: [{matchLabels: {app: nothing}}]\n',
			'taken.yaml',
		).policies;
		const flow = held(makePolicyVerdict({traffic_direction: 'EGRESS', verdict: 'DROPPED'}));
		const result = suggestPolicies({flows: [flow], held: [flow], baseline, kind: 'cnp'});
		expect(result.policies[0]!.name).toBe('ztop-allow-frontend-egress-2');
		expect(result.notAdmitted).toEqual([]);
	});

	test('NetworkPolicy: pods, namespaces and CIDRs; entities and names are refused with a reason', () => {
		// A namespaceSelector matches the namespace's labels, which Cilium gives every pod identity.
		const dns: Endpoint = {...kubeDns, labels: [...kubeDns.labels!, 'k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=kube-system']};
		const flows = [
			held(makePolicyVerdict({uuid: 'n1', traffic_direction: 'EGRESS', verdict: 'DROPPED', destination: dns, l4: {UDP: {source_port: 1, destination_port: 53}}})),
			held(makePolicyVerdict({uuid: 'n2', traffic_direction: 'EGRESS', verdict: 'DROPPED', destination: world, IP: {source: '10.0.1.10', destination: '1.1.1.1', ipVersion: 'IPv4'}})),
			held(makePolicyVerdict({uuid: 'n3', traffic_direction: 'EGRESS', verdict: 'DROPPED', destination: {identity: 7, labels: ['reserved:kube-apiserver']}})),
		];
		const result = suggestPolicies({flows, held: flows, kind: 'netpol'});
		const spec = parse(result.yaml.split('---')[0]!) as {kind: string; spec: {policyTypes: string[]; egress: unknown[]}};
		expect(spec.kind).toBe('NetworkPolicy');
		expect(spec.spec.policyTypes).toEqual(['Egress']);
		expect(spec.spec.egress).toContainEqual({
			to: [{podSelector: {matchLabels: {'k8s-app': 'kube-dns'}}, namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'kube-system'}}}],
			ports: [{protocol: 'UDP', port: 53}],
		});
		expect(spec.spec.egress).toContainEqual({to: [{ipBlock: {cidr: '1.1.1.1/32'}}], ports: [{protocol: 'TCP', port: 80}]});
		expect(result.unsupported.map(item => item.reason)).toEqual([expect.stringContaining('kube-apiserver')]);
		expect(result.notAdmitted).toEqual([]);
	});

	test('a suggestion the evaluation cannot prove says so instead of claiming it admits', () => {
		// Without the namespace's labels on the peer, no namespaceSelector can be shown to match it.
		const flow = held(makePolicyVerdict({traffic_direction: 'EGRESS', verdict: 'DROPPED', destination: kubeDns, l4: {UDP: {source_port: 1, destination_port: 53}}}));
		const result = suggestPolicies({flows: [flow], held: [flow], kind: 'netpol'});
		expect(result.notAdmitted).toHaveLength(1);
		expect(result.yaml).toContain('NOT PROVEN');
	});

	test('nothing denied: a comment says so', () => {
		const flow = held(makeFlow());
		const result = suggestPolicies({flows: [flow], held: [flow], kind: 'cnp'});
		expect(result.policies).toEqual([]);
		expect(result.yaml).toMatch(/^# No denied flows/);
		expect(frontend.labels).toBeDefined();
	});
});

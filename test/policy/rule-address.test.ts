/**
A rule's address, as the evaluator names the rules that decided: the lab's stage 4 over its own flows,
worked out by hand from its YAML (shared/scenarios/policies/zero-trust/stage4), and the address of every
kind of rule: a deny, a further spec, a clusterwide policy, a NetworkPolicy.
*/
import {describe, expect, test} from 'vitest';
import {loadPolicyText} from '../../src/policy/policy-documents.js';
import {PolicySet} from '../../src/policy/policy-evaluator.js';
import {backend, frontend, makeDnsRequest, makeFlow, makeHttpRequest} from '../fixtures/flows.js';
import {evaluationInput, labStagePolicies} from '../helpers/lab-policies.js';

const stage4 = labStagePolicies(4);
const stage5 = labStagePolicies(5);
const web = {IP: {source: '10.0.1.10', destination: '10.0.2.20', ipVersion: 'IPv4' as const}, l4: {TCP: {source_port: 40_000, destination_port: 80}}, source: frontend, destination: backend};
const request = (path: string) => makeHttpRequest({...web, l7: {type: 'REQUEST', http: {method: 'GET', url: `http://backend${path}`}}});

describe('the lab\'s stages: the rules that decided, by address', () => {
	test('stage 4: GET /status/200 by allow-frontend-l7\'s HTTP rule (Envoy reads the port\'s rules first), GET /get by allow-all\'s rule; stage 5: GET /status/200 by the HTTP rule, GET /get denied by its port rule', () => {
		expect(stage4.evaluate(evaluationInput(request('/get'))).ingress).toMatchObject({verdict: 'allowed', rules: ['shop/allow-all ingress[0]']});
		expect(stage4.evaluate(evaluationInput(request('/status/200'))).ingress).toMatchObject({verdict: 'allowed', rules: ['shop/allow-frontend-l7 ingress[0] toPorts[0] rules.http[0]']});
		const admitted = stage5.evaluate(evaluationInput(request('/status/200'))).ingress;
		expect(admitted).toMatchObject({verdict: 'allowed', rules: ['shop/allow-frontend-l7 ingress[0] toPorts[0] rules.http[0]']});
		// Denied by the L7 rules: the port rule whose HTTP rules it matched none of.
		expect(stage5.evaluate(evaluationInput(request('/get'))).ingress).toMatchObject({verdict: 'denied', reason: 'l7', rules: ['shop/allow-frontend-l7 ingress[0] toPorts[0]']});
	});

	test('stage 4 at L3/L4: the winning key\'s entries, the port rule that covered the flow (the ones Hubble names)', () => {
		const connection = stage4.evaluate(evaluationInput(makeFlow(web)));
		expect(connection.ingress).toMatchObject({proxy: true, rules: ['shop/allow-frontend-l7 ingress[0] toPorts[0]']});
		expect(connection.egress.rules).toEqual(['shop/allow-frontend-egress egress[0] toPorts[0]']);
		// One address for each matched rule, in its order.
		expect(connection.ingress.rules).toHaveLength(connection.ingress.matched.length);
	});

	test('a DNS query by allow-dns\'s DNS rule', () => {
		expect(stage4.evaluate(evaluationInput(makeDnsRequest())).egress.rules).toEqual(['shop/allow-dns egress[0] toPorts[0] rules.dns[0]']);
	});
});

test('a deny rule, a further spec, a clusterwide policy and a NetworkPolicy each by their address', () => {
	const policies = new PolicySet(
		loadPolicyText(
			`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: specs, namespace: shop}
specs:
  - endpointSelector: {matchLabels: {app: nothing}}
    ingress: [{}]
  - endpointSelector: {matchLabels: {app: backend}}
    ingress: [{fromEndpoints: [{matchLabels: {app: other}}]}, {fromEndpoints: [{matchLabels: {app: frontend}}]}]
    ingressDeny: [{fromEndpoints: [{matchLabels: {app: frontend}}], toPorts: [{ports: [{port: "22", protocol: TCP}]}, {ports: [{port: "80", protocol: TCP}]}]}]
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: everyone-out}
spec:
  endpointSelector: {}
  egress: [{toEntities: [cluster]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-frontend, namespace: shop}
spec:
  podSelector: {matchLabels: {app: backend}}
  ingress: [{from: [{podSelector: {matchLabels: {app: other}}}]}, {from: [{podSelector: {matchLabels: {app: frontend}}}]}]
`,
			'inline',
		).policies,
	);
	const evaluation = policies.evaluate(evaluationInput(makeFlow(web)));
	expect(evaluation.ingress).toMatchObject({verdict: 'denied', reason: 'deny-rule', rules: ['shop/specs specs[1].ingressDeny[0] toPorts[1]']});
	expect(evaluation.egress.rules).toEqual(['ccnp:everyone-out egress[0]']);
	const withoutDeny = new PolicySet(policies.policies.map(policy => ({...policy, rules: policy.rules.map(rule => ({...rule, ingress: rule.ingress && {...rule.ingress, entries: rule.ingress.entries.filter(entry => !entry.isDeny)}}))})));
	expect(withoutDeny.evaluate(evaluationInput(makeFlow(web))).ingress.rules.sort()).toEqual(['netpol:shop/from-frontend ingress[1]', 'shop/specs specs[1].ingress[1]'].sort());
});

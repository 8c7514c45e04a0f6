/** Deleting one rule as editing the YAML would: what the lists and the policy become (cilium-policy.md §1). */
import {expect, test} from 'vitest';
import {loadPolicyText} from '../../src/policy/policy-documents.js';
import {PolicySet} from '../../src/policy/policy-evaluator.js';
import {deleteRule} from '../../src/policy/rule-deletion.js';
import {WhatIfError} from '../../src/policy/what-if.js';
import {backend, frontend, makeFlow} from '../fixtures/flows.js';
import {evaluationInput} from '../helpers/lab-policies.js';

const policies = loadPolicyText(
	`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: backend-in, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: backend}}
  ingress: [{fromEndpoints: [{matchLabels: {app: frontend}}]}, {fromEndpoints: [{matchLabels: {app: other}}]}]
  ingressDeny: [{fromEndpoints: [{matchLabels: {app: frontend}}], toPorts: [{ports: [{port: "22", protocol: TCP}]}]}]
`,
	'inline',
).policies;
const web = makeFlow({source: frontend, destination: backend});
const ingress = (set: ReturnType<typeof deleteRule>) => new PolicySet(set).evaluate(evaluationInput(web)).ingress;

test('the other items stay with their addresses; the last allow item gone, the deny keeps the direction enforced', () => {
	expect(ingress(policies)).toMatchObject({verdict: 'allowed', rules: ['shop/backend-in ingress[0]']});
	const withoutFirst = deleteRule(policies, 'shop/backend-in ingress[0]');
	expect(withoutFirst[0]!.rules[0]!.ingress!.entries.map(entry => `${entry.origin.isDeny ? 'deny' : 'allow'}[${entry.origin.index}]`)).toEqual(['allow[1]', 'deny[0]']);
	expect(ingress(withoutFirst)).toMatchObject({verdict: 'denied', reason: 'default-deny'});
	const onlyDeny = deleteRule(withoutFirst, 'shop/backend-in ingress[1]');
	expect(ingress(onlyDeny)).toMatchObject({verdict: 'denied', reason: 'default-deny'});
});

test('the last item of the last list: the spec has no section and Cilium rejects the whole policy', () => {
	let set = policies;
	for (const address of ['shop/backend-in ingress[0]', 'shop/backend-in ingress[1]', 'shop/backend-in ingressDeny[0]']) {
		set = deleteRule(set, address);
	}

	expect(set[0]!.rejected).toMatch(/rule must have at least one of Ingress/);
	expect(ingress(set).verdict).toBe('not-enforced');
});

test('a rule that is not there, a policy that is not there, and a port rule are refused', () => {
	expect(() => deleteRule(policies, 'shop/backend-in egress[0]')).toThrow(WhatIfError);
	expect(() => deleteRule(policies, 'shop/nothing ingress[0]')).toThrow('no policy shop/nothing in the baseline');
	expect(() => deleteRule(policies, 'shop/backend-in ingressDeny[0] toPorts[0]')).toThrow('a deletion names a whole rule');
});

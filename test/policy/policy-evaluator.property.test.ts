/**
The evaluator's algebra over random policy sets and random flows of the lab (runs sized by count):
- a deny added never allows what was denied, and a deny rule that covers a flow denies it whatever allows it;
- an allow added never denies what was allowed, unless it newly puts the endpoint into default deny;
- with no deny rules, a set allows a flow exactly when some policy of it would on its own (or none selects
  the endpoint), and `by` lists exactly those policies;
- a selector's text reads back (through the `--label` parser) as the same selector.
*/
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import type {Endpoint, Flow} from '../../src/flow/flow.js';
import {parseLabel, parseLabelSelector, matchesLabelSelector} from '../../src/filters/label-selector.js';
import {selectorText, toMatcher, type ExtendedRequirement} from '../../src/policy/endpoint-selector.js';
import {loadPolicyText} from '../../src/policy/policy-documents.js';
import {PolicySet} from '../../src/policy/policy-evaluator.js';
import {directions, policyKey, type LoadedPolicy} from '../../src/policy/policy-model.js';
import {passage} from '../../src/policy/what-if.js';
import {backend, frontend, kubeDns, makeFlow, world} from '../fixtures/flows.js';
import {evaluationInput} from '../helpers/lab-policies.js';

const host: Endpoint = {identity: 1, labels: ['reserved:host']};
const otherFrontend: Endpoint = {identity: 31_000, namespace: 'other', pod_name: 'frontend-x', labels: ['k8s:app=frontend', 'k8s:io.kubernetes.pod.namespace=other']};
const endpoints: Array<[Endpoint, string]> = [
	[frontend, '10.0.1.10'],
	[backend, '10.0.2.20'],
	[kubeDns, '10.0.3.10'],
	[otherFrontend, '10.0.4.40'],
	[world, '1.1.1.1'],
	[host, '192.168.0.1'],
];

const flowArbitrary: fc.Arbitrary<Flow> = fc
	.record({
		source: fc.constantFrom(...endpoints),
		destination: fc.constantFrom(...endpoints),
		port: fc.constantFrom(53, 80, 8080, 8050),
		protocol: fc.constantFrom('TCP', 'UDP'),
		request: fc.option(fc.constantFrom(['GET', '/a'], ['POST', '/a'], ['GET', '/b']), {nil: undefined}),
	})
	.map(({source, destination, port, protocol, request}) =>
		makeFlow({
			source: source[0],
			destination: destination[0],
			IP: {source: source[1], destination: destination[1], ipVersion: 'IPv4'},
			l4: protocol === 'TCP' ? {TCP: {source_port: 40_000, destination_port: port}} : {UDP: {source_port: 40_000, destination_port: port}},
			...(request && protocol === 'TCP'
				? {Type: 'L7' as const, event_type: {type: 129}, l7: {type: 'REQUEST' as const, http: {method: request[0], url: `http://x${request[1]}`}}}
				: {}),
		}),
	);

const subjects = ['{}', '{matchLabels: {app: frontend}}', '{matchLabels: {app: backend}}'];
const peers = [
	'toEndpoints: [{matchLabels: {app: backend}}]',
	'toEndpoints: [{}]',
	'toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: kube-system}}]',
	'toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: other}}]',
	'toEntities: [world]',
	'toEntities: [cluster]',
	'toEntities: [host]',
	'toEntities: [all]',
	'toCIDR: [1.1.1.0/24]',
	'toCIDRSet: [{cidr: 0.0.0.0/0, except: [1.1.1.0/24]}]',
	'',
];
const ports = ['', 'toPorts: [{ports: [{port: "80", protocol: TCP}]}]', 'toPorts: [{ports: [{port: "53", protocol: ANY}]}]', 'toPorts: [{ports: [{port: "8000", endPort: 8100, protocol: TCP}]}]', 'toPorts: [{ports: [{port: "0", protocol: UDP}]}]'];
const l7 = 'toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{method: GET, path: /a}]}}]';

type EntrySpec = {peer: string; ports: string; isL7: boolean; direction: 'ingress' | 'egress'};

const entryArbitrary: fc.Arbitrary<EntrySpec> = fc.record({
	peer: fc.constantFrom(...peers),
	ports: fc.constantFrom(...ports),
	isL7: fc.boolean(),
	direction: fc.constantFrom<'ingress' | 'egress'>('ingress', 'egress'),
});

/** An entry as YAML; ingress entries use the from* names of the same peers. */
function entryYaml(entry: EntrySpec, isDeny: boolean): string {
	const toPorts = entry.isL7 && !isDeny ? l7 : entry.ports;
	const peer = entry.direction === 'ingress' ? entry.peer.replace(/^to/, 'from') : entry.peer;
	const parts = [peer, toPorts].filter(Boolean);
	return parts.length === 0 ? '{}' : `{${parts.join(', ')}}`;
}

function policyYaml(name: string, subject: string, entries: EntrySpec[], isDeny: boolean): string {
	const sections = new Map<string, string[]>();
	for (const entry of entries) {
		const field = `${entry.direction}${isDeny ? 'Deny' : ''}`;
		sections.set(field, [...(sections.get(field) ?? []), entryYaml(entry, isDeny)]);
	}

	const body = [...sections.entries()].map(([field, items]) => `  ${field}: [${items.join(', ')}]`).join('\n');
	return `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  endpointSelector: ${subject}\n${body}\n---\n`;
}

const policyArbitrary = () =>
	fc.record({subject: fc.constantFrom(...subjects), entries: fc.array(entryArbitrary, {minLength: 1, maxLength: 3})});

function load(yaml: string): LoadedPolicy[] {
	const policies = loadPolicyText(yaml, 'random.yaml').policies;
	for (const policy of policies) {
		expect(policy.rejected, yaml).toBeUndefined();
	}

	return policies;
}

const allowSetArbitrary = fc.array(policyArbitrary(), {minLength: 1, maxLength: 4}).map(items => load(items.map((item, index) => policyYaml(`allow-${index}`, item.subject, item.entries, false)).join('')));

describe('the evaluator\'s algebra (property)', () => {
	test('a deny added never allows; an allow added never denies an endpoint that was already enforced', () => {
		fc.assert(
			fc.property(allowSetArbitrary, policyArbitrary(), policyArbitrary(), fc.array(flowArbitrary, {minLength: 10, maxLength: 10}), (base, deny, allow, flows) => {
				const before = new PolicySet(base);
				const denyPolicies = load(policyYaml('added-deny', deny.subject, deny.entries, true));
				const denyAlone = new PolicySet(denyPolicies);
				const withDeny = new PolicySet([...base, ...denyPolicies]);
				const withAllow = new PolicySet([...base, ...load(policyYaml('added-allow', allow.subject, allow.entries, false))]);
				for (const flow of flows) {
					const input = evaluationInput(flow);
					const was = before.evaluate(input);
					const denied = withDeny.evaluate(input);
					const allowed = withAllow.evaluate(input);
					for (const direction of directions) {
						if (passage(was[direction]) === 'denied') {
							expect(passage(denied[direction])).toBe('denied');
						}

						if (denyAlone.evaluate(input)[direction].reason === 'deny-rule') {
							expect(denied[direction]).toMatchObject({verdict: 'denied', reason: 'deny-rule'});
						}

						if (passage(was[direction]) === 'allowed' && was[direction].verdict !== 'not-enforced') {
							expect(passage(allowed[direction])).toBe('allowed');
						}
					}
				}
			}),
			{numRuns: 150},
		);
	}, 60_000);

	test('a deny of everything wins over every allow, for every pod of its namespace', () => {
		const denyAll = load(policyYaml('deny-all', '{}', [{peer: 'toEntities: [all]', ports: '', isL7: false, direction: 'ingress'}, {peer: 'toEntities: [all]', ports: '', isL7: false, direction: 'egress'}], true));
		fc.assert(
			fc.property(allowSetArbitrary, fc.array(flowArbitrary, {minLength: 10, maxLength: 10}), (base, flows) => {
				const set = new PolicySet([...base, ...denyAll]);
				const policyKeys = new Set(base.map(policy => policyKey(policy.name)));
				for (const flow of flows) {
					const result = set.evaluate(evaluationInput(flow));
					for (const [direction, endpoint] of [
						['egress', flow.source],
						['ingress', flow.destination],
					] as const) {
						if (endpoint?.namespace === 'shop' && flow.is_reply !== true) {
							// Hubble names every rule of the denying key: an allow of the same selector (here `all`) merges into
							// the deny's per-selector policy (pkg/policy/l4.go), so it may be named beside deny-all.
							expect(result[direction]).toMatchObject({verdict: 'denied', reason: 'deny-rule', named: expect.arrayContaining([expect.objectContaining({name: 'deny-all'})])});
							expect(result[direction].named.every(name => name.name === 'deny-all' || policyKeys.has(policyKey(name)))).toBe(true);
						}
					}
				}
			}),
			{numRuns: 100},
		);
	});

	test('without deny rules a set allows exactly when one of its policies would on its own, and names them in `by`', () => {
		fc.assert(
			fc.property(allowSetArbitrary, fc.array(flowArbitrary, {minLength: 10, maxLength: 10}), (policies, flows) => {
				const set = new PolicySet(policies);
				const alone = policies.map(policy => ({policy, set: new PolicySet([policy])}));
				for (const flow of flows) {
					const input = evaluationInput(flow);
					const result = set.evaluate(input);
					for (const direction of directions) {
						const evaluation = result[direction];
						if (evaluation.verdict !== 'allowed' && evaluation.verdict !== 'denied') {
							continue;
						}

						const allowing = alone.filter(item => item.set.evaluate(input)[direction].by.length > 0).map(item => policyKey(item.policy.name));
						expect(evaluation.by.map(name => policyKey(name)).sort()).toEqual(allowing.sort());
						// The host may always reach a local pod (allow-localhost-ingress, an allow of no policy).
						const isFromHost = direction === 'ingress' && flow.source?.identity === 1;
						expect(evaluation.verdict === 'allowed').toBe(allowing.length > 0 || isFromHost);
					}
				}
			}),
			{numRuns: 150},
		);
	}, 60_000);
});

const requirementArbitrary: fc.Arbitrary<ExtendedRequirement> = fc.record({
	source: fc.constantFrom('any', 'k8s', 'reserved'),
	key: fc.constantFrom('app', 'io.kubernetes.pod.namespace', 'tier', 'kubernetes.io/name'),
	operator: fc.constantFrom<ExtendedRequirement['operator']>('In', 'NotIn', 'Exists', 'DoesNotExist'),
	values: fc.array(fc.constantFrom('frontend', 'backend', 'shop', 'a-b.c'), {minLength: 1, maxLength: 3}),
}).map(requirement => (requirement.operator === 'Exists' || requirement.operator === 'DoesNotExist' ? {...requirement, values: []} : requirement));

const labelsArbitrary = fc.array(fc.constantFrom('k8s:app=frontend', 'k8s:app=backend', 'reserved:app=frontend', 'k8s:io.kubernetes.pod.namespace=shop', 'k8s:tier=a-b.c', 'k8s:kubernetes.io/name=backend', 'reserved:world'), {maxLength: 4});

describe('selector text (property)', () => {
	test('reads back through the --label parser as the same selector', () => {
		fc.assert(
			fc.property(fc.array(requirementArbitrary, {minLength: 1, maxLength: 3}), labelsArbitrary, (requirements, labels) => {
				const parsed = labels.map(label => parseLabel(label));
				const original = toMatcher(requirements, '').requirements;
				const readBack = parseLabelSelector(selectorText(requirements));
				expect(matchesLabelSelector(readBack, parsed)).toBe(matchesLabelSelector(original, parsed));
			}),
			{numRuns: 500},
		);
	});
});

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
import {parseLabel, parseLabelSelector, matchesLabelSelector} from '../../src/filters/label-selector.js';
import {selectorText, toMatcher, type ExtendedRequirement} from '../../src/policy/endpoint-selector.js';
import {PolicySet} from '../../src/policy/policy-evaluator.js';
import {directions, policyKey} from '../../src/policy/policy-model.js';
import {passage} from '../../src/policy/what-if.js';
import {allowSetArbitrary, flowArbitrary, load, mixedSetArbitrary, policyArbitrary, policyYaml} from '../helpers/policy-arbitraries.js';
import {evaluationInput} from '../helpers/lab-policies.js';

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

describe('`by` with deny rules (property)', () => {
	test('a policy is in `by` exactly when, alone, it allows the direction; never when its own deny rule covers the flow', () => {
		fc.assert(
			fc.property(mixedSetArbitrary, fc.array(flowArbitrary, {minLength: 10, maxLength: 10}), (policies, flows) => {
				const set = new PolicySet(policies);
				const alone = policies.map(policy => ({key: policyKey(policy.name), set: new PolicySet([policy])}));
				for (const flow of flows) {
					const input = evaluationInput(flow);
					const result = set.evaluate(input);
					for (const direction of directions) {
						if (result[direction].verdict !== 'allowed' && result[direction].verdict !== 'denied') {
							continue;
						}

						const aloneResults = alone.map(item => ({key: item.key, result: item.set.evaluate(input)[direction]}));
						const allowing = aloneResults.filter(item => item.result.by.some(name => policyKey(name) === item.key)).map(item => item.key);
						expect(result[direction].by.map(name => policyKey(name)).sort()).toEqual(allowing.sort());
						for (const item of aloneResults) {
							if (item.result.reason === 'deny-rule') {
								expect(result[direction].by.map(name => policyKey(name))).not.toContain(item.key);
							}
						}
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

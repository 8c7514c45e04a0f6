/**
Suggestions over random policy sets (allows, and sometimes a deny) and random flows of the lab, runs sized
by count: every denied direction is either admitted by the suggestion (the evaluator says so after applying
it), or reported as blocked by a deny rule that really decides it, or as unsupported; and no flow whose
subject and direction no suggested policy selects changes its verdict.
*/
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {PolicySet} from '../../src/policy/policy-evaluator.js';
import {directions, type Direction, type LoadedPolicy} from '../../src/policy/policy-model.js';
import {suggestPolicies, type HeldFlow} from '../../src/policy/suggest.js';
import {candidatePolicies, passage} from '../../src/policy/what-if.js';
import {evaluationInput} from '../helpers/lab-policies.js';
import {allowSetArbitrary, flowArbitrary, load, policyArbitrary, policyYaml} from '../helpers/policy-arbitraries.js';
import {uuidText} from '../../src/flow/flow-uuid.js';

type Selecting = {namespace: string; labels: Record<string, string>; direction: Direction};

function selects(selecting: Selecting, flow: HeldFlow, direction: Direction): boolean {
	const {record} = flow;
	const [namespace, labels] = direction === 'egress' ? [record.sourceNamespace, record.sourceLabels] : [record.destinationNamespace, record.destinationLabels];
	return selecting.direction === direction && selecting.namespace === namespace && Object.entries(selecting.labels).every(([key, value]) => labels.includes(`k8s:${key}=${value}`));
}

describe('suggestions (property)', () => {
	test('admit every denied direction they target, and change nothing they do not select', () => {
		fc.assert(
			fc.property(allowSetArbitrary, fc.option(policyArbitrary(), {nil: undefined}), fc.array(flowArbitrary, {minLength: 12, maxLength: 12}), (allows, deny, flows) => {
				const baseline: LoadedPolicy[] = [...allows, ...(deny ? load(policyYaml('a-deny', deny.subject, deny.entries, true)) : [])];
				const held = flows.map(flow => evaluationInput(flow));
				const before = new PolicySet(baseline);
				const result = suggestPolicies({flows: held, held, baseline, kind: 'cnp'});
				expect(result.notAdmitted.map(item => `${item.target.text}: ${item.verdict}`)).toEqual([]);
				for (const {target} of result.blocked) {
					expect(before.evaluate(target.flow)[target.direction].reason).toBe('deny-rule');
				}

				const suggested = load(result.yaml);
				expect(suggested.map(policy => policy.name.name).sort()).toEqual(result.policies.map(policy => policy.name).sort());
				const after = new PolicySet(candidatePolicies(baseline, suggested, []));
				const selecting: Selecting[] = result.policies.map(policy => ({
					namespace: policy.namespace,
					labels: (policy.document as {spec: {endpointSelector: {matchLabels: Record<string, string>}}}).spec.endpointSelector.matchLabels,
					direction: policy.direction,
				}));
				const handled = new Set([...result.blocked, ...result.unsupported].map(({target}) => `${uuidText(target.flow.record)}|${target.text}`));
				for (const flow of held) {
					const was = before.evaluate(flow);
					const now = after.evaluate(flow);
					for (const direction of directions) {
						if (!selecting.some(item => selects(item, flow, direction))) {
							expect(passage(now[direction])).toBe(passage(was[direction]));
						} else if (passage(was[direction]) === 'denied' && was[direction].reason !== 'deny-rule') {
							// A target: admitted now (unless reported as unsupported).
							const isHandled = [...handled].some(key => key.startsWith(`${uuidText(flow.record)}|`));
							expect(isHandled || passage(now[direction]) === 'allowed').toBe(true);
						}

						// Allows added to an enforced direction never deny what was allowed.
						if (passage(was[direction]) === 'allowed' && was[direction].verdict !== 'not-enforced') {
							expect(passage(now[direction])).toBe('allowed');
						}
					}
				}
			}),
			{numRuns: 150},
		);
	}, 120_000);
});

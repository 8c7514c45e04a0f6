/**
The evaluator keeps decisions per identity pair, shares them between pairs decided alike, and starts over
past a bound: none of it may change an answer. The lab's flows, under each stage, with a bound of a few
pairs (so that the caches start over again and again) answer as a set with the default bound, and as a
set that has seen nothing (each flow asked first).
*/
import {expect, test} from 'vitest';
import {PolicySet} from '../../src/policy/policy-evaluator.js';
import {makeWorldDrop} from '../fixtures/flows.js';
import {labStages} from '../helpers/lab-flows.js';
import {evaluationInput, labStagePolicies} from '../helpers/lab-policies.js';

test('answers do not depend on what the caches hold', () => {
	const flows = [...labStages().flat().flatMap(response => (response.flow ? [response.flow] : [])), makeWorldDrop()];
	for (const stage of [1, 2, 3, 4, 5]) {
		const {policies} = labStagePolicies(stage);
		const kept = new PolicySet(policies);
		const starting = new PolicySet(policies, 3);
		for (const flow of flows) {
			const expected = new PolicySet(policies).evaluate(evaluationInput(flow));
			expect(kept.evaluate(evaluationInput(flow))).toEqual(expected);
			expect(starting.evaluate(evaluationInput(flow))).toEqual(expected);
		}
	}
}, 60_000);

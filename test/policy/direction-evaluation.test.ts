/**
Every answer of the evaluator has the same fields in the same order, whatever it decided: V8 then gives
them one hidden class, and the code that reads an answer for every arriving flow (rule counts, tallies,
what-if) stays fast. Made with object spreads they had thousands of classes (the rules bench's counting
cost twice as much).
*/
import {expect, test} from 'vitest';
import type {DirectionEvaluation} from '../../src/policy/policy-evaluator.js';
import {makeHttpRequest, makePolicyVerdict, makeWorldDrop} from '../fixtures/flows.js';
import {labStages} from '../helpers/lab-flows.js';
import {evaluationInput, labStagePolicies} from '../helpers/lab-policies.js';

test('allowed, denied by default, denied by L7 rules, replies, not local, not enforced: one set of fields, in one order', () => {
	const answers: DirectionEvaluation[] = [];
	const verdicts = new Set<string>();
	for (const stage of [1, 4, 5]) {
		const policies = labStagePolicies(stage);
		const flows = [...labStages().flat().flatMap(response => (response.flow ? [response.flow] : [])), makeWorldDrop(), makePolicyVerdict({is_reply: true}), makeHttpRequest()];
		for (const flow of flows) {
			const evaluation = policies.evaluate(evaluationInput(flow));
			for (const answer of [evaluation.ingress, evaluation.egress]) {
				answers.push(answer);
				verdicts.add(`${answer.verdict}${answer.reason ? ` ${answer.reason}` : ''}`);
			}
		}
	}

	// The kinds of answer the lab gives (so that the shapes below are of every kind).
	expect([...verdicts].sort()).toEqual(expect.arrayContaining(['allowed', 'denied default-deny', 'denied l7', 'not-enforced', 'not-local', 'reply']));
	const shapes = new Set(answers.map(answer => Object.keys(answer).join(',')));
	expect([...shapes]).toEqual(['verdict,reason,proxy,by,named,matchType,matched,rules,enforcedBy,enforcing,near,unknownBecause']);
});

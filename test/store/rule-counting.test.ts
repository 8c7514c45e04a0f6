/**
The TUI's rule counts: every policy verdict and L7 request the store receives, counted by the rules of the
policies in force as `-o rules` counts them; since the mark; and the flows a rule decided selected on top of
the filter, the same whether they were in the ring when the selection was made or arrived after.
*/
import {expect, test} from 'vitest';
import {parseFilterText} from '../../src/filters/filter-language.js';
import {FlowStore} from '../../src/store/flow-store.js';
import {RuleHits} from '../../src/store/rule-hits.js';
import {isRuleCounted} from '../../src/store/rule-counting.js';
import {labStages, pushResponses} from '../helpers/lab-flows.js';
import {labStagePolicies} from '../helpers/lab-policies.js';

test('counts, since the mark, and a rule\'s flows', () => {
	const stages = labStages();
	const policies = labStagePolicies(5);
	const store = new FlowStore();
	store.setRuleCounting(policies);
	pushResponses(store, stages[3]!);
	store.mark();
	pushResponses(store, stages[4]!);

	// The same counts as evaluating every flow of the ring and counting it.
	const expected = new RuleHits();
	const sinceMark = new RuleHits();
	const boundary = store.ring.start + stages[3]!.filter(response => response.flow).length;
	const selected: number[] = [];
	const address = 'shop/allow-frontend-l7 ingress[0]';
	for (let sequence = store.ring.start; sequence < store.ring.end; sequence++) {
		const record = {...store.record(sequence)!};
		const evaluation = policies.evaluate({record, fullFlow: () => store.flow(sequence)});
		expected.count(record, evaluation);
		if (sequence >= boundary) {
			sinceMark.count(record, evaluation);
		}

		const direction = record.trafficDirection === 1 ? evaluation.ingress : evaluation.egress;
		if (isRuleCounted(record) && (direction.verdict === 'allowed' || direction.verdict === 'denied') && direction.rules.some(rule => rule.startsWith(address))) {
			selected.push(sequence);
		}
	}

	for (const rule of ['shop/allow-frontend-l7 ingress[0]', 'shop/allow-frontend-l7 ingress[0] toPorts[0] rules.http[0]', 'shop/allow-dns egress[0]', 'shop/allow-frontend-egress egress[0] toPorts[0]']) {
		expect(store.rules!.hits.of(rule), rule).toEqual(expected.of(rule));
		expect(store.rules!.sinceMark!.of(rule), rule).toEqual(sinceMark.of(rule));
	}

	expect(store.rules!.hits.of('shop/allow-frontend-l7 ingress[0]')!.denied).toBeGreaterThan(0);
	// A rule's flows, with a filter on top; then more flows arrive and are selected as they come.
	store.setFilter(parseFilterText('dir:ingress'));
	store.setRuleFilter(address);
	expect([...store.matches()]).toEqual(selected);
	pushResponses(store, stages[4]!.slice(0, 200));
	const arrived = [...store.matches()];
	expect(arrived.length).toBeGreaterThan(selected.length);
	for (const sequence of arrived) {
		const record = store.record(sequence)!;
		expect(isRuleCounted(record) && record.trafficDirection === 1).toBe(true);
	}

	store.setRuleCounting(undefined);
	expect(store.rules).toBeUndefined();
	expect(store.ruleFilter).toBeUndefined();
});

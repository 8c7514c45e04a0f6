/**
The TUI's what-if follows the store: the flows the ring holds when it is set, then every arrival, give the
same changed connections as the headless -o what-if over the same flows, and the candidate's tallies.
*/
import {describe, expect, test} from 'vitest';
import {PolicySet} from '../../src/policy/policy-evaluator.js';
import {candidatePolicies, ConnectionChanges, passages} from '../../src/policy/what-if.js';
import {storeOf, labStages, pushResponses} from '../helpers/lab-flows.js';
import {loadPolicyFiles} from '../helpers/lab-policies.js';
import {buildFrame} from '../../src/store/frame.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {dropReasonNames} from '../../src/flow/drop-reason.js';

// 300 flows of each stage: every connection of the lab, in a fraction of the time.
const stages = labStages().map(stage => stage.slice(0, 300));
const baseline = loadPolicyFiles('zero-trust/stage4').policies;
const candidate = candidatePolicies(baseline, loadPolicyFiles('zero-trust/stage5').policies, ['allow-all']);
const sets = {candidate: new PolicySet(candidate), baseline: new PolicySet(baseline)};

describe('the what-if tracker', () => {
	test('evaluates the ring when set and every arrival after, as -o what-if does', () => {
		const store = storeOf(stages.slice(0, 3).flat());
		store.setWhatIf(sets);
		pushResponses(store, stages.slice(3).flat());
		const reference = new ConnectionChanges();
		const lists = new RecordLists();
		for (const response of stages.flat()) {
			const record = toFlowRecord(response, lists, dropReasonNames);
			if (record) {
				reference.add(record, passages(sets.baseline.evaluate({record})), sets.candidate.evaluate({record}));
			}
		}

		const tracker = store.whatIf!;
		expect(tracker.changes.evaluated).toBe(store.received);
		expect(tracker.changes.rows().map(({latestSequence, ...row}) => row)).toEqual(reference.rows().map(({latestSequence, ...row}) => row));
		expect(tracker.changes.totals().breaks).toBeGreaterThan(0);
		expect(tracker.changes.totals().fixes).toBe(0);
	});

	test('with the rules of the baseline counted, one evaluation under it serves both: the same changes and tallies', () => {
		// A baseline that counts its evaluations.
		let baselineEvaluations = 0;
		const counted = new PolicySet(baseline);
		const evaluate = counted.evaluate.bind(counted);
		counted.evaluate = input => {
			baselineEvaluations++;
			return evaluate(input);
		};

		const alone = storeOf([]);
		alone.setWhatIf(sets);
		pushResponses(alone, stages.flat());
		const store = storeOf([]);
		store.setRuleCounting(counted);
		store.setWhatIf({candidate: sets.candidate, baseline: counted});
		pushResponses(store, stages.flat());
		expect(store.whatIf!.changes.rows()).toEqual(alone.whatIf!.changes.rows());
		expect(store.whatIf!.changes.totals()).toEqual(alone.whatIf!.changes.totals());
		expect(store.whatIf!.afterTally.liveRows()).toEqual(alone.whatIf!.afterTally.liveRows());
		expect(alone.whatIf!.afterTally.liveRows().length).toBeGreaterThan(0);
		// Each flow once: policy verdicts and L7 requests by the rule counting, the rest by the what-if.
		expect(baselineEvaluations).toBe(store.received);
	});

	test('the frame carries the candidate\'s counts beside today\'s, and the what-if rows while the view is open', () => {
		const store = storeOf(stages.flat());
		store.setWhatIf(sets);
		const view = {flowRows: 5, scrollTop: undefined, policyRows: 20, sparklineWidth: 10, sinceMark: false, showOverview: false, showWhatIf: true, filterText: ''};
		const frame = buildFrame({store, source: {label: 'lab', state: 'connected', reconnects: 0}, view, paused: undefined, flowsPerSecond: 0, markedAt: undefined, now: 0});
		const row = (name: string, direction: string) => frame.policies.find(policy => policy.name === name && policy.direction === direction)!;
		// allow-all decides nothing once deleted; its flows go to the stage-5 policies or to default deny.
		expect(row('allow-all', 'EGRESS').after).toMatchObject({allowed: 0, denied: 0});
		expect(row('allow-frontend-l7', 'INGRESS').after!.allowed).toBeGreaterThan(row('allow-frontend-l7', 'INGRESS').counts.allowed);
		expect(row('(default deny)', 'EGRESS').after!.denied).toBeGreaterThan(row('(default deny)', 'EGRESS').counts.denied);
		expect(frame.whatIf!.rows.length).toBeGreaterThan(0);
		const closed = buildFrame({store, source: {label: 'lab', state: 'connected', reconnects: 0}, view: {...view, showWhatIf: false}, paused: undefined, flowsPerSecond: 0, markedAt: undefined, now: 0});
		expect(closed.whatIf).toMatchObject({rows: [], breaks: frame.whatIf!.breaks});
		store.setWhatIf(undefined);
		expect(store.whatIf).toBeUndefined();
	});
});

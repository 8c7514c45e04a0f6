import {describe, expect, test} from 'vitest';
import type {Flow} from '../../src/flow/flow.js';
import {PolicyTally, type TallyRow} from '../../src/store/policy-tally.js';
import {backend, frontend, makeHttpRequest, makePolicy, makePolicyVerdict, makeFlow, response, world} from '../fixtures/flows.js';

function tally(...flows: Flow[]): PolicyTally {
	const result = new PolicyTally();
	for (const flow of flows) {
		result.add(response(flow));
	}

	return result;
}

const row = (overrides: Partial<TallyRow>): TallyRow => ({
	kind: 'CiliumNetworkPolicy',
	namespace: 'shop',
	name: '',
	direction: 'INGRESS',
	allowed: 0,
	denied: 0,
	audited: 0,
	l7Denied: 0,
	...overrides,
});

describe('per-policy tallies (hubble-api.md §1.12)', () => {
	test('only policy-verdict events count; other flows only add to the flow count', () => {
		const summary = tally(makeFlow(), makeHttpRequest(), makePolicyVerdict({ingress_allowed_by: [makePolicy('allow-all')]})).summary();
		expect(summary.flows).toBe(3);
		expect(summary.policyVerdicts).toBe(1);
		expect(summary.rows).toEqual([row({name: 'allow-all', allowed: 1})]);
	});

	test('FORWARDED and REDIRECTED credit every policy of that direction\'s allowed_by', () => {
		const verdict = makePolicyVerdict({
			traffic_direction: 'EGRESS',
			egress_allowed_by: [makePolicy('allow-frontend-egress'), makePolicy('allow-all')],
			ingress_allowed_by: [makePolicy('not-this-direction')],
		});
		const summary = tally(verdict, {...verdict, verdict: 'REDIRECTED'}).summary();
		expect(summary.rows).toEqual([
			row({name: 'allow-all', direction: 'EGRESS', allowed: 2}),
			row({name: 'allow-frontend-egress', direction: 'EGRESS', allowed: 2}),
		]);
	});

	test('an allowed verdict that names no policy goes to (unattributed) in the local endpoint\'s namespace', () => {
		const egress = makePolicyVerdict({traffic_direction: 'EGRESS', source: {...frontend, namespace: 'shop'}, destination: world});
		expect(tally(egress).summary().rows).toEqual([row({kind: '', name: '(unattributed)', direction: 'EGRESS', allowed: 1})]);
	});

	test('DROPPED credits denied_by, or (default deny) of the local endpoint\'s namespace', () => {
		const explicitDeny = makePolicyVerdict({
			verdict: 'DROPPED',
			drop_reason_desc: 'POLICY_DENY',
			is_reply: undefined,
			ingress_denied_by: [makePolicy('deny-from-world')],
		});
		const defaultDeny = makePolicyVerdict({
			verdict: 'DROPPED',
			drop_reason_desc: 'POLICY_DENIED',
			policy_match_type: 0,
			is_reply: undefined,
			traffic_direction: 'EGRESS',
			destination: world,
		});
		expect(tally(explicitDeny, defaultDeny, defaultDeny).summary().rows).toEqual([
			row({kind: '', name: '(default deny)', direction: 'EGRESS', denied: 2}),
			row({name: 'deny-from-world', denied: 1}),
		]);
	});

	test('AUDIT credits denied_by as audited, or (default deny)', () => {
		const audited = makePolicyVerdict({verdict: 'AUDIT', ingress_denied_by: [makePolicy('default-deny')]});
		const unnamed = makePolicyVerdict({verdict: 'AUDIT', destination: {...backend, namespace: 'payments'}});
		expect(tally(audited, unnamed).summary().rows).toEqual([
			row({kind: '', namespace: 'payments', name: '(default deny)', audited: 1}),
			row({name: 'default-deny', audited: 1}),
		]);
	});

	test('a policy without a name is named by its labels, sorted and joined', () => {
		const verdict = makePolicyVerdict({
			ingress_allowed_by: [{labels: ['reserved:io.cilium.policy.derived-from=allow-localhost-ingress', 'a:b'], revision: '1'}],
		});
		expect(tally(verdict).summary().rows).toEqual([
			row({kind: '', namespace: '', name: 'a:b,reserved:io.cilium.policy.derived-from=allow-localhost-ingress', allowed: 1}),
		]);
	});

	test('an L7 drop is charged to the policies of its connection\'s latest REDIRECTED verdict', () => {
		const redirected = makePolicyVerdict({verdict: 'REDIRECTED', ingress_allowed_by: [makePolicy('allow-frontend-l7')]});
		const olderConnection = makePolicyVerdict({
			verdict: 'REDIRECTED',
			l4: {TCP: {source_port: 40_000, destination_port: 80}},
			ingress_allowed_by: [makePolicy('allow-frontend-to-backend')],
		});
		const denied = makeHttpRequest({verdict: 'DROPPED', is_reply: false});
		const summary = tally(olderConnection, redirected, denied).summary();
		expect(summary.rows.find(candidate => candidate.name === 'allow-frontend-l7')).toEqual(
			row({name: 'allow-frontend-l7', allowed: 1, l7Denied: 1}),
		);
		expect(summary.rows.find(candidate => candidate.name === 'allow-frontend-to-backend')?.l7Denied).toBe(0);
	});

	test('an L7 drop with no redirecting verdict goes to (unattributed)', () => {
		const summary = tally(makeHttpRequest({verdict: 'DROPPED'})).summary();
		expect(summary.rows).toEqual([row({kind: '', name: '(unattributed)', l7Denied: 1})]);
		expect(summary.policyVerdicts).toBe(0);
	});

	test('lost events are counted, not tallied as flows', () => {
		const result = new PolicyTally();
		result.add({lost_events: {source: 'PERF_EVENT_RING_BUFFER', num_events_lost: '5', cpu: 2}});
		expect(result.summary()).toEqual({rows: [], flows: 0, policyVerdicts: 0, lostEvents: 1});
	});

	test('rows are sorted by denied, then allowed', () => {
		const allowOnce = makePolicyVerdict({ingress_allowed_by: [makePolicy('a-allow')]});
		const allowTwice = makePolicyVerdict({ingress_allowed_by: [makePolicy('b-allow')]});
		const deny = makePolicyVerdict({verdict: 'DROPPED', ingress_denied_by: [makePolicy('c-deny')]});
		const names = tally(allowOnce, allowTwice, allowTwice, deny).summary().rows.map(candidate => candidate.name);
		expect(names).toEqual(['c-deny', 'b-allow', 'a-allow']);
	});
});

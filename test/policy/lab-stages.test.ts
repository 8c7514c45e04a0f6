/**
The zero-trust lab's five stages × its connections (shared/scenarios/README.md stage table, worked through
from Cilium 1.17's policy engine in cilium-policy.md §12): verdicts, the policies Hubble names and their
match types, per direction.
*/
import {describe, expect, test} from 'vitest';
import type {Flow} from '../../src/flow/flow.js';
import {policyKey} from '../../src/policy/policy-model.js';
import type {DirectionEvaluation} from '../../src/policy/policy-evaluator.js';
import {backend, frontend, kubeDns, makeFlow, makeHttpRequest, world} from '../fixtures/flows.js';
import {evaluationInput, labStagePolicies, loadPolicyFiles} from '../helpers/lab-policies.js';

const toDns = makeFlow({
	IP: {source: '10.0.1.10', destination: '10.0.3.10', ipVersion: 'IPv4'},
	l4: {UDP: {source_port: 40_000, destination_port: 53}},
	destination: kubeDns,
	traffic_direction: 'EGRESS',
});
const dnsQuery = makeFlow({
	...toDns,
	Type: 'L7',
	event_type: {type: 129},
	l7: {type: 'REQUEST', dns: {query: 'backend.shop.svc.cluster.local.', qtypes: ['A']}},
});
const toBackend = makeFlow({source: frontend, destination: backend});
const status200 = makeHttpRequest({l7: {type: 'REQUEST', http: {method: 'GET', url: 'http://backend.shop.svc.cluster.local/status/200', protocol: 'HTTP/1.1'}}});
const get = makeHttpRequest();
const toWorld = makeFlow({
	IP: {source: '10.0.1.10', destination: '1.1.1.1', ipVersion: 'IPv4'},
	destination: world,
	traffic_direction: 'EGRESS',
});

/** `allowed · all · [shop/allow-all]`, the table's notation. */
function cell(result: DirectionEvaluation): string {
	const matchTypes = ['none', 'L3-Only', 'L3-L4', 'L4-Only', 'all', 'L3-Proto', 'Proto-Only'];
	const verdict = result.verdict === 'allowed' && result.proxy ? 'redirected' : result.verdict;
	if (result.verdict !== 'allowed' && result.verdict !== 'denied') {
		return verdict;
	}

	const reason = result.reason ? ` (${result.reason})` : '';
	return `${verdict}${reason} · ${matchTypes[result.matchType]} · [${result.named.map(name => policyKey(name)).join(', ')}]`;
}

function evaluate(stage: number, flow: Flow) {
	return labStagePolicies(stage).evaluate(evaluationInput(flow));
}

describe('the zero-trust lab, stage by stage (cilium-policy.md §12)', () => {
	test.each([
		[1, 'allowed · all · [shop/allow-all]', 'not-enforced'],
		[2, 'redirected · L3-L4 · [shop/allow-dns]', 'not-enforced'],
		[3, 'redirected · L3-L4 · [shop/allow-dns]', 'not-enforced'],
		[4, 'redirected · L3-L4 · [shop/allow-dns]', 'not-enforced'],
		[5, 'redirected · L3-L4 · [shop/allow-dns]', 'not-enforced'],
	])('stage %i: frontend → kube-dns:53/UDP: egress %s, kube-dns ingress %s', (stage, egress, ingress) => {
		const result = evaluate(stage, toDns);
		expect(cell(result.egress)).toBe(egress);
		expect(cell(result.ingress)).toBe(ingress);
		// The DNS proxy answers every name (matchPattern "*").
		expect(evaluate(stage, dnsQuery).egress.verdict).toBe('allowed');
	});

	test.each([
		[1, 'allowed · all · [shop/allow-all]', 'allowed · all · [shop/allow-all]'],
		[2, 'allowed · all · [shop/allow-all]', 'allowed · all · [shop/allow-all]'],
		[3, 'allowed · L3-L4 · [shop/allow-frontend-egress]', 'allowed · L3-L4 · [shop/allow-frontend-to-backend]'],
		[4, 'allowed · L3-L4 · [shop/allow-frontend-egress]', 'redirected · L3-L4 · [shop/allow-frontend-l7]'],
		[5, 'allowed · L3-L4 · [shop/allow-frontend-egress]', 'redirected · L3-L4 · [shop/allow-frontend-l7]'],
	])('stage %i: frontend → backend:80/TCP: egress %s, ingress %s', (stage, egress, ingress) => {
		const result = evaluate(stage, toBackend);
		expect(cell(result.egress)).toBe(egress);
		expect(cell(result.ingress)).toBe(ingress);
	});

	test.each([
		[1, 'allowed', 'allowed'],
		[2, 'allowed', 'allowed'],
		[3, 'allowed', 'allowed'],
		// allow-all's wildcard-port rule lets every request through the proxy until stage 5.
		[4, 'allowed', 'allowed'],
		[5, 'allowed', 'denied'],
	])('stage %i: GET /status/200 is %s at backend, GET /get is %s', (stage, status, getVerdict) => {
		expect(evaluate(stage, status200).ingress.verdict).toBe(status);
		const result = evaluate(stage, get).ingress;
		expect(result.verdict).toBe(getVerdict);
		if (getVerdict === 'denied') {
			expect(result.reason).toBe('l7');
			expect(result.proxy).toBe(true);
		}
	});

	test.each([
		[1, 'allowed · all · [shop/allow-all]'],
		[2, 'allowed · all · [shop/allow-all]'],
		[3, 'allowed · all · [shop/allow-all]'],
		[4, 'allowed · all · [shop/allow-all]'],
		[5, 'denied (default-deny) · none · []'],
	])('stage %i: frontend → 1.1.1.1:80 egress %s', (stage, egress) => {
		expect(cell(evaluate(stage, toWorld).egress)).toBe(egress);
	});

	test('stage 5: frontend egress is in default deny by allow-dns and allow-frontend-egress; its ingress is not enforced', () => {
		const result = evaluate(5, toWorld);
		expect(result.egress.enforcedBy.map(name => policyKey(name))).toEqual(['shop/allow-dns', 'shop/allow-frontend-egress']);
		const fromBackend = makeFlow({source: backend, destination: frontend, traffic_direction: 'INGRESS'});
		expect(evaluate(5, fromBackend).ingress.verdict).toBe('not-enforced');
		// backend's egress is enforced too, by allow-dns's {} selector: backend → frontend is denied.
		expect(cell(evaluate(5, fromBackend).egress)).toBe('denied (default-deny) · none · []');
	});

	test('stage 5: the lab\'s default-deny.yaml is rejected by Cilium, and the verdicts come from the allow policies', () => {
		const load = loadPolicyFiles('zero-trust/stage5');
		const defaultDeny = load.policies.find(policy => policy.name.name === 'default-deny')!;
		expect(defaultDeny.rejected).toBe('rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny');
		expect(defaultDeny.rules).toEqual([]);
	});

	test('a reply is not evaluated; the world is not a local endpoint', () => {
		const reply = makeFlow({source: backend, destination: frontend, is_reply: true});
		expect(evaluate(5, reply).egress.verdict).toBe('reply');
		const fromWorld = makeFlow({source: world, destination: frontend, IP: {source: '1.1.1.1', destination: '10.0.1.10', ipVersion: 'IPv4'}});
		expect(evaluate(5, fromWorld).egress.verdict).toBe('not-local');
	});
});

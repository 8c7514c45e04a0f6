/**
`-o rules` and `-o rules-json` over a capture whose counts are worked out by hand under the lab's stage 5
(shared/scenarios/policies/zero-trust/stage5): which rule of allow-frontend-l7 decided each verdict and
request, the DNS rule, the rules nothing used, and the default-deny policy Cilium rejects.
*/
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {beforeAll, expect, test} from 'vitest';
import type {Flow} from '../../src/flow/flow.js';
import {makeDnsRequest, makeFlow, makeHttpRequest, makePolicyVerdict, response, world} from '../fixtures/flows.js';
import {labStages} from '../helpers/lab-flows.js';
import {policiesDirectory} from '../helpers/lab-policies.js';
import {runZtop} from '../helpers/run-ztop.js';

type RuleLine = {policy: string; rule: string | null; direction?: string; allowed?: number; denied?: number; connections?: number; unused?: boolean; policyUnused?: boolean; rejected?: string; lastMatch?: string | null};

const stage5 = path.join(policiesDirectory, 'zero-trust', 'stage5');
let capture: string;

beforeAll(() => {
	const at = (second: number) => `2026-11-22T10:00:${String(second).padStart(2, '0')}Z`;
	const request = (pathname: string, second: number) => makeHttpRequest({time: at(second), l7: {type: 'REQUEST', http: {method: 'GET', url: `http://backend${pathname}`}}});
	const flows: Flow[] = [
		// Three policy verdicts frontend → backend:80 at ingress: allow-frontend-l7's entry and its port rule.
		...[1, 2, 3].map(second => makePolicyVerdict({time: at(second), traffic_direction: 'INGRESS', verdict: 'REDIRECTED'})),
		// Two requests its one HTTP rule admits, one it does not (denied by the port rule's L7 rules).
		request('/status/200', 4),
		request('/status/200', 5),
		request('/get', 6),
		// To the world at egress: default deny, no rule decides, nothing counted.
		makePolicyVerdict({time: at(7), traffic_direction: 'EGRESS', destination: world, IP: {source: '10.0.1.10', destination: '1.1.1.1', ipVersion: 'IPv4'}, verdict: 'DROPPED'}),
		// A DNS query: allow-dns's DNS rule.
		makeDnsRequest({time: at(8)}),
		// A trace and a reply: not verdicts, not counted.
		makeFlow({time: at(9)}),
		makePolicyVerdict({time: at(9), is_reply: true}),
	];
	capture = path.join(mkdtempSync(path.join(tmpdir(), 'ztop-rules-')), 'flows.json');
	writeFileSync(capture, flows.map(flow => JSON.stringify(response(flow))).join('\n') + '\n');
});

test('-o rules-json: every rule with what it decided, worked out by hand', async () => {
	const result = await runZtop(['--input-file', capture, '--policies', stage5, '-o', 'rules-json']);
	expect(result.exitCode).toBe(0);
	const lines = result.stdout.trim().split('\n').map(line => JSON.parse(line) as RuleLine);
	const rule = (address: string) => lines.find(line => line.rule === address)!;
	expect(rule('shop/allow-frontend-l7 ingress[0]')).toMatchObject({direction: 'ingress', allowed: 5, denied: 1, connections: 1, unused: false, lastMatch: '2026-11-22T10:00:06Z'});
	expect(rule('shop/allow-frontend-l7 ingress[0] toPorts[0]')).toMatchObject({allowed: 5, denied: 1});
	expect(rule('shop/allow-frontend-l7 ingress[0] toPorts[0] rules.http[0]')).toMatchObject({allowed: 2, denied: 0, unused: false});
	expect(rule('shop/allow-dns egress[0] toPorts[0] rules.dns[0]')).toMatchObject({allowed: 1, denied: 0});
	expect(rule('shop/allow-dns egress[0]')).toMatchObject({allowed: 1, connections: 1});
	// No egress verdict to the backend in the capture: allow-frontend-egress decided nothing.
	expect(rule('shop/allow-frontend-egress egress[0]')).toMatchObject({allowed: 0, denied: 0, unused: true, policyUnused: true});
	expect(lines.find(line => line.policy === 'shop/default-deny')).toMatchObject({rule: null, rejected: expect.stringContaining('rule must have at least one of Ingress') as unknown});
	expect(lines.filter(line => line.rule !== null && line.unused === false).map(line => line.rule).sort()).toEqual([
		'shop/allow-dns egress[0]',
		'shop/allow-dns egress[0] toPorts[0]',
		'shop/allow-dns egress[0] toPorts[0] rules.dns[0]',
		'shop/allow-frontend-l7 ingress[0]',
		'shop/allow-frontend-l7 ingress[0] toPorts[0]',
		'shop/allow-frontend-l7 ingress[0] toPorts[0] rules.http[0]',
	]);
});

test('-o rules: the table, unused and rejected marked, and a summary', async () => {
	const result = await runZtop(['--input-file', capture, '--policies', stage5, '-o', 'rules']);
	expect(result.exitCode).toBe(0);
	expect(result.stdout).toMatch(/^POLICY\s+RULE\s+DIRECTION\s+ALLOWED\s+DENIED\s+CONNECTIONS\s+LAST MATCH\s+STATUS\s+TEXT$/m);
	expect(result.stdout).toMatch(/^shop\/allow-frontend-l7\s+ingress\[0\] toPorts\[0\] rules\.http\[0\]\s+ingress\s+2\s+0\s+1\s+2026-11-22T10:00:05Z\s+GET \^\/status\/200\$$/m);
	expect(result.stdout).toMatch(/^shop\/allow-frontend-egress\s+egress\[0\]\s+egress\s+0\s+0\s+0\s+-\s+unused/m);
	expect(result.stdout).toMatch(/^shop\/default-deny\s+-\s+-\s+-\s+-\s+-\s+-\s+rejected/m);
	expect(result.stdout).toMatch(/\d+ rules in 4 policies: \d+ unused; policies none of whose rules decided anything: shop\/allow-frontend-egress; 1 rejected by Cilium\n$/);
	const refused = await runZtop(['--input-file', capture, '-o', 'rules']);
	expect(refused.exitCode).toBe(2);
	expect(refused.stderr).toContain('-o rules evaluates policies: give --policies PATH|cluster');
});

test('what deleting a rule breaks: a rule that alone admits a connection breaks it; one another rule covers is redundant with it; an unused one breaks nothing', async () => {
	const stage4 = path.join(policiesDirectory, 'zero-trust', 'stage4');
	const [underFive, underFour] = await Promise.all([
		runZtop(['--input-file', capture, '--policies', stage5, '-o', 'rules-json']),
		runZtop(['--input-file', capture, '--policies', stage4, '-o', 'rules-json']),
	]);
	type Line = RuleLine & {breaksIfDeleted: string[] | null; redundantWith: string[] | null};
	const rule = (stdout: string, address: string) => stdout.trim().split('\n').map(line => JSON.parse(line) as Line).find(line => line.rule === address)!;
	// Stage 5: only allow-dns admits the DNS query.
	const dns = rule(underFive.stdout, 'shop/allow-dns egress[0]');
	expect(dns.breaksIfDeleted).toEqual(['shop/frontend → kube-system/kube-dns-75df64b86-xrfwz 53/UDP DNS backend.shop.svc.cluster.local.']);
	expect(dns.redundantWith).toBeNull();
	// Port and L7 rules are not deleted on their own: not judged.
	expect(rule(underFive.stdout, 'shop/allow-dns egress[0] toPorts[0]').breaksIfDeleted).toBeNull();
	expect(rule(underFive.stdout, 'shop/allow-frontend-egress egress[0]')).toMatchObject({unused: true, breaksIfDeleted: [], redundantWith: null});
	// Stage 4: allow-all's rules admit what allow-dns and allow-frontend-l7 admit.
	expect(rule(underFour.stdout, 'shop/allow-dns egress[0]')).toMatchObject({breaksIfDeleted: [], redundantWith: ['shop/allow-all egress[0]']});
	expect(rule(underFour.stdout, 'shop/allow-frontend-l7 ingress[0]')).toMatchObject({breaksIfDeleted: [], redundantWith: ['shop/allow-all ingress[0]']});
});

test('--what-if-delete takes a rule\'s address: deleting it breaks exactly what -o rules said', async () => {
	const result = await runZtop(['--input-file', capture, '--policies', stage5, '--what-if-delete', 'shop/allow-dns egress[0]', '-o', 'what-if']);
	expect(result.exitCode).toBe(0);
	expect(result.stdout).toMatch(/^breaks\s+1\s+shop\/frontend\s+kube-system\/kube-dns-75df64b86-xrfwz\s+53\/UDP\s+egress\s+allowed\s+denied \(default deny\)/m);
	expect(result.stdout.split('\n').filter(line => /^(breaks|fixes)/.test(line))).toHaveLength(1);
	const port = await runZtop(['--input-file', capture, '--policies', stage5, '--what-if-delete', 'shop/allow-dns egress[0] toPorts[0]', '-o', 'what-if']);
	expect(port.exitCode).toBe(2);
	expect(port.stderr).toContain('a deletion names a whole rule (shop/allow-dns egress[0]), not one of its port or L7 rules');
	const missing = await runZtop(['--input-file', capture, '--policies', stage5, '--what-if-delete', 'shop/allow-dns egress[3]', '-o', 'what-if']);
	expect(missing.exitCode).toBe(2);
	expect(missing.stderr).toContain('shop/allow-dns has no rule egress[3] (it has egress[0])');
});

test('over a ledger: what deleting a rule breaks includes the ledger\'s connections, and a rule that admitted one is not unused', async () => {
	const ledger = path.join(path.dirname(capture), 'rules.ledger');
	const filled = await runZtop(['--input-file', capture, '--ledger', ledger, '-o', 'connections']);
	expect(filled.exitCode).toBe(0);
	const result = await runZtop(['--input-file', '/dev/null', '--ledger', ledger, '--policies', stage5, '-o', 'rules-json']);
	expect(result.exitCode).toBe(0);
	const lines = result.stdout.trim().split('\n').map(line => JSON.parse(line) as RuleLine & {breaksIfDeleted: string[] | null});
	const dns = lines.find(line => line.rule === 'shop/allow-dns egress[0]')!;
	// No flow in this run: no hits; the ledger's DNS connection still depends on the rule.
	expect(dns).toMatchObject({allowed: 0, unused: false, breaksIfDeleted: ['shop/frontend → kube-system/kube-dns-75df64b86-xrfwz 53/UDP DNS backend.shop.svc.cluster.local.']});
	expect(lines.find(line => line.rule === 'shop/allow-frontend-egress egress[0]')).toMatchObject({unused: true});
});

test('the lab at stage 4, rule by rule: allow-all\'s rules alone admit the world and GET /get; the stage\'s own rules are redundant with them; a rule added that matches nothing is unused and breaks nothing', async () => {
	const directory = path.dirname(capture);
	const lab = path.join(directory, 'lab.json');
	writeFileSync(lab, labStages().flat().filter(each => each.flow).map(each => JSON.stringify(each)).join('\n') + '\n');
	const unusedPolicy = path.join(directory, 'retired.yaml');
	writeFileSync(
		unusedPolicy,
		'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: retired, namespace: shop}\nspec:\n  endpointSelector: {matchLabels: {app: retired}}\n  ingress: [{fromEndpoints: [{matchLabels: {app: frontend}}]}]\n',
	);
	const result = await runZtop(['--input-file', lab, '--policies', path.join(policiesDirectory, 'zero-trust', 'stage4'), '--policies', unusedPolicy, '-o', 'rules-json']);
	expect(result.exitCode).toBe(0);
	type Line = RuleLine & {breaksIfDeleted: string[] | null; redundantWith: string[] | null};
	const rule = (address: string) => result.stdout.trim().split('\n').map(line => JSON.parse(line) as Line).find(line => line.rule === address)!;
	expect(rule('shop/allow-all egress[0]').breaksIfDeleted!.some(connection => /^shop\/frontend → world 1\.1\.1\.1 80\/TCP$/.test(connection))).toBe(true);
	expect(rule('shop/allow-all ingress[0]').breaksIfDeleted!.some(connection => / GET http:\/\/[^ ]+\/get$/.test(connection))).toBe(true);
	expect(rule('shop/allow-frontend-l7 ingress[0]')).toMatchObject({breaksIfDeleted: [], redundantWith: ['shop/allow-all ingress[0]']});
	expect(rule('shop/allow-frontend-egress egress[0]')).toMatchObject({breaksIfDeleted: [], redundantWith: ['shop/allow-all egress[0]']});
	// Envoy reads port 80's own rules before allow-all's wildcard-port one: each GET /status/200 the backend's
	// proxy saw is the HTTP rule's; allow-all's rule admits the other requests (GET /get).
	const requests = labStages().flat().flatMap(each => (each.flow?.l7?.type === 'REQUEST' && each.flow.traffic_direction === 'INGRESS' && each.flow.l7.http ? [each.flow.l7.http.url ?? ''] : []));
	const statusRequests = requests.filter(url => url.endsWith('/status/200')).length;
	expect(statusRequests).toBeGreaterThan(0);
	expect(requests.length).toBeGreaterThan(statusRequests);
	expect(rule('shop/allow-frontend-l7 ingress[0] toPorts[0] rules.http[0]')).toMatchObject({allowed: statusRequests, denied: 0, unused: false});
	expect(rule('shop/retired ingress[0]')).toMatchObject({allowed: 0, unused: true, policyUnused: true, breaksIfDeleted: [], redundantWith: null});
});

test('deleting every unused whole rule at once: under stage 5 it changes nothing; a policy whose only rule is unused opens its endpoint when emptied', async () => {
	type Bulk = {unusedRules?: string[]; breaksIfDeleted: string[]; opensIfDeleted: string[]; policy?: string};
	const bulkOf = (stdout: string) => stdout.trim().split('\n').map(line => JSON.parse(line) as Bulk).at(-1)!;
	const underFive = await runZtop(['--input-file', capture, '--policies', stage5, '-o', 'rules-json']);
	expect(underFive.exitCode).toBe(0);
	// allow-frontend-egress decided nothing; emptied, it is rejected, and allow-dns still enforces frontend's egress.
	expect(bulkOf(underFive.stdout)).toEqual({unusedRules: ['shop/allow-frontend-egress egress[0]'], breaksIfDeleted: [], opensIfDeleted: []});
	const table = await runZtop(['--input-file', capture, '--policies', stage5, '-o', 'rules']);
	expect(table.stdout).toContain('\nDeleting the one unused whole rule at once (--what-if-delete \'shop/allow-frontend-egress egress[0]\') changes nothing observed.\n');

	// backend's ingress is enforced only by a rule admitting a client that never came: frontend's verdicts are
	// denied (default deny); with the rule gone the policy is rejected and backend's ingress is not enforced.
	const directory = path.dirname(capture);
	const lonely = path.join(directory, 'lonely.yaml');
	writeFileSync(lonely, 'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: lonely, namespace: shop}\nspec:\n  endpointSelector: {matchLabels: {app: backend}}\n  ingress: [{fromEndpoints: [{matchLabels: {app: admin}}]}]\n');
	const dropped = path.join(directory, 'dropped.json');
	writeFileSync(dropped, JSON.stringify(response(makePolicyVerdict({traffic_direction: 'INGRESS', verdict: 'DROPPED'}))) + '\n');
	const opened = await runZtop(['--input-file', dropped, '--policies', lonely, '-o', 'rules-json']);
	expect(opened.exitCode).toBe(0);
	const bulk = bulkOf(opened.stdout);
	expect(bulk.unusedRules).toEqual(['shop/lonely ingress[0]']);
	expect(bulk.breaksIfDeleted).toEqual([]);
	expect(bulk.opensIfDeleted).toHaveLength(1);
	expect(bulk.opensIfDeleted[0]).toMatch(/^shop\/frontend → shop\/backend 80\/TCP$/);
	// The what-if of deleting it says the same.
	const whatIf = await runZtop(['--input-file', dropped, '--policies', lonely, '--what-if-delete', 'shop/lonely ingress[0]', '-o', 'what-if']);
	expect(whatIf.stdout).toMatch(/^fixes\s+1\s+shop\/frontend\s+shop\/backend\s+80\/TCP/m);
	const openedTable = await runZtop(['--input-file', dropped, '--policies', lonely, '-o', 'rules']);
	expect(openedTable.stdout).toMatch(/\nDeleting the one unused whole rule at once \(--what-if-delete 'shop\/lonely ingress\[0\]'\):\n opens 1 \(a policy left with no rule is rejected and enforces nothing\):\n {2}shop\/frontend → shop\/backend 80\/TCP\n/);
});

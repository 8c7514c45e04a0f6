import {describe, expect, test} from 'vitest';
import type {Flow, GetFlowsResponse} from '../../src/flow/flow.js';
import {colorsOff, colorsOn, resolveColors} from '../../src/printer/colors.js';
import {ResponsePrinter, type OutputFormat, type PrinterOptions} from '../../src/printer/response-printer.js';
import {kubeDns, makeFlow, makeHttpRequest, makePolicyVerdict, response, world} from '../fixtures/flows.js';

function print(responses: GetFlowsResponse[], options: Partial<PrinterOptions> & {format?: OutputFormat} = {}) {
	let stdout = '';
	let stderr = '';
	const printer = new ResponsePrinter(
		{format: 'compact', colors: colorsOff, showNodeName: false, ipTranslation: true, debug: false, ...options},
		{stdout: text => (stdout += text), stderr: text => (stderr += text)},
	);
	for (const item of responses) {
		printer.write(item);
	}

	printer.close();
	return {stdout, stderr};
}

const compact = (flow: Flow, options: Partial<PrinterOptions> = {}) => print([response(flow)], options).stdout;

describe('compact output', () => {
	test('a policy verdict reads like hubble\'s, with ALLOWED for FORWARDED', () => {
		expect(compact(makePolicyVerdict())).toBe(
			'Nov 22 10:00:00.123: shop/frontend-79f5dbfc6c-d6gb7:43512 (ID:114060) -> shop/backend-6d4f9c7b8d-x2k9p:80 (ID:21977) policy-verdict:L3-L4 INGRESS ALLOWED (TCP Flags: SYN)\n',
		);
	});

	test.each([
		[{verdict: 'REDIRECTED'}, 'policy-verdict:L3-L4 INGRESS ALLOWED'],
		[{verdict: 'DROPPED', policy_match_type: 0, is_reply: undefined}, 'policy-verdict:none INGRESS DENIED'],
		[{verdict: 'AUDIT', policy_match_type: 4, traffic_direction: 'EGRESS'}, 'policy-verdict:all EGRESS AUDITED'],
		[{policy_match_type: 9, traffic_direction: undefined}, 'policy-verdict:unknown TRAFFIC_DIRECTION_UNKNOWN ALLOWED'],
	] as Array<[Partial<Flow>, string]>)('policy verdict %j prints %s', (overrides, text) => {
		expect(compact(makePolicyVerdict(overrides))).toContain(` ${text} (`);
	});

	test('drops print the drop reason text of the sub-type, unknown codes as "<code>, 0"', () => {
		const drop = makeFlow({verdict: 'DROPPED', event_type: {type: 1, sub_type: 133}, is_reply: undefined});
		expect(compact(drop)).toContain(' <> ');
		expect(compact(drop)).toContain(' Policy denied DROPPED (');
		expect(compact({...drop, event_type: {type: 1, sub_type: 181}})).toContain(' Policy denied by denylist DROPPED (');
		expect(compact({...drop, event_type: {type: 1, sub_type: 250}})).toContain(' 250, 0 DROPPED (');
	});

	test('replies swap source and destination and flip the arrow', () => {
		const reply = makeFlow({is_reply: true});
		expect(compact(reply)).toContain('shop/backend-6d4f9c7b8d-x2k9p:80 (ID:21977) <- shop/frontend-79f5dbfc6c-d6gb7:43512 (ID:114060)');
	});

	test('world endpoints print DNS names, reserved identities by name, IPv6 in brackets', () => {
		const toWorld = makeFlow({
			IP: {source: 'fd00::1', destination: '2606:4700::1111', ipVersion: 'IPv6'},
			destination: world,
			source: {...kubeDns, pod_name: undefined, namespace: undefined, identity: 1},
		});
		expect(compact(toWorld)).toContain('[fd00::1]:43512 (host) -> [2606:4700::1111]:80 (world)');
		expect(compact({...toWorld, destination_names: ['one.one.one.one', 'example.com']})).toContain('-> one.one.one.one,example.com:80 (world)');
	});

	test('a service supplies the namespace even when a pod name is shown; --numeric prints IPs', () => {
		const flow = makeFlow({destination_service: {name: 'backend', namespace: 'storefront'}});
		expect(compact(flow)).toContain('-> storefront/backend-6d4f9c7b8d-x2k9p:80');
		expect(compact(flow, {ipTranslation: false})).toContain('10.0.1.10:43512 (ID:114060) -> 10.0.2.20:80 (ID:21977)');
	});

	test('L7 types, node names and the Auth suffix', () => {
		expect(compact(makeHttpRequest())).toContain(' http-request FORWARDED (HTTP/1.1 GET http://backend.shop.svc.cluster.local/get)');
		expect(compact(makeFlow(), {showNodeName: true})).toMatch(/^Nov 22 10:00:00\.123 \[cluster1\/worker-1\]: /);
		expect(compact(makePolicyVerdict({auth_type: 'SPIRE'}))).toMatch(/\(TCP Flags: SYN; Auth: SPIRE\)\n$/);
	});

	test('hostile pod names, DNS names and summaries are escaped before they reach the terminal', () => {
		const hostile = makeFlow({
			source: {namespace: 'shop', pod_name: 'evil\u001B]0;owned\u0007'},
			destination: world,
			destination_names: ['x\u001B]52;c;ZXZpbA==\u0007.example.com'],
			Summary: 'HTTP/1.1 GET /\u001B[2J',
		});
		const line = compact(hostile, {colors: colorsOn});
		expect(line).toContain('shop/evil^[]0;owned^G');
		expect(line).toContain('x^[]52;c;ZXZpbA==^G.example.com');
		expect(line).toContain('(HTTP/1.1 GET /^[[2J)');
		// The only escape sequences left are ztop's own colours.
		expect(line.replaceAll(/\u001B\[\d+m/g, '')).not.toContain('\u001B');
	});

	test('--color always wraps pieces as hubble does', () => {
		expect(compact(makePolicyVerdict(), {colors: colorsOn})).toBe(
			'Nov 22 10:00:00.123: \u001B[36mshop/frontend-79f5dbfc6c-d6gb7:\u001B[33m43512\u001B[0m\u001B[0m \u001B[35m(ID:114060)\u001B[0m -> ' +
				'\u001B[36mshop/backend-6d4f9c7b8d-x2k9p:\u001B[33m80\u001B[0m\u001B[0m \u001B[35m(ID:21977)\u001B[0m policy-verdict:L3-L4 INGRESS \u001B[32mALLOWED\u001B[0m (TCP Flags: SYN)\n',
		);
	});
});

describe('dict, table and jsonpb', () => {
	test('dict separates records with 12 dashes and none after the last', () => {
		const {stdout} = print([response(makeFlow()), response(makeFlow())], {format: 'dict'});
		expect(stdout.split('\n').filter(line => line === '------------')).toHaveLength(1);
		expect(stdout.endsWith('    SUMMARY: TCP Flags: SYN\n')).toBe(true);
	});

	test('table pads columns to the widest cell plus three spaces', () => {
		const {stdout} = print([response(makeFlow()), response(makePolicyVerdict())], {format: 'table', colors: colorsOn});
		const lines = stdout.split('\n');
		// Each column starts where the widest cell of the previous one ends, plus three spaces.
		expect(lines[0]!.indexOf('SOURCE')).toBe('Nov 22 10:00:00.123'.length + 3);
		expect(lines[1]!.indexOf('shop/frontend')).toBe(lines[0]!.indexOf('SOURCE'));
		expect(lines[0]!.indexOf('VERDICT')).toBe(lines[2]!.indexOf('policy-verdict:L3-L4 INGRESS') + 'policy-verdict:L3-L4 INGRESS'.length + 3);
		expect(lines[2]).toContain('policy-verdict:L3-L4 INGRESS   ALLOWED     TCP Flags: SYN');
		expect(stdout).not.toContain('\u001B');
	});

	test('jsonpb writes the response as one line', () => {
		const item = response(makePolicyVerdict());
		expect(print([item], {format: 'jsonpb'}).stdout).toBe(JSON.stringify(item) + '\n');
	});
});

describe('lost events and node status', () => {
	const lost: GetFlowsResponse = {lost_events: {source: 'PERF_EVENT_RING_BUFFER', num_events_lost: '5', cpu: 2}, node_name: 'worker-1'};

	test('lost events go to stdout in each format', () => {
		expect(print([lost]).stdout).toBe('EVENTS LOST: PERF_EVENT_RING_BUFFER CPU(2) 5\n');
		expect(print([lost], {format: 'dict'}).stdout).toBe(
			'  TIMESTAMP: \n     SOURCE: PERF_EVENT_RING_BUFFER\n       TYPE: EVENTS LOST\n    VERDICT: \n    SUMMARY: CPU(2) - 5\n',
		);
		expect(print([lost], {format: 'jsonpb'}).stdout).toBe(JSON.stringify(lost) + '\n');
	});

	test('node status goes to stderr, errors always, connections only with --debug', () => {
		const connected: GetFlowsResponse = {node_status: {state_change: 'NODE_CONNECTED', node_names: ['cluster1/worker-1', 'cluster1/worker-2']}, time: '2026-11-22T10:00:00Z'};
		const failed: GetFlowsResponse = {node_status: {state_change: 'NODE_ERROR', node_names: ['cluster2/worker-1'], message: 'connection refused'}, time: '2026-11-22T10:00:01Z', node_name: 'relay'};
		expect(print([connected, failed])).toEqual({
			stdout: '',
			stderr: 'Nov 22 10:00:01.000 [relay]: Error "connection refused" on 1 nodes: cluster2/worker-1\n',
		});
		expect(print([connected], {debug: true}).stderr).toBe('Nov 22 10:00:00.000 []: Receiving flows from 2 nodes: cluster1/worker-1, cluster1/worker-2\n');
	});

	test('long node lists are cut off after about 50 characters', () => {
		const names = Array.from({length: 8}, (_, index) => `cluster1/worker-${index}`);
		const {stderr} = print([{node_status: {state_change: 'NODE_UNAVAILABLE', node_names: names}}]);
		expect(stderr).toContain('8 nodes are unavailable: cluster1/worker-0, cluster1/worker-1 (and 6 more)');
	});
});

describe('colour choice', () => {
	test.each([
		['auto', true, {}, true],
		['auto', false, {}, false],
		['auto', true, {NO_COLOR: '1'}, false],
		['auto', true, {TERM: 'dumb'}, false],
		['always', false, {NO_COLOR: '1'}, true],
		['never', true, {}, false],
	] as const)('--color %s on a terminal=%s with %j colours: %s', (choice, isTerminal, environment, expected) => {
		expect(resolveColors(choice, isTerminal, environment).enabled).toBe(expected);
	});
});

import {describe, expect, test} from 'vitest';
import type {Flow, FlowFilter} from '../../src/flow/flow.js';
import {compileCaptureFilterLists, compileFilterLists, compileFlowFilter} from '../../src/filters/flow-filter-match.js';
import {buildFilterLists} from '../../src/filters/observe-flags.js';
import {orderedFilterArguments} from '../../src/cli/flag-definitions.js';
import {parseResponseLine} from '../../src/stream/jsonpb-reader.js';
import {backend, frontend, kubeDns, makeFlow, makeHttpRequest, makePolicyVerdict, response, world} from '../fixtures/flows.js';
import {captureLines} from '../helpers/real-flows.js';

const matches = (filter: FlowFilter, flow: Flow) => compileFlowFilter(filter)(flow);

describe('combining filters (filters.go Apply)', () => {
	const yes: FlowFilter = {verdict: ['FORWARDED']};
	const no: FlowFilter = {verdict: ['DROPPED']};
	test.each([
		[[], [], true],
		[[yes], [], true],
		[[no], [], false],
		[[no, yes], [], true],
		[[], [yes], false],
		[[], [no], true],
		[[yes], [yes], false],
		[[yes], [no, no], true],
		[[no], [no], false],
	])('allowlist %j, denylist %j → %s', (allowlist, denylist, expected) => {
		expect(compileFilterLists(allowlist, denylist)(response(makeFlow()))).toBe(expected);
	});

	test('fields of one filter are ANDed, values of one field ORed', () => {
		expect(matches({verdict: ['DROPPED', 'FORWARDED'], source_pod: ['shop/']}, makeFlow())).toBe(true);
		expect(matches({verdict: ['FORWARDED'], source_pod: ['kube-system/']}, makeFlow())).toBe(false);
	});

	test('lost events pass every filter, as on the server', () => {
		expect(compileFilterLists([{verdict: ['DROPPED']}], [])({lost_events: {source: 'HUBBLE_RING_BUFFER'}})).toBe(true);
	});

	test('in a capture, lost events and node status are filtered as an empty flow, as hubble --input-file does', () => {
		const lost = {lost_events: {source: 'HUBBLE_RING_BUFFER' as const}};
		const nodeStatus = {node_status: {state_change: 'NODE_ERROR' as const}};
		for (const line of [lost, nodeStatus]) {
			expect(compileCaptureFilterLists([], [])(line)).toBe(true);
			expect(compileCaptureFilterLists([{source_pod: ['shop/']}], [])(line)).toBe(false);
			expect(compileCaptureFilterLists([], [{verdict: ['DROPPED']}])(line)).toBe(true);
			// An empty flow's IP version is IP_NOT_USED (a nil getter reads 0), so this allowlist keeps it.
			expect(compileCaptureFilterLists([{ip_version: ['IP_NOT_USED']}], [])(line)).toBe(true);
		}
	});
});

describe('field semantics (hubble-api.md §2.2-2.4)', () => {
	test.each([
		['shop/', frontend, true],
		['shop/front', frontend, true],
		['shop/back', frontend, false],
		['kube-system/', frontend, false],
		['/frontend', frontend, true],
		['frontend', frontend, false], // no namespace means "default"
		['/', frontend, true],
		['/', world, false], // an endpoint with neither namespace nor pod never matches
	])('source_pod %s on %s', (value, source, expected) => {
		expect(matches({source_pod: [value]}, makeFlow({source}))).toBe(expected);
	});

	test('an empty pod filter is rejected', () => {
		expect(() => compileFlowFilter({source_pod: ['']})).toThrow('name must not be empty');
	});

	test.each([
		['10.0.1.10', true],
		['10.0.1.0/24', true],
		['10.0.2.0/24', false],
		['::/0', false],
	])('source_ip %s', (value, expected) => {
		expect(matches({source_ip: [value]}, makeFlow())).toBe(expected);
	});

	test('ports match TCP, UDP and SCTP only', () => {
		expect(matches({destination_port: ['80']}, makeFlow())).toBe(true);
		expect(matches({destination_port: ['80']}, makeFlow({l4: {ICMPv4: {type: 8}}}))).toBe(false);
	});

	test('protocol tcp also matches an L7 HTTP flow over TCP; http only L7 HTTP', () => {
		expect(matches({protocol: ['TCP']}, makeHttpRequest())).toBe(true);
		expect(matches({protocol: ['http']}, makeHttpRequest())).toBe(true);
		expect(matches({protocol: ['http']}, makeFlow())).toBe(false);
		expect(() => compileFlowFilter({protocol: ['quic']})).toThrow('unknown protocol');
	});

	test('event types match by type, and by sub-type only when asked', () => {
		const toStack = makeFlow({event_type: {type: 4, sub_type: 3}});
		expect(matches({event_type: [{type: 4}]}, toStack)).toBe(true);
		expect(matches({event_type: [{type: 4, match_sub_type: true}]}, toStack)).toBe(false);
		expect(matches({event_type: [{type: 4, match_sub_type: true, sub_type: 3}]}, toStack)).toBe(true);
		expect(matches({event_type: [{type: 5}]}, toStack)).toBe(false);
	});

	test('drop_reason_desc applies only to dropped flows', () => {
		const denied = makeFlow({verdict: 'DROPPED', drop_reason_desc: 'POLICY_DENIED', is_reply: undefined});
		expect(matches({drop_reason_desc: ['POLICY_DENIED']}, denied)).toBe(true);
		expect(matches({drop_reason_desc: ['POLICY_DENIED']}, {...denied, verdict: 'FORWARDED'})).toBe(false);
	});

	test('reply: an unknown is_reply matches only on a drop, as false', () => {
		const unknown = makeFlow({is_reply: undefined});
		expect(matches({reply: [false]}, unknown)).toBe(false);
		expect(matches({reply: [false]}, {...unknown, verdict: 'DROPPED'})).toBe(true);
		expect(matches({reply: [true]}, makeFlow({is_reply: true}))).toBe(true);
	});

	test('HTTP fields: status prefixes, methods in any case, path and URL regular expressions', () => {
		const forbidden = makeHttpRequest({l7: {type: 'RESPONSE', http: {code: 403, method: 'GET', url: 'http://backend/get?x=1'}}});
		expect(matches({http_status_code: ['4+']}, forbidden)).toBe(true);
		expect(matches({http_status_code: ['40+']}, forbidden)).toBe(true);
		expect(matches({http_status_code: ['404']}, forbidden)).toBe(false);
		expect(matches({http_method: ['get']}, forbidden)).toBe(true);
		expect(matches({http_path: ['^/get$']}, forbidden)).toBe(true);
		expect(matches({http_url: ['x=1']}, forbidden)).toBe(true);
		expect(() => compileFlowFilter({http_status_code: ['4xx']})).toThrow('invalid status code filter');
	});

	test('FQDN patterns are anchored, case-insensitive, and ignore a trailing dot', () => {
		const toExample = makeFlow({destination: world, destination_names: ['Example.COM.']});
		expect(matches({destination_fqdn: ['example.com']}, toExample)).toBe(true);
		expect(matches({destination_fqdn: ['*.com']}, toExample)).toBe(true);
		expect(matches({destination_fqdn: ['ample.com']}, toExample)).toBe(false);
	});

	test('node names: a bare name matches any cluster, cluster/ the whole cluster, * a wildcard', () => {
		const flow = makeFlow({node_name: 'cluster1/worker-1'});
		expect(matches({node_name: ['worker-1']}, flow)).toBe(true);
		expect(matches({node_name: ['cluster1/']}, flow)).toBe(true);
		expect(matches({node_name: ['cluster2/']}, flow)).toBe(false);
		expect(matches({node_name: ['cluster1/worker-*']}, flow)).toBe(true);
		expect(matches({node_name: ['default/kind-worker']}, makeFlow({node_name: 'kind-worker'}))).toBe(true);
	});

	test('workloads, identities, cluster names and traffic direction', () => {
		expect(matches({source_workload: [{kind: 'Deployment'}]}, makeFlow())).toBe(true);
		expect(matches({source_workload: [{name: 'backend'}]}, makeFlow())).toBe(false);
		expect(matches({destination_identity: [backend.identity!]}, makeFlow())).toBe(true);
		expect(matches({source_cluster_name: ['cluster2']}, makeFlow())).toBe(false);
		expect(matches({traffic_direction: ['EGRESS']}, makePolicyVerdict({traffic_direction: 'EGRESS'}))).toBe(true);
		expect(matches({traffic_direction: ['EGRESS']}, makeFlow({traffic_direction: undefined}))).toBe(false);
	});

	test('label selectors use Kubernetes semantics over Cilium labels', () => {
		const toDns = makeFlow({destination: kubeDns});
		expect(matches({destination_label: ['k8s-app=kube-dns']}, toDns)).toBe(true);
		expect(matches({destination_label: ['k8s:k8s-app=kube-dns']}, toDns)).toBe(true);
		expect(matches({destination_label: ['reserved:k8s-app=kube-dns']}, toDns)).toBe(false);
		expect(matches({destination_label: ['k8s-app in (kube-dns, coredns)']}, toDns)).toBe(true);
		expect(matches({destination_label: ['app notin (frontend)']}, toDns)).toBe(true);
		expect(matches({destination_label: ['!app']}, toDns)).toBe(true);
		expect(matches({destination_label: ['k8s-app,!app']}, toDns)).toBe(true);
		expect(matches({destination_label: ['reserved:world']}, makeFlow({destination: world}))).toBe(true);
	});
});

describe('counts on a real capture agree with hubble CLI 1.17.0 (hubble-api.md §2.2-2.3, [CLI-RUN])', () => {
	const flows = captureLines('basic-sample-400-udp-flows').map(line => parseResponseLine(line));
	const count = (argv: string[]) => {
		const lists = buildFilterLists(orderedFilterArguments(argv));
		const predicate = compileFilterLists(lists.allowlist, lists.denylist);
		return flows.filter(flow => predicate(flow)).length;
	};

	test.each([
		[['--from-label', 'app=ratings'], 63],
		[['--from-label', 'k8s:app=ratings'], 63],
		[['--from-label', 'reserved:app=ratings'], 0],
		[['--from-label', 'app in (ratings,reviews)'], 63],
		[['--from-label', 'app notin (ratings)'], 337],
		[['--from-label', '!app'], 222],
		[['--from-pod', 'ratings'], 0],
		[['--from-pod', 'bookinfo/ratings'], 63],
	])('%j selects %i of 400 flows', (argv, expected) => {
		expect(count(argv)).toBe(expected);
	});
});

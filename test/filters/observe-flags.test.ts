import {describe, expect, test} from 'vitest';
import {compileFilterLists} from '../../src/filters/flow-filter-match.js';
import {buildFilterLists, type FilterArgument} from '../../src/filters/observe-flags.js';
import {orderedFilterArguments} from '../../src/cli/flag-definitions.js';
import {hubbleSchema} from '../../src/stream/hubble-schema.js';
import {readMessage} from '../../src/stream/protojson.js';

/** The filters as hubble's --print-raw-filters shows them: protojson, declaration order. */
function rawFilters(argv: string[]): {allowlist: string[]; denylist: string[]} {
	const lists = buildFilterLists(orderedFilterArguments(argv));
	const print = (filters: object[]) => filters.map(filter => JSON.stringify(readMessage(hubbleSchema().flowFilter, filter)));
	return {allowlist: print(lists.allowlist), denylist: print(lists.denylist)};
}

describe('hubble observe flags → FlowFilters (hubble-api.md §3.1, from --print-raw-filters)', () => {
	test.each([
		['-n shop', ['{"source_pod":["shop/"]}', '{"destination_pod":["shop/"]}']],
		['-n shop --verdict DROPPED', ['{"source_pod":["shop/"],"verdict":["DROPPED"]}', '{"destination_pod":["shop/"],"verdict":["DROPPED"]}']],
		['-n shop -n db', ['{"source_pod":["shop/","db/"]}', '{"destination_pod":["shop/","db/"]}']],
		['-n shop --pod frontend', ['{"source_pod":["shop/frontend"]}', '{"destination_pod":["shop/frontend"]}']],
		['--pod shop/frontend', ['{"source_pod":["shop/frontend"]}', '{"destination_pod":["shop/frontend"]}']],
		['--from-pod frontend', ['{"source_pod":["frontend"]}']],
		['--from-namespace shop --to-namespace db', ['{"source_pod":["shop/"],"destination_pod":["db/"]}']],
		['--from-namespace shop --to-pod db/postgres', ['{"source_pod":["shop/"],"destination_pod":["db/postgres"]}']],
		['-A', ['{"source_pod":["/"]}', '{"destination_pod":["/"]}']],
		['--label app=frontend', ['{"source_label":["app=frontend"]}', '{"destination_label":["app=frontend"]}']],
		['-l app=frontend', ['{"source_label":["app=frontend"]}', '{"destination_label":["app=frontend"]}']],
		['--from-label k8s:app=frontend --to-label app=db', ['{"source_label":["k8s:app=frontend"],"destination_label":["app=db"]}']],
		['-t policy-verdict', ['{"event_type":[{"type":5}]}']],
		['-t drop -t trace:to-endpoint', ['{"event_type":[{"type":1},{"type":4,"match_sub_type":true}]}']],
		['-t trace:to-stack', ['{"event_type":[{"type":4,"match_sub_type":true,"sub_type":3}]}']],
		['-t l7 --http-status 5+', ['{"event_type":[{"type":129}],"http_status_code":["5+"]}']],
		['--protocol tcp --port 80', ['{"protocol":["tcp"],"source_port":["80"]}', '{"protocol":["tcp"],"destination_port":["80"]}']],
		['--to-port 53', ['{"destination_port":["53"]}']],
		['--identity world', ['{"source_identity":[2]}', '{"destination_identity":[2]}']],
		['--to-identity kube-apiserver', ['{"destination_identity":[7]}']],
		['--verdict DROPPED --verdict AUDIT', ['{"verdict":["DROPPED","AUDIT"]}']],
		['--traffic-direction ingress', ['{"traffic_direction":["INGRESS"]}']],
		['--fqdn *.cilium.io', ['{"source_fqdn":["*.cilium.io"]}', '{"destination_fqdn":["*.cilium.io"]}']],
		['--node-name kind-worker', ['{"node_name":["kind-worker"]}']],
		['--http-method GET --http-path /api', ['{"http_method":["GET"],"http_path":["/api"]}']],
		['--tcp-flags syn,ack', ['{"tcp_flags":[{"SYN":true,"ACK":true}]}']],
		['--drop-reason-desc POLICY_DENIED', ['{"drop_reason_desc":["POLICY_DENIED"]}']],
		['--workload Deployment/frontend', ['{"source_workload":[{"name":"frontend","kind":"Deployment"}]}', '{"destination_workload":[{"name":"frontend","kind":"Deployment"}]}']],
		['--ip 10.0.0.0/8', ['{"source_ip":["10.0.0.0/8"]}', '{"destination_ip":["10.0.0.0/8"]}']],
		['--service shop/frontend', ['{"source_service":["shop/frontend"]}', '{"destination_service":["shop/frontend"]}']],
		['', []],
	])('%s', (flags, allowlist) => {
		expect(rawFilters(flags.split(' ').filter(Boolean)).allowlist).toEqual(allowlist);
	});

	test('--not sends the next filter flag to the denylist', () => {
		expect(rawFilters(['--not', '--verdict', 'FORWARDED', '-n', 'shop'])).toEqual({
			allowlist: ['{"source_pod":["shop/"]}', '{"destination_pod":["shop/"]}'],
			denylist: ['{"verdict":["FORWARDED"]}'],
		});
		expect(rawFilters(['--not', '-n', 'kube-system']).denylist).toEqual(['{"source_pod":["kube-system/"]}', '{"destination_pod":["kube-system/"]}']);
		expect(rawFilters(['--not', '--label', 'k8s:app=a', '--not', '--label', 'k8s:app=b']).denylist).toEqual([
			'{"source_label":["k8s:app=a","k8s:app=b"]}',
			'{"destination_label":["k8s:app=a","k8s:app=b"]}',
		]);
	});

	test.each([
		[['-n', 'shop', '--from-pod', 'frontend'], 'filters --from-pod and --namespace cannot be combined'],
		[['-n', 'shop', '--ip', '10.0.0.1'], 'filters --ip and --namespace cannot be combined'],
		[['--label', 'a=b', '--from-label', 'c=d'], 'filters --from-label and --label cannot be combined'],
		[['--verdict', 'DROPPED', '--not'], 'trailing --not'],
		[['--not', '--not', '--verdict', 'DROPPED'], 'not by another --not'],
		[['-t', 'trace', '--http-status', '5+'], "filtering by http status code requires the event type filter to only match 'l7' events"],
	])('%j is an error', (argv, message) => {
		expect(() => {
			const lists = buildFilterLists(orderedFilterArguments(argv));
			// A conflict between --http-status and --type shows when the filter is compiled, as on the server.
			compileFilterLists(lists.allowlist, lists.denylist);
		}).toThrow(message);
	});

	test('the same flag on both lists does not conflict', () => {
		const flags: FilterArgument[] = [{name: 'namespace', value: 'shop'}, {name: 'not'}, {name: 'ip', value: '10.0.0.1'}];
		expect(buildFilterLists(flags).denylist).toEqual([{source_ip: ['10.0.0.1']}, {destination_ip: ['10.0.0.1']}]);
	});

	test('command-line order is read from -n value, --flag=value and -nvalue forms', () => {
		expect(orderedFilterArguments(['-o', 'tally', '-nshop', '--not', '--verdict=DROPPED', '--input-file', '-', '-A'])).toEqual([
			{name: 'namespace', value: 'shop'},
			{name: 'not'},
			{name: 'verdict', value: 'DROPPED'},
			{name: 'all-namespaces', value: ''},
		]);
	});
});

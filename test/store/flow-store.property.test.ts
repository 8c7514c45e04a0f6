/**
Index exactness: after pushing ten times the ring's capacity of random flows, the flows a filter selects
through the indexes — both when the filter was set before the flows arrived (checked on arrival) and when
it is set on a full ring (resolved through posting lists) — are exactly those a brute-force scan of the
ring selects with hubble's flow filter semantics (src/filters/flow-filter-match.ts) on the full flows.
A low index offset limit makes the indexes re-base several times during each run.
*/
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {dropReasonNames} from '../../src/flow/drop-reason.js';
import type {Endpoint, Flow, Policy} from '../../src/flow/flow.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {FilterError} from '../../src/filters/filter-error.js';
import {flowFilterPart, policyMatcher, type FilterQuery, type LocalFlowFilter} from '../../src/filters/filter-query.js';
import {compileFlowFilter} from '../../src/filters/flow-filter-match.js';
import {FlowStore} from '../../src/store/flow-store.js';
import {makeFlow, makePolicy, response} from '../fixtures/flows.js';

const capacity = 40;

const endpointArbitrary: fc.Arbitrary<Endpoint | undefined> = fc.oneof(
	fc
		.record({
			namespace: fc.constantFrom('shop', 'kube-system', 'default', ''),
			app: fc.constantFrom('frontend', 'backend', 'kube-dns'),
			identity: fc.constantFrom(1000, 2000, 3000),
			cluster: fc.constantFrom('cluster1', 'cluster2', undefined),
			hasWorkload: fc.boolean(),
		})
		.map(({namespace, app, identity, cluster, hasWorkload}) => ({
			identity,
			...(cluster ? {cluster_name: cluster} : {}),
			...(namespace ? {namespace} : {}),
			pod_name: `${app}-5d8f7c`,
			labels: [`k8s:app=${app}`, `k8s:io.kubernetes.pod.namespace=${namespace}`],
			...(hasWorkload ? {workloads: [{name: app, kind: 'Deployment'}]} : {}),
		})),
	fc.constant<Endpoint>({identity: 2, labels: ['reserved:world']}),
	fc.constant<Endpoint>({identity: 0}),
	fc.constant(undefined),
);

const policyArbitrary = fc.array(
	fc.constantFrom<Policy>(
		makePolicy('allow-all'),
		makePolicy('allow-dns'),
		makePolicy('allow-dns', {namespace: 'kube-system'}),
		{labels: ['reserved:io.cilium.policy.derived-from=allow-localhost-ingress']},
	),
	{maxLength: 2},
);

const flowArbitrary: fc.Arbitrary<Flow> = fc
	.record({
		source: endpointArbitrary,
		destination: endpointArbitrary,
		sourceIp: fc.constantFrom('10.0.1.10', '10.0.2.20', '192.168.1.1', 'fd00::1', undefined),
		destinationIp: fc.constantFrom('10.0.2.20', '8.8.8.8', 'fd00::2'),
		verdict: fc.constantFrom('FORWARDED', 'DROPPED', 'REDIRECTED', 'AUDIT', 'ERROR', undefined),
		dropReason: fc.constantFrom('POLICY_DENIED', 'STALE_OR_UNROUTABLE_IP', undefined),
		protocol: fc.constantFrom('TCP', 'UDP', 'ICMPv4', 'SCTP', undefined),
		sourcePort: fc.constantFrom(43_512, 53, 80, 0),
		destinationPort: fc.constantFrom(80, 53, 8080),
		eventType: fc.constantFrom({type: 4}, {type: 4, sub_type: 3}, {type: 5}, {type: 1, sub_type: 133}, {type: 129}),
		direction: fc.constantFrom('INGRESS', 'EGRESS', undefined),
		isReply: fc.constantFrom(true, false, undefined),
		l7: fc.constantFrom(
			undefined,
			{type: 'REQUEST', http: {method: 'GET', url: 'http://backend.shop/get?x=1'}},
			{type: 'RESPONSE', http: {code: 403, method: 'POST', url: 'http://api.example.com/post'}},
			{type: 'REQUEST', dns: {query: 'api.example.com.'}},
			{type: 'REQUEST', kafka: {topic: 'orders'}},
		),
		sourceNames: fc.constantFrom(undefined, ['api.example.com']),
		destinationNames: fc.constantFrom(undefined, ['www.example.com', 'api.example.com']),
		node: fc.constantFrom('cluster1/worker-1', 'worker-2', undefined),
		ingressAllowedBy: policyArbitrary,
		egressAllowedBy: policyArbitrary,
		ingressDeniedBy: policyArbitrary,
		egressDeniedBy: policyArbitrary,
		uuid: fc.constantFrom('u-1', 'u-2', 'u-3'),
		synFlag: fc.boolean(),
	})
	.map(value => {
		const ports = {source_port: value.sourcePort || undefined, destination_port: value.destinationPort};
		const l4 =
			value.protocol === undefined
				? undefined
				: value.protocol === 'ICMPv4'
					? {ICMPv4: {type: 8}}
					: value.protocol === 'TCP'
						? {TCP: {...ports, ...(value.synFlag ? {flags: {SYN: true}} : {})}}
						: {[value.protocol]: ports};
		const flow: Flow = {
			...makeFlow(),
			uuid: value.uuid,
			source: value.source,
			destination: value.destination,
			IP: value.sourceIp ? {source: value.sourceIp, destination: value.destinationIp} : undefined,
			verdict: value.verdict as Flow['verdict'],
			drop_reason_desc: value.verdict === 'DROPPED' ? value.dropReason : undefined,
			l4: l4 as Flow['l4'],
			event_type: value.eventType,
			traffic_direction: value.direction as Flow['traffic_direction'],
			is_reply: value.isReply,
			Type: value.l7 ? 'L7' : 'L3_L4',
			l7: value.l7 as Flow['l7'],
			source_names: value.sourceNames as string[] | undefined,
			destination_names: value.destinationNames as string[] | undefined,
			node_name: value.node,
			ingress_allowed_by: value.ingressAllowedBy,
			egress_allowed_by: value.egressAllowedBy,
			ingress_denied_by: value.ingressDeniedBy,
			egress_denied_by: value.egressDeniedBy,
		};
		return JSON.parse(JSON.stringify(flow)) as Flow;
	});

const some = <Value>(...values: Value[]) => fc.option(fc.uniqueArray(fc.constantFrom(...values), {minLength: 1, maxLength: 2}), {nil: undefined});

const filterArbitrary: fc.Arbitrary<LocalFlowFilter> = fc
	.record({
		source_ip: some('10.0.1.10', '10.0.0.0/16', 'fd00::/64'),
		destination_ip: some('8.8.8.8', '10.0.0.0/8'),
		source_pod: some('shop/', 'shop/front', 'kube-system/', '/back', 'frontend'),
		destination_pod: some('shop/backend', '/'),
		source_label: some('app=frontend', 'k8s:app', '!app', 'reserved:world', 'app in (frontend,backend)'),
		destination_label: some('app!=backend', 'k8s:io.kubernetes.pod.namespace=shop'),
		source_fqdn: some('*.example.com', 'api.example.com'),
		destination_fqdn: some('www.example.com.'),
		source_workload: some({name: 'frontend'}, {kind: 'Deployment'}),
		destination_cluster_name: some('cluster1', ''),
		verdict: some('FORWARDED', 'DROPPED', 'VERDICT_UNKNOWN', 'REDIRECTED'),
		traffic_direction: some('INGRESS', 'EGRESS', 'TRAFFIC_DIRECTION_UNKNOWN'),
		drop_reason_desc: some('POLICY_DENIED', 'DROP_REASON_UNKNOWN'),
		event_type: some({type: 4}, {type: 4, match_sub_type: true, sub_type: 3}, {type: 5}, {type: 129}, {type: 0}),
		http_status_code: some('403', '4+'),
		protocol: some('tcp', 'udp', 'icmp', 'http', 'dns', 'kafka', 'sctp'),
		source_port: some('80', '53', '0'),
		destination_port: some('80', '8080'),
		reply: some(true, false),
		dns_query: some('example', '^api'),
		source_identity: some(1000, 2, 0),
		http_method: some('get', 'POST'),
		http_path: some('^/get$', 'post'),
		http_url: some('backend'),
		node_name: some('cluster1/*', 'worker-2', 'default/'),
		uuid: some('u-1'),
		tcp_flags: some({SYN: true}),
		policy: some('allow-all', 'kube-system/allow-dns', 'reserved:io.cilium.policy.derived-from=allow-localhost-ingress'),
	})
	// A few fields per filter, so that filters select something.
	.chain(full => {
		const fields = Object.keys(full).filter(field => full[field as keyof typeof full] !== undefined);
		return fc.subarray(fields, {maxLength: 3}).map(chosen => Object.fromEntries(chosen.map(field => [field, full[field as keyof typeof full]])));
	});

const queryArbitrary: fc.Arbitrary<FilterQuery> = fc.record({
	allowlist: fc.array(filterArbitrary, {maxLength: 2}),
	denylist: fc.array(filterArbitrary, {maxLength: 2}),
});

/** The reference: hubble's semantics on the full flow, plus ztop's policy field read directly. */
function bruteForce(query: FilterQuery): ((flow: Flow) => boolean) | undefined {
	try {
		const compile = (filter: LocalFlowFilter) => {
			const {policy} = filter;
			const matches = compileFlowFilter(flowFilterPart(filter));
			const policyMatches = policy ? policyMatcher(policy, (item: {namespace: string; name: string}) => item) : undefined;
			return (flow: Flow) => {
				if (!matches(flow)) {
					return false;
				}

				if (!policyMatches) {
					return true;
				}

				const policies = [flow.ingress_allowed_by, flow.egress_allowed_by, flow.ingress_denied_by, flow.egress_denied_by].flatMap(
					list => list ?? [],
				);
				return policies.some(item =>
					policyMatches({namespace: item.namespace ?? '', name: item.name || [...(item.labels ?? [])].sort().join(',')}),
				);
			};
		};

		const allow = query.allowlist.map(filter => compile(filter));
		const deny = query.denylist.map(filter => compile(filter));
		return flow => (allow.length === 0 || allow.some(matches => matches(flow))) && !deny.some(matches => matches(flow));
	} catch (error) {
		if (error instanceof FilterError) {
			return undefined;
		}

		throw error;
	}
}

function newStore(): FlowStore {
	return new FlowStore({
		capacity,
		indexOffsetLimit: capacity * 3,
		decodeFlow: raw => JSON.parse(new TextDecoder().decode(raw)) as Flow,
	});
}

describe('FlowStore index exactness (property)', () => {
	test('indexed queries equal a brute-force scan, on arrival and on a full ring, across eviction and re-basing', () => {
		fc.assert(
			fc.property(fc.array(flowArbitrary, {minLength: capacity * 10, maxLength: capacity * 10}), queryArbitrary, (flows, query) => {
				const reference = bruteForce(query);
				const live = newStore();
				if (reference === undefined) {
					expect(() => live.setFilter(query)).toThrow(FilterError);
					return;
				}

				live.setFilter(query);
				const lists = new RecordLists();
				const pushed: Flow[] = [];
				for (const flow of flows) {
					live.push(toFlowRecord(response(flow), lists, dropReasonNames)!, new TextEncoder().encode(JSON.stringify(flow)));
					pushed.push(flow);
				}

				const ring = live.ring;
				const expected: number[] = [];
				for (let sequence = ring.start; sequence < ring.end; sequence++) {
					if (reference(pushed[sequence]!)) {
						expected.push(sequence);
					}
				}

				expect([...live.matches()]).toEqual(expected);
				// The same filter set again on the full ring resolves through the posting lists.
				live.setFilter({allowlist: [], denylist: []});
				expect(live.matchCount).toBe(capacity);
				live.setFilter(query);
				expect([...live.matches()]).toEqual(expected);
			}),
			// Sized by count (75 runs × 400 flows): about 2 s here, a few seconds on a slow, busy machine, hence
			// the explicit limit; the verdict never depends on speed.
			{numRuns: 75},
		);
	}, 60_000);
});

/**
Property: for random flows and random hubble flag sets, flag parsing → FlowFilters → local evaluation
agrees with an independent, direct reading of what the flags mean (hubble-api.md §3.1): allowed flows
have some side (source or destination) on which every non-directional condition holds, every from-
condition holds on the source and every to- condition on the destination, and every side-less
condition holds; negated flags build the same kind of condition, and a flow matching it is excluded.
*/
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import type {Endpoint, Flow} from '../../src/flow/flow.js';
import {FilterError} from '../../src/filters/filter-error.js';
import {compileFilterLists} from '../../src/filters/flow-filter-match.js';
import {buildFilterLists, type FilterArgument, type FilterFlag} from '../../src/filters/observe-flags.js';
import {makeFlow, response} from '../fixtures/flows.js';

const namespaces = ['shop', 'kube-system', 'default'];
const apps = ['frontend', 'backend', 'kube-dns'];

const endpointArbitrary: fc.Arbitrary<Endpoint> = fc.oneof(
	fc.record({
		namespace: fc.constantFrom(...namespaces),
		app: fc.constantFrom(...apps),
		identity: fc.constantFrom(1000, 2000, 3000),
	}).map(({namespace, app, identity}) => ({
		identity,
		namespace,
		pod_name: `${app}-5d8f7c`,
		labels: [`k8s:app=${app}`, `k8s:io.kubernetes.pod.namespace=${namespace}`],
	})),
	fc.constant<Endpoint>({identity: 2, labels: ['reserved:world']}),
);

const flowArbitrary: fc.Arbitrary<Flow> = fc
	.record({
		source: endpointArbitrary,
		destination: endpointArbitrary,
		verdict: fc.constantFrom('FORWARDED', 'DROPPED', 'REDIRECTED', 'AUDIT'),
		protocol: fc.constantFrom('TCP', 'UDP', 'ICMPv4'),
		sourcePort: fc.constantFrom(43_512, 53, 80),
		destinationPort: fc.constantFrom(80, 53, 8080),
		type: fc.constantFrom(1, 4, 5, 129),
		direction: fc.constantFrom('INGRESS', 'EGRESS', undefined),
	})
	.map(({source, destination, verdict, protocol, sourcePort, destinationPort, type, direction}) =>
		makeFlow({
			source,
			destination,
			verdict,
			l4:
				protocol === 'ICMPv4'
					? {ICMPv4: {type: 8}}
					: {[protocol]: {source_port: sourcePort, destination_port: destinationPort}},
			event_type: {type},
			traffic_direction: direction,
		}),
	);

const flagArbitrary: fc.Arbitrary<FilterFlag> = fc.oneof(
	fc.record({name: fc.constantFrom('namespace', 'from-namespace', 'to-namespace'), value: fc.constantFrom(...namespaces)}),
	fc.record({
		name: fc.constantFrom('pod', 'from-pod', 'to-pod'),
		value: fc.oneof(fc.constantFrom(...apps), fc.constantFrom(...namespaces).chain(namespace => fc.constantFrom(...apps).map(app => `${namespace}/${app}`))),
	}),
	fc.record({name: fc.constantFrom('label', 'from-label', 'to-label'), value: fc.constantFrom(...apps).map(app => `app=${app}`)}),
	fc.record({name: fc.constantFrom('identity', 'from-identity', 'to-identity'), value: fc.constantFrom('1000', '2000', 'world')}),
	fc.record({name: fc.constantFrom('port', 'from-port', 'to-port'), value: fc.constantFrom('80', '53', '8080')}),
	fc.record({name: fc.constant('verdict'), value: fc.constantFrom('FORWARDED', 'DROPPED', 'REDIRECTED')}),
	fc.record({name: fc.constant('protocol'), value: fc.constantFrom('tcp', 'udp', 'icmp')}),
	fc.record({name: fc.constant('type'), value: fc.constantFrom('drop', 'trace', 'policy-verdict', 'l7')}),
	fc.record({name: fc.constant('traffic-direction'), value: fc.constantFrom('ingress', 'egress')}),
);

const argumentsArbitrary: fc.Arbitrary<FilterArgument[]> = fc
	.array(fc.record({isNegated: fc.boolean(), flag: flagArbitrary}), {maxLength: 5})
	.map(entries => entries.flatMap(({isNegated, flag}) => (isNegated ? [{name: 'not' as const}, flag] : [flag])));

// ---- The independent reading of the flags -------------------------------------------------------

type Side = 'source' | 'destination';

const portOf = (flow: Flow, side: Side) => {
	const pair = flow.l4?.TCP ?? flow.l4?.UDP;
	return pair ? String(side === 'source' ? pair.source_port : pair.destination_port) : undefined;
};

function endpointCondition(name: string, values: string[], namespacesOfSide: string[]) {
	return (flow: Flow, side: Side): boolean => {
		const endpoint = flow[side] ?? {};
		switch (name) {
			case 'pod': {
				if (!endpoint.namespace && !endpoint.pod_name) {
					return false;
				}

				return values.some(value => {
					const [namespaceList, prefix] = value.includes('/')
						? [[value.split('/')[0]!], value.split('/')[1]!]
						: [namespacesOfSide.length > 0 ? namespacesOfSide : ['default'], value];
					return namespaceList.includes(endpoint.namespace ?? '') && (endpoint.pod_name ?? '').startsWith(prefix);
				});
			}

			case 'label': {
				return values.some(value => (endpoint.labels ?? []).includes(`k8s:${value}`));
			}

			case 'identity': {
				return values.some(value => String(endpoint.identity ?? 0) === (value === 'world' ? '2' : value));
			}

			default: {
				return values.some(value => portOf(flow, side) === value);
			}
		}
	};
}

function sidelessCondition(name: string, values: string[]) {
	return (flow: Flow): boolean => {
		switch (name) {
			case 'verdict': {
				return values.includes(String(flow.verdict));
			}

			case 'protocol': {
				return values.some(value => (value === 'icmp' ? flow.l4?.ICMPv4 !== undefined : flow.l4?.[value.toUpperCase() as 'TCP'] !== undefined));
			}

			case 'type': {
				const types: Record<string, number> = {drop: 1, trace: 4, 'policy-verdict': 5, l7: 129};
				return values.some(value => types[value] === flow.event_type?.type);
			}

			default: {
				return values.some(value => value.toUpperCase() === flow.traffic_direction);
			}
		}
	};
}

/**
What a set of (same-list) flags means for one flow; undefined when no flag was given. A flow matches
when it matches through its source ("left": non-directional flags read on the source) or through its
destination ("right"); a side's namespaces qualify that side's bare pod names, or, with no pod names,
require the endpoint to be in one of them.
*/
function directReading(flags: FilterFlag[]): ((flow: Flow) => boolean) | undefined {
	if (flags.length === 0) {
		return undefined;
	}

	const valuesOf = (name: string) => flags.filter(flag => flag.name === name).map(flag => flag.value);
	const sideHolds = (flow: Flow, side: Side, names: string[], namespacesOfSide: string[]) => {
		const pods = names.flatMap(name => (name.endsWith('pod') ? valuesOf(name) : []));
		if (pods.length === 0 && namespacesOfSide.length > 0 && !namespacesOfSide.includes(flow[side]?.namespace ?? '\u0000')) {
			return false;
		}

		return names.every(name => {
			const values = valuesOf(name);
			const condition = name.replace(/^(from|to)-/, '');
			return values.length === 0 || endpointCondition(condition, values, namespacesOfSide)(flow, side);
		});
	};

	const endpointFlags = ['pod', 'label', 'identity', 'port'];
	const from = endpointFlags.map(name => `from-${name}`);
	const to = endpointFlags.map(name => `to-${name}`);
	const either = valuesOf('namespace');
	const fromNamespaces = valuesOf('from-namespace');
	const toNamespaces = valuesOf('to-namespace');
	return flow => {
		const sideless = ['verdict', 'protocol', 'type', 'traffic-direction'].every(
			name => valuesOf(name).length === 0 || sidelessCondition(name, valuesOf(name))(flow),
		);
		const throughSource =
			sideHolds(flow, 'source', [...endpointFlags, ...from], [...either, ...fromNamespaces]) &&
			sideHolds(flow, 'destination', to, toNamespaces);
		const throughDestination =
			sideHolds(flow, 'source', from, fromNamespaces) &&
			sideHolds(flow, 'destination', [...endpointFlags, ...to], [...either, ...toNamespaces]);
		return sideless && (throughSource || throughDestination);
	};
}

describe('flags → FlowFilter → local evaluation agrees with the direct reading of the flags', () => {
	test('for random flows and flag sets', () => {
		let compared = 0;
		fc.assert(
			fc.property(argumentsArbitrary, fc.array(flowArbitrary, {minLength: 1, maxLength: 8}), (arguments_, flows) => {
				let lists;
				try {
					lists = buildFilterLists(arguments_);
				} catch (error) {
					// Conflicting combinations (e.g. -n with --from-pod) are rejected, as hubble rejects them.
					expect(error).toBeInstanceOf(FilterError);
					return;
				}

				const allowFlags: FilterFlag[] = [];
				const denyFlags: FilterFlag[] = [];
				for (const [index, argument] of arguments_.entries()) {
					if (argument.name !== 'not') {
						(arguments_[index - 1]?.name === 'not' ? denyFlags : allowFlags).push(argument as FilterFlag);
					}
				}

				const allow = directReading(allowFlags);
				const deny = directReading(denyFlags);
				const predicate = compileFilterLists(lists.allowlist, lists.denylist);
				for (const flow of flows) {
					const expected = (allow?.(flow) ?? true) && !(deny?.(flow) ?? false);
					expect(predicate(response(flow))).toBe(expected);
					compared++;
				}
			}),
			{numRuns: 400},
		);
		expect(compared).toBeGreaterThan(400);
	});
});

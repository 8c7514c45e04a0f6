/**
Random policy sets and random flows of the lab, shared by the property tests of the evaluator and of
suggestions: six endpoints (pods in two namespaces, kube-dns, world, host), ports with and without L7
requests, and CNPs of one to three entries over the peers and ports that matter to Cilium's semantics.
*/
import fc from 'fast-check';
import {expect} from 'vitest';
import type {Endpoint, Flow} from '../../src/flow/flow.js';
import {loadPolicyText} from '../../src/policy/policy-documents.js';
import type {LoadedPolicy} from '../../src/policy/policy-model.js';
import {backend, frontend, kubeDns, makeFlow, world} from '../fixtures/flows.js';

export const host: Endpoint = {identity: 1, labels: ['reserved:host']};
export const otherFrontend: Endpoint = {identity: 31_000, namespace: 'other', pod_name: 'frontend-x', labels: ['k8s:app=frontend', 'k8s:io.kubernetes.pod.namespace=other']};
export const endpoints: Array<[Endpoint, string]> = [
	[frontend, '10.0.1.10'],
	[backend, '10.0.2.20'],
	[kubeDns, '10.0.3.10'],
	[otherFrontend, '10.0.4.40'],
	[world, '1.1.1.1'],
	[host, '192.168.0.1'],
];

export const flowArbitrary: fc.Arbitrary<Flow> = fc
	.record({
		source: fc.constantFrom(...endpoints),
		destination: fc.constantFrom(...endpoints),
		port: fc.constantFrom(53, 80, 8080, 8050),
		protocol: fc.constantFrom('TCP', 'UDP'),
		request: fc.option(fc.constantFrom(['GET', '/a'], ['POST', '/a'], ['GET', '/b']), {nil: undefined}),
	})
	.map(({source, destination, port, protocol, request}) =>
		makeFlow({
			source: source[0],
			destination: destination[0],
			IP: {source: source[1], destination: destination[1], ipVersion: 'IPv4'},
			l4: protocol === 'TCP' ? {TCP: {source_port: 40_000, destination_port: port}} : {UDP: {source_port: 40_000, destination_port: port}},
			...(request && protocol === 'TCP'
				? {Type: 'L7' as const, event_type: {type: 129}, l7: {type: 'REQUEST' as const, http: {method: request[0], url: `http://x${request[1]}`}}}
				: {}),
		}),
	);

export const subjects = ['{}', '{matchLabels: {app: frontend}}', '{matchLabels: {app: backend}}'];
export const peers = [
	'toEndpoints: [{matchLabels: {app: backend}}]',
	'toEndpoints: [{}]',
	'toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: kube-system}}]',
	'toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: other}}]',
	'toEntities: [world]',
	'toEntities: [cluster]',
	'toEntities: [host]',
	'toEntities: [all]',
	'toCIDR: [1.1.1.0/24]',
	'toCIDRSet: [{cidr: 0.0.0.0/0, except: [1.1.1.0/24]}]',
	'',
];
export const ports = ['', 'toPorts: [{ports: [{port: "80", protocol: TCP}]}]', 'toPorts: [{ports: [{port: "53", protocol: ANY}]}]', 'toPorts: [{ports: [{port: "8000", endPort: 8100, protocol: TCP}]}]', 'toPorts: [{ports: [{port: "0", protocol: UDP}]}]'];
export const l7 = 'toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{method: GET, path: /a}]}}]';

/** `deny` makes this one entry a deny rule whatever the policy's other entries are. */
export type EntrySpec = {peer: string; ports: string; isL7: boolean; direction: 'ingress' | 'egress'; deny?: boolean};

export const entryArbitrary: fc.Arbitrary<EntrySpec> = fc.record({
	peer: fc.constantFrom(...peers),
	ports: fc.constantFrom(...ports),
	isL7: fc.boolean(),
	direction: fc.constantFrom<'ingress' | 'egress'>('ingress', 'egress'),
});

/** An entry as YAML; ingress entries use the from* names of the same peers. */
export function entryYaml(entry: EntrySpec, isDeny: boolean): string {
	const toPorts = entry.isL7 && !isDeny ? l7 : entry.ports;
	const peer = entry.direction === 'ingress' ? entry.peer.replace(/^to/, 'from') : entry.peer;
	const parts = [peer, toPorts].filter(Boolean);
	return parts.length === 0 ? '{}' : `{${parts.join(', ')}}`;
}

export function policyYaml(name: string, subject: string, entries: EntrySpec[], isDeny: boolean): string {
	const sections = new Map<string, string[]>();
	for (const entry of entries) {
		const entryIsDeny = entry.deny ?? isDeny;
		const field = `${entry.direction}${entryIsDeny ? 'Deny' : ''}`;
		sections.set(field, [...(sections.get(field) ?? []), entryYaml(entry, entryIsDeny)]);
	}

	const body = [...sections.entries()].map(([field, items]) => `  ${field}: [${items.join(', ')}]`).join('\n');
	return `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  endpointSelector: ${subject}\n${body}\n---\n`;
}

export const policyArbitrary = () =>
	fc.record({subject: fc.constantFrom(...subjects), entries: fc.array(entryArbitrary, {minLength: 1, maxLength: 3})});

export function load(yaml: string): LoadedPolicy[] {
	const policies = loadPolicyText(yaml, 'random.yaml').policies;
	for (const policy of policies) {
		expect(policy.rejected, yaml).toBeUndefined();
	}

	return policies;
}

export const allowSetArbitrary = fc.array(policyArbitrary(), {minLength: 1, maxLength: 4}).map(items => load(items.map((item, index) => policyYaml(`allow-${index}`, item.subject, item.entries, false)).join('')));

/** Sets whose policies mix allow and deny entries (a deny rule beside the allows it may cover). */
export const mixedSetArbitrary = fc
	.array(fc.record({subject: fc.constantFrom(...subjects), entries: fc.array(fc.record({entry: entryArbitrary, deny: fc.boolean()}), {minLength: 1, maxLength: 4})}), {minLength: 1, maxLength: 4})
	.map(items => load(items.map((item, index) => policyYaml(`mixed-${index}`, item.subject, item.entries.map(({entry, deny}) => ({...entry, deny})), false)).join('')));

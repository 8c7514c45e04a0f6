/**
A Kubernetes NetworkPolicy as Cilium translates it into one rule (pkg/k8s/network_policy.go
ParseNetworkPolicy): pod and namespace selectors, ipBlocks, ports, and policyTypes' enforcement.
*/
import {namespaceLabelsPrefix, podNamespaceKey, toMatcher, type ExtendedRequirement} from '../endpoint-selector.js';
import type {Direction, Peer, PolicyEntry, PolicyName, PolicyRule, PortMatch, Protocol} from '../policy-model.js';
import {parseCidrRule} from './cidr.js';
import {portsText} from './l4-ports.js';
import {isObject, readList, readObject, readString, Rejection, type EntryContext, type RawObject, type Report} from './read-fields.js';
import {readSelector} from './selector.js';

export function parseNetworkPolicy(value: unknown, name: PolicyName, report: Report): PolicyRule {
	const spec = readObject(value, 'spec', ['podSelector', 'policyTypes', 'ingress', 'egress'], report) ?? {};
	const namespace = name.namespace;
	const policyTypes = (readList(spec['policyTypes'], 'spec.policyTypes', report) ?? []).map(item => String(item));
	const context: EntryContext = {policy: name, specIndex: 0, report, subjectMatchesInit: false, isHostPolicy: false};
	const podSelector = readSelector(spec['podSelector'] ?? {}, 'spec.podSelector', report, 'k8s');
	const subjectRequirements = [
		...podSelector.requirements.filter(requirement => !(requirement.fromMatchLabels && requirement.key === podNamespaceKey)),
		{source: 'k8s', key: podNamespaceKey, operator: 'In' as const, values: [namespace]},
	];
	const entries = (direction: Direction): PolicyEntry[] => {
		const peersField = direction === 'ingress' ? 'from' : 'to';
		const rules = readList(spec[direction], `spec.${direction}`, report) ?? [];
		return rules.flatMap((item, ruleIndex) => {
			const path = `spec.${direction}[${ruleIndex}]`;
			const rule = readObject(item, path, [peersField, 'ports'], report) ?? {};
			const peers = readList(rule[peersField], `${path}.${peersField}`, report) ?? [];
			const rawPorts = readList(rule['ports'], `${path}.ports`, report) ?? [];
			const toPorts = rawPorts.length === 0 ? undefined : rawPorts.map((port, index) => ({ports: [parseKubernetesPort(port, `${path}.ports[${index}]`, report)]}));
			const make = (peer: Peer, text: string): PolicyEntry => {
				const entry: PolicyEntry = {
					origin: {policy: name, specIndex: 0, direction, isDeny: false, index: ruleIndex, text: ''},
					peer,
					...(toPorts ? {toPorts} : {}),
					isDeny: false,
				};
				entry.origin.text = [text, toPorts ? `ports: ${portsText(toPorts)}` : ''].filter(Boolean).join(' · ');
				return entry;
			};

			if (peers.length === 0) {
				return [make({kind: 'wildcard'}, `${peersField}: (any)`)];
			}

			return peers.map((peerValue, peerIndex) => {
				const peerPath = `${path}.${peersField}[${peerIndex}]`;
				const peer = readObject(peerValue, peerPath, ['podSelector', 'namespaceSelector', 'ipBlock'], report) ?? {};
				if (peer['ipBlock'] !== undefined) {
					const block = readObject(peer['ipBlock'], `${peerPath}.ipBlock`, ['cidr', 'except'], report) ?? {};
					const cidr = readString(block['cidr'], `${peerPath}.ipBlock.cidr`, report) ?? '';
					const except = (readList(block['except'], `${peerPath}.ipBlock.except`, report) ?? []).map(item => String(item));
					return make({kind: 'cidr', cidrs: [{cidr: parseCidrRule(cidr, except), except}]}, `ipBlock: ${cidr}${except.length > 0 ? ` except ${except.join(',')}` : ''}`);
				}

				return make(kubernetesPeer(peer, peerPath, namespace, context), kubernetesPeerText(peer));
			});
		});
	};

	const ingressEntries = entries('ingress');
	const egressEntries = entries('egress');
	// policyTypes: ingress is isolated unless only Egress is listed; egress only when Egress is listed.
	const isIngressEnforced = ingressEntries.length > 0 || policyTypes.includes('Ingress') || !policyTypes.includes('Egress');
	const isEgressEnforced = egressEntries.length > 0 || policyTypes.includes('Egress');
	const emptyEntry = (direction: Direction): PolicyEntry => ({
		origin: {policy: name, specIndex: 0, direction, isDeny: false, index: 0, text: `policyTypes: ${direction === 'ingress' ? 'Ingress' : 'Egress'} (nothing allowed)`},
		peer: {kind: 'endpoints', selectors: []},
		isDeny: false,
	});
	return {
		policy: name,
		specIndex: 0,
		subject: toMatcher(subjectRequirements, podSelector.text),
		...(isIngressEnforced ? {ingress: {entries: ingressEntries.length > 0 ? ingressEntries : [emptyEntry('ingress')], defaultDeny: true}} : {}),
		...(isEgressEnforced ? {egress: {entries: egressEntries.length > 0 ? egressEntries : [emptyEntry('egress')], defaultDeny: true}} : {}),
	};
}

/** parseNetworkPolicyPeer: namespace labels become `io.cilium.k8s.namespace.labels.*`, pod labels `k8s:`. */
function kubernetesPeer(peer: RawObject, path: string, namespace: string, context: EntryContext): Peer {
	const pods = peer['podSelector'] === undefined ? undefined : readSelector(peer['podSelector'], `${path}.podSelector`, context.report, 'k8s');
	if (peer['namespaceSelector'] !== undefined) {
		const namespaces = readSelector(peer['namespaceSelector'], `${path}.namespaceSelector`, context.report, 'k8s');
		const namespaceRequirements: ExtendedRequirement[] =
			namespaces.requirements.length === 0
				? [{source: 'k8s', key: podNamespaceKey, operator: 'Exists', values: []}]
				: namespaces.requirements.map(requirement => ({...requirement, source: 'k8s', key: namespaceLabelsPrefix + requirement.key}));
		return {kind: 'endpoints', selectors: [toMatcher([...namespaceRequirements, ...(pods?.requirements ?? [])], kubernetesPeerText(peer))]};
	}

	if (pods) {
		const requirements = [
			...pods.requirements.filter(requirement => !(requirement.fromMatchLabels && requirement.key === podNamespaceKey)),
			{source: 'k8s', key: podNamespaceKey, operator: 'In' as const, values: [namespace]},
		];
		return {kind: 'endpoints', selectors: [toMatcher(requirements, kubernetesPeerText(peer))]};
	}

	// A peer without selectors or ipBlock: nothing to select.
	return {kind: 'endpoints', selectors: []};
}

function kubernetesPeerText(peer: RawObject): string {
	const part = (field: string) => {
		const value = peer[field];
		if (!isObject(value)) {
			return undefined;
		}

		const labels = isObject(value['matchLabels']) ? Object.entries(value['matchLabels']).map(([key, item]) => `${key}=${String(item)}`) : [];
		const expressions = Array.isArray(value['matchExpressions']) ? value['matchExpressions'].map(item => JSON.stringify(item)) : [];
		const text = [...labels, ...expressions].join(',') || '{}';
		return `${field}: ${text}`;
	};

	return [part('namespaceSelector'), part('podSelector')].filter(Boolean).join(' + ');
}

function parseKubernetesPort(value: unknown, path: string, report: Report): PortMatch {
	const port = readObject(value, path, ['protocol', 'port', 'endPort'], report) ?? {};
	const protocolText = (readString(port['protocol'], `${path}.protocol`, report) ?? 'TCP').toUpperCase();
	if (!['TCP', 'UDP', 'SCTP'].includes(protocolText)) {
		throw new Rejection(`invalid protocol ${JSON.stringify(protocolText)}, must be { tcp | udp | sctp | any }`);
	}

	const protocols = [protocolText as Protocol];
	const portValue = port['port'];
	const endPort = typeof port['endPort'] === 'number' ? port['endPort'] : 0;
	if (portValue === undefined || portValue === null) {
		return {protocols, port: 0};
	}

	if (typeof portValue === 'string' && !/^\d+$/.test(portValue)) {
		return {protocols, port: 0, name: portValue.toLowerCase()};
	}

	const number = Number(portValue);
	return {protocols, port: number, ...(endPort > number ? {endPort} : {})};
}

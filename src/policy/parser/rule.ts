/**
One spec of a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy (api.Rule): its subject (endpointSelector
or nodeSelector, a CNP's scoped to its namespace), its sections and enableDefaultDeny, checked in
Sanitize's order (rule_validation.go).
*/
import {hasKey, podNamespaceKey, toMatcher} from '../endpoint-selector.js';
import type {Direction, DirectionSection, EndpointSelectorMatcher, PolicyEntry, PolicyName, PolicyRule} from '../policy-model.js';
import {parseEntry} from './entry.js';
import {isObject, readList, readObject, Rejection, type EntryContext, type RawObject, type Report} from './read-fields.js';
import {readSelector} from './selector.js';

const ruleFields = ['endpointSelector', 'nodeSelector', 'ingress', 'ingressDeny', 'egress', 'egressDeny', 'labels', 'description', 'enableDefaultDeny', 'log'];

export function parseCiliumPolicy(object: RawObject, name: PolicyName, report: Report): PolicyRule[] {
	const specs: Array<{spec: unknown; path: string}> = [];
	if (object['spec'] !== undefined && object['spec'] !== null) {
		specs.push({spec: object['spec'], path: 'spec'});
	}

	for (const [index, spec] of (readList(object['specs'], 'specs', report) ?? []).entries()) {
		specs.push({spec, path: `specs[${index}]`});
	}

	if (specs.length === 0) {
		// The CRD requires one of spec and specs; the agent has nothing to import.
		throw new Rejection('the policy has neither spec nor specs');
	}

	return specs.map(({spec, path}, index) => parseCiliumRule(spec, path, index, name, report));
}

type RawRule = {
	endpointSelector?: RawObject;
	nodeSelector?: RawObject;
	sections: Record<'ingress' | 'ingressDeny' | 'egress' | 'egressDeny', unknown[] | undefined>;
	enableDefaultDeny: {ingress?: boolean; egress?: boolean};
};

function parseCiliumRule(value: unknown, path: string, specIndex: number, name: PolicyName, report: Report): PolicyRule {
	const spec = readObject(value, path, ruleFields, report) ?? {};
	const sections = {
		ingress: readList(spec['ingress'], `${path}.ingress`, report),
		ingressDeny: readList(spec['ingressDeny'], `${path}.ingressDeny`, report),
		egress: readList(spec['egress'], `${path}.egress`, report),
		egressDeny: readList(spec['egressDeny'], `${path}.egressDeny`, report),
	};
	const defaults = readObject(spec['enableDefaultDeny'], `${path}.enableDefaultDeny`, ['ingress', 'egress'], report) ?? {};
	const raw: RawRule = {
		...(isObject(spec['endpointSelector']) ? {endpointSelector: spec['endpointSelector']} : {}),
		...(isObject(spec['nodeSelector']) ? {nodeSelector: spec['nodeSelector']} : {}),
		sections,
		enableDefaultDeny: {
			...(typeof defaults['ingress'] === 'boolean' ? {ingress: defaults['ingress']} : {}),
			...(typeof defaults['egress'] === 'boolean' ? {egress: defaults['egress']} : {}),
		},
	};
	const length = (list: unknown[] | undefined) => list?.length ?? 0;
	// Sanitize, in its order (rule_validation.go).
	if (length(sections.ingress) + length(sections.ingressDeny) + length(sections.egress) + length(sections.egressDeny) === 0) {
		throw new Rejection('rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny');
	}

	if (!raw.endpointSelector && !raw.nodeSelector) {
		throw new Rejection('rule must have one of EndpointSelector or NodeSelector');
	}

	if (raw.endpointSelector && raw.nodeSelector) {
		throw new Rejection('rule cannot have both EndpointSelector and NodeSelector');
	}

	const isHostPolicy = raw.nodeSelector !== undefined;
	const subjectSource = raw.endpointSelector ?? raw.nodeSelector!;
	const subjectPath = `${path}.${isHostPolicy ? 'nodeSelector' : 'endpointSelector'}`;
	const subjectSelector = readSelector(subjectSource, subjectPath, report);
	const subjectMatchesInit = hasKey(subjectSelector.requirements, 'reserved', 'init');
	let subject: EndpointSelectorMatcher | undefined;
	if (!isHostPolicy) {
		// A CNP only selects pods of its namespace: the namespace is set, overwriting one in matchLabels.
		const requirements =
			name.namespace === ''
				? subjectSelector.requirements
				: [
						...subjectSelector.requirements.filter(requirement => !(requirement.fromMatchLabels && requirement.source === 'k8s' && requirement.key === podNamespaceKey)),
						{source: 'k8s', key: podNamespaceKey, operator: 'In' as const, values: [name.namespace], fromMatchLabels: true},
					];
		subject = toMatcher(requirements, subjectSelector.text);
	}

	const context: EntryContext = {policy: name, specIndex, report, subjectMatchesInit, isHostPolicy};
	const parseSection = (direction: Direction, isDeny: boolean): PolicyEntry[] => {
		const field = `${direction}${isDeny ? 'Deny' : ''}` as keyof RawRule['sections'];
		return (sections[field] ?? []).map((entry, index) => parseEntry(entry, `${path}.${field}[${index}]`, direction, isDeny, index, context));
	};

	const section = (direction: Direction): DirectionSection | undefined => {
		const entries = [...parseSection(direction, false), ...parseSection(direction, true)];
		if (entries.length === 0) {
			return undefined;
		}

		// enableDefaultDeny defaults to "this rule has the direction" (Sanitize, with the 1.17 default of
		// enable-non-default-deny-policies = true).
		return {entries, defaultDeny: raw.enableDefaultDeny[direction] ?? true};
	};

	return {
		policy: name,
		specIndex,
		...(subject ? {subject} : {}),
		...withSection('ingress', section('ingress')),
		...withSection('egress', section('egress')),
	};
}

function withSection(direction: Direction, section: DirectionSection | undefined): Partial<Record<Direction, DirectionSection>> {
	return section ? {[direction]: section} : {};
}

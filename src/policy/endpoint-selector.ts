/**
Cilium's EndpointSelector: a Kubernetes label selector whose keys name a label source (`k8s:app`,
`reserved:host`, `$host`, or no source, which matches any: pkg/labels/labels.go GetExtendedKeyFrom and
parseSource), plus the namespace scoping Cilium adds when it parses a policy (cilium-policy.md §3.3:
pkg/k8s/apis/cilium.io/utils/utils.go getEndpointSelector, pkg/k8s/network_policy.go). Matching reuses the
label-selector requirements of src/filters, so `--label` filters and policies read labels alike.
*/
import type {LabelRequirement} from '../filters/label-selector.js';
import type {EndpointSelectorMatcher} from './policy-model.js';

/** A requirement on an extended key (`any.app`, `k8s.io.kubernetes.pod.namespace`), as Cilium stores it. */
export type ExtendedRequirement = {source: string; key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values: string[]};

export const podNamespaceKey = 'io.kubernetes.pod.namespace';
export const namespaceLabelsPrefix = 'io.cilium.k8s.namespace.labels.';

/** The source and key of a selector key as Cilium reads it: `k8s:app`, `$host`, `reserved.host`, `app` (any). */
export function extendedKey(text: string, defaultSource = 'any'): {source: string; key: string} {
	if (text.startsWith('$')) {
		return {source: 'reserved', key: text.slice(1)};
	}

	const colon = text.indexOf(':');
	if (colon === -1) {
		return text.startsWith('reserved.') ? {source: 'reserved', key: text.slice('reserved.'.length)} : {source: defaultSource, key: text};
	}

	return {source: text.slice(0, colon), key: text.slice(colon + 1)};
}

export function hasKey(requirements: readonly ExtendedRequirement[], source: string, key: string): boolean {
	return requirements.some(requirement => requirement.source === source && requirement.key === key);
}

export function hasKeyPrefix(requirements: readonly ExtendedRequirement[], source: string, prefix: string): boolean {
	return requirements.some(requirement => requirement.source === source && requirement.key.startsWith(prefix));
}

/**
A peer selector of a CiliumNetworkPolicy (`namespace` set) or a clusterwide one (`namespace` ''), scoped as
getEndpointSelector scopes it: a selector on reserved labels is left alone; one that names the pod
namespace (any source) too; otherwise a CNP adds its own namespace unless the selector reads namespace
labels, and a CCNP adds "has a namespace" unless the rule selects initializing pods.
*/
export function scopePeerSelector(
	requirements: readonly ExtendedRequirement[],
	namespace: string,
	options: {isRequires: boolean; subjectMatchesInit: boolean},
): ExtendedRequirement[] {
	if (!options.isRequires && requirements.some(requirement => requirement.source === 'reserved')) {
		return [...requirements];
	}

	if (hasKey(requirements, 'k8s', podNamespaceKey) || hasKey(requirements, 'any', podNamespaceKey)) {
		return [...requirements];
	}

	if (namespace === '') {
		return options.subjectMatchesInit ? [...requirements] : [...requirements, {source: 'k8s', key: podNamespaceKey, operator: 'Exists', values: []}];
	}

	if (hasKeyPrefix(requirements, 'k8s', namespaceLabelsPrefix) || hasKeyPrefix(requirements, 'any', namespaceLabelsPrefix)) {
		return [...requirements];
	}

	return [...requirements, {source: 'k8s', key: podNamespaceKey, operator: 'In', values: [namespace]}];
}

export function toMatcher(requirements: readonly ExtendedRequirement[], text: string): EndpointSelectorMatcher {
	return {
		requirements: requirements.map(
			(requirement): LabelRequirement => ({
				source: requirement.source,
				key: requirement.key,
				operator: ({In: 'in', NotIn: 'notIn', Exists: 'exists', DoesNotExist: 'doesNotExist'} as const)[requirement.operator],
				values: requirement.values,
			}),
		),
		text,
	};
}

/** `app=frontend,io.kubernetes.pod.namespace=kube-system`, `{}` for the empty selector, as the user wrote it. */
export function selectorText(requirements: readonly ExtendedRequirement[]): string {
	if (requirements.length === 0) {
		return '{}';
	}

	return requirements
		.map(requirement => {
			const key = requirement.source === 'any' ? requirement.key : `${requirement.source}:${requirement.key}`;
			switch (requirement.operator) {
				case 'In': {
					return requirement.values.length === 1 ? `${key}=${requirement.values[0]}` : `${key} in (${requirement.values.join(',')})`;
				}

				case 'NotIn': {
					return `${key} notin (${requirement.values.join(',')})`;
				}

				case 'Exists': {
					return key;
				}

				case 'DoesNotExist': {
					return `!${key}`;
				}
			}
		})
		.join(',');
}

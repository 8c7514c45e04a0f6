/**
A policy object (one YAML/JSON document) → the rules Cilium 1.17 would import, or the reason it would
reject the object. It follows the agent: every spec of a CiliumNetworkPolicy passes Sanitize before it is
translated, and one failing spec rejects the whole object (pkg/k8s/apis/cilium.io/v2/cnp_types.go Parse,
pkg/policy/api/rule_validation.go, whose messages the reasons repeat); a Kubernetes NetworkPolicy becomes
one rule (pkg/k8s/network_policy.go ParseNetworkPolicy). Fields the CRDs do not define are reported with
their path and ignored. cilium-policy.md §1–§11 has the semantics and their sources.

The parts follow Cilium's own pkg/policy/api, each with its validation beside it: a rule (rule.ts), its
ingress and egress entries (entry.ts) and their peers (peer.ts: endpoints, entities, CIDR, FQDN), L4 ports
and listeners (l4-ports.ts), L7 rules (l7.ts), ICMP (icmp.ts), CIDRs (cidr.ts), FQDN selectors (fqdn.ts),
label selectors (selector.ts), and Kubernetes NetworkPolicies (network-policy.ts).
*/
import {isObject, readObject, Rejection, type RawObject, type Report} from './read-fields.js';
import {parseCiliumPolicy} from './rule.js';
import {parseNetworkPolicy} from './network-policy.js';
import type {LoadedPolicy, PolicyKind, PolicyName, PolicyOrigin} from '../policy-model.js';

export const policyKinds: readonly PolicyKind[] = ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'NetworkPolicy'];

/** The policy's name and kind from a document; undefined for kinds ztop does not evaluate. */
export function policyNameOf(object: RawObject, defaultNamespace: string): PolicyName | undefined {
	const kind = object['kind'];
	if (typeof kind !== 'string' || !(policyKinds as readonly string[]).includes(kind)) {
		return undefined;
	}

	const metadata = isObject(object['metadata']) ? object['metadata'] : {};
	const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
	const namespace = typeof metadata['namespace'] === 'string' && metadata['namespace'] !== '' ? metadata['namespace'] : defaultNamespace;
	return {kind: kind as PolicyKind, namespace: kind === 'CiliumClusterwideNetworkPolicy' ? '' : namespace, name};
}

/**
The policy of one document. `defaultNamespace` is where a namespaced policy without `metadata.namespace`
lands, as `kubectl apply` puts it in the context's namespace (`default` unless told otherwise).
*/
export function parsePolicyObject(object: RawObject, origin: PolicyOrigin, report: Report, defaultNamespace = 'default'): LoadedPolicy | undefined {
	const name = policyNameOf(object, defaultNamespace);
	if (!name) {
		return undefined;
	}

	if (name.name === '') {
		report('metadata.name', 'missing: the policy has no name; skipped');
		return undefined;
	}

	const isKubernetes = name.kind === 'NetworkPolicy';
	readObject(object, '', ['apiVersion', 'kind', 'metadata', 'spec', ...(isKubernetes ? [] : ['specs']), 'status'], (path, message) => report(path.slice(1), message));
	try {
		const rules = isKubernetes ? [parseNetworkPolicy(object['spec'], name, report)] : parseCiliumPolicy(object, name, report);
		return {name, origin, rules, source: object};
	} catch (error) {
		if (error instanceof Rejection) {
			return {name, origin, rules: [], rejected: error.message, source: object};
		}

		throw error;
	}
}

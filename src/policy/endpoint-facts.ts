/**
What policy evaluation needs to know of one side of a flow: its identity's labels (as Hubble reports them,
`k8s:app=frontend`, `reserved:world`, `cidr:1.1.1.1/32`), whether it is a pod, whether CIDR and FQDN rules
can see it (only world-like identities: cilium-policy.md §5), and its cluster. Facts are cached per label
list: Hubble flows of one identity share one list in ztop's store, so a ring of 100,000 flows parses a few
dozen label sets.
*/
import {parseLabel, type ParsedLabel} from '../filters/label-selector.js';
import {reservedIdentityName} from '../flow/reserved-identity.js';

export type EndpointFacts = {
	labels: readonly ParsedLabel[];
	identity: number;
	isPod: boolean;
	/** A world, world-ipv4/6, CIDR or FQDN identity: the only ones CIDR and FQDN selectors match. */
	isWorldLike: boolean;
	/** `io.cilium.k8s.policy.cluster` (or the endpoint's cluster name). */
	cluster: string;
	namespace: string;
};

const policyClusterKey = 'io.cilium.k8s.policy.cluster';
/** Node-local CIDR/FQDN identities: 0x01000000 and up (pkg/identity/numericidentity.go). */
const localIdentityScope = 1 << 24;

const cache = new WeakMap<readonly string[], Map<number, EndpointFacts>>();

/**
The facts of an endpoint, kept per label list and identity (and whether Hubble named a pod): an identity's
namespace and cluster do not change, so the first flow's stand for the rest.
*/
export function endpointFacts(labels: readonly string[], identity: number, podName: string, namespace: string, clusterName: string): EndpointFacts {
	let byIdentity = cache.get(labels);
	if (!byIdentity) {
		byIdentity = new Map();
		cache.set(labels, byIdentity);
	}

	const key = identity * 2 + (podName === '' ? 0 : 1);
	let facts = byIdentity.get(key);
	if (!facts) {
		facts = computeFacts(labels, identity, podName, namespace, clusterName);
		byIdentity.set(key, facts);
	}

	return facts;
}

function computeFacts(labels: readonly string[], identity: number, podName: string, namespace: string, clusterName: string): EndpointFacts {
	const parsed = labels.map(label => parseLabel(label));
	// Hubble leaves labels out for some reserved identities; they are known by number (identity 7 is
	// kube-apiserver on a remote node: both labels).
	const reserved = reservedIdentityName(identity);
	if (identity > 0 && reserved !== undefined && !parsed.some(label => label.source === 'reserved')) {
		parsed.push({source: 'reserved', key: reserved, value: ''});
		if (identity === 7) {
			parsed.push({source: 'reserved', key: 'remote-node', value: ''});
		}
	}

	const hasPodNamespace = parsed.some(label => label.source === 'k8s' && label.key === 'io.kubernetes.pod.namespace');
	const isReservedIdentity = identity > 0 && identity < 256;
	const isPod = !isReservedIdentity && identity < localIdentityScope && (hasPodNamespace || podName !== '');
	const isWorldLike =
		!isPod &&
		(parsed.some(label => (label.source === 'reserved' && label.key.startsWith('world')) || label.source === 'cidr' || label.source === 'fqdn') ||
			(identity >= localIdentityScope && identity < 2 * localIdentityScope));
	const cluster = parsed.find(label => label.key === policyClusterKey)?.value ?? clusterName;
	return {labels: parsed, identity, isPod, isWorldLike, cluster, namespace};
}

/**
Cilium's entities as label tests (pkg/policy/api/entity.go EntitySelectorMapping and InitEntities;
cilium-policy.md §4): `world` is every world, world-ipv4/6, CIDR and FQDN identity; `cluster` the reserved
in-cluster identities and every pod of the local cluster, in any namespace; `remote-node` includes
identity 7 (kube-apiserver on a remote node). `all` is the wildcard and is handled as such by the caller.
*/
import type {EndpointFacts} from './endpoint-facts.js';

export const entityNames: readonly string[] = [
	'all',
	'world',
	'world-ipv4',
	'world-ipv6',
	'cluster',
	'host',
	'init',
	'ingress',
	'unmanaged',
	'remote-node',
	'health',
	'none',
	'kube-apiserver',
];

const inClusterReserved = ['host', 'remote-node', 'init', 'ingress', 'health', 'unmanaged', 'kube-apiserver'];

function hasReserved(peer: EndpointFacts, key: string): boolean {
	return peer.labels.some(label => label.source === 'reserved' && label.key === key);
}

/** Whether `peer` is one of `entity`, for a subject in `localCluster`. */
export function entityMatches(entity: string, peer: EndpointFacts, localCluster: string): boolean {
	switch (entity) {
		case 'all': {
			return true;
		}

		case 'none': {
			return false;
		}

		case 'world': {
			return hasReserved(peer, 'world') || hasReserved(peer, 'world-ipv4') || hasReserved(peer, 'world-ipv6') || (peer.isWorldLike && !peer.isPod);
		}

		case 'cluster': {
			return inClusterReserved.some(key => hasReserved(peer, key)) || (peer.isPod && peer.cluster === localCluster);
		}

		default: {
			return hasReserved(peer, entity);
		}
	}
}

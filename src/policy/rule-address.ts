/**
A rule's address: where in which policy a rule is, readable and stable while the policy's text is, as a
user would point at it in the YAML: `shop/allow-frontend-l7 ingress[0] toPorts[0] rules.http[0]`. The
policy is `namespace/name` for a CiliumNetworkPolicy, `ccnp:name` for a clusterwide one and
`netpol:namespace/name` for a Kubernetes NetworkPolicy; then the section (`ingress`, `egress`,
`ingressDeny`, `egressDeny`, under `specs[N].` for a policy's further specs) and the item's index, then
down to the port rule and the L7 rule that decided, when one did. Indexes count from 0, as in the YAML's
lists.
*/
import type {EntryOrigin, PolicyName} from './policy-model.js';

/** A rule that decided: an entry, and when it went that far, its port rule and L7 rule. */
export type RuleHit = {origin: EntryOrigin; portIndex?: number | undefined; l7?: {protocol: 'http' | 'dns'; index: number} | undefined};

export function policyAddress(name: PolicyName): string {
	switch (name.kind) {
		case 'CiliumClusterwideNetworkPolicy': {
			return `ccnp:${name.name}`;
		}

		case 'NetworkPolicy': {
			return `netpol:${name.namespace}/${name.name}`;
		}

		case 'CiliumNetworkPolicy': {
			return `${name.namespace}/${name.name}`;
		}
	}
}

/** The entry's place in its policy: `ingress[0]`, `specs[1].egressDeny[2]`. */
export function entryAddress(origin: EntryOrigin): string {
	const list = `${origin.direction}${origin.isDeny ? 'Deny' : ''}[${origin.index}]`;
	return origin.specIndex > 0 ? `specs[${origin.specIndex}].${list}` : list;
}

export function ruleAddress(hit: RuleHit): string {
	const port = hit.portIndex === undefined ? '' : ` toPorts[${hit.portIndex}]`;
	const l7 = hit.l7 === undefined ? '' : ` rules.${hit.l7.protocol}[${hit.l7.index}]`;
	return `${policyAddress(hit.origin.policy)} ${entryAddress(hit.origin)}${port}${l7}`;
}

/** The policy part of an address: `shop/allow-dns` of `shop/allow-dns egress[0] toPorts[0]`. */
export function addressPolicy(address: string): string {
	const space = address.indexOf(' ');
	return space === -1 ? address : address.slice(0, space);
}

/** Whether `address` is `rule` or one of its port or L7 rules (`… egress[0] toPorts[0]` is under `… egress[0]`). */
export function isAtOrUnder(address: string, rule: string): boolean {
	return address === rule || address.startsWith(`${rule} `);
}

/**
Network policies as Cilium 1.17 holds them after parsing (shared/reference/cilium-policy.md §1, §3, §11):
every CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy and Kubernetes NetworkPolicy becomes rules with a
subject selector and, per direction, allow and deny entries of peers × ports. Selectors are already
scoped the way Cilium scopes them (the namespace injections of pkg/k8s/apis/cilium.io/utils/utils.go and
pkg/k8s/network_policy.go), so the evaluator only matches labels.
*/
import type {LabelSelector} from '../filters/label-selector.js';

export type PolicyKind = 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy' | 'NetworkPolicy';

export type PolicyName = {kind: PolicyKind; /** '' for a clusterwide policy. */ namespace: string; name: string};

export type Direction = 'ingress' | 'egress';

export const directions: readonly Direction[] = ['ingress', 'egress'];

/** A compiled label selector and the text the user wrote, for display. */
export type EndpointSelectorMatcher = {requirements: LabelSelector; text: string};

/**
The peers of an entry. `wildcard` is every identity (entity `all`, a rule with ports but no peer, a
Kubernetes rule without `from`/`to`): Cilium's ID-0 map keys. `unsupported` peers are ones ztop cannot
evaluate from a flow (toServices, toGroups, nodes, CIDR groups); verdicts they could touch are `unknown`.
*/
export type Peer =
	| {kind: 'wildcard'}
	| {kind: 'endpoints'; selectors: EndpointSelectorMatcher[]}
	| {kind: 'entities'; entities: string[]}
	| {kind: 'cidr'; cidrs: Array<{cidr: string; except: string[]}>}
	| {kind: 'fqdn'; selectors: Array<{matchName?: string; matchPattern?: string}>}
	| {kind: 'unsupported'; what: string};

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** One port entry: a port (0 = every port of the protocols), a range up to `endPort`, or a named port. */
export type PortMatch = {protocols: readonly Protocol[]; port: number; endPort?: number; name?: string};

export type IcmpMatch = {family: 'IPv4' | 'IPv6'; type: number};

/** HTTP rule fields are RE2 regexes that must match the whole value (Envoy safe_regex_match). */
export type HttpRule = {method?: string; path?: string; host?: string; headers?: string[]; text: string};

export type DnsRule = {matchName?: string; matchPattern?: string};

export type L7Rules = {
	http?: HttpRule[];
	dns?: DnsRule[];
	/** Kafka or a generic l7proto: redirects, but ztop cannot judge the requests. */
	other?: string;
	/**
	`toPorts[].listener`: the connection goes to a listener of a Cilium(Clusterwide)EnvoyConfig, as
	`kind/name listener` (its requests are judged by that configuration, which ztop does not read).
	*/
	listener?: string;
};

export type PortRule = {ports: PortMatch[]; l7?: L7Rules};

/** Where an entry came from, so the drill-down can show the rule that matched. */
export type EntryOrigin = {policy: PolicyName; specIndex: number; direction: Direction; isDeny: boolean; index: number; text: string};

/**
One ingress/egress (or *Deny) list item: its peer, and its ports (undefined: every port and protocol, the
L3-only case) or ICMP types. `requires` lists fromRequires/toRequires, which ztop cannot evaluate.
*/
export type PolicyEntry = {
	origin: EntryOrigin;
	peer: Peer;
	toPorts?: PortRule[];
	icmps?: IcmpMatch[];
	isDeny: boolean;
	unsupported?: string;
};

export type DirectionSection = {entries: PolicyEntry[]; defaultDeny: boolean};

/** One spec of a policy as a Cilium rule. `subject` undefined: a host policy (nodeSelector), never a pod. */
export type PolicyRule = {
	policy: PolicyName;
	specIndex: number;
	subject?: EndpointSelectorMatcher;
	ingress?: DirectionSection;
	egress?: DirectionSection;
};

export type PolicyOrigin = {file: string; document: number};

/** A policy as loaded: its rules when Cilium would import it, else the reason Cilium gives for rejecting it. */
export type LoadedPolicy = {
	name: PolicyName;
	origin: PolicyOrigin;
	rules: PolicyRule[];
	rejected?: string;
	/** The object as written, for what-if replacement and display. */
	source: unknown;
};

/** `shop/allow-dns`, `allow-world` (clusterwide), `netpol:shop/backend-policy`, as ztop names policies. */
export function policyKey(name: PolicyName): string {
	if (name.kind === 'NetworkPolicy') {
		return `netpol:${name.namespace}/${name.name}`;
	}

	return name.namespace === '' ? name.name : `${name.namespace}/${name.name}`;
}

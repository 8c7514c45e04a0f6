/**
What Cilium 1.17 decides for a flow, per direction, from a set of policies (cilium-policy.md §0, §2, §9,
§10, §14): egress at the source pod, ingress at the destination pod. A direction is enforced when a rule
selecting the pod has entries for it; then every entry whose peer and ports cover the flow is a candidate
map key, and the datapath's choice among them (pkg/policy/mapstate.go Lookup) decides: any deny wins; else
of the most specific identity key and the most specific any-identity key, a proxy redirect beats a plain
allow, and the any-identity key wins only when its port is strictly more specific. No candidate: default
deny. A redirected HTTP request or DNS query is then judged by the L7 rules of every entry that covers it
(§7.3: an entry without L7 rules lets every request through). Hubble names the rules of the winning key.

Compiling a set once and caching subject selection per label list keeps re-evaluating a full ring cheap.
*/
import {matchesLabelSelector} from '../filters/label-selector.js';
import type {FlowRecord} from '../flow/flow-record.js';
import {objectId} from '../flow/object-id.js';
import {ruleAddress, type RuleHit} from './rule-address.js';
import type {Flow} from '../flow/flow.js';
import {endpointFacts, type EndpointFacts} from './endpoint-facts.js';
import {entityMatches} from './entities.js';
import {dnsRuleMatches, fqdnPatternMatches, httpRuleMatches} from './l7-match.js';
import {prefixContains} from './parser/cidr.js';
import {policyKey, type Direction, type EndpointSelectorMatcher, type EntryOrigin, type LoadedPolicy, type PolicyEntry, type PolicyName, type PolicyRule} from './policy-model.js';
import {coveringPortKey, portBits, specificity, type FlowPort, type PortKey} from './port-match.js';

export type DirectionVerdict = 'allowed' | 'denied' | 'not-enforced' | 'not-local' | 'reply' | 'unknown';

export type DenialReason = 'deny-rule' | 'default-deny' | 'l7';

/** One direction's answer. */
export type DirectionEvaluation = {
	verdict: DirectionVerdict;
	reason?: DenialReason;
	/** The connection goes through the L7 proxy (the winning key is a redirect). */
	proxy: boolean;
	/** Every policy that on its own allows this direction, whatever else decides. */
	by: PolicyName[];
	/** What Hubble names in `*_allowed_by`/`*_denied_by`: the rules of the winning key (none for default deny). */
	named: PolicyName[];
	/** Hubble's policy_match_type of the winning key (0 none, 1 L3-Only, 2 L3-L4, 3 L4-Only, 4 all, 5 L3-Proto, 6 Proto-Only). */
	matchType: number;
	/** The rules behind the decision: the winning key's entries (or the deny entries, or the L7 rule). */
	matched: EntryOrigin[];
	/**
	Their addresses (src/policy/rule-address.ts), in the same order: each entry with the port rule that
	covered the flow and, for a request the L7 rules admitted, the L7 rule that matched.
	*/
	rules: string[];
	/** The policies that select the endpoint in this direction (they put it in default deny). */
	enforcedBy: PolicyName[];
	/** The same, with the endpoint selector each selects it by (`{}` selects every pod of its namespace). */
	enforcing: Array<{policy: PolicyName; selects: string}>;
	/** Entries that cover the peer but not the port, or the port but not the peer: "almost" rules. */
	near: Array<{origin: EntryOrigin; missing: 'peer' | 'port'}>;
	/** Why the verdict is unknown. */
	unknownBecause?: string;
};

export type FlowEvaluation = Record<Direction, DirectionEvaluation>;

export type EvaluationInput = {
	record: FlowRecord;
	/** The full flow, for what the record does not keep (HTTP headers, the ICMP type); read only when a rule needs it. */
	fullFlow?: () => Flow | undefined;
};

type Candidate = {
	entry: PolicyEntry | undefined;
	policy: PolicyName | undefined;
	isDeny: boolean;
	/** The entry's peer is the wildcard: an ID-0 key. */
	isWildcard: boolean;
	key: PortKey;
	/** The port rule that covers the flow has L7 rules or TLS: the key redirects to the proxy. */
	redirect: boolean;
};

type Enforcement = {
	selecting: readonly PolicyRule[];
	enforcedBy: PolicyName[];
	enforcing: Array<{policy: PolicyName; selects: string}>;
	/** Every selecting rule turned default deny off for the direction. */
	isDefaultDenyOff: boolean;
	/** No selecting entry names a port or ICMP type: the decision is the same for every port and protocol. */
	isPortFree: boolean;
	/** The selecting rules, by identity. */
	rulesKey: string;
};

type KeyGroup = {candidates: Candidate[]; isWildcard: boolean; isDeny: boolean; key: PortKey; redirect: boolean};

const matchType = {none: 0, l3Only: 1, l3L4: 2, l4Only: 3, all: 4, l3Proto: 5, protoOnly: 6} as const;

/**
The L3/L4 answer for one kind of flow, with the allowing candidates for the L7 step: port-specific ones
first, as Envoy reads a port's own rules before the wildcard-port ones ("rule for port 0, which will be
considered after port-specific rules", cilium pkg/envoy getWildcardNetworkPolicyRule; network_policy.cc
PortPolicy::forRange), so that a request an HTTP rule of the port admits is that rule's even where an
L3-only allow (allow-all) admits it too. Ordered once per decision, not per request.
*/
type Decision = {result: DirectionEvaluation; allows: readonly Candidate[]; couldTurn: (result: DirectionEvaluation) => DirectionEvaluation};

/** Decisions kept per policy set before the cache starts over (each is a few hundred bytes). */
/**
Identity pairs (and ports, and world addresses) whose decision is kept: a ledger of 100,000 connections of a
cluster holds ~130,000, and judged again finds them all (0.44 s instead of 1.1). An entry is a reference
(most pairs decide alike on every port), so at the bound they take a few MB.
*/
const defaultMaximumDecisions = 150_000;


const protocolNumbers: Record<string, number> = {'': 0, TCP: 1, UDP: 2, SCTP: 3, ICMPv4: 4, ICMPv6: 5};
const listId = (list: readonly string[]) => (list.length === 0 ? 0 : objectId(list));

export function emptyEvaluation(verdict: DirectionVerdict, extra: Partial<DirectionEvaluation> = {}): DirectionEvaluation {
	return directionEvaluation({verdict, proxy: false, by: [], named: [], matchType: 0, matched: [], rules: [], enforcedBy: [], enforcing: [], near: [], ...extra});
}

/**
A direction's answer with every field, in one order: every answer then has one hidden class in V8, so the
code that reads answers (the store's counts, tallies and what-if on every flow) reads them at one place in
memory. Made with spreads they had thousands (an object spread gives its copy a map of its own), which made
every read of them a slow, megamorphic one.
*/
export function directionEvaluation(fields: DirectionEvaluation): DirectionEvaluation {
	return {
		verdict: fields.verdict,
		reason: fields.reason,
		proxy: fields.proxy,
		by: fields.by,
		named: fields.named,
		matchType: fields.matchType,
		matched: fields.matched,
		rules: fields.rules,
		enforcedBy: fields.enforcedBy,
		enforcing: fields.enforcing,
		near: fields.near,
		unknownBecause: fields.unknownBecause,
	};
}

/**
The answers that say nothing, one each for every flow: most flows of a busy node are replies, or have a
side that is not a pod, and a fresh answer with its seven empty lists for each was most of the garbage a
what-if made on ingest. Shared, so never changed (nothing changes an answer).
*/
const notLocal = emptyEvaluation('not-local');
const reply = emptyEvaluation('reply');

export class PolicySet {
	readonly rules: readonly PolicyRule[];
	private readonly selectionCache = new WeakMap<readonly string[], Map<string, readonly PolicyRule[]>>();
	private decisions: Record<Direction, Map<EndpointFacts, {isPortFree: boolean; byPeer: Map<EndpointFacts, Map<number | string, Decision> | Decision>}>> = {ingress: new Map(), egress: new Map()};
	private sharedDecisions: Record<Direction, Map<string, Decision>> = {ingress: new Map(), egress: new Map()};
	/** The shared key of each peer's decisions (sharedKey), per selecting rules and cluster: few, as the rules are few. */
	private readonly peerKeys: Record<Direction, Map<string, WeakMap<EndpointFacts, string>>> = {ingress: new Map(), egress: new Map()};
	private readonly peerKeysByEnforcement = new WeakMap<Enforcement, WeakMap<EndpointFacts, string>>();
	private decisionCount = 0;
	private readonly enforcements = new WeakMap<EndpointFacts, Partial<Record<Direction, Enforcement>>>();

	/** The rules of every policy Cilium would import (rejected ones contribute nothing). */
	constructor(
		readonly policies: readonly LoadedPolicy[],
		/** How many identity pairs' decisions are kept before they start over (a test makes it small). */
		private readonly maximumDecisions = defaultMaximumDecisions,
	) {
		this.rules = policies.filter(policy => policy.rejected === undefined).flatMap(policy => policy.rules);
	}

	/** The same kind of set with its policies changed by `change` (a what-if, an added suggestion). */
	map(change: (policies: readonly LoadedPolicy[]) => LoadedPolicy[]): PolicySet {
		return new PolicySet(change(this.policies));
	}

	evaluate(input: EvaluationInput): FlowEvaluation {
		const {record} = input;
		const source = endpointFacts(record.sourceLabels, record.sourceIdentity, record.sourcePodName, record.sourceNamespace, record.sourceClusterName);
		const destination = endpointFacts(record.destinationLabels, record.destinationIdentity, record.destinationPodName, record.destinationNamespace, record.destinationClusterName);
		return {ingress: this.evaluateDirection(input, 'ingress', destination, source), egress: this.evaluateDirection(input, 'egress', source, destination)};
	}

	evaluateDirection(input: EvaluationInput, direction: Direction, subject: EndpointFacts, peer: EndpointFacts): DirectionEvaluation {
		const {record} = input;
		if (!subject.isPod) {
			return notLocal;
		}

		if (record.isReply === 1) {
			// Replies of a tracked connection pass conntrack without a policy lookup.
			return reply;
		}

		if (subject.labels.length === 0) {
			return emptyEvaluation('unknown', {unknownBecause: 'Hubble gave no labels for the endpoint, so ztop cannot tell which policies select it'});
		}

		const flowPort = flowPortOf(input);
		const decision = this.decision(subject, peer, direction, record, flowPort);
		const isRequest = record.l7Type === 1 && (record.l7Protocol === 'http' || record.l7Protocol === 'dns');
		if (!isRequest) {
			return decision.result;
		}

		// A request: a policy allows it on its own only if its own L7 rules let it through too, whatever the
		// set decides (on its own, a policy that redirects judges the request by its rules).
		const {allows} = decision;
		const by = decision.result.by.filter(policy => allowsOnItsOwn(policy, allows, input));
		if (decision.result.verdict !== 'allowed' || !decision.result.proxy) {
			return by.length === decision.result.by.length ? decision.result : directionEvaluation({...decision.result, by});
		}

		// A request on a redirected connection: the proxy judges it by the L7 rules of every covering allow.
		const l7 = judgeL7(allows, input);
		const result: DirectionEvaluation =
			l7.verdict === false
				? directionEvaluation({...decision.result, by, verdict: 'denied', reason: 'l7'})
				: l7.verdict === undefined
					? directionEvaluation({...decision.result, by, verdict: 'unknown', unknownBecause: l7.reason!})
					: directionEvaluation({...decision.result, by, ...(l7.rules.length > 0 ? {matched: l7.rules.map(hit => hit.origin), rules: l7.rules.map(hit => ruleAddress(hit))} : {})});
		return decision.couldTurn(result);
	}

	/**
	The L3/L4 decision for a subject, a peer and a port: the same for every flow of a connection and of its
	kind, so it is kept (per identity pair, port, and for world peers address and names).
	*/
	private decision(subject: EndpointFacts, peer: EndpointFacts, direction: Direction, record: FlowRecord, flowPort: FlowPort): Decision {
		// Nested maps, keyed by objects and numbers: no key string is built for most flows.
		let bySubject = this.decisions[direction].get(subject);
		if (!bySubject) {
			// A subject whose selecting rules name no port (or ICMP type) in this direction decides alike for every
			// port and protocol: one decision per peer, not one per port (a ledger of 100,000 connections over a
			// few thousand identity pairs is judged in a fraction of the time).
			const {isPortFree} = this.enforcement(subject, direction === 'egress' ? record.sourceLabels : record.destinationLabels, direction);
			bySubject = {isPortFree, byPeer: new Map()};
			this.decisions[direction].set(subject, bySubject);
		}

		const portKey = bySubject.isPortFree ? -1 : (protocolNumbers[flowPort.protocol] ?? 7) * 65_536 + (flowPort.icmpType ?? flowPort.port);
		const kept = bySubject.byPeer.get(peer);
		// A peer of a subject that decides alike on every port, and that no CIDR or FQDN rule reads by address:
		// one decision, kept as it is (no map per pair).
		const isOneDecision = bySubject.isPortFree && !peer.isWorldLike;
		if (isOneDecision && kept !== undefined && !(kept instanceof Map)) {
			return kept;
		}

		let byPort = kept instanceof Map ? kept : undefined;
		// CIDR and FQDN rules see a world peer's address and names.
		const key = peer.isWorldLike ? `${portKey}|${direction === 'egress' ? record.destinationIp : record.sourceIp}|${listId(record.destinationNames)}` : portKey;
		let decision = byPort?.get(key);
		if (!decision) {
			if (++this.decisionCount > this.maximumDecisions) {
				// The pairs start over; the shared decisions they point to stay (there are few), unless they too are many.
				this.decisions = {ingress: new Map(), egress: new Map()};
				this.decisionCount = 0;
				if (this.sharedDecisions.ingress.size + this.sharedDecisions.egress.size > this.maximumDecisions) {
					this.sharedDecisions = {ingress: new Map(), egress: new Map()};
				}

				return this.decision(subject, peer, direction, record, flowPort);
			}

			// Another subject and peer may have been decided alike: the same rules select the subject, its peer
			// matches the same of their entries, on the same port. A cluster's pods differ in labels the rules
			// never read (pod-template-hash, a pod's own name), so thousands of pairs share a few decisions.
			const shared = this.sharedKey(subject, peer, direction, record, portKey);
			decision = this.sharedDecisions[direction].get(shared);
			if (!decision) {
				decision = this.decide(subject, peer, direction, record, flowPort);
				this.sharedDecisions[direction].set(shared, decision);
			}

			if (isOneDecision) {
				bySubject.byPeer.set(peer, decision);
			} else {
				if (!byPort) {
					byPort = new Map();
					bySubject.byPeer.set(peer, byPort);
				}

				byPort.set(key, decision);
			}
		}

		return decision;
	}

	/**
	What decide() reads, as a key: which rules select the subject (and its cluster, which entities read), which
	of their entries the peer matches (CIDR and FQDN entries with the flow's address and names), whether the
	peer is the host, and the port.
	*/
	private sharedKey(subject: EndpointFacts, peer: EndpointFacts, direction: Direction, record: FlowRecord, portKey: number): string {
		const enforcement = this.enforcement(subject, direction === 'egress' ? record.sourceLabels : record.destinationLabels, direction);
		// Which entries a peer matches depends on the selecting rules, the subject's cluster and the peer (and a
		// world peer's address and names): kept per rules and peer, for subjects selected alike (a ledger's
		// 126,000 pairs of the cluster world come from a few hundred subjects and peers), as the key itself, so
		// that a pair decided on every port alike looks its decision up by a string whose hash V8 has kept.
		let byPeer: WeakMap<EndpointFacts, string> | undefined;
		if (!peer.isWorldLike) {
			byPeer = this.peerKeysByEnforcement.get(enforcement);
			if (!byPeer) {
				const rulesKey = `${enforcement.rulesKey}|${subject.cluster}`;
				byPeer = this.peerKeys[direction].get(rulesKey) ?? new WeakMap();
				this.peerKeys[direction].set(rulesKey, byPeer);
				this.peerKeysByEnforcement.set(enforcement, byPeer);
			}
		}

		let key = byPeer?.get(peer);
		if (key === undefined) {
			let matches = '';
			for (const rule of enforcement.selecting) {
				for (const entry of rule[direction]!.entries) {
					const match = matchPeer(entry, peer, subject, direction, record);
					matches += match === 'unknown' ? 'u' : match ? '1' : '0';
				}
			}

			const isHost = direction === 'ingress' && peer.labels.some(label => label.source === 'reserved' && label.key === 'host');
			key = `${enforcement.rulesKey}|${subject.cluster}|${matches}|${isHost ? 'h' : ''}`;
			byPeer?.set(peer, key);
		}

		return portKey === -1 ? key : `${key}|${portKey}`;
	}

	/**
	What a subject's direction is enforced by: the rules selecting it, the policies (sorted) and what each
	selects it by. The same for every peer and port, so kept per subject (a few per identity).
	*/
	private enforcement(subject: EndpointFacts, labels: readonly string[], direction: Direction): Enforcement {
		let byDirection = this.enforcements.get(subject);
		if (!byDirection) {
			byDirection = {};
			this.enforcements.set(subject, byDirection);
		}

		let known = byDirection[direction];
		if (!known) {
			const selecting = this.selecting(subject, labels).filter(rule => rule[direction]);
			const enforcedBy = uniquePolicies(selecting.map(rule => rule.policy));
			known = {
				selecting,
				enforcedBy,
				enforcing: enforcedBy.map(policy => ({policy, selects: selecting.find(rule => policyKey(rule.policy) === policyKey(policy))!.subject!.text})),
				isDefaultDenyOff: selecting.every(rule => !rule[direction]!.defaultDeny),
				isPortFree: selecting.every(rule => rule[direction]!.entries.every(entry => entry.toPorts === undefined && entry.icmps === undefined)),
				rulesKey: selecting.map(rule => objectId(rule)).join(','),
			};
			byDirection[direction] = known;
		}

		return known;
	}

	private decide(subject: EndpointFacts, peer: EndpointFacts, direction: Direction, record: FlowRecord, flowPort: FlowPort): Decision {
		const {selecting, enforcedBy, enforcing, isDefaultDenyOff} = this.enforcement(subject, direction === 'egress' ? record.sourceLabels : record.destinationLabels, direction);
		if (selecting.length === 0) {
			return {result: emptyEvaluation('not-enforced'), allows: [], couldTurn: result => result};
		}

		const candidates: Candidate[] = [];
		const near: DirectionEvaluation['near'] = [];
		// Entries ztop cannot read, and which way they could turn the answer (fromRequires only narrows: a deny).
		const unknown: Array<{reason: string; couldDeny: boolean}> = [];
		for (const rule of selecting) {
			for (const entry of rule[direction]!.entries) {
				const peerMatch = matchPeer(entry, peer, subject, direction, record);
				const port = coveringPortKey(entry.toPorts, entry.icmps, flowPort);
				if (peerMatch === 'unknown' || entry.unsupported) {
					if (port.key || port.named) {
						unknown.push({reason: `${entry.unsupported ?? describePeer(entry)} cannot be evaluated from a flow`, couldDeny: entry.isDeny || entry.unsupported !== undefined});
					}

					continue;
				}

				if (port.icmpUnknown && peerMatch) {
					unknown.push({reason: 'the flow does not say its ICMP type', couldDeny: entry.isDeny});
					continue;
				}

				if (!port.key) {
					if (peerMatch && port.named) {
						unknown.push({reason: `named port "${port.named}" needs the pods' container ports`, couldDeny: entry.isDeny});
					} else if (peerMatch && !entry.isDeny) {
						near.push({origin: entry.origin, missing: 'port'});
					}

					continue;
				}

				if (!peerMatch) {
					if (!entry.isDeny && entry.peer.kind !== 'wildcard') {
						near.push({origin: entry.origin, missing: 'peer'});
					}

					continue;
				}

				candidates.push({
					entry,
					policy: rule.policy,
					isDeny: entry.isDeny,
					isWildcard: entry.peer.kind === 'wildcard' || (entry.peer.kind === 'entities' && entry.peer.entities.includes('all')),
					key: port.key,
					redirect: port.key.portRule?.l7 !== undefined,
				});
			}
		}

		// Every selecting rule with this direction turned default deny off: Cilium adds an allow-all without labels.
		if (isDefaultDenyOff) {
			candidates.push({entry: undefined, policy: undefined, isDeny: false, isWildcard: true, key: {specificity: specificity.any, blockStart: 0, isRange: false, filter: 'ANY/0'}, redirect: false});
		}

		// Host → local pod is always allowed in Kubernetes mode (allow-localhost-ingress), unless denied.
		if (direction === 'ingress' && peer.labels.some(label => label.source === 'reserved' && label.key === 'host')) {
			candidates.push({entry: undefined, policy: undefined, isDeny: false, isWildcard: false, key: {specificity: specificity.any, blockStart: 0, isRange: false, filter: 'ANY/0'}, redirect: false});
		}

		const by = policiesAllowingAlone(candidates);
		const base = {by, enforcedBy, enforcing, near};
		const winner = lookUp(realizedKeys(candidates), candidates);
		let result: DirectionEvaluation;
		if (!winner) {
			result = directionEvaluation({...base, verdict: 'denied', reason: 'default-deny', proxy: false, named: [], matchType: matchType.none, matched: [], rules: []});
		} else if (winner.isDeny) {
			result = directionEvaluation({
				...base,
				verdict: 'denied',
				reason: 'deny-rule',
				proxy: false,
				named: namesOf(winner),
				matchType: keyMatchType(winner),
				matched: origins(candidates.filter(candidate => candidate.isDeny)),
				rules: addresses(candidates.filter(candidate => candidate.isDeny)),
			});
		} else {
			result = directionEvaluation({...base, verdict: 'allowed', proxy: winner.redirect, named: namesOf(winner), matchType: keyMatchType(winner), matched: origins(winner.candidates), rules: addresses(winner.candidates)});
		}

		// An entry ztop cannot read decides only if it could turn the answer: a deny against an allow, an allow against a denial.
		const couldTurn = (decided: DirectionEvaluation): DirectionEvaluation => {
			const turning = unknown.find(item => (decided.verdict === 'allowed' ? item.couldDeny : decided.verdict === 'denied' && decided.reason !== 'deny-rule' && !item.couldDeny));
			return turning ? directionEvaluation({...decided, verdict: 'unknown', unknownBecause: turning.reason}) : decided;
		};

		const allows = candidates.filter(candidate => !candidate.isDeny);
		const isPortSpecific = (candidate: Candidate) => candidate.key.specificity > specificity.protocolOnly;
		return {result: couldTurn(result), allows: [...allows.filter(candidate => isPortSpecific(candidate)), ...allows.filter(candidate => !isPortSpecific(candidate))], couldTurn};
	}

	/** The rules selecting the subject (cached per label list: one identity, one answer). */
	private selecting(subject: EndpointFacts, labels: readonly string[]): readonly PolicyRule[] {
		let byKey = this.selectionCache.get(labels);
		if (!byKey) {
			byKey = new Map();
			this.selectionCache.set(labels, byKey);
		}

		const key = String(subject.identity);
		let rules = byKey.get(key);
		if (!rules) {
			rules = this.rules.filter(rule => rule.subject !== undefined && matchesSelector(rule.subject, subject));
			byKey.set(key, rules);
		}

		return rules;
	}

}

/**
The policies that would let the flow through at L3/L4 were each the only one: its own candidates, realized
and looked up as the datapath would. A policy whose own deny rule covers the flow denies it on its own, so
it is not among them (Cilium 1.17's engine, given that policy alone, denies).
*/
function policiesAllowingAlone(candidates: readonly Candidate[]): PolicyName[] {
	const byPolicy = new Map<string, Candidate[]>();
	for (const candidate of candidates) {
		if (candidate.policy) {
			const key = policyKey(candidate.policy);
			const own = byPolicy.get(key);
			if (own) {
				own.push(candidate);
			} else {
				byPolicy.set(key, [candidate]);
			}
		}
	}

	const allowing: PolicyName[] = [];
	for (const own of byPolicy.values()) {
		const winner = own.some(candidate => candidate.isDeny) ? lookUp(realizedKeys(own), own) : own[0];
		if (winner && !winner.isDeny) {
			allowing.push(own[0]!.policy!);
		}
	}

	return uniquePolicies(allowing);
}

/** Whether this policy, allowing at L3/L4 on its own, lets the request through too (L7 judged by its own rules). */
function allowsOnItsOwn(policy: PolicyName, allows: readonly Candidate[], input: EvaluationInput): boolean {
	const own = allows.filter(other => other.policy && policyKey(other.policy) === policyKey(policy));
	return !own.some(other => other.redirect) || judgeL7(own, input).verdict !== false;
}

function matchesSelector(selector: EndpointSelectorMatcher, facts: EndpointFacts): boolean {
	return matchesLabelSelector(selector.requirements, facts.labels);
}

/** true / false, or 'unknown' for peers ztop cannot read from a flow. */
function matchPeer(entry: PolicyEntry, peer: EndpointFacts, subject: EndpointFacts, direction: Direction, record: FlowRecord): boolean | 'unknown' {
	const {peer: selector} = entry;
	switch (selector.kind) {
		case 'wildcard': {
			return true;
		}

		case 'endpoints': {
			return selector.selectors.some(item => matchesSelector(item, peer));
		}

		case 'entities': {
			return selector.entities.some(entity => entityMatches(entity, peer, subject.cluster));
		}

		case 'cidr': {
			// CIDR rules only see identities outside the cluster (world, CIDR and FQDN identities).
			if (!peer.isWorldLike) {
				return false;
			}

			const ip = direction === 'egress' ? record.destinationIp : record.sourceIp;
			return selector.cidrs.some(cidr => prefixContains(cidr.cidr, ip) && !cidr.except.some(except => prefixContains(except, ip)));
		}

		case 'fqdn': {
			// toFQDNs selects the IPs the DNS proxy learned for the names; Hubble names them in destination_names.
			if (!peer.isWorldLike || direction !== 'egress') {
				return false;
			}

			return record.destinationNames.some(name =>
				selector.selectors.some(item => (item.matchName !== undefined ? dnsRuleMatches({matchName: item.matchName}, name) : fqdnPatternMatches(item.matchPattern ?? '', name.toLowerCase().endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`))),
			);
		}

		case 'unsupported': {
			return 'unknown';
		}
	}
}

function describePeer(entry: PolicyEntry): string {
	return entry.peer.kind === 'unsupported' ? entry.peer.what : entry.origin.text;
}

function flowPortOf(input: EvaluationInput): FlowPort {
	const {record} = input;
	if (record.protocol === 'ICMPv4' || record.protocol === 'ICMPv6') {
		const flow = input.fullFlow?.();
		const icmp = record.protocol === 'ICMPv4' ? flow?.l4?.ICMPv4 : flow?.l4?.ICMPv6;
		return {protocol: record.protocol, port: 0, ...(icmp ? {icmpType: icmp.type ?? 0} : {})};
	}

	return {protocol: record.protocol, port: record.destinationPort};
}

/**
The map keys Cilium would realize from the candidates (pkg/policy/l4.go toMapState, mapstate.go insert):
1. On a port, an any-peer ("L4-only") rule covers the peer-specific rules of the same port: they get no
   key, unless they redirect to the proxy and it does not (or it denies: then none survives).
2. A deny covers every key under it: the allows and the narrower denies it covers are removed.
*/
function realizedKeys(candidates: readonly Candidate[]): Candidate[] {
	const wildcards = new Map<string, {redirect: boolean; deny: boolean}>();
	for (const candidate of candidates) {
		if (candidate.isWildcard && candidate.entry && candidate.key.filter !== 'ANY/0' && !candidate.key.filter.endsWith('/0')) {
			const filter = wildcards.get(candidate.key.filter) ?? {redirect: false, deny: false};
			filter.deny ||= candidate.isDeny;
			filter.redirect ||= candidate.redirect && !candidate.isDeny;
			wildcards.set(candidate.key.filter, filter);
		}
	}

	const kept = candidates.filter(candidate => {
		const wildcard = candidate.isWildcard || !candidate.entry ? undefined : wildcards.get(candidate.key.filter);
		if (!wildcard) {
			return true;
		}

		return !wildcard.deny && (candidate.isDeny || (candidate.redirect && !wildcard.redirect));
	});
	const covers = (deny: Candidate, other: Candidate) =>
		deny !== other && (deny.isWildcard || !other.isWildcard) && deny.key.specificity <= other.key.specificity;
	const strictlyCovers = (deny: Candidate, other: Candidate) =>
		covers(deny, other) && (deny.key.specificity < other.key.specificity || (deny.isWildcard && !other.isWildcard));
	const denies = kept.filter(candidate => candidate.isDeny);
	return kept.filter(candidate =>
		candidate.isDeny ? !denies.some(deny => strictlyCovers(deny, candidate)) : !denies.some(deny => covers(deny, candidate)),
	);
}

/**
The datapath's choice (pkg/policy/mapstate.go Lookup): the most specific peer key and the most specific
any-peer key that cover the flow; a deny among them wins (the peer key's first); else a proxy redirect
beats a plain allow; else the any-peer key wins only if its port is strictly more specific.
*/
function lookUp(keys: readonly Candidate[], all: readonly Candidate[]): KeyGroup | undefined {
	const l3 = mostSpecific(keys.filter(candidate => !candidate.isWildcard));
	const l4 = mostSpecific(keys.filter(candidate => candidate.isWildcard));
	const deny = l3?.isDeny ? l3 : l4?.isDeny ? l4 : undefined;
	if (deny) {
		// A deny and an allow of one selector on one port are one per-selector policy: it denies, with both
		// rules (the allow's key itself was removed under the deny).
		const denying = new Set(deny.candidates.map(candidate => selectorKey(candidate)));
		const rules = all.filter(
			candidate => candidate.isWildcard === deny.isWildcard && candidate.key.specificity === deny.key.specificity && denying.has(selectorKey(candidate)),
		);
		return {...deny, candidates: rules};
	}

	if (l3 && l4) {
		if (l3.redirect !== l4.redirect) {
			return l3.redirect ? l3 : l4;
		}

		return portBits(l4.key) > portBits(l3.key) ? l4 : l3;
	}

	return l3 ?? l4;
}

/** The candidates of the most specific key among `candidates`, merged as Cilium merges one key's rules. */
function mostSpecific(candidates: readonly Candidate[]): KeyGroup | undefined {
	let best: Candidate | undefined;
	for (const candidate of candidates) {
		if (!best || candidate.key.specificity > best.key.specificity) {
			best = candidate;
		}
	}

	if (!best) {
		return undefined;
	}

	const same = candidates.filter(candidate => candidate.key.specificity === best.key.specificity && candidate.key.blockStart === best.key.blockStart);
	const isDeny = same.some(candidate => candidate.isDeny);
	if (isDeny) {
		return {candidates: same.filter(candidate => candidate.isDeny), isWildcard: best.isWildcard, isDeny, key: best.key, redirect: false};
	}

	// One key from several selectors: a redirect entry outranks a plain one and keeps only its own rules;
	// rules of one selector on one port merge first (a rule without L7 there rides along with the redirect).
	const redirecting = new Set(same.filter(candidate => candidate.redirect).map(candidate => selectorKey(candidate)));
	const group = redirecting.size > 0 ? same.filter(candidate => redirecting.has(selectorKey(candidate))) : same;
	return {candidates: group, isWildcard: best.isWildcard, isDeny, key: best.key, redirect: redirecting.size > 0};
}

/** The peer selector and port filter of a candidate: Cilium's per-selector policy within an L4 filter. */
function selectorKey(candidate: Candidate): string {
	const {peer} = candidate.entry ?? {peer: {kind: 'wildcard' as const}};
	const selector =
		peer.kind === 'endpoints'
			? peer.selectors.map(item => JSON.stringify(item.requirements)).join('|')
			: peer.kind === 'entities'
				? peer.entities.join(',')
				: peer.kind === 'cidr'
					? JSON.stringify(peer.cidrs)
					: peer.kind === 'fqdn'
						? JSON.stringify(peer.selectors)
						: peer.kind;
	return `${candidate.key.filter} ${peer.kind} ${selector}`;
}

function keyMatchType(group: KeyGroup): number {
	const {key} = group;
	if (group.isWildcard) {
		return key.specificity === specificity.any ? matchType.all : key.specificity === specificity.protocolOnly ? matchType.protoOnly : matchType.l4Only;
	}

	return key.specificity === specificity.any ? matchType.l3Only : key.specificity === specificity.protocolOnly ? matchType.l3Proto : matchType.l3L4;
}

/**
The names Hubble shows for a key (pkg/policy/correlation, 1.17): its rules' policies, but none for an
L3-Proto key or a port range block (the exact-port lookup misses both), and none for synthetic entries.
*/
function namesOf(group: KeyGroup): PolicyName[] {
	if (keyMatchType(group) === matchType.l3Proto || group.key.isRange) {
		return [];
	}

	return uniquePolicies(group.candidates.flatMap(candidate => (candidate.policy ? [candidate.policy] : [])));
}

function origins(candidates: readonly Candidate[]): EntryOrigin[] {
	return candidates.flatMap(candidate => (candidate.entry ? [candidate.entry.origin] : []));
}

/** The addresses of the candidates' entries, with the port rule that covered the flow (origins' order). */
function addresses(candidates: readonly Candidate[]): string[] {
	return candidates.flatMap(candidate => (candidate.entry ? [ruleAddress(hitOf(candidate))] : []));
}

function hitOf(candidate: Candidate, l7?: RuleHit['l7']): RuleHit {
	const {entry, key} = candidate;
	const portIndex = entry?.toPorts && key.portRule ? entry.toPorts.indexOf(key.portRule) : -1;
	return {origin: entry!.origin, ...(portIndex >= 0 ? {portIndex} : {}), ...(l7 ? {l7} : {})};
}

function uniquePolicies(policies: readonly PolicyName[]): PolicyName[] {
	const seen = new Map<string, PolicyName>();
	for (const policy of policies) {
		seen.set(policyKey(policy), policy);
	}

	return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, policy]) => policy);
}

/**
An HTTP request or DNS query on a redirected connection. HTTP: allowed when some allow covering the peer
either has no HTTP rules for the flow (an L3-only allow, or a port without L7 rules) or has a rule that
matches (Envoy checks the port's rules and the wildcard-port rules, §7.3). DNS: when a rule on the port
itself has no DNS rules or one that matches the name (§7.4). Other flows are not judged.
*/
function judgeL7(allows: readonly Candidate[], input: EvaluationInput): {verdict: boolean | undefined; rules: RuleHit[]; reason?: string} {
	const {record} = input;
	const isRequest = record.l7Type === 1;
	if (isRequest && record.l7Protocol === 'http') {
		let unknownReason: string | undefined;
		// In Decision.allows' order, port-specific first: either admits, so only the rule named depends on it.
		for (const candidate of allows) {
			const l7 = candidate.key.portRule?.l7;
			if (!l7 || (!l7.http && !l7.other && !l7.listener)) {
				return {verdict: true, rules: candidate.entry ? [hitOf(candidate)] : []};
			}

			if (l7.listener) {
				unknownReason = `the request goes to Envoy ${l7.listener}, whose configuration decides it (ztop does not read Envoy configs)`;
				continue;
			}

			if (l7.other) {
				unknownReason = `${l7.other} rules cannot be judged from a flow`;
				continue;
			}

			for (const [index, rule] of (l7.http ?? []).entries()) {
				const matches = httpRuleMatches(rule, {
					method: record.httpMethod,
					url: record.httpUrl,
					headers: () => input.fullFlow?.()?.l7?.http?.headers?.map(header => ({key: header.key ?? '', value: header.value ?? ''})),
				});
				if (matches === true) {
					return {verdict: true, rules: [hitOf(candidate, {protocol: 'http', index})]};
				}

				if (matches === undefined) {
					unknownReason = 'an HTTP header rule needs the request headers, which the flow does not carry';
				}
			}
		}

		return unknownReason ? {verdict: undefined, rules: [], reason: unknownReason} : {verdict: false, rules: []};
	}

	if (isRequest && record.l7Protocol === 'dns') {
		for (const candidate of allows) {
			if (candidate.key.specificity !== specificity.exactPort) {
				continue;
			}

			const dns = candidate.key.portRule?.l7?.dns;
			const index = dns ? dns.findIndex(rule => dnsRuleMatches(rule, record.dnsQuery)) : -1;
			if (!dns || index >= 0) {
				return {verdict: true, rules: candidate.entry ? [hitOf(candidate, dns ? {protocol: 'dns', index} : undefined)] : []};
			}
		}

		return {verdict: false, rules: []};
	}

	return {verdict: true, rules: []};
}

/**
The smallest policy that admits what was denied (cilium-policy.md §2, §4-§7): for each denied direction of
the chosen flows, a rule in a policy selecting the subject (egress: the source pod, ingress: the
destination pod) by its stable labels, with the peer and the port of the flow, merged per subject and
direction into one policy with the fewest rules. Then the suggestion is proven, not trusted: the set it
would make (`kubectl apply` on top of the baseline) is evaluated, every target must turn `allowed`, and every
other held flow whose verdict changes is listed. A direction denied by a deny rule is reported with that
rule: Cilium's deny always wins over an allow (§9), so no allow can admit it.

Adding allow rules to a direction that is already enforced only ever allows more: a denied direction is an
enforced one, so a suggestion never puts a pod into default deny that was not in it.
*/
import {stringify} from 'yaml';
import type {FlowRecord} from '../flow/flow-record.js';
import type {Flow} from '../flow/flow.js';
import {reservedIdentityName} from '../flow/reserved-identity.js';
import {escapeForTerminal} from '../flow/terminal-safe.js';
import {requestParts} from './l7-match.js';
import {loadPolicyText} from './policy-documents.js';
import {PolicySet, type DirectionEvaluation} from './policy-evaluator.js';
import {policyKey, type Direction, type LoadedPolicy} from './policy-model.js';
import {candidatePolicies, observedPassages, passage, passages, type Passage} from './what-if.js';

export type SuggestKind = 'cnp' | 'netpol';

/** A flow held by the caller, with the full flow for what the record does not keep. */
export type HeldFlow = {record: FlowRecord; fullFlow?: () => Flow | undefined};

export type SuggestInput = {
	/** The flows to admit: every denied direction of them is a target. */
	flows: readonly HeldFlow[];
	/** Every flow the caller holds, to find what else the suggestion would change (the targets included). */
	held: readonly HeldFlow[];
	/** The policies in force. With them, "denied" is their evaluation; without, what Hubble observed. */
	baseline?: readonly LoadedPolicy[];
	kind: SuggestKind;
};

/** One connection and direction to admit. */
export type SuggestTarget = {
	flow: HeldFlow;
	direction: Direction;
	/** `shop/frontend → world example.com:80/TCP`. */
	text: string;
};

export type SuggestedPolicy = {
	namespace: string;
	name: string;
	direction: Direction;
	/** The document, as `kubectl apply` takes it. */
	document: Record<string, unknown>;
	targets: SuggestTarget[];
	/** What a reader should know about a rule (a proxied port admitted whole, a DNS rule added). */
	notes: string[];
};

export type SuggestionResult = {
	policies: SuggestedPolicy[];
	/** Targets a deny rule blocks, with the rule; no allow can admit them. */
	blocked: Array<{target: SuggestTarget; rule: string}>;
	/** Targets no policy of this kind can name (no stable labels, an entity under NetworkPolicy…). */
	unsupported: Array<{target: SuggestTarget; reason: string}>;
	/** Targets the evaluation of the suggestion still does not allow, and why (should be none). */
	notAdmitted: Array<{target: SuggestTarget; verdict: string}>;
	/**
	Flows Hubble observed denied that the policies in force now allow (they changed since: a stage of the
	demo moved on, a policy was applied): nothing to write for them.
	*/
	allowedNow: SuggestTarget[];
	/** Held flows whose verdict the suggestion changes, other than the targets. */
	otherChanges: Array<{flow: HeldFlow; direction: Direction; before: Passage; after: Passage}>;
	/**
	Without the policies in force (no baseline) the suggestion alone would be the whole set, putting its pods
	into default deny for everything else; what else it changes cannot be known, and is not claimed.
	*/
	othersUnknown: boolean;
	/** The suggestion as YAML documents, with a comment saying what each admits. */
	yaml: string;
};

/** Label keys that name what a pod is, best first (Kubernetes' recommended labels, then common ones). */
const preferredKeys = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component', 'component', 'class', 'org'];

/** Labels that change from pod to pod or rollout to rollout, or that Cilium adds itself. */
const unstableKey = /^(io\.cilium\.|io\.kubernetes\.|pod-template-hash$|controller-revision-hash$|pod-template-generation$|statefulset\.kubernetes\.io\/pod-name$|apps\.kubernetes\.io\/pod-index$|batch\.kubernetes\.io\/controller-uid$|controller-uid$)/;

// Kubernetes label syntax (apimachinery validation): a value a policy can select by, and nothing else.
const labelKeyPattern = /^([a-z\d]([-a-z\d]*[a-z\d])?(\.[a-z\d]([-a-z\d]*[a-z\d])?)*\/)?[A-Za-z\d]([-A-Za-z\d_.]{0,61}[A-Za-z\d])?$/;
const labelValuePattern = /^(([A-Za-z\d][-A-Za-z\d_.]{0,61})?[A-Za-z\d])?$/;
const dnsNamePattern = /^[a-z\d_]([-a-z\d_]*[a-z\d_])?(\.[a-z\d_]([-a-z\d_]*[a-z\d_])?)*$/;

const entityByIdentity: Record<string, string> = {
	host: 'host',
	'remote-node': 'remote-node',
	'kube-apiserver': 'kube-apiserver',
	health: 'health',
	init: 'init',
	ingress: 'ingress',
	unmanaged: 'unmanaged',
};

/** The `k8s:` labels of an endpoint as a map, keeping only valid Kubernetes labels. */
function k8sLabels(labels: readonly string[]): Map<string, string> {
	const map = new Map<string, string>();
	for (const label of labels) {
		if (!label.startsWith('k8s:')) {
			continue;
		}

		const text = label.slice(4);
		const equals = text.indexOf('=');
		const key = equals === -1 ? text : text.slice(0, equals);
		const value = equals === -1 ? '' : text.slice(equals + 1);
		if (labelKeyPattern.test(key) && labelValuePattern.test(value)) {
			map.set(key, value);
		}
	}

	return map;
}

/** The labels to select an endpoint by: the first preferred key it has, else all its stable labels. */
export function stableLabels(labels: readonly string[]): Record<string, string> | undefined {
	const all = k8sLabels(labels);
	for (const key of preferredKeys) {
		const value = all.get(key);
		if (value !== undefined) {
			return {[key]: value};
		}
	}

	const stable = [...all].filter(([key]) => !unstableKey.test(key));
	return stable.length === 0 ? undefined : Object.fromEntries(stable.sort(([a], [b]) => a.localeCompare(b)));
}

type Side = {labels: readonly string[]; identity: number; namespace: string; podName: string; ip: string; names: readonly string[]};

function sides(record: FlowRecord, direction: Direction): {subject: Side; peer: Side} {
	const source: Side = {labels: record.sourceLabels, identity: record.sourceIdentity, namespace: record.sourceNamespace, podName: record.sourcePodName, ip: record.sourceIp, names: record.sourceNames};
	const destination: Side = {
		labels: record.destinationLabels,
		identity: record.destinationIdentity,
		namespace: record.destinationNamespace,
		podName: record.destinationPodName,
		ip: record.destinationIp,
		names: record.destinationNames,
	};
	return direction === 'egress' ? {subject: source, peer: destination} : {subject: destination, peer: source};
}

/** Who the peer is, in the terms of one rule. */
type Peer =
	| {kind: 'endpoints'; selector: Record<string, string>}
	| {kind: 'entities'; entity: string}
	| {kind: 'fqdn'; name: string}
	| {kind: 'cidr'; cidr: string};

function isWorldLike(side: Side): boolean {
	const reserved = reservedIdentityName(side.identity);
	return reserved === 'world' || reserved === 'world-ipv4' || reserved === 'world-ipv6' || side.identity >= 1 << 24 || side.labels.some(label => label.startsWith('reserved:world') || label.startsWith('cidr:'));
}

function isPodSide(side: Side): boolean {
	return side.identity >= 256 && side.identity < 1 << 24 && (side.namespace !== '' || side.podName !== '');
}

function describePeer(peer: Side, subjectNamespace: string, direction: Direction): Peer | string {
	if (isPodSide(peer)) {
		const selector = stableLabels(peer.labels);
		if (!selector) {
			return `the peer ${peer.namespace}/${peer.podName} has no stable labels to select it by`;
		}

		return {kind: 'endpoints', selector: peer.namespace !== subjectNamespace && peer.namespace !== '' ? {...selector, 'k8s:io.kubernetes.pod.namespace': peer.namespace} : selector};
	}

	const reserved = reservedIdentityName(peer.identity);
	const entity = reserved === undefined ? undefined : entityByIdentity[reserved];
	if (entity) {
		return {kind: 'entities', entity};
	}

	if (isWorldLike(peer)) {
		// toFQDNs exists only for egress (§6); a name Hubble gave is what the DNS proxy will see.
		const name = peer.names.map(text => text.toLowerCase().replace(/\.$/, '')).find(text => dnsNamePattern.test(text));
		if (direction === 'egress' && name) {
			return {kind: 'fqdn', name};
		}

		if (peer.ip === '') {
			return 'Hubble gave no address for the peer';
		}

		return {kind: 'cidr', cidr: `${peer.ip}/${peer.ip.includes(':') ? 128 : 32}`};
	}

	return `ztop cannot name the peer (identity ${peer.identity})`;
}

/** A literal as an RE2 pattern matching only itself; control and non-ASCII characters as \x{…}. */
function literalPattern(text: string): string {
	let pattern = '';
	for (const character of text) {
		const code = character.codePointAt(0)!;
		if (code < 0x20 || code >= 0x7f) {
			pattern += `\\x{${code.toString(16)}}`;
		} else if (/[\\^$.|?*+()[\]{}]/.test(character)) {
			pattern += `\\${character}`;
		} else {
			pattern += character;
		}
	}

	return pattern;
}

type HttpRule = {method: string; path: string};
type PortEntry = {protocol: string; port: number; http: Map<string, HttpRule>; dns: Set<string>};

/** The port entries of one peer, and the targets behind them. */
type PeerEntry = {peer: Peer; ports: Map<string, PortEntry>};

type Group = {namespace: string; selector: Record<string, string>; direction: Direction; peers: Map<string, PeerEntry>; targets: SuggestTarget[]; notes: Set<string>};

const portProtocols = new Set(['TCP', 'UDP', 'SCTP']);

function targetText(record: FlowRecord, direction: Direction): string {
	const name = (namespace: string, pod: string, identity: number, names: readonly string[], ip: string) => {
		if (pod !== '') {
			return `${namespace}/${pod}`;
		}

		const reserved = reservedIdentityName(identity);
		const address = names[0] ?? ip;
		return reserved === undefined ? address : `${reserved}${address === '' ? '' : ` ${address}`}`;
	};
	const source = name(record.sourceNamespace, record.sourcePodName, record.sourceIdentity, record.sourceNames, record.sourceIp);
	const destination = name(record.destinationNamespace, record.destinationPodName, record.destinationIdentity, record.destinationNames, record.destinationIp);
	const port = record.destinationPort > 0 ? `${record.destinationPort}/${record.protocol}` : record.protocol;
	const request = record.l7Protocol === 'http' && record.l7Type === 1 ? ` ${record.httpMethod} ${requestParts(record.httpUrl).path}` : '';
	return `${source} → ${destination}:${port}${request} (${direction})`;
}

/** The denied directions of the flows, by the baseline's evaluation or by what Hubble observed. */
function targetsOf(
	flows: readonly HeldFlow[],
	baseline: PolicySet | undefined,
	allowedNow: SuggestTarget[],
): Array<{target: SuggestTarget; evaluation?: DirectionEvaluation}> {
	const targets: Array<{target: SuggestTarget; evaluation?: DirectionEvaluation}> = [];
	const seen = new Set<string>();
	const seenAllowed = new Set<string>();
	for (const flow of flows) {
		const evaluation = baseline?.evaluate(flow);
		const observed = observedPassages(flow.record);
		for (const direction of ['egress', 'ingress'] as const) {
			const isDenied = evaluation ? evaluation[direction].verdict === 'denied' : observed[direction] === 'denied';
			if (!isDenied) {
				if (evaluation && observed[direction] === 'denied' && passage(evaluation[direction]) === 'allowed') {
					const text = targetText(flow.record, direction);
					if (!seenAllowed.has(text)) {
						seenAllowed.add(text);
						allowedNow.push({flow, direction, text});
					}
				}

				continue;
			}

			const target = {flow, direction, text: targetText(flow.record, direction)};
			// One target per connection and request: many flows of one connection make one rule.
			if (!seen.has(target.text)) {
				seen.add(target.text);
				targets.push({target, ...(evaluation ? {evaluation: evaluation[direction]} : {})});
			}
		}
	}

	return targets;
}

/** Hubble's name of the deny policy, when the observed flow was dropped by one (drop reason 181). */
function observedDenyRule(record: FlowRecord, direction: Direction): string | undefined {
	const deniedBy = direction === 'egress' ? record.egressDeniedBy : record.ingressDeniedBy;
	return record.dropReason === 181 && deniedBy.length > 0 ? deniedBy.map(policy => `${policy.namespace}/${policy.name}`).join(', ') : undefined;
}

function uniqueName(base: string, namespace: string, taken: Set<string>): string {
	let name = base;
	for (let suffix = 2; taken.has(`${namespace}/${name}`); suffix++) {
		name = `${base}-${suffix}`;
	}

	taken.add(`${namespace}/${name}`);
	return name;
}

function nameBase(selector: Record<string, string>, direction: Direction): string {
	const value = Object.values(selector)[0] ?? 'pods';
	const cleaned = value.toLowerCase().replaceAll(/[^a-z\d-]+/g, '-').replaceAll(/^-+|-+$/g, '') || 'pods';
	return `ztop-allow-${cleaned}-${direction}`.slice(0, 63).replace(/-+$/, '');
}

export function suggestPolicies(input: SuggestInput): SuggestionResult {
	const baseline = input.baseline ? new PolicySet(input.baseline) : undefined;
	const result: SuggestionResult = {policies: [], blocked: [], unsupported: [], notAdmitted: [], allowedNow: [], otherChanges: [], othersUnknown: input.baseline === undefined, yaml: ''};
	const groups = new Map<string, Group>();
	for (const {target, evaluation} of targetsOf(input.flows, baseline, result.allowedNow)) {
		const {record} = target.flow;
		if (evaluation?.reason === 'deny-rule') {
			result.blocked.push({target, rule: evaluation.matched.map(origin => `${policyKey(origin.policy)}: ${origin.text}`).join('; ') || 'a deny rule'});
			continue;
		}

		const observedDeny = evaluation ? undefined : observedDenyRule(record, target.direction);
		if (observedDeny) {
			result.blocked.push({target, rule: `deny policy ${observedDeny}`});
			continue;
		}

		const {subject, peer} = sides(record, target.direction);
		const selector = isPodSide(subject) ? stableLabels(subject.labels) : undefined;
		if (!selector) {
			result.unsupported.push({target, reason: isPodSide(subject) ? 'the pod has no stable labels to select it by' : 'the subject is not a pod'});
			continue;
		}

		const described = describePeer(peer, subject.namespace, target.direction);
		if (typeof described === 'string') {
			result.unsupported.push({target, reason: described});
			continue;
		}

		if (input.kind === 'netpol' && (described.kind === 'entities' || described.kind === 'fqdn')) {
			result.unsupported.push({target, reason: `a NetworkPolicy cannot name ${described.kind === 'fqdn' ? 'a DNS name' : `the ${described.entity} entity`}; use --suggest-kind cnp`});
			continue;
		}

		if (!portProtocols.has(record.protocol) && record.protocol !== '') {
			result.unsupported.push({target, reason: `ztop does not suggest rules for ${record.protocol}`});
			continue;
		}

		const groupKey = JSON.stringify([subject.namespace, selector, target.direction]);
		let group = groups.get(groupKey);
		if (!group) {
			group = {namespace: subject.namespace, selector, direction: target.direction, peers: new Map(), targets: [], notes: new Set()};
			groups.set(groupKey, group);
		}

		group.targets.push(target);
		const peerKey = JSON.stringify(described);
		let peerEntry = group.peers.get(peerKey);
		if (!peerEntry) {
			peerEntry = {peer: described, ports: new Map()};
			group.peers.set(peerKey, peerEntry);
		}

		if (record.protocol === '' || record.destinationPort === 0) {
			continue;
		}

		const portKey = `${record.destinationPort}/${record.protocol}`;
		let port = peerEntry.ports.get(portKey);
		if (!port) {
			port = {protocol: record.protocol, port: record.destinationPort, http: new Map(), dns: new Set()};
			peerEntry.ports.set(portKey, port);
		}

		if (record.l7Type === 1 && record.l7Protocol === 'http' && input.kind === 'cnp') {
			const rule = {method: literalPattern(record.httpMethod), path: `^${literalPattern(requestParts(record.httpUrl).path)}$`};
			port.http.set(JSON.stringify(rule), rule);
		} else if (record.l7Type === 1 && record.l7Protocol === 'dns' && input.kind === 'cnp' && record.dnsQuery !== '') {
			port.dns.add(record.dnsQuery.toLowerCase().replace(/\.$/, ''));
		}
	}

	const taken = new Set((input.baseline ?? []).map(policy => `${policy.name.namespace}/${policy.name.name}`));
	for (const group of groups.values()) {
		addDnsRuleForNames(group, baseline);
		const name = uniqueName(nameBase(group.selector, group.direction), group.namespace, taken);
		const document = input.kind === 'cnp' ? ciliumDocument(group, name) : networkPolicyDocument(group, name);
		result.policies.push({namespace: group.namespace, name, direction: group.direction, document, targets: group.targets, notes: [...group.notes]});
	}

	// By namespace and name, not by which flow came first: the same flows in another order (a ledger's) give the same text.
	result.policies.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
	prove(result, input, baseline);
	result.yaml = renderYaml(result);
	return result;
}

/**
toFQDNs only learns a name's addresses from DNS answers the DNS proxy sees (§6): the subject needs an egress
rule to kube-dns with a DNS rule allowing the name. Added when the baseline with the suggestion would not
send the lookup through the proxy and allow it.
*/
function addDnsRuleForNames(group: Group, baseline: PolicySet | undefined): void {
	const names = [...group.peers.values()].flatMap(entry => (entry.peer.kind === 'fqdn' ? [entry.peer.name] : []));
	if (names.length === 0) {
		return;
	}

	const subjectFlow = group.targets[0]!.flow.record;
	const missing = names.filter(name => !dnsLookupAllowed(subjectFlow, name, baseline));
	if (missing.length === 0) {
		return;
	}

	const kubeDns: Peer = {kind: 'endpoints', selector: {'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns'}};
	const key = JSON.stringify(kubeDns);
	const entry = group.peers.get(key) ?? {peer: kubeDns, ports: new Map<string, PortEntry>()};
	group.peers.set(key, entry);
	const port = entry.ports.get('53/ANY') ?? {protocol: 'ANY', port: 53, http: new Map(), dns: new Set<string>()};
	entry.ports.set('53/ANY', port);
	for (const name of missing) {
		port.dns.add(name);
	}

	group.notes.add(`a DNS rule to kube-dns lets the DNS proxy learn ${missing.join(', ')} (toFQDNs needs it)`);
}

/** Whether the subject's lookup of `name` at kube-dns goes through the DNS proxy and is allowed. */
function dnsLookupAllowed(subject: FlowRecord, name: string, baseline: PolicySet | undefined): boolean {
	if (!baseline) {
		return false;
	}

	const lookup: FlowRecord = {
		...subject,
		destinationLabels: ['k8s:k8s-app=kube-dns', 'k8s:io.kubernetes.pod.namespace=kube-system'],
		destinationIdentity: 0xff_ff,
		destinationNamespace: 'kube-system',
		destinationPodName: 'kube-dns',
		destinationNames: [],
		protocol: 'UDP',
		destinationPort: 53,
		isReply: 0,
		trafficDirection: 2,
		eventType: 129,
		l7Type: 1,
		l7Protocol: 'dns',
		dnsQuery: `${name}.`,
	};
	const egress = baseline.evaluate({record: lookup}).egress;
	return egress.verdict === 'allowed' && egress.proxy;
}

/** Peers whose port lists are the same share one rule: the fewest rules that say it. */
function mergedRules(group: Group): Array<{peers: Peer[]; ports: PortEntry[]}> {
	const rules = new Map<string, {peers: Peer[]; ports: PortEntry[]}>();
	for (const entry of group.peers.values()) {
		const ports = [...entry.ports.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
		const key = JSON.stringify([entry.peer.kind, ports.map(port => [port.port, port.protocol, [...port.http.keys()].sort(), [...port.dns].sort()])]);
		const rule = rules.get(key) ?? {peers: [], ports};
		rule.peers.push(entry.peer);
		rules.set(key, rule);
	}

	return [...rules.values()];
}

function ciliumDocument(group: Group, name: string): Record<string, unknown> {
	const prefix = group.direction === 'egress' ? 'to' : 'from';
	const rules = mergedRules(group).map(rule => {
		const peers: Record<string, unknown> = {};
		const kind = rule.peers[0]!.kind;
		if (kind === 'endpoints') {
			peers[`${prefix}Endpoints`] = rule.peers.map(peer => ({matchLabels: (peer as {selector: Record<string, string>}).selector}));
		} else if (kind === 'entities') {
			peers[`${prefix}Entities`] = rule.peers.map(peer => (peer as {entity: string}).entity);
		} else if (kind === 'fqdn') {
			peers['toFQDNs'] = rule.peers.map(peer => ({matchName: (peer as {name: string}).name}));
		} else {
			peers[`${prefix}CIDR`] = rule.peers.map(peer => (peer as {cidr: string}).cidr);
		}

		if (rule.ports.length === 0) {
			return peers;
		}

		const toPorts = rule.ports.map(port => {
			const http = [...port.http.values()];
			const dns = [...port.dns].sort().map(dnsName => ({matchName: dnsName}));
			return {
				ports: [{port: String(port.port), protocol: port.protocol}],
				...(http.length > 0 ? {rules: {http}} : dns.length > 0 ? {rules: {dns}} : {}),
			};
		});
		return {...peers, toPorts};
	});
	return {
		apiVersion: 'cilium.io/v2',
		kind: 'CiliumNetworkPolicy',
		metadata: {name, namespace: group.namespace},
		spec: {endpointSelector: {matchLabels: group.selector}, [group.direction]: rules},
	};
}

function networkPolicyDocument(group: Group, name: string): Record<string, unknown> {
	const isEgress = group.direction === 'egress';
	const rules = mergedRules(group).map(rule => {
		const peers = rule.peers.map(peer => {
			if (peer.kind === 'cidr') {
				return {ipBlock: {cidr: peer.cidr}};
			}

			const {'k8s:io.kubernetes.pod.namespace': namespace, ...labels} = (peer as {selector: Record<string, string>}).selector;
			return {podSelector: {matchLabels: labels}, ...(namespace ? {namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': namespace}}} : {})};
		});
		const ports = rule.ports.map(port => ({protocol: port.protocol === 'ANY' ? 'UDP' : port.protocol, port: port.port}));
		return {[isEgress ? 'to' : 'from']: peers, ...(ports.length > 0 ? {ports} : {})};
	});
	return {
		apiVersion: 'networking.k8s.io/v1',
		kind: 'NetworkPolicy',
		metadata: {name, namespace: group.namespace},
		spec: {podSelector: {matchLabels: group.selector}, policyTypes: [isEgress ? 'Egress' : 'Ingress'], [group.direction]: rules},
	};
}

/** Evaluates the baseline with the suggestion applied: every target allowed, and what else changes. */
function prove(result: SuggestionResult, input: SuggestInput, baseline: PolicySet | undefined): void {
	if (result.policies.length === 0) {
		return;
	}

	const text = result.policies.map(policy => stringify(policy.document)).join('---\n');
	const loaded = loadPolicyText(text, 'suggestion');
	const candidate = new PolicySet(candidatePolicies(input.baseline ?? [], loaded.policies, []));
	for (const policy of result.policies) {
		for (const target of policy.targets) {
			const after = candidate.evaluate(target.flow)[target.direction];
			if (passage(after) !== 'allowed') {
				result.notAdmitted.push({target, verdict: after.verdict + (after.reason ? ` (${after.reason})` : '') + (after.unknownBecause ? `: ${after.unknownBecause}` : '')});
			}
		}
	}

	if (!baseline) {
		return;
	}

	// The connections targeted, by what names them: every flow of one is a target, not an "other" change.
	const targeted = new Set(result.policies.flatMap(policy => policy.targets.map(target => target.text)));
	for (const flow of input.held) {
		const before = passages(baseline.evaluate(flow));
		const after = passages(candidate.evaluate(flow));
		for (const direction of ['egress', 'ingress'] as const) {
			if (before[direction] !== undefined && after[direction] !== undefined && before[direction] !== after[direction] && !targeted.has(targetText(flow.record, direction))) {
				result.otherChanges.push({flow, direction, before: before[direction], after: after[direction]});
			}
		}
	}
}

/** `changes no other held flow`, or how many others it would fix and break. */
export function otherChangesText(result: SuggestionResult): string {
	if (result.othersUnknown) {
		return 'what else it changes needs the policies in force (--policies)';
	}

	if (result.otherChanges.length === 0) {
		return 'changes no other held flow';
	}

	const fixes = result.otherChanges.filter(change => change.after === 'allowed').length;
	const breaks = result.otherChanges.length - fixes;
	return `also allows ${fixes} and denies ${breaks} other held flow verdicts (listed at the end)`;
}

function selectorText(policy: SuggestedPolicy): string {
	const spec = policy.document['spec'] as {endpointSelector?: {matchLabels: Record<string, string>}; podSelector?: {matchLabels: Record<string, string>}};
	const labels = (spec.endpointSelector ?? spec.podSelector)?.matchLabels ?? {};
	return Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(',');
}

function renderYaml(result: SuggestionResult): string {
	// Comments quote flows (pod names, URLs): escaped, so a comment stays one line and inert.
	const comment = (lines: string[]) => lines.map(line => `# ${escapeForTerminal(line)}\n`).join('');
	const documents = result.policies.map(policy => {
		const proof =
			result.notAdmitted.length > 0
				? `NOT PROVEN: evaluated with the suggestion, ${result.notAdmitted.length} target(s) stay denied`
				: `Evaluated with the suggestion applied: admits ${policy.targets.length === 1 ? 'it' : `all ${policy.targets.length}`}; ${otherChangesText(result)}.`;
		return (
			comment([`Suggested by ztop to admit (${policy.direction} of the pods ${selectorText(policy)} in ${policy.namespace}):`, ...policy.targets.map(target => `  ${target.text}`), proof, ...policy.notes.map(note => `Note: ${note}.`)]) +
			stringify(policy.document)
		);
	});
	const otherTexts = [...new Set(result.otherChanges.map(change => `${targetText(change.flow.record, change.direction)}: ${change.before} → ${change.after}`))];
	const trailer = [
		...otherTexts.map(text => `Also changes ${text}`),
		...result.blocked.map(({target, rule}) => `Cannot admit ${target.text}: denied by ${rule} (a deny rule wins over any allow)`),
		...result.unsupported.map(({target, reason}) => `No suggestion for ${target.text}: ${reason}`),
		...result.allowedNow.map(target => `Nothing to write for ${target.text}: denied when Hubble observed it, allowed by the policies now`),
	];
	if (documents.length === 0) {
		return comment(trailer.length > 0 ? trailer : ['No denied flows among those selected: nothing to suggest.']);
	}

	return documents.join('---\n') + (trailer.length > 0 ? comment(trailer) : '');
}

/**
A policy object (one YAML/JSON document) → the rules Cilium 1.17 would import, or the reason it would
reject the object. It follows the agent: every spec of a CiliumNetworkPolicy passes Sanitize before it is
translated, and one failing spec rejects the whole object (pkg/k8s/apis/cilium.io/v2/cnp_types.go Parse,
pkg/policy/api/rule_validation.go, whose messages the reasons repeat); a Kubernetes NetworkPolicy becomes
one rule (pkg/k8s/network_policy.go ParseNetworkPolicy). Fields the CRDs do not define are reported with
their path and ignored. cilium-policy.md §1–§11 has the semantics and their sources.
*/
import {isIP} from 'node:net';
import {
	extendedKey,
	hasKey,
	namespaceLabelsPrefix,
	podNamespaceKey,
	scopePeerSelector,
	selectorText,
	toMatcher,
	type ExtendedRequirement,
} from './endpoint-selector.js';
import {entityNames} from './entities.js';
import type {
	Direction,
	DirectionSection,
	EndpointSelectorMatcher,
	HttpRule,
	IcmpMatch,
	L7Rules,
	LoadedPolicy,
	Peer,
	PolicyEntry,
	PolicyKind,
	PolicyName,
	PolicyOrigin,
	PolicyRule,
	PortMatch,
	PortRule,
	Protocol,
} from './policy-model.js';

/** A problem with one field: where (`spec.ingress[0].toPorts`) and what. */
export type Report = (path: string, message: string) => void;

/** Sanitize's error: the agent refuses the whole object. */
class Rejection extends Error {}

const maxPorts = 40;
const maxIcmpFields = 40;

export const policyKinds: readonly PolicyKind[] = ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'NetworkPolicy'];

type RawObject = Record<string, unknown>;

function isObject(value: unknown): value is RawObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `path`, its fields outside `known` reported; undefined (reported) if it is not an object. */
function readObject(value: unknown, path: string, known: readonly string[], report: Report): RawObject | undefined {
	if (value === undefined || value === null) {
		return undefined;
	}

	if (!isObject(value)) {
		report(path, `expected an object, found ${describe(value)}; ignored`);
		return undefined;
	}

	for (const key of Object.keys(value)) {
		if (!known.includes(key)) {
			report(`${path}.${key}`, 'unknown field, ignored (the CRD does not define it; kubectl apply --validate=strict refuses it)');
		}
	}

	return value;
}

/** A list at `path`: undefined when absent (absent and `[]` differ in Cilium: an empty list selects nothing). */
function readList(value: unknown, path: string, report: Report): unknown[] | undefined {
	if (value === undefined || value === null) {
		return undefined;
	}

	if (!Array.isArray(value)) {
		report(path, `expected a list, found ${describe(value)}; ignored`);
		return undefined;
	}

	return value;
}

function readString(value: unknown, path: string, report: Report): string | undefined {
	if (value === undefined || value === null) {
		return undefined;
	}

	if (typeof value === 'string') {
		return value;
	}

	if (typeof value === 'number' || typeof value === 'boolean') {
		report(path, `expected a string, found ${describe(value)}; read as ${JSON.stringify(String(value))} (the API server refuses it unquoted)`);
		return String(value);
	}

	report(path, `expected a string, found ${describe(value)}; ignored`);
	return undefined;
}

function describe(value: unknown): string {
	return Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

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

// CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy

const ruleFields = ['endpointSelector', 'nodeSelector', 'ingress', 'ingressDeny', 'egress', 'egressDeny', 'labels', 'description', 'enableDefaultDeny', 'log'];
const ingressFields = ['fromEndpoints', 'fromRequires', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromGroups', 'fromNodes', 'toPorts', 'icmps', 'authentication'];
const egressFields = ['toEndpoints', 'toRequires', 'toCIDR', 'toCIDRSet', 'toEntities', 'toServices', 'toFQDNs', 'toGroups', 'toNodes', 'toPorts', 'icmps', 'authentication'];
const egressDenyFields = egressFields.filter(field => field !== 'toFQDNs' && field !== 'authentication');
const ingressDenyFields = ingressFields.filter(field => field !== 'authentication');

function parseCiliumPolicy(object: RawObject, name: PolicyName, report: Report): PolicyRule[] {
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

type EntryContext = {policy: PolicyName; specIndex: number; report: Report; subjectMatchesInit: boolean; isHostPolicy: boolean};

/** Peer fields in Sanitize's l3Members order, with the name its messages use. */
const peerFields = {
	ingress: [
		['fromEndpoints', 'FromEndpoints'],
		['fromCIDR', 'FromCIDR'],
		['fromCIDRSet', 'FromCIDRSet'],
		['fromEntities', 'FromEntities'],
		['fromNodes', 'FromNodes'],
		['fromGroups', 'FromGroups'],
	],
	egress: [
		['toCIDR', 'ToCIDR'],
		['toCIDRSet', 'ToCIDRSet'],
		['toEndpoints', 'ToEndpoints'],
		['toEntities', 'ToEntities'],
		['toServices', 'ToServices'],
		['toGroups', 'ToGroups'],
		['toNodes', 'ToNodes'],
		['toFQDNs', 'ToFQDNs'],
	],
} as const;

function parseEntry(value: unknown, path: string, direction: Direction, isDeny: boolean, index: number, context: EntryContext): PolicyEntry {
	const {report} = context;
	const known = direction === 'ingress' ? (isDeny ? ingressDenyFields : ingressFields) : isDeny ? egressDenyFields : egressFields;
	const entry = readObject(value, path, known, report) ?? {};
	const lists = new Map<string, unknown[]>();
	for (const [field] of peerFields[direction]) {
		const list = readList(entry[field], `${path}.${field}`, report);
		if (list !== undefined) {
			lists.set(field, list);
		}
	}

	const present = peerFields[direction].filter(([field]) => (lists.get(field)?.length ?? 0) > 0);
	if (present.length > 1) {
		throw new Rejection(`combining ${present[0]![1]} and ${present[1]![1]} is not supported yet`);
	}

	const nodes = direction === 'ingress' ? 'fromNodes' : 'toNodes';
	if ((lists.get(nodes)?.length ?? 0) > 0) {
		// enable-node-selector-labels is off by default in 1.17.
		throw new Rejection('FromNodes/ToNodes rules can only be applied when the "enable-node-selector-labels" flag is set');
	}

	const toPortsList = readList(entry['toPorts'], `${path}.toPorts`, report);
	const icmpsList = readList(entry['icmps'], `${path}.icmps`, report);
	// No peer and no ports: the empty rule, which selects nothing (`ingress: [{}]` enforces and allows nothing).
	const isEmptyRule = lists.size === 0 && (toPortsList?.length ?? 0) === 0 && (icmpsList?.length ?? 0) === 0;
	const peer: Peer = isEmptyRule ? {kind: 'endpoints', selectors: []} : parsePeer(lists, path, context);
	if ((icmpsList?.length ?? 0) > 0 && (toPortsList?.length ?? 0) > 0) {
		throw new Rejection('the ICMPs block may only be present without ToPorts. Define a separate rule to use ToPorts');
	}

	const toPorts = toPortsList?.map((portRule, portIndex) => parsePortRule(portRule, `${path}.toPorts[${portIndex}]`, direction, isDeny, context));
	const icmps = icmpsList?.flatMap((icmp, icmpIndex) => parseIcmpRule(icmp, `${path}.icmps[${icmpIndex}]`, report));
	const requires = readList(entry[direction === 'ingress' ? 'fromRequires' : 'toRequires'], `${path}.${direction === 'ingress' ? 'fromRequires' : 'toRequires'}`, report);
	for (const [requiresIndex, selector] of (requires ?? []).entries()) {
		readSelector(selector, `${path}.${direction === 'ingress' ? 'fromRequires' : 'toRequires'}[${requiresIndex}]`, report);
	}

	const unsupported = (requires?.length ?? 0) > 0 ? (direction === 'ingress' ? 'fromRequires' : 'toRequires') : undefined;
	const origin = {policy: context.policy, specIndex: context.specIndex, direction, isDeny, index, text: ''};
	const result: PolicyEntry = {
		origin,
		peer,
		...(toPorts && toPorts.length > 0 ? {toPorts} : {}),
		...(icmps && icmps.length > 0 ? {icmps} : {}),
		isDeny,
		...(unsupported ? {unsupported} : {}),
	};
	origin.text = entryText(result, direction, lists);
	return result;
}

/**
The peer of an entry. No peer field but ports: any peer (the "L4-only" rule). No peer field and no ports:
an empty rule, which selects nothing (`ingress: [{}]` enforces and allows nothing, cilium-policy.md §2).
*/
function parsePeer(lists: Map<string, unknown[]>, path: string, context: EntryContext): Peer {
	const {report} = context;
	const [field, list] = [...lists.entries()].find(([, items]) => items.length > 0) ?? [...lists.entries()][0] ?? [undefined, undefined];
	if (field === undefined || list === undefined) {
		return {kind: 'wildcard'};
	}

	if (list.length === 0) {
		// Present but empty: selects nothing (an empty non-nil list).
		return {kind: 'endpoints', selectors: []};
	}

	switch (field) {
		case 'fromEndpoints':
		case 'toEndpoints': {
			return {
				kind: 'endpoints',
				selectors: list.map((item, index) => {
					const selector = readSelector(item, `${path}.${field}[${index}]`, report);
					return toMatcher(
						scopePeerSelector(selector.requirements, context.policy.namespace, {isRequires: false, subjectMatchesInit: context.subjectMatchesInit}),
						selector.text,
					);
				}),
			};
		}

		case 'fromEntities':
		case 'toEntities': {
			const entities = list.map((item, index) => readString(item, `${path}.${field}[${index}]`, report) ?? '');
			const unknown = entities.find(entity => !entityNames.includes(entity));
			if (unknown !== undefined) {
				throw new Rejection(`unsupported entity: ${unknown}`);
			}

			return entities.includes('all') ? {kind: 'wildcard'} : {kind: 'entities', entities};
		}

		case 'fromCIDR':
		case 'toCIDR': {
			return {kind: 'cidr', cidrs: list.map((item, index) => ({cidr: parseCidr(readString(item, `${path}.${field}[${index}]`, report) ?? '', false), except: []}))};
		}

		case 'fromCIDRSet':
		case 'toCIDRSet': {
			const cidrs: Array<{cidr: string; except: string[]}> = [];
			for (const [index, item] of list.entries()) {
				const rule = readObject(item, `${path}.${field}[${index}]`, ['cidr', 'except', 'cidrGroupRef', 'cidrGroupSelector'], report) ?? {};
				const count = ['cidr', 'cidrGroupRef', 'cidrGroupSelector'].filter(key => rule[key] !== undefined && rule[key] !== '').length;
				if (count === 0) {
					throw new Rejection('one of cidr, cidrGroupRef, or cidrGroupSelector is required');
				}

				if (count > 1) {
					throw new Rejection('more than one of cidr, cidrGroupRef, or cidrGroupSelector may not be set');
				}

				if (rule['cidr'] === undefined) {
					return {kind: 'unsupported', what: `${field} with a CIDR group (CiliumCIDRGroup objects are not read)`};
				}

				const cidr = readString(rule['cidr'], `${path}.${field}[${index}].cidr`, report) ?? '';
				const except = (readList(rule['except'], `${path}.${field}[${index}].except`, report) ?? []).map(
					(item, exceptIndex) => readString(item, `${path}.${field}[${index}].except[${exceptIndex}]`, report) ?? '',
				);
				cidrs.push({cidr: parseCidrRule(cidr, except), except});
			}

			return {kind: 'cidr', cidrs};
		}

		case 'toFQDNs': {
			return {
				kind: 'fqdn',
				selectors: list.map((item, index) => parseFqdnSelector(item, `${path}.${field}[${index}]`, report)),
			};
		}

		case 'toServices': {
			return {kind: 'unsupported', what: 'toServices (needs the Service objects)'};
		}

		case 'fromGroups':
		case 'toGroups': {
			return {kind: 'unsupported', what: `${field} (cloud provider groups)`};
		}

		default: {
			return {kind: 'unsupported', what: field};
		}
	}
}

/** A CIDR or a bare address (api.CIDR.sanitize). Returns the prefix in `address/bits` form. */
function parseCidr(text: string, isRule: boolean): string {
	if (text === '') {
		throw new Rejection('IP must be specified');
	}

	const prefix = parsePrefix(text);
	if (prefix) {
		return text;
	}

	if (!isRule && isIP(text) !== 0) {
		return `${text}/${isIP(text) === 4 ? 32 : 128}`;
	}

	throw new Rejection(isRule ? `unable to parse CIDRRule ${JSON.stringify(text)}: netip.ParsePrefix(${JSON.stringify(text)}): invalid prefix` : `unable to parse CIDR: ParseAddr(${JSON.stringify(text)}): invalid address`);
}

function parseCidrRule(cidr: string, except: string[]): string {
	const prefix = parseCidr(cidr, true);
	for (const item of except) {
		const exceptPrefix = parsePrefix(item);
		if (!exceptPrefix) {
			throw new Rejection(`netip.ParsePrefix(${JSON.stringify(item)}): invalid prefix`);
		}

		if (!prefixContains(prefix, exceptPrefix.address)) {
			throw new Rejection(`allow CIDR prefix ${cidr} does not contain exclude CIDR prefix ${item}`);
		}
	}

	return prefix;
}

export function parsePrefix(text: string): {address: string; bits: number; family: 4 | 6} | undefined {
	const slash = text.indexOf('/');
	if (slash === -1) {
		return undefined;
	}

	const address = text.slice(0, slash);
	const bitsText = text.slice(slash + 1);
	const family = isIP(address);
	if (family === 0 || !/^\d+$/.test(bitsText) || Number(bitsText) > (family === 4 ? 32 : 128)) {
		return undefined;
	}

	return {address, bits: Number(bitsText), family: family as 4 | 6};
}

/** Whether `address` lies inside the `prefix` (`1.0.0.0/8`); addresses of the other family never do. */
export function prefixContains(prefix: string, address: string): boolean {
	const parsed = parsePrefix(prefix);
	const family = isIP(address);
	if (!parsed || family !== parsed.family) {
		return false;
	}

	const a = addressBits(parsed.address, family);
	const b = addressBits(address, family);
	const whole = Math.floor(parsed.bits / 8);
	for (let index = 0; index < whole; index++) {
		if (a[index] !== b[index]) {
			return false;
		}
	}

	const rest = parsed.bits % 8;
	if (rest === 0) {
		return true;
	}

	const mask = (0xff << (8 - rest)) & 0xff;
	return (a[whole]! & mask) === (b[whole]! & mask);
}

function addressBits(address: string, family: number): number[] {
	if (family === 4) {
		return address.split('.').map(Number);
	}

	const [head = '', tail = ''] = address.split('::');
	const groups = (text: string) => (text === '' ? [] : text.split(':'));
	const expand = (parts: string[]) =>
		parts.flatMap(part => {
			if (part.includes('.')) {
				return addressBits(part, 4).reduce<string[]>((all, byte, index) => (index % 2 === 0 ? [...all, byte.toString(16)] : [...all.slice(0, -1), all.at(-1)! + byte.toString(16).padStart(2, '0')]), []);
			}

			return [part];
		});
	const left = expand(groups(head));
	const right = address.includes('::') ? expand(groups(tail)) : [];
	const middle = address.includes('::') ? Array.from({length: 8 - left.length - right.length}, () => '0') : [];
	return [...left, ...middle, ...right].flatMap(group => {
		const value = Number.parseInt(group || '0', 16);
		return [value >> 8, value & 0xff];
	});
}

function parseFqdnSelector(value: unknown, path: string, report: Report): {matchName?: string; matchPattern?: string} {
	const selector = readObject(value, path, ['matchName', 'matchPattern'], report) ?? {};
	const matchName = readString(selector['matchName'], `${path}.matchName`, report) ?? '';
	const matchPattern = readString(selector['matchPattern'], `${path}.matchPattern`, report) ?? '';
	validateFqdn(matchName, matchPattern);
	return {...(matchName ? {matchName} : {}), ...(matchPattern ? {matchPattern} : {})};
}

/** FQDNSelector.sanitize and PortRuleDNS.Sanitize (pkg/policy/api/fqdn.go, pkg/fqdn/matchpattern). */
function validateFqdn(matchName: string, matchPattern: string): void {
	if (matchName !== '' && matchPattern !== '') {
		throw new Rejection('only one of MatchName or MatchPattern is allowed in an FQDNSelector');
	}

	if (matchName !== '' && !/^[-a-zA-Z0-9_.]+$/.test(matchName)) {
		throw new Rejection(`Invalid characters in MatchName: ${JSON.stringify(matchName)}. Only 0-9, a-z, A-Z and . and - characters are allowed`);
	}

	if (matchPattern !== '' && !/^[-a-zA-Z0-9_.*]+$/.test(matchPattern)) {
		throw new Rejection(`Invalid characters in MatchPattern: ${JSON.stringify(matchPattern)}. Only 0-9, a-z, A-Z and ., - and * characters are allowed`);
	}
}

const portRuleFields = ['ports', 'rules', 'terminatingTLS', 'originatingTLS', 'serverNames', 'listener'];

/** PortRule.sanitize (and PortDenyRule.sanitize for deny entries, which take ports only). */
function parsePortRule(value: unknown, path: string, direction: Direction, isDeny: boolean, context: EntryContext): PortRule {
	const {report} = context;
	const rule = readObject(value, path, isDeny ? ['ports'] : portRuleFields, report) ?? {};
	const rawPorts = readList(rule['ports'], `${path}.ports`, report) ?? [];
	const l7Source = isDeny ? undefined : readObject(rule['rules'], `${path}.rules`, ['http', 'kafka', 'dns', 'l7proto', 'l7'], report);
	const http = readList(l7Source?.['http'], `${path}.rules.http`, report);
	const kafka = readList(l7Source?.['kafka'], `${path}.rules.kafka`, report);
	const dns = readList(l7Source?.['dns'], `${path}.rules.dns`, report);
	const l7proto = readString(l7Source?.['l7proto'], `${path}.rules.l7proto`, report) ?? '';
	const l7Generic = readList(l7Source?.['l7'], `${path}.rules.l7`, report);
	const hasDnsRules = (dns?.length ?? 0) > 0;
	// Rules.IsEmpty(): no HTTP, Kafka, DNS or L7 entries.
	const hasRules = (http?.length ?? 0) + (kafka?.length ?? 0) + (dns?.length ?? 0) + (l7Generic?.length ?? 0) > 0 || l7proto !== '';
	if (direction === 'ingress' && hasDnsRules) {
		throw new Rejection('DNS rules are not allowed on ingress');
	}

	const serverNames = readList(rule['serverNames'], `${path}.serverNames`, report) ?? [];
	if (serverNames.length > 0 && hasRules && rule['terminatingTLS'] === undefined) {
		throw new Rejection('ServerNames are not allowed with L7 rules without TLS termination');
	}

	if (serverNames.some(serverName => serverName === '')) {
		throw new Rejection('empty server name is not allowed');
	}

	if (rawPorts.length > maxPorts) {
		throw new Rejection(`too many ports, the max is ${maxPorts}`);
	}

	let hasZeroPort = false;
	const ports = rawPorts.map((rawPort, index) => {
		const port = parsePortProtocol(rawPort, `${path}.ports[${index}]`, hasDnsRules, report);
		hasZeroPort ||= port.isZero;
		if (hasRules && !hasDnsRules && port.protocolText !== 'TCP') {
			throw new Rejection(`L7 rules can only apply to TCP (not ${port.protocolText}) except for DNS rules`);
		}

		return port.match;
	});
	const listener = isDeny ? undefined : readObject(rule['listener'], `${path}.listener`, ['envoyConfig', 'name', 'priority'], report);
	if (listener) {
		if (direction === 'ingress') {
			throw new Rejection('Listener is not allowed on ingress');
		}

		if (hasRules) {
			throw new Rejection('Listener is not allowed with L7 rules');
		}
	}

	let l7: L7Rules | undefined;
	if (hasRules) {
		if (hasZeroPort) {
			throw new Rejection('L7 rules can not be used when a port is 0');
		}

		if (hasDnsRules && ports.length === 0) {
			throw new Rejection('port 53 must be specified for DNS rules');
		}

		if (l7Generic !== undefined && l7proto === '') {
			throw new Rejection("'l7' may only be specified when a 'l7proto' is also specified");
		}

		const types = [http, kafka, dns].filter(list => list !== undefined).length + (l7proto === '' ? 0 : 1);
		if (types > 1) {
			throw new Rejection('multiple L7 protocol rule types specified in single rule');
		}

		l7 = {
			...(http ? {http: http.map((item, index) => parseHttpRule(item, `${path}.rules.http[${index}]`, report))} : {}),
			...(dns ? {dns: dns.map((item, index) => parseFqdnSelector(item, `${path}.rules.dns[${index}]`, report))} : {}),
			...(kafka ? {other: 'kafka'} : l7proto === '' ? {} : {other: l7proto}),
		};
	} else if (listener) {
		l7 = {listener: listenerText(listener, `${path}.listener`, context)};
	} else if (rule['terminatingTLS'] !== undefined || rule['originatingTLS'] !== undefined || serverNames.length > 0) {
		// TLS interception or SNI also sends the connection to the proxy (cilium-policy.md §7.1).
		l7 = {other: 'TLS'};
	}

	return {ports, ...(l7 ? {l7} : {})};
}

/**
A listener reference (api.Listener): the Envoy config it lives in and its name. A clusterwide policy may only
name a clusterwide config (pkg/policy/l4.go createL4Filter: "Listener %q in CCNP can not use Kind
CiliumEnvoyConfig"), which the agent refuses at import.
*/
function listenerText(listener: RawObject, path: string, context: EntryContext): string {
	const {report} = context;
	const config = readObject(listener['envoyConfig'], `${path}.envoyConfig`, ['kind', 'name'], report) ?? {};
	const kind = readString(config['kind'], `${path}.envoyConfig.kind`, report) ?? '';
	const configName = readString(config['name'], `${path}.envoyConfig.name`, report) ?? '';
	const name = readString(listener['name'], `${path}.name`, report) ?? '';
	if (context.policy.kind === 'CiliumClusterwideNetworkPolicy' && kind === 'CiliumEnvoyConfig') {
		throw new Rejection(`Listener ${JSON.stringify(name)} in CCNP can not use Kind CiliumEnvoyConfig`);
	}

	return `${kind || 'CiliumEnvoyConfig'}/${configName} listener ${name}`;
}

function parsePortProtocol(
	value: unknown,
	path: string,
	hasDnsRules: boolean,
	report: Report,
): {match: PortMatch; isZero: boolean; protocolText: string} {
	const port = readObject(value, path, ['port', 'endPort', 'protocol'], report) ?? {};
	const portText = readString(port['port'], `${path}.port`, report) ?? '';
	if (portText === '') {
		throw new Rejection('Port must be specified');
	}

	const endPortValue = port['endPort'];
	const endPort = typeof endPortValue === 'number' ? endPortValue : endPortValue === undefined ? 0 : Number(readString(endPortValue, `${path}.endPort`, report));
	const protocolText = (readString(port['protocol'], `${path}.protocol`, report) ?? '').toUpperCase() || 'ANY';
	if (!['ANY', 'TCP', 'UDP', 'SCTP'].includes(protocolText)) {
		throw new Rejection(`invalid protocol ${JSON.stringify(protocolText)}, must be { tcp | udp | sctp | any }`);
	}

	const protocols: Protocol[] = protocolText === 'ANY' ? ['TCP', 'UDP', 'SCTP'] : [protocolText as Protocol];
	// Port names are IANA service names (letters required); anything else must be a 16-bit number.
	if (portText.length <= 15 && /^([a-zA-Z\d]-?)*[a-zA-Z](-?[a-zA-Z\d])*$/.test(portText)) {
		return {match: {protocols, port: 0, name: portText.toLowerCase()}, isZero: false, protocolText};
	}

	const number = /^0x[\da-f]+$/i.test(portText) ? Number.parseInt(portText.slice(2), 16) : /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
	if (!(number >= 0 && number <= 65_535)) {
		throw new Rejection(`unable to parse port: strconv.ParseUint: parsing ${JSON.stringify(portText)}: invalid syntax`);
	}

	if (hasDnsRules && endPort > number) {
		throw new Rejection('DNS rules do not support port ranges');
	}

	return {match: {protocols, port: number, ...(endPort > number ? {endPort} : {})}, isZero: number === 0, protocolText};
}

function parseHttpRule(value: unknown, path: string, report: Report): HttpRule {
	const rule = readObject(value, path, ['path', 'method', 'host', 'headers', 'headerMatches'], report) ?? {};
	const method = readString(rule['method'], `${path}.method`, report);
	const httpPath = readString(rule['path'], `${path}.path`, report);
	const host = readString(rule['host'], `${path}.host`, report);
	const headers = (readList(rule['headers'], `${path}.headers`, report) ?? []).map((item, index) => readString(item, `${path}.headers[${index}]`, report) ?? '');
	for (const [field, pattern] of [
		['path', httpPath],
		['method', method],
	] as const) {
		if (pattern !== undefined && pattern !== '' && compileRegex(pattern) === undefined) {
			throw new Rejection(`error parsing regexp: invalid ${field} regular expression ${JSON.stringify(pattern)}`);
		}
	}

	if ((readList(rule['headerMatches'], `${path}.headerMatches`, report)?.length ?? 0) > 0) {
		report(`${path}.headerMatches`, 'header matches are not evaluated: requests they would judge are unknown');
	}

	const text = [method || '*', httpPath || '*', host ? `host ${host}` : '', ...headers.map(header => `header ${header}`)].filter(Boolean).join(' ');
	return {
		...(method ? {method} : {}),
		...(httpPath ? {path: httpPath} : {}),
		...(host ? {host} : {}),
		...(headers.length > 0 ? {headers} : {}),
		text,
	};
}

/**
An RE2 pattern as a JavaScript RegExp that must match the whole value (Envoy's safe_regex_match). RE2 and
JavaScript agree on the syntax policies use, except RE2's `\x{1F600}` code points, JavaScript's `\u{1F600}`
(translated here); a pattern JavaScript cannot read is undefined.
*/
export function compileRegex(pattern: string): RegExp | undefined {
	const translated = pattern.replaceAll(/(?<!\\)((?:\\\\)*)\\x\{([\da-fA-F]{1,6})\}/g, (_match, backslashes: string, hex: string) => `${backslashes}\\u{${hex}}`);
	try {
		return new RegExp(`^(?:${translated})$`, 'u');
	} catch {
		try {
			return new RegExp(`^(?:${pattern})$`);
		} catch {
			return undefined;
		}
	}
}

function parseIcmpRule(value: unknown, path: string, report: Report): IcmpMatch[] {
	const rule = readObject(value, path, ['fields'], report) ?? {};
	const fields = readList(rule['fields'], `${path}.fields`, report) ?? [];
	if (fields.length > maxIcmpFields) {
		throw new Rejection(`too many types, the max is ${maxIcmpFields}`);
	}

	return fields.map((item, index) => {
		const field = readObject(item, `${path}.fields[${index}]`, ['family', 'type'], report) ?? {};
		const family = readString(field['family'], `${path}.fields[${index}].family`, report) ?? '';
		if (family !== '' && family !== 'IPv4' && family !== 'IPv6') {
			throw new Rejection(`wrong family: ${family}`);
		}

		const typeValue = field['type'];
		const type = typeof typeValue === 'number' ? typeValue : icmpTypeNumber(String(typeValue ?? ''), family === 'IPv6');
		return {family: family === 'IPv6' ? 'IPv6' : 'IPv4', type};
	});
}

// The ICMP type names Cilium accepts (pkg/policy/api/icmp.go), for the common ones.
const icmpV4Names: Record<string, number> = {EchoReply: 0, DestinationUnreachable: 3, Redirect: 5, Echo: 8, EchoRequest: 8, TimeExceeded: 11, ParameterProblem: 12, Timestamp: 13, TimestampReply: 14};
const icmpV6Names: Record<string, number> = {DestinationUnreachable: 1, PacketTooBig: 2, TimeExceeded: 3, ParameterProblem: 4, EchoRequest: 128, EchoReply: 129, RouterSolicitation: 133, RouterAdvertisement: 134, NeighborSolicitation: 135, NeighborAdvertisement: 136};

function icmpTypeNumber(text: string, isIpv6: boolean): number {
	if (/^\d+$/.test(text)) {
		return Number(text);
	}

	const number = (isIpv6 ? icmpV6Names : icmpV4Names)[text];
	if (number === undefined) {
		throw new Rejection(`${JSON.stringify(text)} is not a valid ICMP type`);
	}

	return number;
}

type ReadSelector = {requirements: Array<ExtendedRequirement & {fromMatchLabels?: boolean}>; text: string};

/**
A label selector in Cilium's reading: keys through GetExtendedKeyFrom, values and operators validated as
Kubernetes validates selectors (EndpointSelector.sanitize).
*/
function readSelector(value: unknown, path: string, report: Report, defaultSource = 'any'): ReadSelector {
	const selector = readObject(value, path, ['matchLabels', 'matchExpressions'], report) ?? {};
	const requirements: ReadSelector['requirements'] = [];
	const matchLabels = readObject(selector['matchLabels'], `${path}.matchLabels`, Object.keys(isObject(selector['matchLabels']) ? selector['matchLabels'] : {}), report) ?? {};
	for (const [key, rawValue] of Object.entries(matchLabels)) {
		const labelValue = readString(rawValue, `${path}.matchLabels.${key}`, report) ?? '';
		validateLabel(key, labelValue);
		requirements.push({...extendedKey(key, defaultSource), operator: 'In', values: [labelValue], fromMatchLabels: true});
	}

	for (const [index, item] of (readList(selector['matchExpressions'], `${path}.matchExpressions`, report) ?? []).entries()) {
		const expression = readObject(item, `${path}.matchExpressions[${index}]`, ['key', 'operator', 'values'], report) ?? {};
		const key = readString(expression['key'], `${path}.matchExpressions[${index}].key`, report) ?? '';
		const operator = readString(expression['operator'], `${path}.matchExpressions[${index}].operator`, report) ?? '';
		const values = (readList(expression['values'], `${path}.matchExpressions[${index}].values`, report) ?? []).map(item => String(item));
		if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(operator)) {
			throw new Rejection(`invalid label selector: ${path}.matchExpressions[${index}].operator: Invalid value: ${JSON.stringify(operator)}: not a valid selector operator`);
		}

		if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
			throw new Rejection(`invalid label selector: ${path}.matchExpressions[${index}].values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`);
		}

		if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
			throw new Rejection(`invalid label selector: ${path}.matchExpressions[${index}].values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`);
		}

		for (const item of values) {
			validateLabel(key, item);
		}

		requirements.push({...extendedKey(key, defaultSource), operator: operator as ExtendedRequirement['operator'], values});
	}

	return {requirements, text: selectorText(requirements)};
}

function validateLabel(key: string, value: string): void {
	if (value.length > 63 || !/^(?:[A-Za-z\d](?:[-A-Za-z\d_.]*[A-Za-z\d])?)?$/.test(value)) {
		throw new Rejection(`invalid label selector: values[0][${key}]: Invalid value: ${JSON.stringify(value)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
	}
}

// Kubernetes NetworkPolicy

function parseNetworkPolicy(value: unknown, name: PolicyName, report: Report): PolicyRule {
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

// Display

function portsText(portRules: readonly PortRule[]): string {
	return portRules
		.flatMap(rule => rule.ports)
		.map(port => {
			const number = port.name ?? (port.port === 0 ? 'any' : String(port.port));
			const range = port.endPort ? `-${port.endPort}` : '';
			const protocol = port.protocols.length === 3 ? 'ANY' : port.protocols.join('+');
			return `${number}${range}/${protocol}`;
		})
		.join(', ');
}

function l7Text(portRules: readonly PortRule[]): string {
	const parts: string[] = [];
	for (const rule of portRules) {
		if (rule.l7?.http) {
			parts.push(`http: ${rule.l7.http.map(http => http.text).join(' | ') || '(any)'}`);
		}

		if (rule.l7?.dns) {
			parts.push(`dns: ${rule.l7.dns.map(dns => dns.matchName ?? dns.matchPattern ?? '').join(', ')}`);
		}

		if (rule.l7?.other) {
			parts.push(rule.l7.other);
		}

		if (rule.l7?.listener) {
			parts.push(`Envoy ${rule.l7.listener}`);
		}
	}

	return parts.join(' · ');
}

/** `fromEndpoints: app=frontend · toPorts: 80/TCP · http: GET ^/status/200$`, as the drill-down shows a rule. */
function entryText(entry: PolicyEntry, direction: Direction, lists: Map<string, unknown[]>): string {
	const peerField = [...lists.keys()].find(field => (lists.get(field)?.length ?? 0) > 0) ?? [...lists.keys()][0];
	let peerText: string;
	switch (entry.peer.kind) {
		case 'wildcard': {
			peerText = peerField ? `${peerField}: all` : `${direction === 'ingress' ? 'from' : 'to'}: (any peer)`;
			break;
		}

		case 'endpoints': {
			peerText = peerField ? `${peerField}: ${entry.peer.selectors.map(selector => selector.text).join(' | ') || '[] (none)'}` : '{} (selects nothing)';
			break;
		}

		case 'entities': {
			peerText = `${peerField}: ${entry.peer.entities.join(', ')}`;
			break;
		}

		case 'cidr': {
			peerText = `${peerField}: ${entry.peer.cidrs.map(cidr => cidr.cidr + (cidr.except.length > 0 ? ` except ${cidr.except.join(',')}` : '')).join(', ')}`;
			break;
		}

		case 'fqdn': {
			peerText = `${peerField}: ${entry.peer.selectors.map(selector => selector.matchName ?? selector.matchPattern ?? '').join(', ')}`;
			break;
		}

		case 'unsupported': {
			peerText = entry.peer.what;
			break;
		}
	}

	const ports = entry.toPorts ? `toPorts: ${portsText(entry.toPorts)}` : entry.icmps ? `icmps: ${entry.icmps.map(icmp => `${icmp.family} type ${icmp.type}`).join(', ')}` : '';
	const l7 = entry.toPorts ? l7Text(entry.toPorts) : '';
	return [peerText, ports, l7].filter(Boolean).join(' · ');
}

/**
An entry's peer: endpoints (scoped to the policy's namespace as Cilium scopes them), entities, CIDRs and
CIDR sets, FQDNs; what needs objects ztop does not read (services, CIDR groups, cloud groups) is marked
unsupported rather than guessed (pkg/policy/api/selector.go, entity.go, cidr.go, fqdn.go).
*/
import {scopePeerSelector, toMatcher} from '../endpoint-selector.js';
import {entityNames} from '../entities.js';
import type {Peer} from '../policy-model.js';
import {parseCidr, parseCidrRule} from './cidr.js';
import {parseFqdnSelector} from './fqdn.js';
import {readObject, readString, readList, Rejection, type EntryContext} from './read-fields.js';
import {readSelector} from './selector.js';

/**
The peer of an entry. No peer field but ports: any peer (the "L4-only" rule). No peer field and no ports:
an empty rule, which selects nothing (`ingress: [{}]` enforces and allows nothing, cilium-policy.md §2).
*/
export function parsePeer(lists: Map<string, unknown[]>, path: string, context: EntryContext): Peer {
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

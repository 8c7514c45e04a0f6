/**
One ingress, egress, ingressDeny or egressDeny item (api.IngressRule, api.EgressRule and their deny twins,
pkg/policy/api/ingress.go, egress.go): its peer, its ports or ICMP types, the `*Requires` ztop cannot
evaluate, and the text the drill-down shows for it.
*/
import type {Direction, Peer, PolicyEntry} from '../policy-model.js';
import {parseIcmpRule} from './icmp.js';
import {parsePortRule, portsText} from './l4-ports.js';
import {l7Text} from './l7.js';
import {parsePeer} from './peer.js';
import {readList, readObject, Rejection, type EntryContext} from './read-fields.js';
import {readSelector} from './selector.js';

const ingressFields = ['fromEndpoints', 'fromRequires', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromGroups', 'fromNodes', 'toPorts', 'icmps', 'authentication'];
const egressFields = ['toEndpoints', 'toRequires', 'toCIDR', 'toCIDRSet', 'toEntities', 'toServices', 'toFQDNs', 'toGroups', 'toNodes', 'toPorts', 'icmps', 'authentication'];
const egressDenyFields = egressFields.filter(field => field !== 'toFQDNs' && field !== 'authentication');
const ingressDenyFields = ingressFields.filter(field => field !== 'authentication');

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

export function parseEntry(value: unknown, path: string, direction: Direction, isDeny: boolean, index: number, context: EntryContext): PolicyEntry {
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

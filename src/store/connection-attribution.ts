/**
Connection attribution: joins every event of a connection (trace, drop, L7) to the policy verdicts taken
for it, so a `to-endpoint` or `http-request` row can say which policies allowed or denied its connection
on each side. Hubble only puts `*_allowed_by` on policy-verdict events, which is why
`hubble observe --print-policy-names` shows nothing on the other rows (cilium/cilium#41912).

A connection is its protocol and both endpoints' address and port, in either order (a reply belongs to
the request's connection). Flows point at one shared, mutable attribution per connection, so a verdict
seen after a flow still shows on it. The table of connections is bounded (src/flow/recent-map.ts: a
verdict makes a connection recent, the least recent are forgotten); a flow keeps its connection's
attribution even after the table forgets it.
*/
import {eventType} from '../flow/event-type.js';
import type {FlowRecord, PolicyRecord} from '../flow/flow-record.js';
import {RecentMap} from '../flow/recent-map.js';

export type DirectionAttribution = {
	/** flow.Verdict number of the latest policy verdict for this side. */
	verdict: number;
	/** The policies that allowed (FORWARDED, REDIRECTED) or denied (DROPPED, ERROR, AUDIT) it. */
	policies: readonly PolicyRecord[];
	isAllowed: boolean;
	policyMatchType: number;
};

export type ConnectionAttribution = {ingress?: DirectionAttribution; egress?: DirectionAttribution};

const verdict = {forwarded: 1, redirected: 5} as const;
const direction = {ingress: 1, egress: 2} as const;

export const defaultConnectionMemory = 65_536;

export class ConnectionAttributions {
	private readonly connections: RecentMap<string, ConnectionAttribution>;
	/**
	A number for each address, never reused (a forgotten address comes back with a new one), so a connection's
	key is a string of nine UTF-16 units rather than its addresses and ports written out: that string, made
	for every flow, was a sixth of all the TUI allocated while following. An address in use is read for
	every flow of its connections, so it is forgotten only after its connections are.
	*/
	private readonly addressIds: RecentMap<string, number>;
	private nextAddressId = 1;
	private readonly protocolCodes = new Map<string, number>();

	constructor(capacity = defaultConnectionMemory) {
		this.connections = new RecentMap(capacity);
		this.addressIds = new RecentMap(capacity);
	}

	get size(): number {
		return this.connections.size;
	}

	/** Protocol and both endpoints, the lower endpoint first, so both directions of a connection agree. */
	connectionKey(record: FlowRecord): string | undefined {
		if (record.sourceIp === '' || record.destinationIp === '') {
			return undefined;
		}

		const source = this.addressId(record.sourceIp);
		const destination = this.addressId(record.destinationIp);
		const {sourcePort, destinationPort} = record;
		const protocol = this.protocolCode(record.protocol);
		return source < destination || (source === destination && sourcePort <= destinationPort)
			? endpointsKey(protocol, source, sourcePort, destination, destinationPort)
			: endpointsKey(protocol, destination, destinationPort, source, sourcePort);
	}

	/**
	The attribution of `record`'s connection, updated first when `record` is a policy verdict with a
	direction. Undefined for records without addresses.
	*/
	attribute(record: FlowRecord): ConnectionAttribution | undefined {
		const key = this.connectionKey(record);
		if (key === undefined) {
			return undefined;
		}

		const isVerdict =
			record.eventType === eventType.policyVerdict &&
			(record.trafficDirection === direction.ingress || record.trafficDirection === direction.egress);
		// A verdict makes the connection recent; a plain lookup only reads.
		let attribution = isVerdict ? this.connections.get(key) : this.connections.peek(key);
		if (attribution === undefined) {
			attribution = {};
			// Not there (get and peek just said so): added without set()'s lookups, on a map of 65,536 connections.
			this.connections.insertAbsent(key, attribution);
		}

		if (isVerdict) {
			const isIngress = record.trafficDirection === direction.ingress;
			const isAllowed = record.verdict === verdict.forwarded || record.verdict === verdict.redirected;
			const policies = isIngress
				? isAllowed
					? record.ingressAllowedBy
					: record.ingressDeniedBy
				: isAllowed
					? record.egressAllowedBy
					: record.egressDeniedBy;
			const side: DirectionAttribution = {verdict: record.verdict, policies, isAllowed, policyMatchType: record.policyMatchType};
			if (isIngress) {
				attribution.ingress = side;
			} else {
				attribution.egress = side;
			}
		}

		return attribution;
	}

	private addressId(address: string): number {
		let id = this.addressIds.get(address);
		if (id === undefined) {
			id = this.nextAddressId++;
			this.addressIds.insertAbsent(address, id);
		}

		return id;
	}

	private protocolCode(protocol: string): number {
		let code = this.protocolCodes.get(protocol);
		if (code === undefined) {
			code = this.protocolCodes.size;
			this.protocolCodes.set(protocol, code);
		}

		return code;
	}
}

/** One flat string of nine UTF-16 units: ids up to 2^48 take three each, a port one. */
function endpointsKey(protocol: number, first: number, firstPort: number, second: number, secondPort: number): string {
	return String.fromCharCode(
		protocol,
		Math.floor(first / 0x1_0000_0000),
		Math.floor(first / 0x1_0000) & 0xffff,
		first & 0xffff,
		firstPort,
		Math.floor(second / 0x1_0000_0000),
		Math.floor(second / 0x1_0000) & 0xffff,
		second & 0xffff,
		secondPort,
	);
}

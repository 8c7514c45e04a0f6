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
import {RecentWordMap} from '../flow/recent-word-map.js';

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
	/**
	Connections by four words: protocol, the lower endpoint's address number, both ports, the other address
	number. A string key per flow (addresses and ports written out, later nine UTF-16 units) was garbage to
	make and hash for every flow; the table's lookups were still a twentieth of the TUI's CPU at 5,000/s.
	*/
	private readonly connections: RecentWordMap<ConnectionAttribution>;
	/**
	A number for each address, never reused (a forgotten address comes back with a new one), so that a
	connection's key holds numbers, not addresses. An address in use is read for every flow of its
	connections, so it is forgotten only after its connections are. The numbers are 32 bits (a word of the
	key): they would come round again after 4 billion new addresses, days at tens of thousands a second.
	*/
	private readonly addressIds: RecentMap<string, number>;
	private nextAddressId = 1;
	private readonly protocolCodes = new Map<string, number>();

	constructor(capacity = defaultConnectionMemory) {
		this.connections = new RecentWordMap(capacity);
		this.addressIds = new RecentMap(capacity);
	}

	get size(): number {
		return this.connections.size;
	}

	/**
	The attribution of `record`'s connection, updated first when `record` is a policy verdict with a
	direction. Undefined for records without addresses.
	*/
	attribute(record: FlowRecord): ConnectionAttribution | undefined {
		if (record.sourceIp === '' || record.destinationIp === '') {
			return undefined;
		}

		// The lower endpoint first, so that both directions of a connection have one key.
		const source = this.addressId(record.sourceIp);
		const destination = this.addressId(record.destinationIp);
		const {sourcePort, destinationPort} = record;
		const protocol = this.protocolCode(record.protocol);
		const isSourceFirst = source < destination || (source === destination && sourcePort <= destinationPort);
		const first = isSourceFirst ? source : destination;
		const second = isSourceFirst ? destination : source;
		const ports = isSourceFirst ? sourcePort * 0x1_00_00 + destinationPort : destinationPort * 0x1_00_00 + sourcePort;
		const isVerdict =
			record.eventType === eventType.policyVerdict &&
			(record.trafficDirection === direction.ingress || record.trafficDirection === direction.egress);
		// A verdict makes the connection recent; a plain lookup only reads.
		let attribution = isVerdict ? this.connections.get(protocol, first, ports, second) : this.connections.peek(protocol, first, ports, second);
		if (attribution === undefined) {
			attribution = {};
			// Not there (get and peek just said so).
			this.connections.insertAbsent(protocol, first, ports, second, attribution);
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
			const side = sharedSide(record.verdict, policies, isAllowed, record.policyMatchType);
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
			id = this.nextAddressId;
			this.nextAddressId = (this.nextAddressId + 1) >>> 0 || 1;
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

/**
One frozen side per verdict, policy list and match type (the decoder shares policy lists): a connection's
sides repeat across connections, and an object per verdict was one more object for every connection the
store held, each promoted and marked by the garbage collector.
*/
const sides = new WeakMap<readonly PolicyRecord[], Map<number, DirectionAttribution>>();

function sharedSide(verdictNumber: number, policies: readonly PolicyRecord[], isAllowed: boolean, policyMatchType: number): DirectionAttribution {
	let byKind = sides.get(policies);
	if (!byKind) {
		byKind = new Map();
		sides.set(policies, byKind);
	}

	const key = verdictNumber * 1024 + policyMatchType;
	let side = byKind.get(key);
	if (!side) {
		side = Object.freeze({verdict: verdictNumber, policies, isAllowed, policyMatchType});
		byKind.set(key, side);
	}

	return side;
}

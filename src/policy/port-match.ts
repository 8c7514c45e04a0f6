/**
Ports and protocols as Cilium keys them (pkg/policy/l4.go, mapstate.go; cilium-policy.md §6, §9): a rule
without ports is one key for every protocol and port; a port entry is a key per protocol (ANY is TCP, UDP
and SCTP, never ICMP); port 0 is every port of its protocol; a range is stored as prefix-masked keys, so
4000-4010 becomes 4000-4007, 4008-4009 and 4010. How specific the key that covers a flow is decides
between entries: exact port, then a narrower range block, then protocol only, then any.
*/
import type {IcmpMatch, PortMatch, PortRule} from './policy-model.js';

/** The L4 of a flow as policy sees it: the protocol and the destination port (ICMP: the type). */
export type FlowPort = {protocol: string; port: number; icmpType?: number};

/**
How specific the key covering a flow is: 0 any protocol and port, 1 protocol only (port 0), 1 + n for a
port block of n prefix bits (17 for an exact port).
*/
export type Specificity = number;

export const specificity = {any: 0, protocolOnly: 1, exactPort: 17} as const;

/**
The key an entry's ports give the flow: its specificity, the port block and whether it is a block of
several ports, and the L4 filter it belongs to (`TCP/80`, `TCP/8000-8100`, `UDP/0`; `ANY/0` without ports):
Cilium merges the rules of one port of one direction into one filter.
*/
export type PortKey = {specificity: Specificity; blockStart: number; isRange: boolean; filter: string; portRule?: PortRule};

/** Prefix bits of a key's port (0 for any port, 16 for one port): what the datapath compares between L3 and L4 keys. */
export function portBits(key: PortKey): number {
	return key.specificity <= specificity.protocolOnly ? 0 : key.specificity - 1;
}

const icmpProtocols: Record<string, IcmpMatch['family']> = {ICMPv4: 'IPv4', ICMPv6: 'IPv6'};

/**
The most specific key of `ports` (an entry's toPorts, undefined for none) that covers the flow, or undefined
when none does. `named` is set when a named port might: ztop cannot resolve port names from a flow.
*/
export function coveringPortKey(toPorts: readonly PortRule[] | undefined, icmps: readonly IcmpMatch[] | undefined, flow: FlowPort): {key?: PortKey; named?: string; icmpUnknown?: boolean} {
	if (icmps) {
		const family = icmpProtocols[flow.protocol];
		if (!family) {
			return {};
		}

		if (flow.icmpType === undefined) {
			return {icmpUnknown: true};
		}

		return icmps.some(icmp => icmp.family === family && icmp.type === flow.icmpType)
			? {key: {specificity: specificity.exactPort, blockStart: flow.icmpType, isRange: false, filter: `${flow.protocol}/${flow.icmpType}`}}
			: {};
	}

	if (!toPorts) {
		return {key: {specificity: specificity.any, blockStart: 0, isRange: false, filter: 'ANY/0'}};
	}

	let best: PortKey | undefined;
	let named: string | undefined;
	for (const portRule of toPorts) {
		for (const port of portRule.ports) {
			if (!port.protocols.includes(flow.protocol as PortMatch['protocols'][number])) {
				continue;
			}

			if (port.name !== undefined) {
				named ??= port.name;
				continue;
			}

			const key = keyFor(port, flow.port);
			if (key && (!best || key.specificity > best.specificity)) {
				best = {...key, filter: `${flow.protocol}/${port.port}${port.endPort ? `-${port.endPort}` : ''}`, portRule};
			}
		}
	}

	return {...(best ? {key: best} : {}), ...(named ? {named} : {})};
}

function keyFor(port: PortMatch, flowPort: number): Omit<PortKey, 'portRule' | 'filter'> | undefined {
	if (port.port === 0) {
		return {specificity: specificity.protocolOnly, blockStart: 0, isRange: false};
	}

	const end = port.endPort ?? port.port;
	if (flowPort < port.port || flowPort > end) {
		return undefined;
	}

	if (end === port.port) {
		return {specificity: specificity.exactPort, blockStart: port.port, isRange: false};
	}

	// A block of one port is an exact key even inside a range (4010 of 4000-4010); Hubble can name its rules.
	const block = rangeBlock(port.port, end, flowPort);
	return {specificity: 1 + block.bits, blockStart: block.start, isRange: block.bits < 16};
}

/**
The prefix block of Cilium's split of the range start–end that holds `port` (pkg/policy/types
PortRangeToMaskedPorts): from the start, the largest aligned power-of-two block that fits, again and again.
*/
export function rangeBlock(start: number, end: number, port: number): {start: number; bits: number} {
	let current = start;
	while (current <= end) {
		let size = 1;
		while (current % (size * 2) === 0 && current + size * 2 - 1 <= end && size * 2 <= 65_536) {
			size *= 2;
		}

		if (port < current + size) {
			return {start: current, bits: 16 - Math.log2(size)};
		}

		current += size;
	}

	return {start: port, bits: 16};
}

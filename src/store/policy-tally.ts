/**
Per-policy allow/deny tallies, counted the way Hubble attributes verdicts (hubble-api.md §1.12):
only policy-verdict events count, once per connection and direction; FORWARDED and REDIRECTED credit
that direction's `*_allowed_by`, DROPPED (and ERROR, which hubble shows as DENIED) and AUDIT credit
`*_denied_by`, with `(unattributed)` and `(default deny)` rows when the list is empty. An L7 drop is
charged to the policies of the connection's latest REDIRECTED verdict (the L7 rule that redirected it
to the proxy). Incremental: add one response at a time; rows() is a snapshot.
*/
import {eventType} from '../flow/event-type.js';
import type {Flow, GetFlowsResponse, Policy} from '../flow/flow.js';

export type TallyDirection = 'INGRESS' | 'EGRESS' | 'TRAFFIC_DIRECTION_UNKNOWN';

export type TallyRow = {
	kind: string;
	namespace: string;
	name: string;
	direction: TallyDirection;
	allowed: number;
	denied: number;
	audited: number;
	l7Denied: number;
};

export type TallySummary = {
	rows: TallyRow[];
	/** Every flow read (after filtering). */
	flows: number;
	policyVerdicts: number;
	lostEvents: number;
};

export const defaultDenyName = '(default deny)';
export const unattributedName = '(unattributed)';

type Counter = 'allowed' | 'denied' | 'audited' | 'l7Denied';

/** How many REDIRECTED connections are remembered for L7 attribution. */
const redirectMemory = 65_536;

export class PolicyTally {
	private readonly rowsByKey = new Map<string, TallyRow>();
	// Connection key → policies of its latest REDIRECTED verdict; insertion order makes it an LRU.
	private readonly redirects = new Map<string, Policy[]>();
	private flowCount = 0;
	private policyVerdictCount = 0;
	private lostEventCount = 0;

	add(response: GetFlowsResponse): void {
		if (response.lost_events) {
			this.lostEventCount++;
			return;
		}

		const flow = response.flow;
		if (!flow) {
			return;
		}

		this.flowCount++;
		if (flow.event_type?.type === eventType.policyVerdict) {
			this.addPolicyVerdict(flow);
		} else if (flow.Type === 'L7' && flow.verdict === 'DROPPED') {
			this.addL7Drop(flow);
		}
	}

	summary(): TallySummary {
		return {
			rows: sortTallyRows([...this.rowsByKey.values()].map(row => ({...row}))),
			flows: this.flowCount,
			policyVerdicts: this.policyVerdictCount,
			lostEvents: this.lostEventCount,
		};
	}

	private addPolicyVerdict(flow: Flow): void {
		this.policyVerdictCount++;
		const direction = tallyDirection(flow);
		const prefix = direction === 'EGRESS' ? 'egress' : 'ingress';
		const hasDirection = direction !== 'TRAFFIC_DIRECTION_UNKNOWN';
		switch (flow.verdict) {
			case 'FORWARDED':
			case 'REDIRECTED': {
				const policies = hasDirection ? (flow[`${prefix}_allowed_by`] ?? []) : [];
				this.credit(flow, direction, policies, unattributedName, 'allowed');
				if (flow.verdict === 'REDIRECTED') {
					this.rememberRedirect(flow, direction, policies);
				}

				break;
			}

			case 'DROPPED':
			case 'ERROR': {
				this.credit(flow, direction, hasDirection ? (flow[`${prefix}_denied_by`] ?? []) : [], defaultDenyName, 'denied');
				break;
			}

			case 'AUDIT': {
				this.credit(flow, direction, hasDirection ? (flow[`${prefix}_denied_by`] ?? []) : [], defaultDenyName, 'audited');
				break;
			}

			default: {
				break;
			}
		}
	}

	private addL7Drop(flow: Flow): void {
		const direction = tallyDirection(flow);
		const policies =
			this.redirects.get(connectionKey(flow, direction, false)) ?? this.redirects.get(connectionKey(flow, direction, true)) ?? [];
		this.credit(flow, direction, policies, unattributedName, 'l7Denied');
	}

	private rememberRedirect(flow: Flow, direction: TallyDirection, policies: Policy[]): void {
		const key = connectionKey(flow, direction, false);
		this.redirects.delete(key);
		this.redirects.set(key, policies);
		if (this.redirects.size > redirectMemory) {
			this.redirects.delete(this.redirects.keys().next().value!);
		}
	}

	private credit(flow: Flow, direction: TallyDirection, policies: Policy[], fallbackName: string, counter: Counter): void {
		if (policies.length === 0) {
			this.row('', localNamespace(flow, direction), fallbackName, direction)[counter]++;
			return;
		}

		for (const policy of policies) {
			this.row(policy.kind ?? '', policy.namespace ?? '', policyName(policy), direction)[counter]++;
		}
	}

	private row(kind: string, namespace: string, name: string, direction: TallyDirection): TallyRow {
		const key = JSON.stringify([kind, namespace, name, direction]);
		let row = this.rowsByKey.get(key);
		if (!row) {
			row = {kind, namespace, name, direction, allowed: 0, denied: 0, audited: 0, l7Denied: 0};
			this.rowsByKey.set(key, row);
		}

		return row;
	}
}

/** A policy's name, or for rules not derived from a Kubernetes object, its labels sorted and joined. */
export function policyName(policy: Policy): string {
	return policy.name ? policy.name : [...(policy.labels ?? [])].sort().join(',');
}

function tallyDirection(flow: Flow): TallyDirection {
	const direction = flow.traffic_direction;
	return direction === 'INGRESS' || direction === 'EGRESS' ? direction : 'TRAFFIC_DIRECTION_UNKNOWN';
}

/** The endpoint the verdict was taken for: the destination on ingress, the source on egress. */
function localNamespace(flow: Flow, direction: TallyDirection): string {
	if (direction === 'INGRESS') {
		return flow.destination?.namespace ?? '';
	}

	return direction === 'EGRESS' ? (flow.source?.namespace ?? '') : '';
}

/** Protocol, both addresses and ports, and direction; reversed reads it from the reply's side. */
function connectionKey(flow: Flow, direction: TallyDirection, isReversed: boolean): string {
	const l4 = flow.l4 ?? {};
	const protocol = Object.keys(l4)[0] ?? '';
	const ports = l4.TCP ?? l4.UDP ?? l4.SCTP;
	const source = `${flow.IP?.source ?? ''}|${ports?.source_port ?? 0}`;
	const destination = `${flow.IP?.destination ?? ''}|${ports?.destination_port ?? 0}`;
	return [protocol, isReversed ? destination : source, isReversed ? source : destination, direction].join('|');
}

/** Most denied first, then most allowed; ties in a stable, readable order. */
export function sortTallyRows(rows: TallyRow[]): TallyRow[] {
	return rows.sort(
		(a, b) =>
			b.denied - a.denied ||
			b.allowed - a.allowed ||
			b.l7Denied - a.l7Denied ||
			b.audited - a.audited ||
			a.namespace.localeCompare(b.namespace) ||
			a.name.localeCompare(b.name) ||
			a.direction.localeCompare(b.direction) ||
			a.kind.localeCompare(b.kind),
	);
}

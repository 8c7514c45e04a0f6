/**
The words of a flows-pane row, from a FlowRecord: endpoints as `namespace/pod:port` (or the DNS name or
reserved identity and IP for the world), hubble's type names (`policy-verdict:L3-L4 EGRESS`,
`to-endpoint`, `http-request`, `Policy denied`), the verdict and the policies of the flow's connection.
Every string that came from the network passes escapeForTerminal here, just before display.
*/
import {displayWidth} from './terminal-text.js';
import {dropReasonText} from '../flow/drop-reason.js';
import {eventType, policyMatchTypeText, traceObservationPointText} from '../flow/event-type.js';
import type {FlowRecord, PolicyRecord} from '../flow/flow-record.js';
import {reservedIdentityName} from '../flow/reserved-identity.js';
import {escapeForTerminal} from '../flow/terminal-safe.js';
import {verdictDisplay, verdictNames, type VerdictTone} from '../flow/verdict.js';
import type {ConnectionAttribution} from '../store/connection-attribution.js';
import {workloadNameOfPod} from '../store/connection-table.js';
import type {PolicyForm} from './layout.js';

const directionNames = ['UNKNOWN', 'INGRESS', 'EGRESS'];
const l7TypeNames = ['unknown', 'request', 'response', 'sample'];

/**
One side of a flow as the flows pane shows it. When `width` is too narrow for `namespace/pod`, a pod of a
workload reads `namespace/workload` (frontend rather than `frontend-79f5…`), then the workload alone (a
long namespace would otherwise leave no room for any of the pod's name).
*/
export function endpointText(record: FlowRecord, side: 'source' | 'destination', width = Number.POSITIVE_INFINITY): string {
	const isSource = side === 'source';
	const namespace = isSource ? record.sourceNamespace : record.destinationNamespace;
	const pod = isSource ? record.sourcePodName : record.destinationPodName;
	const port = isSource ? record.sourcePort : record.destinationPort;
	const suffix = port === 0 ? '' : `:${port}`;
	if (pod !== '') {
		const full = escapeForTerminal(`${namespace}/${pod}`) + suffix;
		if (displayWidth(full) <= width) {
			return full;
		}

		// Hubble before 1.16 sends no workloads: the pod name less its ReplicaSet or Job hash stands in, as the
		// connections view names it.
		const name = (isSource ? record.sourceWorkloads : record.destinationWorkloads)[0]?.name ?? workloadNameOfPod(pod);
		// Narrower and narrower: the workload with its namespace, then alone; with the port, then without it
		// (ephemeral ports say least).
		const byWorkload = escapeForTerminal(`${namespace}/${name}`);
		const workloadName = escapeForTerminal(name);
		return [full, byWorkload + suffix, byWorkload, workloadName + suffix].find(text => displayWidth(text) <= width) ?? workloadName;
	}

	const names = isSource ? record.sourceNames : record.destinationNames;
	const ip = isSource ? record.sourceIp : record.destinationIp;
	if (names.length > 0) {
		return escapeForTerminal(names[0]!.replace(/\.$/, '')) + suffix;
	}

	const identity = isSource ? record.sourceIdentity : record.destinationIdentity;
	const reserved = reservedIdentityName(identity);
	const address = ip === '' ? '' : escapeForTerminal(ip) + suffix;
	if (reserved !== undefined && identity !== 0) {
		return address === '' ? reserved : `${reserved} ${address}`;
	}

	return address === '' ? (identity === 0 ? '?' : `identity ${identity}`) : address;
}

const shortDirectionNames = ['?', 'in', 'out'];

/**
The TYPE text for a column of `width`: hubble's names, but below its longest one a policy verdict reads
`pv:L3-L4 out` instead of `policy-verdict:L3-L4 EGRESS`.
*/
export function typeTextFor(record: FlowRecord, width: number): string {
	if (width < 27 && record.eventType === eventType.policyVerdict && record.l7Protocol === '') {
		return `pv:${policyMatchTypeText(record.policyMatchType)} ${shortDirectionNames[record.trafficDirection] ?? '?'}`;
	}

	return typeText(record);
}

/** hubble's TYPE column for a record (DNS rows lack the observation source the record does not keep). */
export function typeText(record: FlowRecord): string {
	if (record.l7Protocol !== '' || record.eventType === eventType.l7) {
		return `${record.l7Protocol || 'l7'}-${l7TypeNames[record.l7Type] ?? 'unknown'}`;
	}

	switch (record.eventType) {
		case eventType.trace: {
			return traceObservationPointText(record.eventSubType);
		}

		case eventType.drop: {
			return dropReasonText(record.eventSubType);
		}

		case eventType.policyVerdict: {
			return `policy-verdict:${policyMatchTypeText(record.policyMatchType)} ${directionNames[record.trafficDirection] ?? 'UNKNOWN'}`;
		}

		default: {
			return `type ${record.eventType}`;
		}
	}
}

/** The verdict as text (policy verdicts read ALLOWED / DENIED / AUDITED, as hubble prints them) and its tone. */
export function verdictText(record: FlowRecord): {text: string; tone: VerdictTone} {
	return verdictDisplay(verdictNames[record.verdict] ?? String(record.verdict), record.eventType === eventType.policyVerdict);
}

export function policyLabel(policy: PolicyRecord): string {
	return escapeForTerminal(policy.name);
}

const direction = {ingress: 1, egress: 2} as const;

/**
The POLICIES cell of a flows-pane row. First the side that decided the row: a policy verdict's own
`*_allowed_by`/`*_denied_by` (its TYPE says the direction, so the names stand alone), otherwise the side of
its connection in the row's traffic direction (or a denied side). With `both`, the other side of the
connection follows: `out allow-frontend-egress · in allow-frontend-l7`.
*/
export function policyCellText(record: FlowRecord, attribution: ConnectionAttribution | undefined, form: PolicyForm): string {
	const sides: Array<{label: string; text: string}> = [];
	const sideText = (value: ConnectionAttribution['ingress']) =>
		value ? value.policies.map(policy => policyLabel(policy)).join(',') || (value.isAllowed ? '(unattributed)' : '(default deny)') : undefined;
	const add = (label: string, text: string | undefined) => {
		if (text !== undefined && !sides.some(side => side.label === label)) {
			sides.push({label, text});
		}
	};

	if (record.eventType === eventType.policyVerdict && record.l7Protocol === '') {
		const isIngress = record.trafficDirection === direction.ingress;
		const own = isIngress ? [...record.ingressAllowedBy, ...record.ingressDeniedBy] : [...record.egressAllowedBy, ...record.egressDeniedBy];
		const isDenied = verdictText(record).tone === 'denied';
		add(isIngress ? 'in' : 'out', own.map(policy => policyLabel(policy)).join(',') || (isDenied ? '(default deny)' : '(unattributed)'));
	} else if (attribution) {
		const order =
			record.trafficDirection === direction.ingress
				? (['ingress', 'egress'] as const)
				: record.trafficDirection === direction.egress
					? (['egress', 'ingress'] as const)
					: attribution.egress && !attribution.egress.isAllowed
						? (['egress', 'ingress'] as const)
						: (['ingress', 'egress'] as const);
		for (const side of order) {
			add(side === 'ingress' ? 'in' : 'out', sideText(attribution[side]));
		}
	}

	if (attribution) {
		add('in', sideText(attribution.ingress));
		add('out', sideText(attribution.egress));
	}

	if (sides.length === 0) {
		return '';
	}

	return form === 'deciding' ? sides[0]!.text : sides.map(side => `${side.label} ${side.text}`).join(' · ');
}

/**
The policies of the flow's connection, per side: `in allow-frontend-l7 · out allow-frontend-egress`;
a denied side without policies reads `(default deny)`.
*/
export function attributionText(attribution: ConnectionAttribution | undefined): string {
	if (!attribution) {
		return '';
	}

	const side = (label: string, value: ConnectionAttribution['ingress']) => {
		if (!value) {
			return undefined;
		}

		const names = value.policies.map(policy => policyLabel(policy)).join(',');
		return `${label} ${names || (value.isAllowed ? '(unattributed)' : '(default deny)')}`;
	};

	return [side('in', attribution.ingress), side('out', attribution.egress)].filter(Boolean).join(' · ');
}

/** L7 details or the drop reason: `GET http://backend/get 403`, `DNS backend.shop.svc.`, `Policy denied`. */
export function summaryText(record: FlowRecord): string {
	if (record.httpMethod !== '' || record.httpUrl !== '') {
		return escapeForTerminal(`${record.httpMethod} ${record.httpUrl}`.trim()) + (record.httpCode === 0 ? '' : ` ${record.httpCode}`);
	}

	if (record.dnsQuery !== '') {
		return `DNS ${escapeForTerminal(record.dnsQuery)}`;
	}

	if (record.verdict === 2) {
		return dropReasonText(record.dropReason);
	}

	return '';
}

/** HH:MM:SS (or with milliseconds) in UTC, like hubble's StampMilli without the date. */
export function timeText(record: FlowRecord, withMilliseconds: boolean): string {
	const date = new Date(record.timeSeconds * 1000);
	const clock = date.toISOString().slice(11, 19);
	return withMilliseconds ? `${clock}.${String(Math.floor(record.timeNanos / 1_000_000)).padStart(3, '0')}` : clock;
}

/** Sparkline of counts with the eight block heights. */
export function sparkline(values: readonly number[]): string {
	const blocks = '▁▂▃▄▅▆▇█';
	const maximum = Math.max(0, ...values);
	return values.map(value => (value === 0 ? ' ' : blocks[Math.min(7, Math.floor((value / maximum) * 7.999))])).join('');
}

/** 12,345 */
export function count(value: number): string {
	return value.toLocaleString('en-US');
}

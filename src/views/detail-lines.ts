/**
The drill-down of one flow as lines of text: both endpoints, the verdict and why, the four policy lists
hubble attaches (name, namespace, kind, revision; labels when a rule has no name), the connection's
attribution from the store's join, L7 details, and on demand the full flow JSON. Remote strings are
escaped here.
*/
import type {Endpoint, Flow, Policy} from '../flow/flow.js';
import {policyMatchTypeText} from '../flow/event-type.js';
import type {FlowRecord} from '../flow/flow-record.js';
import {reservedIdentityName} from '../flow/reserved-identity.js';
import {escapeForTerminal} from '../flow/terminal-safe.js';
import type {ConnectionAttribution} from '../store/connection-attribution.js';
import type {VerdictTone} from '../flow/verdict.js';
import {attributionText, typeText, verdictText} from './flow-text.js';

export type FlowDetail = {
	sequence: number;
	record: FlowRecord | undefined;
	/** The full flow, decoded from the raw bytes; undefined once evicted or without raw bytes. */
	flow: Flow | undefined;
	attribution: ConnectionAttribution | undefined;
	/** The flow's JSON, as `hubble observe -o jsonpb` writes it. */
	json: string | undefined;
};

export type DetailLine = {text: string; tone?: VerdictTone | 'heading'};

const safe = (value: unknown) => escapeForTerminal(String(value ?? ''));

export function detailLines(detail: FlowDetail, showJson: boolean): DetailLine[] {
	const {record, flow} = detail;
	if (!record) {
		return [{text: `Flow #${detail.sequence} was evicted from the buffer (--buffer keeps the newest flows).`}];
	}

	if (showJson) {
		const json = detail.json === undefined ? '(no raw bytes kept for this flow)' : JSON.stringify(JSON.parse(detail.json), undefined, 2);
		return [{text: 'FLOW JSON (J: back to the drill-down)', tone: 'heading'}, ...json.split('\n').map(text => ({text: escapeForTerminal(text)}))];
	}

	const verdict = verdictText(record);
	const lines: DetailLine[] = [
		{text: `FLOW #${detail.sequence}  ${safe(flow?.time ?? '')}  node ${safe(record.nodeName)}  uuid ${safe(record.uuid)}`, tone: 'heading'},
		// Policy verdicts read ALLOWED/DENIED; the flow's own verdict follows when it says something else.
		{text: `Verdict: ${verdict.text}${flow?.verdict && flow.verdict !== verdict.text ? ` (${safe(flow.verdict)})` : ''}`, tone: verdict.tone},
	];
	if (flow?.drop_reason_desc !== undefined) {
		lines.push({text: `Drop reason: ${safe(flow.drop_reason_desc)}`, tone: 'denied'});
	}

	lines.push(
		{text: `Type: ${typeText(record)}   event type ${record.eventType}:${record.eventSubType}${flow?.trace_observation_point ? `   observation point ${safe(flow.trace_observation_point)}` : ''}`},
		{
			text: `Traffic direction: ${safe(flow?.traffic_direction ?? 'TRAFFIC_DIRECTION_UNKNOWN')}   policy match: ${policyMatchTypeText(record.policyMatchType)}   is_reply: ${record.isReply === -1 ? 'unknown' : record.isReply === 1 ? 'true' : 'false'}`,
		},
		{text: ''},
		...endpointLines('Source', flow?.source, flow?.IP?.source, portOf(flow, 'source_port'), flow?.source_names),
		...endpointLines('Destination', flow?.destination, flow?.IP?.destination, portOf(flow, 'destination_port'), flow?.destination_names),
		{text: ''},
		...policyLines('Ingress allowed by', flow?.ingress_allowed_by, 'allowed'),
		...policyLines('Egress allowed by', flow?.egress_allowed_by, 'allowed'),
		...policyLines('Ingress denied by', flow?.ingress_denied_by, 'denied'),
		...policyLines('Egress denied by', flow?.egress_denied_by, 'denied'),
		{text: `Connection (policy verdicts joined by protocol and both endpoints): ${attributionText(detail.attribution) || 'no policy verdict seen for it'}`},
	);
	const l7 = flow?.l7;
	if (l7) {
		lines.push({text: ''});
		if (l7.http) {
			lines.push({
				text: `HTTP ${safe(l7.type)}: ${safe(l7.http.method)} ${safe(l7.http.url)} ${l7.http.code ?? ''} ${safe(l7.http.protocol)}  latency ${latency(l7.latency_ns)}`,
			});
			for (const header of l7.http.headers ?? []) {
				lines.push({text: `  ${safe(header.key)}: ${safe(header.value)}`});
			}
		}

		if (l7.dns) {
			lines.push({
				text: `DNS ${safe(l7.type)}: ${safe(l7.dns.query)}  rcode ${l7.dns.rcode ?? 0}  answers ${(l7.dns.ips ?? []).map(ip => safe(ip)).join(', ') || '-'}  ttl ${l7.dns.ttl ?? 0}`,
			});
		}

		if (l7.kafka) {
			lines.push({text: `Kafka: topic ${safe(l7.kafka.topic)} api ${safe(l7.kafka.api_key)} error ${l7.kafka.error_code ?? 0}`});
		}
	}

	if (!flow) {
		lines.push({text: ''}, {text: '(no raw bytes kept for this flow: details are limited to the row)'});
	}

	lines.push({text: ''}, {text: 'J: full flow JSON   c: copy it   Esc: back'});
	return lines;
}

function portOf(flow: Flow | undefined, side: 'source_port' | 'destination_port'): number | undefined {
	const l4 = flow?.l4;
	return (l4?.TCP ?? l4?.UDP ?? l4?.SCTP)?.[side];
}

function endpointLines(title: string, endpoint: Endpoint | undefined, ip: string | undefined, port: number | undefined, names: string[] | undefined): DetailLine[] {
	const address = `${safe(ip ?? '-')}${port === undefined ? '' : `:${port}`}`;
	const workloads = (endpoint?.workloads ?? []).map(workload => `${safe(workload.kind)}/${safe(workload.name)}`).join(', ');
	const identity = endpoint?.identity ?? 0;
	const name = endpoint?.pod_name
		? `${safe(endpoint.namespace ?? '')}/${safe(endpoint.pod_name)}`
		: (reservedIdentityName(identity) ?? (identity === 0 ? '-' : `identity ${identity}`));
	return [
		{text: `${title}: ${name}  ${address}${names?.length ? `  (${names.map(name => safe(name)).join(', ')})` : ''}`, tone: 'heading'},
		{text: `  identity ${endpoint?.identity ?? 0}  cluster ${safe(endpoint?.cluster_name ?? '-')}  workloads ${workloads || '-'}`},
		{text: `  labels ${(endpoint?.labels ?? []).map(label => safe(label)).join(' ') || '-'}`},
	];
}

function policyLines(title: string, policies: Policy[] | undefined, tone: VerdictTone): DetailLine[] {
	if (!policies || policies.length === 0) {
		return [];
	}

	return policies.map(policy => ({
		text: `${title} ${policy.name ? safe(policy.name) : `(labels) ${(policy.labels ?? []).map(label => safe(label)).join(' ')}`}  namespace ${safe(policy.namespace ?? '-')}  kind ${safe(policy.kind ?? '-')}  revision ${safe(policy.revision ?? '-')}`,
		tone,
	}));
}

function latency(nanoseconds: string | undefined): string {
	if (nanoseconds === undefined) {
		return '-';
	}

	return `${(Number(nanoseconds) / 1e6).toFixed(1)} ms`;
}

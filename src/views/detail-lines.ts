/**
The drill-down of one flow as lines of text: both endpoints, the verdict and why, the four policy lists
hubble attaches (name, namespace, kind, revision; labels when a rule has no name), the connection's
attribution from the store's join, L7 details, and on demand the full flow JSON. Remote strings are
escaped here.
*/
import type {Endpoint, Flow, Policy} from '../flow/flow.js';
import {policyMatchTypeText} from '../flow/event-type.js';
import type {FlowRecord} from '../flow/flow-record.js';
import {uuidText} from '../flow/flow-uuid.js';
import {reservedIdentityName} from '../flow/reserved-identity.js';
import {escapeForTerminal} from '../flow/terminal-safe.js';
import type {ConnectionAttribution} from '../store/connection-attribution.js';
import type {VerdictTone} from '../flow/verdict.js';
import {entryAddress, policyAddress} from '../policy/rule-address.js';
import type {DirectionEvaluation, FlowEvaluation} from '../policy/policy-evaluator.js';
import {policyKey, type Direction} from '../policy/policy-model.js';
import {connectionEndpoint, passage} from '../policy/what-if.js';
import {attributionText, typeText, verdictText} from './flow-text.js';

export type FlowDetail = {
	sequence: number;
	record: FlowRecord | undefined;
	/** The full flow, decoded from the raw bytes; undefined once evicted or without raw bytes. */
	flow: Flow | undefined;
	attribution: ConnectionAttribution | undefined;
	/** The flow's JSON, as `hubble observe -o jsonpb` writes it. */
	json: string | undefined;
	/** ztop's evaluation of the flow under --policies (`now`) and the what-if candidate (`after`), when given. */
	evaluation?: {now?: FlowEvaluation; after?: FlowEvaluation};
	/** With several sources, a cluster Hubble did not name: the name of the source the flow came through, marked `*`. */
	sourceCluster?: string;
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
		{text: `FLOW #${detail.sequence}  ${safe(flow?.time ?? '')}  node ${safe(record.nodeName)}  uuid ${safe(uuidText(record))}`, tone: 'heading'},
		...(detail.sourceCluster
			? [{text: `cluster ${safe(detail.sourceCluster)}: Hubble names no cluster for node ${safe(record.nodeName) || '(none)'}; this is the name of the relay the flow came through`}]
			: []),
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
		...policyLines('Ingress allowed by', flow?.ingress_allowed_by, 'allowed', detail.evaluation?.now?.ingress),
		...policyLines('Egress allowed by', flow?.egress_allowed_by, 'allowed', detail.evaluation?.now?.egress),
		...policyLines('Ingress denied by', flow?.ingress_denied_by, 'denied', detail.evaluation?.now?.ingress),
		...policyLines('Egress denied by', flow?.egress_denied_by, 'denied', detail.evaluation?.now?.egress),
		{text: `Connection (policy verdicts joined by protocol and both endpoints): ${attributionText(detail.attribution) || 'no policy verdict seen for it'}`},
		...(detail.evaluation ? evaluationLines(record, detail.evaluation) : []),
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

/** Hubble's policy list of one kind, each followed by the rule of it that ztop found matching, if any. */
function policyLines(title: string, policies: Policy[] | undefined, tone: VerdictTone, evaluation: DirectionEvaluation | undefined): DetailLine[] {
	if (!policies || policies.length === 0) {
		return [];
	}

	return policies.flatMap(policy => [
		{
			text: `${title} ${policy.name ? safe(policy.name) : `(labels) ${(policy.labels ?? []).map(label => safe(label)).join(' ')}`}  namespace ${safe(policy.namespace ?? '-')}  kind ${safe(policy.kind ?? '-')}  revision ${safe(policy.revision ?? '-')}`,
			tone,
		},
		...(evaluation?.matched ?? []).flatMap((origin, index) =>
			origin.policy.name === policy.name && origin.policy.namespace === (policy.namespace ?? '') ? [{text: `    rule ${safe(ruleAt(evaluation!, index))}: ${safe(origin.text)}`}] : [],
		),
	]);
}

/** The address of the evaluation's `index`th matched rule (src/policy/rule-address.ts). */
function ruleAt(evaluation: DirectionEvaluation, index: number): string {
	const origin = evaluation.matched[index]!;
	return evaluation.rules[index] ?? `${policyAddress(origin.policy)} ${entryAddress(origin)}`;
}


const directionTitles: Record<Direction, string> = {egress: 'Egress', ingress: 'Ingress'};
const matchTypeNames = ['none', 'L3-Only', 'L3-L4', 'L4-Only', 'all', 'L3-Proto', 'Proto-Only'];

/**
ztop's own evaluation of the flow, per direction, beside what Hubble said: the deciding policies and rules;
for a default deny, the policies that enforce the direction and the rules that almost matched; for a
policy verdict, whether Hubble agrees; and what the what-if set would change.
*/
function evaluationLines(record: FlowRecord, evaluation: NonNullable<FlowDetail['evaluation']>): DetailLine[] {
	const lines: DetailLine[] = [{text: ''}, {text: `POLICIES: ztop's evaluation${evaluation.now ? ' of --policies' : ' of the what-if set'}`, tone: 'heading'}];
	const main = evaluation.now ?? evaluation.after!;
	for (const direction of ['egress', 'ingress'] as const) {
		const result = main[direction];
		const endpoint = safe(connectionEndpoint(record, direction === 'egress' ? 'source' : 'destination'));
		const peer = safe(connectionEndpoint(record, direction === 'egress' ? 'destination' : 'source'));
		const port = record.destinationPort === 0 ? record.protocol : `${record.destinationPort}/${record.protocol}`;
		lines.push({text: `${directionTitles[direction]} at ${endpoint}: ${verdictSentence(result)}${hubbleAgreement(record, direction, result)}`, tone: toneOf(result)});
		lines.push(...reasonLines(result, direction, endpoint, `${peer} ${port}`, '  '));
		const after = evaluation.now && evaluation.after ? evaluation.after[direction] : undefined;
		if (after) {
			const before = passage(result);
			const then = passage(after);
			const change = before === 'allowed' && then === 'denied' ? ' — BREAKS' : before === 'denied' && then === 'allowed' ? ' — FIXES' : '';
			lines.push({text: `  what-if: ${verdictSentence(after)}${change}`, tone: change === '' ? undefined : change.includes('BREAKS') ? 'denied' : 'allowed'});
			lines.push(...reasonLines(after, direction, endpoint, `${peer} ${port}`, '    '));
		}
	}

	return lines;
}

/** The rules behind a verdict; for a default deny, who enforces the direction and what almost matched. */
export function reasonLines(result: DirectionEvaluation, direction: Direction, endpoint: string, peer: string, indent: string): DetailLine[] {
	const lines: DetailLine[] = [];
	if (result.verdict === 'denied' && result.reason === 'default-deny') {
		const enforcers = result.enforcing.map(item => `${safe(policyKey(item.policy))} (${item.selects === '{}' ? 'selects every pod' : `selects ${safe(item.selects)}`})`);
		lines.push({text: `${indent}${direction} of ${endpoint} is enforced by ${enforcers.join(' and ')}; no rule admits ${peer}`});
		for (const near of result.near.slice(0, 3)) {
			lines.push({text: `${indent}closest: ${safe(`${policyAddress(near.origin.policy)} ${entryAddress(near.origin)}`)} (${safe(near.origin.text)}): ${near.missing === 'port' ? 'the peer fits, the port does not' : 'the port fits, the peer does not'}`});
		}
	} else {
		for (const [index, origin] of result.matched.entries()) {
			lines.push({text: `${indent}${safe(ruleAt(result, index))}: ${safe(origin.text)}`});
		}
	}

	if (result.unknownBecause) {
		lines.push({text: `${indent}unknown: ${safe(result.unknownBecause)}`});
	}

	return lines;
}

export function verdictSentence(result: DirectionEvaluation): string {
	const reasons = {'deny-rule': 'a deny rule', 'default-deny': 'default deny', l7: 'the L7 rules'} as const;
	switch (result.verdict) {
		case 'allowed': {
			const names = result.named.map(name => safe(policyKey(name))).join(', ');
			const by = names || result.by.map(name => safe(policyKey(name))).join(', ') || 'a rule Hubble does not name';
			return `${result.proxy ? 'allowed, through the L7 proxy' : 'allowed'} · ${matchTypeNames[result.matchType]} · by ${by}`;
		}

		case 'denied': {
			const names = result.named.map(name => safe(policyKey(name))).join(', ');
			return `DENIED by ${reasons[result.reason!]}${names ? ` (${names})` : ''}`;
		}

		case 'not-enforced': {
			return 'not enforced (no policy selects it for this direction)';
		}

		case 'not-local': {
			return 'not a pod: no policy of a pod applies';
		}

		case 'reply': {
			return 'a reply: connection tracking lets it through';
		}

		case 'unknown': {
			return 'unknown';
		}
	}
}

export function toneOf(result: DirectionEvaluation): VerdictTone | undefined {
	return result.verdict === 'allowed' || result.verdict === 'not-enforced' ? 'allowed' : result.verdict === 'denied' ? 'denied' : undefined;
}

const trafficDirections: Record<Direction, number> = {ingress: 1, egress: 2};

/** For a policy verdict of this direction: does Hubble's verdict and naming agree with ztop's? */
function hubbleAgreement(record: FlowRecord, direction: Direction, result: DirectionEvaluation): string {
	if (record.eventType !== 5 || record.trafficDirection !== trafficDirections[direction]) {
		return '';
	}

	const observed = direction === 'ingress' ? [...record.ingressAllowedBy, ...record.ingressDeniedBy] : [...record.egressAllowedBy, ...record.egressDeniedBy];
	const hubbleNames = observed.map(policy => `${policy.namespace}/${policy.name}`).sort().join(',');
	const ztopNames = result.named.map(name => `${name.namespace}/${name.name}`).sort().join(',');
	const hubblePassage = record.verdict === 1 || record.verdict === 5 ? 'allowed' : record.verdict === 2 ? 'denied' : undefined;
	if (hubblePassage === passage(result) && hubbleNames === ztopNames) {
		return '   (Hubble agrees)';
	}

	return `   ≠ Hubble: ${hubblePassage ?? 'other'}${observed.length > 0 ? ` by ${observed.map(policy => safe(policy.name)).join(', ')}` : ''} (a stale policy file, another cluster's policies, or labels Hubble does not show?)`;
}

function latency(nanoseconds: string | undefined): string {
	if (nanoseconds === undefined) {
		return '-';
	}

	return `${(Number(nanoseconds) / 1e6).toFixed(1)} ms`;
}

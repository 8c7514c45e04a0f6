/**
The drill-down of a connection (Enter in the connections view): what Hubble observed on each side with the
policies that decided it, ztop's evaluation of each kind of its flows under --policies (and the what-if),
with the rule behind each verdict, its requests, pods and drop reasons. Every outside string is escaped.
*/
import type {FlowRecord} from '../flow/flow-record.js';
import {formatTimestamp} from '../flow/timestamp.js';
import {escapeForTerminal} from '../flow/terminal-safe.js';
import type {FlowEvaluation} from '../policy/policy-evaluator.js';
import {passage} from '../policy/what-if.js';
import type {Connection, SideOutcomes} from '../store/connection-table.js';
import {reasonLines, toneOf, verdictSentence, type DetailLine} from './detail-lines.js';
import {count} from './flow-text.js';
import {endpointName, pairName, portName} from './screens/connections-view.js';

export type ConnectionDetail = {
	key: string;
	connection: Connection;
	/** From the ledger, and not seen in this run. */
	isFromLedger: boolean;
	withClusters: boolean;
	/** Each kind of its flows (its samples), evaluated under --policies (`now`) and the what-if (`after`). */
	kinds: Array<{request: string | undefined; flows: number; record: FlowRecord; now?: FlowEvaluation; after?: FlowEvaluation}>;
	/** The filter that shows its flows in the flows pane. */
	filterText: string;
};

const safe = (value: string) => escapeForTerminal(value);
const time = (seconds: number) => formatTimestamp({seconds, nanos: 0});

function sideLine(title: string, side: SideOutcomes): DetailLine {
	const parts = [
		side.allowed > 0 ? `allowed ${count(side.allowed)}` : undefined,
		side.denied > 0 ? `denied ${count(side.denied)}` : undefined,
		side.audited > 0 ? `audited ${count(side.audited)}` : undefined,
		side.l7Denied > 0 ? `L7-denied ${count(side.l7Denied)}` : undefined,
	].filter(Boolean);
	const policies = [...side.policies].map(([name, flows]) => `${safe(name)} (${count(flows)})`).join(', ');
	return {
		text: `${title}${parts.length > 0 ? parts.join(', ') : 'no verdict observed'}${policies ? ` · by ${policies}` : ''}`,
		...(side.denied + side.l7Denied > 0 ? {tone: 'denied' as const} : side.allowed > 0 ? {tone: 'allowed' as const} : {}),
	};
}

export function connectionDetailLines(detail: ConnectionDetail): DetailLine[] {
	const {connection} = detail;
	const client = endpointName(connection.client, detail.withClusters);
	const server = endpointName(connection.server, detail.withClusters);
	const lines: DetailLine[] = [
		{text: `CONNECTION ${pairName(connection, detail.withClusters)} ${portName(connection)}${detail.isFromLedger ? '   (from the ledger; not seen in this run)' : ''}`, tone: 'heading'},
		{text: `Enter: its flows (${safe(detail.filterText)}) · s: suggest a policy for it · Esc: back`},
		{text: `${count(connection.flows)} flows, first seen ${time(connection.firstSeen)}, last seen ${time(connection.lastSeen)}`},
		{text: ''},
		{text: 'OBSERVED (what Hubble reported, counted as the policies pane counts)', tone: 'heading'},
		sideLine(`Egress at ${client}: `, connection.egress),
		sideLine(`Ingress at ${server}: `, connection.ingress),
	];
	if (connection.dropReasons.size > 0) {
		lines.push({text: `Drop reasons: ${[...connection.dropReasons].map(([reason, drops]) => `${safe(reason)} (${count(drops)})`).join(', ')}`, tone: 'denied'});
	}

	const evaluated = detail.kinds.filter(kind => kind.now ?? kind.after);
	if (evaluated.length > 0) {
		lines.push({text: ''}, {text: `RULES: ztop's evaluation${evaluated.some(kind => kind.now) ? ' of --policies' : ' of the what-if set'}, per kind of flow`, tone: 'heading'});
		for (const kind of evaluated) {
			lines.push({text: `${kind.request ? safe(kind.request) : 'the connection'} (${count(kind.flows)} flows)`});
			const main = kind.now ?? kind.after!;
			for (const direction of ['egress', 'ingress'] as const) {
				const endpoint = direction === 'egress' ? client : server;
				const peer = `${direction === 'egress' ? server : client} ${portName(connection)}`;
				const tone = toneOf(main[direction]);
				lines.push({text: `  ${direction === 'egress' ? 'Egress' : 'Ingress'}: ${verdictSentence(main[direction])}`, ...(tone ? {tone} : {})});
				lines.push(...reasonLines(main[direction], direction, endpoint, peer, '    '));
				const after = kind.now && kind.after ? kind.after[direction] : undefined;
				if (after) {
					const before = passage(main[direction]);
					const then = passage(after);
					const change = before === 'allowed' && then === 'denied' ? ' — BREAKS' : before === 'denied' && then === 'allowed' ? ' — FIXES' : '';
					lines.push({text: `    what-if: ${verdictSentence(after)}${change}`, ...(change === '' ? {} : {tone: change.includes('BREAKS') ? ('denied' as const) : ('allowed' as const)})});
				}
			}
		}
	} else {
		lines.push({text: ''}, {text: 'RULES: give --policies PATH|cluster to see the rule behind each verdict'});
	}

	if (connection.requests.size > 0) {
		lines.push({text: ''}, {text: 'REQUESTS', tone: 'heading'});
		for (const [request, requests] of connection.requests) {
			lines.push({text: `  ${safe(request)} (${count(requests)})`});
		}
	}

	lines.push(
		{text: ''},
		{text: 'PODS', tone: 'heading'},
		{text: `  client: ${connection.clientPods.map(pod => safe(pod)).join(', ') || '-'}`},
		{text: `  server: ${connection.serverPods.map(pod => safe(pod)).join(', ') || '-'}`},
	);
	return lines;
}

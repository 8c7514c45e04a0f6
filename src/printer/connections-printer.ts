/**
`-o connections` (a table aligned as hubble's `-o table` is) and `-o connections-json` (one object per
connection): the connections of the input, most recently seen first, each with its outcomes per side and
the policies that decided them. Every outside string is escaped for the terminal in the table; JSON escapes
control characters by itself.
*/
import {escapeForTerminal} from '../flow/terminal-safe.js';
import {formatTimestamp} from '../flow/timestamp.js';
import type {Change} from '../policy/what-if.js';
import type {JudgedSample} from '../store/connection-judging.js';
import type {Connection, ConnectionEndpoint, SideOutcomes} from '../store/connection-table.js';
import type {CountList} from '../store/count-list.js';
import {formatTable} from './table-layout.js';
import {directionJson} from './what-if-printer.js';

const time = (seconds: number) => formatTimestamp({seconds, nanos: 0});

/** `allowed 3, denied 1` (only the counts that are not zero), or `-` when the side decided nothing. */
function outcomeText(side: SideOutcomes): string {
	const parts = [
		side.allowed > 0 ? `allowed ${side.allowed}` : undefined,
		side.denied > 0 ? `denied ${side.denied}` : undefined,
		side.audited > 0 ? `audited ${side.audited}` : undefined,
		side.l7Denied > 0 ? `L7-denied ${side.l7Denied}` : undefined,
	].filter(Boolean);
	return parts.length > 0 ? parts.join(', ') : '-';
}

function policiesText(connection: Connection): string {
	const names = new Set([...connection.egress.policies.keys(), ...connection.ingress.policies.keys()]);
	return names.size > 0 ? [...names].map(name => escapeForTerminal(name)).join(', ') : '-';
}

export function formatConnectionsTable(connections: readonly Connection[], evicted = 0): string {
	const header = ['CLIENT', 'SERVER', 'PORT', 'FLOWS', 'EGRESS', 'INGRESS', 'LAST SEEN', 'POLICIES'];
	const rows = connections.map(connection => [
		escapeForTerminal(connection.client.text),
		escapeForTerminal(connection.server.text),
		connection.port > 0 ? `${connection.port}/${connection.protocol}` : connection.protocol || '-',
		String(connection.flows),
		outcomeText(connection.egress),
		outcomeText(connection.ingress),
		time(connection.lastSeen),
		policiesText(connection),
	]);
	const body = rows.length > 0 ? formatTable([header, ...rows]) : 'No connections.\n';
	const flows = connections.reduce((total, connection) => total + connection.flows, 0);
	return `${body}\n${connections.length} connections, ${flows} flows${evicted > 0 ? `; ${evicted} older connections forgotten (over the bound)` : ''}\n`;
}

function endpointJson(endpoint: ConnectionEndpoint): Record<string, unknown> {
	const {text, ...fields} = endpoint;
	return {text, ...fields};
}

function sideJson(side: SideOutcomes): Record<string, unknown> {
	return {allowed: side.allowed, denied: side.denied, audited: side.audited, l7Denied: side.l7Denied, policies: countsJson(side.policies)};
}

/** One line of `-o connections-json`. */
export function connectionJsonLine(connection: Connection): string {
	return (
		JSON.stringify({
			source: endpointJson(connection.client),
			destination: endpointJson(connection.server),
			port: connection.port,
			protocol: connection.protocol,
			flows: connection.flows,
			firstSeen: time(connection.firstSeen),
			lastSeen: time(connection.lastSeen),
			egress: sideJson(connection.egress),
			ingress: sideJson(connection.ingress),
			dropReasons: countsJson(connection.dropReasons),
			requests: countsJson(connection.requests),
			sourcePods: [...connection.clientPods],
			destinationPods: [...connection.serverPods],
			...(connection.icmpType === undefined ? {} : {icmpType: connection.icmpType}),
		}) + '\n'
	);
}

/**
Names as JSON object keys: one a policy, pod or request could spell `__proto__` would otherwise set the
object's prototype instead of a key (and vanish from the output).
*/
function countsJson(counts: CountList): Record<string, number> {
	const object = Object.create(null) as Record<string, number>;
	for (const [key, count] of counts) {
		object[key] = count;
	}

	return object;
}

/**
A line of `-o what-if-json` for a connection of the ledger that no flow of this run touched: judged by its
samples (`ledger: true`), with the verdicts of its connection (its first sample without a request) and of
each kind of request, and the flows each stands for.
*/
export function ledgerWhatIfJsonLine(connection: Connection, change: Change | undefined, judged: readonly JudgedSample[]): string {
	const plain = judged.find(each => each.sample.request === undefined) ?? judged[0];
	return (
		JSON.stringify({
			ledger: true,
			source: endpointJson(connection.client),
			destination: endpointJson(connection.server),
			port: connection.port,
			protocol: connection.protocol,
			flows: connection.flows,
			lastSeen: time(connection.lastSeen),
			change: change ?? null,
			egress: plain ? directionJson(plain.after.egress) : null,
			ingress: plain ? directionJson(plain.after.ingress) : null,
			requests: judged
				.filter(each => each.sample.request !== undefined)
				.map(each => ({request: each.sample.request!.text, flows: each.sample.flows, change: each.change ?? null, egress: directionJson(each.after.egress), ingress: directionJson(each.after.ingress)})),
		}) + '\n'
	);
}

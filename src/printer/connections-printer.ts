/**
`-o connections` (a table aligned as hubble's `-o table` is) and `-o connections-json` (one object per
connection): the connections of the input, most recently seen first, each with its outcomes per side and
the policies that decided them. Every outside string is escaped for the terminal in the table; JSON escapes
control characters by itself.
*/
import {escapeForTerminal} from '../flow/terminal-safe.js';
import {formatTimestamp} from '../flow/timestamp.js';
import type {Connection, ConnectionEndpoint, SideOutcomes} from '../store/connection-table.js';
import {formatTable} from './table-layout.js';

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
	return {allowed: side.allowed, denied: side.denied, audited: side.audited, l7Denied: side.l7Denied, policies: Object.fromEntries(side.policies)};
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
			dropReasons: Object.fromEntries(connection.dropReasons),
			requests: Object.fromEntries(connection.requests),
			sourcePods: [...connection.clientPods],
			destinationPods: [...connection.serverPods],
		}) + '\n'
	);
}

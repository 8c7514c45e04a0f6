import {escapeForTerminal} from '../../flow/terminal-safe.js';
import type {Connection, ConnectionEndpoint, SideOutcomes} from '../../store/connection-table.js';
import type {ConnectionRow, ConnectionsSnapshot} from '../../store/frame.js';
import {count} from '../flow-text.js';
import {fit, line, type Color} from '../terminal-text.js';

const sortNames = {'last-seen': 'last seen', flows: 'flows', denied: 'denied first'} as const;

/** A side's verdict in a word: what the flows Hubble observed on it said. */
export function sideWord(side: SideOutcomes): {text: string; color?: Color} {
	const denied = side.denied + side.l7Denied;
	if (side.allowed > 0 && denied > 0) {
		return {text: `mixed`, color: 'yellow'};
	}

	if (denied > 0) {
		return {text: side.l7Denied > 0 && side.denied === 0 ? 'L7 deny' : 'denied', color: 'red'};
	}

	if (side.allowed > 0) {
		return {text: 'allowed', color: 'green'};
	}

	return side.audited > 0 ? {text: 'audited', color: 'yellow'} : {text: '-'};
}

export function endpointName(endpoint: ConnectionEndpoint, withCluster: boolean): string {
	return escapeForTerminal(withCluster || endpoint.cluster === undefined ? endpoint.text : endpoint.text.slice(`${endpoint.cluster}: `.length));
}

/** `client → server`; with clusters, one cluster named once when both ends are in it. */
export function pairName(connection: Connection, withClusters: boolean): string {
	const {client, server} = connection;
	if (withClusters && client.cluster !== undefined && client.cluster === server.cluster) {
		return `${escapeForTerminal(client.cluster)}: ${endpointName(client, false)} → ${endpointName(server, false)}`;
	}

	return `${endpointName(client, withClusters)} → ${endpointName(server, withClusters)}`;
}

export function portName(connection: Connection): string {
	if (connection.port > 0) {
		return `${connection.port}/${connection.protocol}`;
	}

	return connection.icmpType === undefined ? connection.protocol || '-' : `${connection.protocol}:${connection.icmpType}`;
}

/** The policies that decided it, both sides, most flows first. */
export function deciders(connection: Connection): string {
	const byName = new Map<string, number>();
	for (const side of [connection.egress, connection.ingress]) {
		for (const [name, flows] of side.policies) {
			byName.set(name, (byName.get(name) ?? 0) + flows);
		}
	}

	return [...byName].sort((a, b) => b[1] - a[1]).map(([name]) => escapeForTerminal(name)).join(', ') || '-';
}

/** How long ago it was last seen, in at most four characters: `12s`, `4m`, `3h`, `16d`. */
export function seenAgo(lastSeen: number, now: number): string {
	const seconds = Math.max(0, Math.floor(now / 1000 - lastSeen));
	return seconds < 60 ? `${seconds}s` : seconds < 3600 ? `${Math.floor(seconds / 60)}m` : seconds < 86_400 ? `${Math.floor(seconds / 3600)}h` : `${Math.floor(seconds / 86_400)}d`;
}

/**
The connections view (n): one row per connection (client → server port), its verdict per side, the flows,
how long ago it was last seen, and the policies that decided it; with a what-if, what it would do. Rows
from the ledger that this run has not seen are marked `L`.
*/
export function connectionsViewLines({
	connections,
	columns,
	rows,
	cursor,
	now,
	color,
}: {
	connections: ConnectionsSnapshot | undefined;
	columns: number;
	rows: number;
	cursor: number;
	now: number;
	color: boolean;
}): string[] {
	const lines: string[] = [];
	if (!connections) {
		return Array.from({length: rows}, (_, index) => line(index === 0 ? 'CONNECTIONS (n)' : '', columns));
	}

	const legend = connections.hasWhatIf ? ' ! breaks + fixes (what-if)' : '';
	const forgotten = connections.evicted > 0 ? `, ${count(connections.evicted)} older forgotten (--max-connections)` : '';
	lines.push(
		line(
			`CONNECTIONS — ${count(connections.total)} of ${count(connections.tableSize)}${forgotten}, by ${sortNames[connections.sort]}${legend}`,
			columns,
			{bold: true},
		),
	);
	// Narrow terminals give the endpoints the room: the policies column comes at 100 columns and up, and a
	// what-if's change is one character (! breaks, + fixes) before the endpoints, its colour saying the rest.
	const change = connections.hasWhatIf ? 1 : 0;
	const widths = {port: 9, side: 8, flows: 7, seen: 5};
	const gaps = (change > 0 ? 6 : 5) + (columns >= 100 ? 1 : 0);
	const fixed = widths.port + 2 * widths.side + widths.flows + widths.seen + change + gaps;
	const rest = Math.max(16, columns - fixed);
	const endpoints = columns >= 100 ? Math.max(16, Math.floor(rest * 0.6)) : rest;
	const policies = columns >= 100 ? Math.max(0, rest - endpoints) : 0;
	const header = [
		...(change > 0 ? [' '] : []),
		fit('CLIENT → SERVER', endpoints),
		fit('PORT', widths.port),
		fit('EGRESS', widths.side),
		fit('INGRESS', widths.side),
		'FLOWS'.padStart(widths.flows - 1) + ' ',
		fit('SEEN', widths.seen),
		...(policies > 0 ? [fit('POLICIES', policies)] : []),
	].join(' ');
	lines.push(line(header, columns, color ? {color: 'cyan'} : undefined));
	if (connections.total === 0) {
		lines.push(line(connections.tableSize === 0 ? 'No connections yet.' : 'No connection matches the filter.', columns));
	}

	for (const [offset, row] of connections.rows.entries()) {
		lines.push(rowLine(row, connections, {change, endpoints, policies, ...widths}, columns, connections.firstRow + offset === cursor, now, color));
	}

	return Array.from({length: rows}, (_, index) => lines[index] ?? line('', columns));
}

function rowLine(
	row: ConnectionRow,
	connections: ConnectionsSnapshot,
	widths: {change: number; endpoints: number; policies: number; port: number; side: number; flows: number; seen: number},
	columns: number,
	isSelected: boolean,
	now: number,
	color: boolean,
): string {
	const {connection} = row;
	const egress = sideWord(connection.egress);
	const ingress = sideWord(connection.ingress);
	const ledger = row.isFromLedger ? 'L ' : '';
	const text = [
		...(widths.change > 0 ? [row.change === 'breaks' ? '!' : row.change === 'fixes' ? '+' : ' '] : []),
		fit(`${ledger}${pairName(connection, connections.withClusters)}`, widths.endpoints),
		fit(portName(connection), widths.port),
		fit(egress.text, widths.side),
		fit(ingress.text, widths.side),
		count(connection.flows).padStart(widths.flows - 1) + ' ',
		fit(seenAgo(connection.lastSeen, now), widths.seen),
		...(widths.policies > 0 ? [fit(deciders(connection), widths.policies)] : []),
	].join(' ');
	const tone: Color | undefined = row.change === 'breaks' ? 'red' : row.change === 'fixes' ? 'green' : egress.color === 'red' || ingress.color === 'red' ? 'red' : undefined;
	return line(text, columns, {inverse: isSelected, ...(color && tone ? {color: tone} : {})});
}

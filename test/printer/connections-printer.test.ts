/** -o connections: hostile names reach the terminal escaped; the JSON keeps them as JSON escapes them. */
import {expect, test} from 'vitest';
import {connectionJsonLine, formatConnectionsTable} from '../../src/printer/connections-printer.js';
import type {Connection} from '../../src/store/connection-table.js';
import {CountList} from '../../src/store/count-list.js';

const hostile = 'evil\u001B]0;owned\u0007\u001B[2J';
const connection: Connection = {
	client: {text: `shop/${hostile}`, namespace: 'shop', name: hostile},
	server: {text: 'world example.com', reserved: 'world', address: 'example.com'},
	port: 443,
	protocol: 'TCP',
	flows: 2,
	firstSeen: 1_764_000_000,
	lastSeen: 1_764_000_010,
	egress: {allowed: 0, denied: 2, audited: 0, l7Denied: 0, policies: new CountList([[`shop/${hostile}`, 2]])},
	ingress: {allowed: 0, denied: 0, audited: 0, l7Denied: 0, policies: new CountList()},
	dropReasons: new CountList([['POLICY_DENIED', 2]]),
	requests: new CountList(),
	clientPods: [`shop/${hostile}-x`],
	serverPods: [],
	samples: [],
	unsampledFlows: 0,
};

test('the table escapes every name; the JSON line holds them JSON-escaped, one line', () => {
	const table = formatConnectionsTable([connection]);
	expect(table).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
	expect(table).toMatch(/denied 2/);
	expect(table).toContain('2 flows');
	const line = connectionJsonLine(connection);
	expect(line.split('\n')).toHaveLength(2);
	expect(line).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
	const parsed = JSON.parse(line) as {source: {name: string}; egress: {denied: number; policies: Record<string, number>}; lastSeen: string};
	expect(parsed.source.name).toBe(hostile);
	expect(parsed.egress).toMatchObject({denied: 2});
	expect(parsed.lastSeen).toBe('2025-11-24T16:00:10Z');
});

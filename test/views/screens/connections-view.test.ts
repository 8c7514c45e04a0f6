/**
The connections view and a connection's drill-down as pure functions of a frame: hostile names reach the
screen only escaped, every line is the terminal's width, verdicts read per side, and the ledger's rows and
a what-if's changes are marked.
*/
import {expect, test} from 'vitest';
import {newConnection, type ConnectionEndpoint} from '../../../src/store/connection-table.js';
import {CountList} from '../../../src/store/count-list.js';
import {connectionRowKey, type ConnectionsSnapshot} from '../../../src/store/frame.js';
import {connectionDetailLines} from '../../../src/views/connection-detail-lines.js';
import {connectionsViewLines, seenAgo, sideWord} from '../../../src/views/screens/connections-view.js';
import {displayWidth} from '../../../src/views/terminal-text.js';

const hostile = 'evil\u001B]0;owned\u0007\u001B[2J\u202E';
const client: ConnectionEndpoint = {text: `shop/${hostile}`, namespace: 'shop', name: hostile};
const server: ConnectionEndpoint = {text: 'world example.com', reserved: 'world', address: 'example.com'};
const now = Date.parse('2026-12-07T10:00:00Z');
const connection = newConnection(client, server, 443, 'TCP', now / 1000 - 3 * 86_400);
connection.flows = 12;
connection.egress.denied = 12;
connection.egress.policies.add(`shop/${hostile}`, 12);
connection.requests = new CountList([[`GET /${hostile}`, 3]]);
connection.clientPods = [`shop/${hostile}-x`];

const snapshot: ConnectionsSnapshot = {
	rows: [{key: connectionRowKey(connection), connection, change: 'fixes', isFromLedger: true}],
	total: 1,
	firstRow: 0,
	sort: 'last-seen',
	tableSize: 1,
	evicted: 7,
	withClusters: false,
	hasWhatIf: true,
};

const visible = (lines: readonly string[]) => lines.map(line => line.replaceAll(/\u001B\[[\d;]*m/g, ''));

test('a row: what-if mark, ledger mark, verdict per side, age; hostile text escaped; every line as wide as the terminal', () => {
	for (const columns of [80, 120]) {
		const lines = connectionsViewLines({connections: snapshot, columns, rows: 10, cursor: 0, now, color: true});
		expect(lines).toHaveLength(10);
		const text = visible(lines);
		expect(text.every(line => displayWidth(line) === columns)).toBe(true);
		expect(text.join('\n')).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F\u202E]/);
		expect(text[0]).toContain('7 older forgotten (--max-connections)');
		expect(text[2]).toMatch(/^\+ L shop\/evil\^\[\]0;owned\^G\^\[\[2J/);
		expect(text[2]).toMatch(/443\/TCP +denied +- +12 +3d/);
		expect(text.join('\n').includes('POLICIES')).toBe(columns >= 100);
	}
});

test('a side in a word, an age in at most four characters', () => {
	expect(sideWord({allowed: 3, denied: 0, audited: 0, l7Denied: 0, policies: connection.egress.policies}).text).toBe('allowed');
	expect(sideWord({allowed: 3, denied: 1, audited: 0, l7Denied: 0, policies: connection.egress.policies}).text).toBe('mixed');
	expect(sideWord({allowed: 0, denied: 0, audited: 0, l7Denied: 2, policies: connection.egress.policies}).text).toBe('L7 deny');
	expect([5, 125, 7300, 400_000].map(seconds => seenAgo(now / 1000 - seconds, now))).toEqual(['5s', '2m', '2h', '4d']);
});

test('the drill-down escapes every outside string and says it is the ledger\'s', () => {
	const lines = connectionDetailLines({key: snapshot.rows[0]!.key, connection, isFromLedger: true, withClusters: false, kinds: [], filterText: '--from-pod shop/x'});
	const text = lines.map(line => line.text).join('\n');
	expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F\u202E]/);
	expect(text).toContain('(from the ledger; not seen in this run)');
	expect(text).toContain('Egress at shop/evil^[]0;owned^G^[[2J');
	expect(text).toContain('denied 12');
	expect(text).toContain('RULES: give --policies PATH|cluster');
});

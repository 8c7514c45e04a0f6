/** -o mermaid and -o dot: one edge per client and server with its ports, denied marked, and no name can break out of its label. */
import {expect, test} from 'vitest';
import {formatDot, formatMermaid} from '../../src/printer/connection-graph-printer.js';
import {newConnection, type Connection, type ConnectionEndpoint} from '../../src/store/connection-table.js';

const frontend: ConnectionEndpoint = {text: 'shop/frontend', namespace: 'shop', name: 'frontend'};
const backend: ConnectionEndpoint = {text: 'shop/backend', namespace: 'shop', name: 'backend'};
const hostile: ConnectionEndpoint = {text: 'world ev"il]\u001B[2J#x\\"]', reserved: 'world'};

function connection(client: ConnectionEndpoint, server: ConnectionEndpoint, port: number, denied = 0): Connection {
	const each = newConnection(client, server, port, 'TCP', 1_764_000_000);
	each.flows = 1;
	each.egress.denied = denied;
	return each;
}

const connections = [connection(frontend, backend, 80), connection(frontend, backend, 8080, 2), connection(frontend, hostile, 443, 1)];

test('mermaid: nodes once, ports on one edge, an edge denied on every port dashed', () => {
	const text = formatMermaid(connections);
	expect(text.split('\n')[0]).toBe('flowchart LR');
	expect(text).toContain('n1["shop/frontend"]');
	expect(text).toMatch(/n1 -->\|"80\/TCP, 8080\/TCP denied"\| n0/);
	expect(text).toMatch(/n1 -\.->\|"443\/TCP denied"\| n2/);
	// The hostile name: no raw escape, no quote that ends the label early.
	expect(text).not.toMatch(/\u001B/);
	expect(text).toContain('n2["world ev#quot;il]^[[2J#35;x\\#quot;]"]');
});

test('dot: quoted names with their quotes and backslashes escaped, denied edges dashed and red', () => {
	const text = formatDot(connections);
	expect(text).toMatch(/^digraph connections \{\n {2}rankdir=LR;/);
	expect(text).toContain('"shop/frontend" -> "shop/backend" [label="80/TCP, 8080/TCP denied"];');
	expect(text).toContain(String.raw`"shop/frontend" -> "world ev\"il]^[[2J#x\\\"]" [label="443/TCP denied", style=dashed, color=red];`);
	expect(text).not.toMatch(/\u001B/);
	expect(text.trimEnd().endsWith('}')).toBe(true);
});

/**
`-o mermaid` and `-o dot`: the connections as a graph to paste into a pull request (GitHub renders Mermaid
in Markdown) or a design document (Graphviz). Workloads, reserved identities and world peers are nodes;
each client → server pair is one edge labelled with its ports; a port where flows were denied is marked,
and an edge all of whose ports were denied is drawn dashed (red in DOT). Names are escaped for the
terminal first, then for the graph language's quoting, so nothing in them can break out of a label.
*/
import {escapeForTerminal} from '../flow/terminal-safe.js';
import type {Connection} from '../store/connection-table.js';

type Edge = {client: string; server: string; ports: Array<{text: string; isDenied: boolean}>};

function portText(connection: Connection): string {
	if (connection.port > 0) {
		return `${connection.port}/${connection.protocol}`;
	}

	return connection.icmpType === undefined ? connection.protocol || 'any' : `${connection.protocol} type ${connection.icmpType}`;
}

const isDenied = (connection: Connection) => connection.egress.denied + connection.ingress.denied + connection.egress.l7Denied + connection.ingress.l7Denied > 0;

/** The edges and nodes, in a stable order (nodes and edges by name), whatever order the connections came in. */
function graphOf(connections: readonly Connection[]): {nodes: string[]; edges: Edge[]} {
	const edges = new Map<string, Edge>();
	const nodes = new Set<string>();
	for (const connection of connections) {
		const client = escapeForTerminal(connection.client.text);
		const server = escapeForTerminal(connection.server.text);
		nodes.add(client).add(server);
		const key = `${client}\u0000${server}`;
		let edge = edges.get(key);
		if (!edge) {
			edge = {client, server, ports: []};
			edges.set(key, edge);
		}

		edge.ports.push({text: portText(connection), isDenied: isDenied(connection)});
	}

	const byText = (a: string, b: string) => a.localeCompare(b);
	for (const edge of edges.values()) {
		edge.ports.sort((a, b) => byText(a.text, b.text));
	}

	return {nodes: [...nodes].sort(byText), edges: [...edges.values()].sort((a, b) => byText(a.client, b.client) || byText(a.server, b.server))};
}

const edgeLabel = (edge: Edge) => edge.ports.map(port => (port.isDenied ? `${port.text} denied` : port.text)).join(', ');
const isAllDenied = (edge: Edge) => edge.ports.every(port => port.isDenied);

/** Mermaid's quoted label: `"` and `#` become entity codes, the only characters that end or escape it. */
const mermaidText = (text: string) => `"${text.replaceAll('#', '#35;').replaceAll('"', '#quot;')}"`;

export function formatMermaid(connections: readonly Connection[]): string {
	const {nodes, edges} = graphOf(connections);
	const ids = new Map(nodes.map((node, index) => [node, `n${index}`]));
	const lines = ['flowchart LR'];
	for (const node of nodes) {
		lines.push(`  ${ids.get(node)!}[${mermaidText(node)}]`);
	}

	for (const edge of edges) {
		lines.push(`  ${ids.get(edge.client)!} ${isAllDenied(edge) ? '-.->' : '-->'}|${mermaidText(edgeLabel(edge))}| ${ids.get(edge.server)!}`);
	}

	return `${lines.join('\n')}\n`;
}

/** A DOT quoted string: backslashes and quotes escaped (control characters are already visible). */
const dotText = (text: string) => `"${text.replaceAll('\\', '\\\\').replaceAll('"', String.raw`\"`)}"`;

export function formatDot(connections: readonly Connection[]): string {
	const {nodes, edges} = graphOf(connections);
	const lines = ['digraph connections {', '  rankdir=LR;', '  node [shape=box];'];
	for (const node of nodes) {
		lines.push(`  ${dotText(node)};`);
	}

	for (const edge of edges) {
		const style = isAllDenied(edge) ? ', style=dashed, color=red' : '';
		lines.push(`  ${dotText(edge.client)} -> ${dotText(edge.server)} [label=${dotText(edgeLabel(edge))}${style}];`);
	}

	lines.push('}');
	return `${lines.join('\n')}\n`;
}

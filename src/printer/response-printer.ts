/**
Prints GetFlowsResponses as `hubble observe` does (hubble/pkg/printer/printer.go, CLI 1.17.0): compact,
dict, table and jsonpb. Flows and lost events go to stdout; node status goes to stderr, and only
NODE_ERROR and NODE_UNAVAILABLE unless debug is on.
*/
import type {GetFlowsResponse, LostEvent, NodeStatusEvent} from '../flow/flow.js';
import {formatStampMilli} from '../flow/timestamp.js';
import {escapeForTerminal} from '../flow/terminal-safe.js';
import {colorsOff, type Colors} from './colors.js';
import {coloredVerdict, flowTypeText, hostNames, identityText, summaryText} from './flow-columns.js';
import {formatTable} from './table-layout.js';

export type OutputFormat = 'compact' | 'dict' | 'table' | 'jsonpb';

export type PrinterOptions = {
	format: OutputFormat;
	colors: Colors;
	/** `--print-node-name` */
	showNodeName: boolean;
	/** `--ip-translation` (false with `--numeric`) */
	ipTranslation: boolean;
	/** `--debug`: also print informational node status events. */
	debug: boolean;
};

export type OutputSink = {
	stdout(text: string): void;
	stderr(text: string): void;
};

const dictSeparator = '------------';

// Node lists in node status lines are cut off after about this many characters (nodeNamesCutOff).
const nodeNamesCutOff = 50;

export class ResponsePrinter {
	private line = 0;
	private readonly tableRows: string[][] = [];

	constructor(
		private readonly options: PrinterOptions,
		private readonly sink: OutputSink,
	) {}

	write(response: GetFlowsResponse): void {
		if (response.flow) {
			this.writeFlow(response);
		} else if (response.lost_events) {
			this.writeLostEvent(response, response.lost_events);
		} else if (response.node_status) {
			this.writeNodeStatus(response, response.node_status);
		}
	}

	/** Flushes what is buffered: the table output is laid out once all rows are known, as Go's tabwriter does. */
	close(): void {
		if (this.options.format === 'table' && this.tableRows.length > 0) {
			this.sink.stdout(formatTable(this.tableRows));
			this.tableRows.length = 0;
		}
	}

	private writeFlow(response: GetFlowsResponse): void {
		const flow = response.flow!;
		const {format, showNodeName, ipTranslation} = this.options;
		// The tabwriter cannot measure coloured text, so hubble never colours a table.
		const colors = format === 'table' ? colorsOff : this.options.colors;
		const time = formatStampMilli(flow.time);
		const nodeName = escapeForTerminal(flow.node_name ?? '');
		switch (format) {
			case 'jsonpb': {
				this.sink.stdout(JSON.stringify(response) + '\n');
				break;
			}

			case 'compact': {
				let [source, destination] = hostNames(flow, colors, {ipTranslation});
				let sourceIdentity = identityText(flow.source, colors);
				let destinationIdentity = identityText(flow.destination, colors);
				let arrow = '->';
				if (flow.is_reply === undefined) {
					arrow = '<>';
				} else if (flow.is_reply) {
					// Replies are printed client first, with the arrow flipped.
					[source, destination] = [destination, source];
					[sourceIdentity, destinationIdentity] = [destinationIdentity, sourceIdentity];
					arrow = '<-';
				}

				const node = showNodeName ? ` [${nodeName}]` : '';
				const type = flowTypeText(flow);
				const verdict = coloredVerdict(flow, colors);
				this.sink.stdout(
					`${time}${node}: ${source} ${sourceIdentity} ${arrow} ${destination} ${destinationIdentity} ${type} ${verdict} (${summaryText(flow, colors)})\n`,
				);
				break;
			}

			case 'dict': {
				const [source, destination] = hostNames(flow, colors, {ipTranslation});
				const lines = [
					this.line === 0 ? undefined : dictSeparator,
					`  TIMESTAMP: ${time}`,
					showNodeName ? `       NODE: ${nodeName}` : undefined,
					`     SOURCE: ${source}`,
					`DESTINATION: ${destination}`,
					`       TYPE: ${flowTypeText(flow)}`,
					`    VERDICT: ${coloredVerdict(flow, colors)}`,
					// Dict prints the bare Summary, without the Auth suffix (WriteProtoFlow).
					`    SUMMARY: ${escapeForTerminal(flow.Summary ?? '')}`,
				];
				this.sink.stdout(lines.filter(line => line !== undefined).join('\n') + '\n');
				break;
			}

			case 'table': {
				const [source, destination] = hostNames(flow, colors, {ipTranslation});
				this.addTableRow([
					time,
					...(showNodeName ? [nodeName] : []),
					source,
					destination,
					flowTypeText(flow),
					coloredVerdict(flow, colors),
					summaryText(flow, colors),
				]);
				break;
			}
		}

		this.line++;
	}

	private writeLostEvent(response: GetFlowsResponse, lost: LostEvent): void {
		const source = String(lost.source ?? 'UNKNOWN_LOST_EVENT_SOURCE');
		const cpu = lost.cpu ?? 0;
		const count = lost.num_events_lost ?? '0';
		switch (this.options.format) {
			case 'jsonpb': {
				this.sink.stdout(JSON.stringify(response) + '\n');
				break;
			}

			case 'compact': {
				this.sink.stdout(`EVENTS LOST: ${source} CPU(${cpu}) ${count}\n`);
				break;
			}

			case 'dict': {
				const lines = [
					this.line === 0 ? undefined : dictSeparator,
					'  TIMESTAMP: ',
					this.options.showNodeName ? '       NODE: ' : undefined,
					`     SOURCE: ${source}`,
					'       TYPE: EVENTS LOST',
					'    VERDICT: ',
					`    SUMMARY: CPU(${cpu}) - ${count}`,
				];
				this.sink.stdout(lines.filter(line => line !== undefined).join('\n') + '\n');
				break;
			}

			case 'table': {
				this.addTableRow(['', ...(this.options.showNodeName ? [''] : []), source, '', 'EVENTS LOST', '', `CPU(${cpu}) - ${count}`]);
				break;
			}
		}

		this.line++;
	}

	private writeNodeStatus(response: GetFlowsResponse, status: NodeStatusEvent): void {
		const state = String(status.state_change ?? 'UNKNOWN_NODE_STATE');
		if (!this.options.debug && state !== 'NODE_ERROR' && state !== 'NODE_UNAVAILABLE') {
			return;
		}

		const names = (status.node_names ?? []).map(name => escapeForTerminal(name));
		const nodeList = joinWithCutOff(names, ', ', nodeNamesCutOff);
		const time = formatStampMilli(response.time);
		switch (this.options.format) {
			case 'jsonpb': {
				this.sink.stderr(JSON.stringify(response) + '\n');
				break;
			}

			case 'dict': {
				if (this.line === 0) {
					this.line++;
				} else {
					this.sink.stdout(dictSeparator + '\n');
				}

				const message = status.message ? JSON.stringify(escapeForTerminal(status.message)) : 'N/A';
				this.sink.stderr(`  TIMESTAMP: ${time}\n      STATE: ${state}\n      NODES: ${nodeList}\n    MESSAGE: ${message}\n`);
				break;
			}

			default: {
				const prefix = `${time} [${escapeForTerminal(response.node_name ?? '')}]`;
				const count = names.length;
				const messages: Record<string, string> = {
					NODE_CONNECTED: `${prefix}: Receiving flows from ${count} nodes: ${nodeList}`,
					NODE_UNAVAILABLE: `${prefix}: ${count} nodes are unavailable: ${nodeList}`,
					NODE_GONE: `${prefix}: ${count} nodes removed from cluster: ${nodeList}`,
					NODE_ERROR: `${prefix}: Error ${JSON.stringify(escapeForTerminal(status.message ?? ''))} on ${count} nodes: ${nodeList}`,
				};
				this.sink.stderr((messages[state] ?? `${prefix}: unknown node status event: ${state}`) + '\n');
				break;
			}
		}
	}

	private addTableRow(cells: string[]): void {
		if (this.tableRows.length === 0) {
			this.tableRows.push(['TIMESTAMP', ...(this.options.showNodeName ? ['NODE'] : []), 'SOURCE', 'DESTINATION', 'TYPE', 'VERDICT', 'SUMMARY']);
		}

		this.tableRows.push(cells);
	}
}

/** strings.Join that stops once the text passes `targetLength`, noting how many were left out. */
function joinWithCutOff(items: string[], separator: string, targetLength: number): string {
	let length = 0;
	let end = items.length;
	for (const [index, item] of items.entries()) {
		length += item.length + separator.length;
		if (length > targetLength && index > 0) {
			end = index;
			break;
		}
	}

	const joined = items.slice(0, end).join(separator);
	const omitted = items.length - end;
	return omitted === 0 ? joined : `${joined} (and ${omitted} more)`;
}

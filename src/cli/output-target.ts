/** Where responses go in headless mode: hubble's printer, or the policy tally printed at the end. */
import type {GetFlowsResponse} from '../flow/flow.js';
import type {Colors} from '../printer/colors.js';
import {ResponsePrinter, type OutputFormat} from '../printer/response-printer.js';
import {formatTallyTable} from '../printer/tally-table.js';
import {dropReasonNames} from '../flow/drop-reason.js';
import {RecordLists, toFlowRecord} from '../flow/to-flow-record.js';
import type {PolicySet} from '../policy/policy-evaluator.js';
import type {LoadedPolicy} from '../policy/policy-model.js';
import {suggestPolicies, type HeldFlow, type SuggestKind} from '../policy/suggest.js';
import {escapeForTerminal} from '../flow/terminal-safe.js';
import {ConnectionChanges, observedPassages, passages} from '../policy/what-if.js';
import {formatWhatIfTable, whatIfJsonLine} from '../printer/what-if-printer.js';
import {PolicyTally} from '../store/policy-tally.js';
import {ConnectionAttributions} from '../store/connection-attribution.js';
import {ConnectionTable, withoutCluster} from '../store/connection-table.js';
import {connectionJsonLine, formatConnectionsTable} from '../printer/connections-printer.js';
import type {BufferedSink} from './output-sink.js';

export type HeadlessFormat = OutputFormat | 'tally' | 'tally-json' | 'what-if' | 'what-if-json' | 'connections' | 'connections-json' | 'suggest';

export const outputFormats: Record<string, HeadlessFormat> = {
	compact: 'compact',
	dict: 'dict',
	table: 'table',
	tab: 'table',
	json: 'jsonpb',
	jsonpb: 'jsonpb',
	tally: 'tally',
	'tally-json': 'tally-json',
	'what-if': 'what-if',
	'what-if-json': 'what-if-json',
	connections: 'connections',
	'connections-json': 'connections-json',
};

/**
The policy sets of `-o what-if` and `-o what-if-json`: the candidate, and the baseline it is compared with
(without one, the candidate is compared with what Hubble observed).
*/
export type WhatIfSets = {candidate: PolicySet; baseline?: PolicySet};

/** What `ztop suggest` needs: the policies in force (if known) and the kind of policy to write. */
export type SuggestOptions = {baseline?: LoadedPolicy[]; kind: SuggestKind};

export type OutputTarget = {
	write(response: GetFlowsResponse): void;
	/** Prints what is held back until the end: the table layout, the tallies. */
	finish(): void;
};

export function createOutputTarget(
	format: HeadlessFormat,
	options: {colors: Colors; showNodeName: boolean; ipTranslation: boolean; debug: boolean; whatIf?: WhatIfSets; suggest?: SuggestOptions},
	sink: BufferedSink,
): OutputTarget {
	if (format === 'suggest') {
		return suggestTarget(options.suggest!, sink);
	}

	if (format === 'what-if' || format === 'what-if-json') {
		return whatIfTarget(format, options.whatIf!, sink);
	}

	if (format === 'connections' || format === 'connections-json') {
		return connectionsTarget(format, sink);
	}

	if (format === 'tally' || format === 'tally-json') {
		const tally = new PolicyTally();
		return {
			write: response => tally.add(response),
			finish() {
				const summary = tally.summary();
				sink.stdout(format === 'tally' ? formatTallyTable(summary) : JSON.stringify(summary) + '\n');
			},
		};
	}

	const printer = new ResponsePrinter({format, ...options}, sink);
	return {write: response => printer.write(response), finish: () => printer.close()};
}

/**
The connections of the input, printed when it ends. Aggregated with each endpoint's cluster; where the flows
name one cluster or none, the cluster is left out of what is printed.
*/
function connectionsTarget(format: 'connections' | 'connections-json', sink: BufferedSink): OutputTarget {
	const lists = new RecordLists();
	const attributions = new ConnectionAttributions();
	const table = new ConnectionTable();
	const clusters = new Set<string>();
	return {
		write(response) {
			const record = toFlowRecord(response, lists, dropReasonNames);
			if (record) {
				for (const cluster of [record.sourceClusterName, record.destinationClusterName]) {
					if (cluster !== '') {
						clusters.add(cluster);
					}
				}

				table.add(record, attributions.attribute(record), true);
			}
		},
		finish() {
			const connections = clusters.size > 1 ? table.all() : table.all().map(connection => ({...connection, client: withoutCluster(connection.client), server: withoutCluster(connection.server)}));
			sink.stdout(format === 'connections' ? formatConnectionsTable(connections, table.evicted) : connections.map(connection => connectionJsonLine(connection)).join(''));
		},
	};
}

function whatIfTarget(format: 'what-if' | 'what-if-json', sets: WhatIfSets, sink: BufferedSink): OutputTarget {
	const lists = new RecordLists();
	const changes = new ConnectionChanges();
	return {
		write(response) {
			const record = toFlowRecord(response, lists, dropReasonNames);
			if (!record) {
				return;
			}

			const input = {record, fullFlow: () => response.flow};
			const after = sets.candidate.evaluate(input);
			const before = sets.baseline ? passages(sets.baseline.evaluate(input)) : observedPassages(record);
			const change = changes.add(record, before, after);
			if (format === 'what-if-json') {
				sink.stdout(whatIfJsonLine(record, change, after));
			}
		},
		finish() {
			if (format === 'what-if') {
				sink.stdout(formatWhatIfTable(changes));
			}
		},
	};
}

/** `ztop suggest`: every flow that passes the filters is held; at the end, the YAML for the denied ones. */
function suggestTarget(options: SuggestOptions, sink: BufferedSink): OutputTarget {
	const lists = new RecordLists();
	const held: HeldFlow[] = [];
	return {
		write(response) {
			const record = toFlowRecord(response, lists, dropReasonNames);
			if (record) {
				held.push({record, fullFlow: () => response.flow});
			}
		},
		finish() {
			const result = suggestPolicies({flows: held, held, kind: options.kind, ...(options.baseline ? {baseline: options.baseline} : {})});
			// The YAML is built from validated labels and escaped patterns; every line passes the one escape anyway.
			sink.stdout(result.yaml.split('\n').map(line => escapeForTerminal(line)).join('\n'));
		},
	};
}

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
import {withoutCluster, type Connection} from '../store/connection-table.js';
import {connectionChange, judgeConnection, sampleHeldFlows} from '../store/connection-judging.js';
import {connectionJsonLine, formatConnectionsTable, ledgerWhatIfJsonLine} from '../printer/connections-printer.js';
import {formatDot, formatMermaid} from '../printer/connection-graph-printer.js';
import type {ConnectionRecorder} from './connection-recorder.js';
import {ruleCatalog} from '../policy/rule-catalog.js';
import {formatRulesTable, rulesJsonLines, unusedRules} from '../printer/rules-printer.js';
import {RuleHits} from '../store/rule-hits.js';
import {AdmittedFlows, judgeBulkDeletion, judgeDeletions} from '../store/rule-deletions.js';
import type {BufferedSink} from './output-sink.js';

export type ConnectionFormat = 'connections' | 'connections-json' | 'mermaid' | 'dot';

export type HeadlessFormat = OutputFormat | 'tally' | 'tally-json' | 'what-if' | 'what-if-json' | ConnectionFormat | 'rules' | 'rules-json' | 'suggest';

export const connectionFormats: ReadonlySet<HeadlessFormat> = new Set<HeadlessFormat>(['connections', 'connections-json', 'mermaid', 'dot']);

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
	mermaid: 'mermaid',
	dot: 'dot',
	rules: 'rules',
	'rules-json': 'rules-json',
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
	options: {
		colors: Colors;
		showNodeName: boolean;
		ipTranslation: boolean;
		debug: boolean;
		whatIf?: WhatIfSets;
		suggest?: SuggestOptions;
		/** This run's connections (fed by the caller), with a ledger's: what the connection formats print, what a ledger adds to what-if and suggest. */
		connections?: ConnectionRecorder;
	},
	sink: BufferedSink,
): OutputTarget {
	if (format === 'suggest') {
		return suggestTarget(options.suggest!, sink, options.connections);
	}

	if (format === 'what-if' || format === 'what-if-json') {
		return whatIfTarget(format, options.whatIf!, sink, options.connections);
	}

	if (format === 'rules' || format === 'rules-json') {
		return rulesTarget(format, options.whatIf!, sink, options.connections);
	}

	if (format === 'connections' || format === 'connections-json' || format === 'mermaid' || format === 'dot') {
		return connectionsTarget(format, sink, options.connections!);
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
The connections of the input (and of the ledger), printed when it ends. Aggregated with each endpoint's
cluster; where they name one cluster or none, the cluster is left out of what is printed.
*/
function connectionsTarget(format: ConnectionFormat, sink: BufferedSink, recorder: ConnectionRecorder): OutputTarget {
	return {
		write() {
			// The caller counts every response into the recorder.
		},
		finish() {
			const all = recorder.table.all();
			const clusters = new Set(all.flatMap(connection => [connection.client.cluster, connection.server.cluster]).filter(cluster => cluster !== undefined));
			const connections = clusters.size > 1 ? all : all.map(connection => ({...connection, client: withoutCluster(connection.client), server: withoutCluster(connection.server)}));
			const text = {
				connections: () => formatConnectionsTable(connections, recorder.table.evicted),
				'connections-json': () => connections.map(connection => connectionJsonLine(connection)).join(''),
				mermaid: () => formatMermaid(connections),
				dot: () => formatDot(connections),
			}[format]();
			sink.stdout(text);
		},
	};
}

function whatIfTarget(format: 'what-if' | 'what-if-json', sets: WhatIfSets, sink: BufferedSink, ledger: ConnectionRecorder | undefined): OutputTarget {
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
			// The ledger's connections this run did not see, each once, by its samples.
			for (const connection of ledger?.untouched() ?? []) {
				const judged = judgeConnection(connection, sets, changes);
				if (format === 'what-if-json') {
					sink.stdout(ledgerWhatIfJsonLine(printable(connection), connectionChange(judged), judged));
				}
			}

			if (format === 'what-if') {
				sink.stdout(formatWhatIfTable(changes));
			}
		},
	};
}

/**
`-o rules` and `-o rules-json`: every policy verdict and L7 request of the input evaluated under --policies
(the baseline; with --what-if-*, the set they make), its deciding rules counted; printed when the input ends.
*/
function rulesTarget(format: 'rules' | 'rules-json', sets: WhatIfSets, sink: BufferedSink, ledger: ConnectionRecorder | undefined): OutputTarget {
	const lists = new RecordLists();
	const hits = new RuleHits();
	const admitted = new AdmittedFlows();
	const set = sets.candidate;
	return {
		write(response) {
			const record = toFlowRecord(response, lists, dropReasonNames);
			if (record) {
				const evaluation = set.evaluate({record, fullFlow: () => response.flow});
				hits.count(record, evaluation);
				admitted.add(record, evaluation, () => response.flow);
			}
		},
		finish() {
			// The ledger's connections this run did not see: what deleting a rule would break includes them
			// (their samples stand for their flows; they add no hits, which are counted from flows as they come).
			for (const connection of ledger?.untouched() ?? []) {
				for (const held of sampleHeldFlows(connection)) {
					admitted.add(held.record, set.evaluate(held), () => held.fullFlow?.());
				}
			}

			const catalog = ruleCatalog(set.policies);
			const deletions = judgeDeletions(set.policies, admitted);
			const bulk = judgeBulkDeletion(set.policies, unusedRules(catalog, hits, deletions), admitted);
			sink.stdout(format === 'rules' ? formatRulesTable(catalog, hits, deletions, bulk) : rulesJsonLines(catalog, hits, deletions, bulk));
		},
	};
}

/** A connection as printed: its cluster left out unless flows came from several (what-if names no cluster). */
function printable(connection: Connection): Connection {
	return {...connection, client: withoutCluster(connection.client), server: withoutCluster(connection.server)};
}

/** `ztop suggest`: every flow that passes the filters is held; at the end, the YAML for the denied ones. */
function suggestTarget(options: SuggestOptions, sink: BufferedSink, ledger: ConnectionRecorder | undefined): OutputTarget {
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
			// The ledger's connections this run did not see stand in by their samples.
			for (const connection of ledger?.untouched() ?? []) {
				held.push(...sampleHeldFlows(connection));
			}

			const result = suggestPolicies({flows: held, held, kind: options.kind, ...(options.baseline ? {baseline: options.baseline} : {})});
			// The YAML is built from validated labels and escaped patterns; every line passes the one escape anyway.
			sink.stdout(result.yaml.split('\n').map(line => escapeForTerminal(line)).join('\n'));
		},
	};
}

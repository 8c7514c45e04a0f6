/**
`ztop [filters]`: headless like `hubble observe` — over a capture (`--input-file`), or live from a Hubble
Relay (`--server`, default $HUBBLE_SERVER or localhost:4245), or from the built-in demo relay (`--demo`).
*/
import {createReadStream} from 'node:fs';
import {stat} from 'node:fs/promises';
import type {Readable} from 'node:stream';
import type {FlowFilter} from '../flow/flow.js';
import {formatTimestamp, type Instant} from '../flow/timestamp.js';
import {FilterError} from '../filters/filter-error.js';
import {compileCaptureFilterLists, compileFilterLists} from '../filters/flow-filter-match.js';
import {buildFilterLists, type FilterLists} from '../filters/observe-flags.js';
import {parseTimeBound} from '../filters/time-bound.js';
import {candidatePolicies, WhatIfError} from '../policy/what-if.js';
import {colorsOff, resolveColors, type ColorChoice} from '../printer/colors.js';
import {FlowMerge} from '../stream/flow-merge.js';
import {FlowSubscription} from '../stream/flow-subscription.js';
import {hubbleSchema} from '../stream/hubble-schema.js';
import {readCapture} from '../stream/jsonpb-reader.js';
import {ObserverClient} from '../stream/observer-client.js';
import {ServerStatusPoller, formatServerStatus} from '../stream/server-status-poller.js';
import {ProtoJsonError, readMessage} from '../stream/protojson.js';
import {formatWarning, selectResponses, type CaptureSelection} from './capture-pipeline.js';
import {diagnostic} from './diagnostics.js';
import {openLiveConnection, openSeveralConnections} from './live-connection.js';
import {parseCommandLine} from './parse-flags.js';
import {flagDefinitions, orderedFilterArguments} from './flag-definitions.js';
import {helpText, kubectlPluginHelp} from './help-text.js';
import {isKubectlPlugin} from './invocation.js';
import {BufferedSink} from './output-sink.js';
import {ConnectionRecorder} from './connection-recorder.js';
import {maxConnections, openLedger} from './ledger-flags.js';
import {LedgerKeeper} from './ledger-keeper.js';
import {connectionFormats, createOutputTarget, outputFormats, type OutputTarget, type SuggestOptions, type WhatIfSets} from './output-target.js';
import {policySets, readPolicySources} from './policy-sources.js';
import {runTui, tuiNumbers} from './tui-command.js';
import {RunError, UsageError} from './usage-error.js';

type Flags = Record<string, unknown>;

/** `--input-file -` means stdin; meow would take a lone `-` for a positional argument. */
/**
The TUI opens on a terminal unless an output format is asked for (-o), like k9s next to kubectl: both ends
must be a TTY (keys come from stdin), and a capture read from stdin is always headless.
*/
function wantsTui(argv: string[], inputFile: string | undefined): boolean {
	const hasOutputFlag = argv.some(token => token === '--output' || token.startsWith('--output=') || /^-o/.test(token));
	return !hasOutputFlag && inputFile !== '-' && process.stdout.isTTY === true && process.stdin.isTTY === true;
}

/** The filter flags as typed (for the TUI's header). */
function filterArgumentText(argv: string[]): string {
	return orderedFilterArguments(argv)
		.map(argument => (argument.name === 'not' ? '--not' : `--${argument.name}${'value' in argument && argument.value !== '' ? ` ${argument.value}` : ''}`))
		.join(' ');
}

function joinStdinValue(argv: string[]): string[] {
	return argv.flatMap((token, index) =>
		token === '-' && argv[index - 1] === '--input-file' ? [] : token === '--input-file' && argv[index + 1] === '-' ? ['--input-file=-'] : [token],
	);
}

export async function runObserve(rawArgv: string[], command: 'observe' | 'suggest' = 'observe'): Promise<number> {
	const argv = joinStdinValue(rawArgv);
	const isPlugin = isKubectlPlugin();
	const cli = parseCommandLine(isPlugin ? kubectlPluginHelp(helpText) : helpText, argv, flagDefinitions);
	const flags = cli.flags;
	// As a kubectl plugin, ztop talks to kubectl's current context, as kubectl does: -P unless it is told
	// where else to read.
	if (isPlugin && ((flags['server'] as string[] | undefined) ?? []).length === 0 && flags['inputFile'] === undefined && !flags['demo']) {
		flags['portForward'] = true;
	}

	// --server is repeatable: each relay is a source of its own (several clusters without Cluster Mesh).
	const servers = (flags['server'] as string[] | undefined) ?? [];
	flags['server'] = servers[0];
	flags['servers'] = servers;
	// So is --kube-context: with -P, one port-forward per context (a cluster each).
	const contexts = (flags['kubeContext'] as string[] | undefined) ?? [];
	flags['kubeContext'] = contexts[0];
	flags['kubeContexts'] = contexts;
	const isSeveral = servers.length > 1 || (flags['portForward'] === true && contexts.length > 1);
	const demoScenario = flags['demo'] ? (cli.input[0] ?? 'zero-trust') : undefined;
	const unexpected = flags['demo'] ? cli.input.slice(1) : cli.input;
	if (unexpected.length > 0) {
		throw new UsageError(`unexpected argument ${JSON.stringify(unexpected[0])}; see ztop --help`);
	}

	const lists = filterLists(argv, flags);
	if (flags['printRawFilters']) {
		process.stdout.write(rawFiltersYaml(lists));
		return 0;
	}

	const isSuggest = command === 'suggest';
	checkSuggestKind(flags);
	if (isSuggest) {
		checkSuggestFlags(argv, flags);
	}

	const format = isSuggest ? 'suggest' : outputFormats[String(flags['output'])];
	if (!format) {
		throw new UsageError(`invalid --output value ${JSON.stringify(flags['output'])}: use compact, dict, table, jsonpb, json, tally, tally-json, connections, connections-json, mermaid, dot, what-if, what-if-json, rules or rules-json`);
	}

	const isWhatIf = format === 'what-if' || format === 'what-if-json' || format === 'rules' || format === 'rules-json';
	const hasPolicyFlags = ['policies', 'whatIfApply', 'whatIfDelete'].some(name => ((flags[name] as string[] | undefined) ?? []).length > 0);
	if (isWhatIf && ((flags['policies'] as string[] | undefined) ?? []).length === 0 && ((flags['whatIfApply'] as string[] | undefined) ?? []).length === 0) {
		throw new UsageError(`-o ${String(flags['output'])} evaluates policies: give --policies PATH|cluster (the baseline) and/or --what-if-apply PATH`);
	}

	const colorChoice = String(flags['color']);
	if (!['auto', 'always', 'never'].includes(colorChoice)) {
		throw new UsageError(`invalid --color value ${JSON.stringify(colorChoice)}: use auto, always or never`);
	}

	if (format === 'table' && flags['follow']) {
		throw new UsageError('table output format is not compatible with follow mode');
	}

	const inputFile = flags['inputFile'] as string | undefined;
	if (inputFile !== undefined && (flags['demo'] || flags['server'] !== undefined || flags['portForward'])) {
		throw new UsageError('--input-file reads a capture; it cannot be combined with --server, --port-forward or --demo');
	}

	if (servers.length > 1 && (flags['demo'] || flags['portForward'])) {
		throw new UsageError('several --server go without --demo and -P (each --server is a relay of its own; with -P repeat --kube-context)');
	}

	if (!isSuggest && wantsTui(argv, inputFile)) {
		if (process.env['TERM'] === 'dumb') {
			process.stderr.write(diagnostic('TERM=dumb cannot show the TUI; printing flows instead (-o compact)'));
		} else {
			const numbers = tuiNumbers(flags);
			const capture = inputFile === undefined ? undefined : {path: inputFile, input: await openInput(inputFile), selection: captureSelection(flags, lists)};
			return runTui({
				...numbers,
				flags,
				lists,
				filterArguments: filterArgumentText(argv),
				demoScenario,
				request: isFollowing => flowsRequest({...flags, ...(hasSelector(flags) ? {} : {since: '10m'})}, lists, isFollowing),
				...(capture ? {capture} : {}),
				color: resolveColors(colorChoice as ColorChoice, true, process.env) !== colorsOff,
			});
		}
	}

	if (!isSuggest && flags['suggestKind'] !== undefined) {
		throw new UsageError('--suggest-kind goes with ztop suggest, or with the TUI (its s key)');
	}

	const sink = new BufferedSink(process.stdout, process.stderr);
	const notice = (text: string) => sink.stderr(diagnostic(`policies: ${text}`));
	const suggest = isSuggest ? await suggestOptions(flags, notice) : undefined;
	const whatIf = !isSuggest && (isWhatIf || hasPolicyFlags) ? await whatIfSets(flags, notice) : undefined;
	if (hasPolicyFlags && !isWhatIf && !isSuggest) {
		sink.stderr(diagnostic(`--policies and --what-if-* only change -o what-if, -o what-if-json and the TUI; -o ${String(flags['output'])} prints flows as hubble does`));
	}

	const ledger = openLedger(flags, text => sink.stderr(diagnostic(text)));
	const recorder = ledger || connectionFormats.has(format) ? new ConnectionRecorder(maxConnections(flags)) : undefined;
	const keeper = ledger && recorder ? new LedgerKeeper(ledger, recorder.table, text => sink.stderr(diagnostic(text))) : undefined;
	for (const connection of ledger?.loaded ?? []) {
		recorder!.table.restore(connection);
	}

	try {
		keeper?.start();
		const printer = createOutputTarget(
			format,
			{
				colors: resolveColors(colorChoice as ColorChoice, process.stdout.isTTY === true, process.env),
				showNodeName: flags['printNodeName'] === true,
				ipTranslation: flags['ipTranslation'] !== false && flags['numeric'] !== true,
				debug: flags['debug'] === true,
				...(whatIf ? {whatIf} : {}),
				...(suggest ? {suggest} : {}),
				...(recorder ? {connections: recorder} : {}),
			},
			sink,
		);
		const output: OutputTarget = recorder
			? {
					write(response) {
						recorder.write(response);
						printer.write(response);
					},
					finish: () => printer.finish(),
				}
			: printer;
		if (inputFile !== undefined) {
			await readCaptureFile(inputFile, {...captureSelection(flags, lists), isStopped: () => sink.isClosed}, output, sink);
		} else {
			await (isSeveral ? streamSeveral(flags, servers, contexts, lists, output, sink, !isSuggest) : streamLive(flags, lists, demoScenario, output, sink, !isSuggest));
		}

		output.finish();
	} finally {
		// Whatever ended the run (its end, Ctrl-C, a relay that failed), what was counted is kept.
		keeper?.finish();
	}

	await sink.flush();
	return 0;
}

function checkSuggestFlags(argv: string[], flags: Flags): void {
	if (argv.some(token => token === '--output' || token.startsWith('--output=') || /^-o/.test(token))) {
		throw new UsageError('ztop suggest prints policy YAML; -o does not apply to it');
	}

	if (flags['follow'] === true) {
		throw new UsageError('ztop suggest reads the flows, then prints one suggestion: it cannot --follow; use --last N or --since TIME');
	}
}

function checkSuggestKind(flags: Flags): void {
	const kind = flags['suggestKind'];
	if (kind !== undefined && kind !== 'cnp' && kind !== 'netpol') {
		throw new UsageError(`invalid --suggest-kind value ${JSON.stringify(kind)}: use cnp (CiliumNetworkPolicy, the default) or netpol (NetworkPolicy)`);
	}
}

/**
The policies a suggestion builds on: --policies with any --what-if-* applied (the set being edited). Without
--policies, "denied" is what Hubble observed.
*/
async function suggestOptions(flags: Flags, notice: (text: string) => void): Promise<SuggestOptions> {
	const sources = await readPolicySources(flags, notice);
	const kind = flags['suggestKind'] === 'netpol' ? 'netpol' : 'cnp';
	if (!sources.baseline && !sources.hasWhatIf) {
		return {kind};
	}

	try {
		return {kind, baseline: candidatePolicies(sources.baseline ?? [], sources.apply, sources.deletions)};
	} catch (error) {
		throw error instanceof WhatIfError ? new UsageError(error.message) : error;
	}
}

/** The candidate set (baseline with --what-if-* applied) and the baseline, when --policies gives one. */
async function whatIfSets(flags: Flags, notice: (text: string) => void): Promise<WhatIfSets> {
	const sources = await readPolicySources(flags, notice);
	const {baseline, candidate} = policySets({...sources, hasWhatIf: true});
	return {candidate: candidate!, ...(baseline && sources.hasWhatIf ? {baseline} : {})};
}

async function readCaptureFile(inputFile: string, selection: CaptureSelection, output: OutputTarget, sink: BufferedSink): Promise<void> {
	const input = await openInput(inputFile);
	const sourceName = inputFile === '-' ? 'stdin' : inputFile;
	const responses = readCapture(input, {onWarning: warning => sink.stderr(formatWarning(sourceName, warning))});
	await selectResponses(responses, selection, response => output.write(response));
}

/**
Live flows over gRPC. Like `hubble observe` against a server: the last 20 flows and no follow, unless
--last/--first/--since/--all/--follow say otherwise; filters go to the server as whitelist/blacklist.
`--demo` starts the demo relay in-process on an ephemeral loopback port and follows it.
*/
/** How long a flow from one of several sources waits for flows of the others that are earlier. */
const mergeWindowMilliseconds = 250;

/**
Several relays at once (--server twice or more): one subscription each, with its own reconnects and
resume, merged by FlowMerge (each flow once, in time order within a window). A source that fails is
reported and the others go on; the run then ends with exit 1.
*/
async function streamSeveral(flags: Flags, servers: string[], contexts: string[], lists: FilterLists, output: OutputTarget, sink: BufferedSink, canFollow: boolean): Promise<void> {
	const isFollowing = canFollow && flags['follow'] === true;
	const {sources, cleanUp} = await openSeveralConnections(flags, servers, contexts);
	const request = flowsRequest(flags, lists, isFollowing);
	const merge = new FlowMerge(response => output.write(response), mergeWindowMilliseconds);
	const subscriptions: FlowSubscription[] = [];
	const resolvers: Array<() => void> = [];
	// A stopped subscription says nothing more, so stopping settles every relay's promise here.
	const stopAll = () => {
		for (const each of subscriptions) {
			each.stop();
		}

		for (const each of resolvers) {
			each();
		}
	};

	// Stdout is gone (| head): every relay stops.
	const stopIfClosed = () => {
		if (sink.isClosed) {
			stopAll();
		}
	};

	// Flows leave the merge on this clock, so a closed stdout shows here too, even when no flow arrives.
	const timer = isFollowing
		? setInterval(() => {
				merge.flush(Date.now());
				stopIfClosed();
			}, 50)
		: undefined;
	const clients: ObserverClient[] = [];
	const failures: string[] = [];
	process.once('SIGINT', stopAll);
	process.once('SIGTERM', stopAll);
	try {
		await Promise.all(
			sources.map(
				async ({name: server, connection}) =>
					new Promise<void>(resolve => {
						resolvers.push(resolve);
						const client = new ObserverClient(connection);
						clients.push(client);
						const subscription = new FlowSubscription(client, request, {
							follow: isFollowing,
							onResponse: response => {
								merge.push(response, Date.now());
								stopIfClosed();
							},
							onEvent: event => {
								if (event.kind === 'reconnecting') {
									sink.stderr(diagnostic(`${server}: ${event.reason}; reconnecting in ${(event.delayMilliseconds / 1000).toFixed(1)}s (reconnect ${event.attempt})`));
								} else if (event.kind === 'ended') {
									resolve();
								} else if (event.kind === 'failed') {
									failures.push(server);
									sink.stderr(diagnostic(`${server}: ${event.reason}`));
									resolve();
								}
							},
						});
						subscriptions.push(subscription);
						subscription.start();
					}),
			),
		);
	} finally {
		clearInterval(timer);
		merge.end();
		for (const client of clients) {
			client.close();
		}

		await cleanUp();
	}

	if (failures.length > 0) {
		throw new RunError(`${failures.length} of ${sources.length} relays failed (${failures.join(', ')}); the flows of the others were printed`);
	}
}

async function streamLive(flags: Flags, lists: FilterLists, demoScenario: string | undefined, output: OutputTarget, sink: BufferedSink, canFollow: boolean): Promise<void> {
	const isFollowing = canFollow && (flags['follow'] === true || (demoScenario !== undefined && !hasSelector(flags)));
	const {connection, cleanUp} = await openLiveConnection(flags, demoScenario, text => sink.stderr(diagnostic(text)));
	const request = flowsRequest(flags, lists, isFollowing);
	const client = new ObserverClient(connection);
	// With --debug, a followed stream also reports the server's status every 5 s (the TUI shows it always).
	const poller =
		isFollowing && flags['debug'] === true
			? new ServerStatusPoller(
					client,
					status => sink.stderr(diagnostic(`server status: ${formatServerStatus(status)}`)),
					error => sink.stderr(diagnostic(`server status unavailable: ${error.message}`)),
				)
			: undefined;
	poller?.start();
	try {
		await new Promise<void>((resolve, reject) => {
			const subscription = new FlowSubscription(client, request, {
				follow: isFollowing,
				onResponse: response => {
					output.write(response);
					if (sink.isClosed) {
						subscription.stop();
						resolve();
					}
				},
				onEvent: event => {
					switch (event.kind) {
						case 'connected': {
							if (event.attempt > 0) {
								sink.stderr(diagnostic(`reconnected to ${client.target} (${event.attempt} reconnects so far; duplicates dropped: ${subscription.duplicatesDropped})`));
							}

							break;
						}

						case 'reconnecting': {
							sink.stderr(diagnostic(`${event.reason}; reconnecting in ${(event.delayMilliseconds / 1000).toFixed(1)}s (reconnect ${event.attempt})`));
							break;
						}

						case 'ended': {
							resolve();
							break;
						}

						case 'failed': {
							reject(new RunError(event.reason));
							break;
						}
					}
				},
			});
			const interrupt = () => {
				subscription.stop();
				resolve();
			};

			process.once('SIGINT', interrupt);
			process.once('SIGTERM', interrupt);
			subscription.start();
		});
	} finally {
		poller?.stop();
		client.close();
		await cleanUp();
	}
}

export function hasSelector(flags: Flags): boolean {
	return ['first', 'last', 'since', 'until', 'all'].some(name => flags[name] !== undefined && flags[name] !== false);
}

/** GetFlowsRequest as hubble's getFlowsRequest builds it (hubble-api.md §3.2). */
export function flowsRequest(flags: Flags, lists: FilterLists, isFollowing: boolean): Record<string, unknown> {
	const {first, last} = validatedCounts(flags);
	const bounds = timeBounds(flags);
	const since = bounds.since;
	// hubble drops --until when following.
	const until = isFollowing ? undefined : bounds.until;
	if (first !== undefined && isFollowing) {
		throw new UsageError('cannot set both --first and --follow');
	}

	let number = first ?? last;
	if (number === undefined && since === undefined && until === undefined) {
		// `--all` is "last 2^64-1"; a plain, non-following request asks for hubble's default 20.
		number = flags['all'] ? undefined : isFollowing ? 0 : 20;
	}

	return {
		...(flags['all'] && first === undefined ? {number: '18446744073709551615'} : number ? {number: String(number)} : {}),
		...(first === undefined ? {} : {first: true}),
		...(isFollowing ? {follow: true} : {}),
		...(lists.denylist.length > 0 ? {blacklist: lists.denylist} : {}),
		...(lists.allowlist.length > 0 ? {whitelist: lists.allowlist} : {}),
		...(since ? {since: formatTimestamp(since)} : {}),
		...(until ? {until: formatTimestamp(until)} : {}),
	};
}

/** `--since` and `--until`, read against one "now". */
function timeBounds(flags: Flags): {since?: Instant; until?: Instant} {
	const now = Date.now();
	const read = (name: 'since' | 'until') => (typeof flags[name] === 'string' ? parseTimeBound(name, flags[name], now) : undefined);
	const since = read('since');
	const until = read('until');
	return {...(since ? {since} : {}), ...(until ? {until} : {})};
}

function validatedCounts(flags: Flags): {first?: number; last?: number} {
	const first = flags['first'] as number | undefined;
	const last = flags['last'] as number | undefined;
	if (first !== undefined && last !== undefined) {
		throw new UsageError('cannot set both --first and --last');
	}

	if (first !== undefined && flags['all']) {
		throw new UsageError('cannot set both --first and --all');
	}

	if (last !== undefined && flags['all']) {
		throw new UsageError('cannot set both --last and --all');
	}

	return {...(first === undefined ? {} : {first}), ...(last === undefined ? {} : {last})};
}

function filterLists(argv: string[], flags: Flags): FilterLists {
	const lists = buildFilterLists(orderedFilterArguments(argv));
	const readRaw = (flag: 'allowlist' | 'denylist') => ((flags[flag] as string[] | undefined) ?? []).flatMap(text => parseRawFilters(flag, text));
	const combined = {allowlist: [...lists.allowlist, ...readRaw('allowlist')], denylist: [...lists.denylist, ...readRaw('denylist')]};
	// Compile once so that an invalid filter fails before anything is read or sent.
	compileFilterLists(combined.allowlist, combined.denylist);
	return combined;
}

/** `--allowlist`/`--denylist` JSON: one FlowFilter, or several written one after another, like hubble's decoder. */
function parseRawFilters(flag: string, text: string): FlowFilter[] {
	const schema = hubbleSchema();
	const filters: FlowFilter[] = [];
	const documents = text.trim() === '' ? [] : splitJsonDocuments(text);
	for (const document of documents) {
		try {
			filters.push(readMessage(schema.flowFilter, JSON.parse(document), {}, 'FlowFilter') as FlowFilter);
		} catch (error) {
			const reason = error instanceof ProtoJsonError || error instanceof SyntaxError ? error.message : String(error);
			throw new FilterError(`invalid --${flag} value ${JSON.stringify(text)}: ${reason}`);
		}
	}

	return filters;
}

/** Splits concatenated JSON objects (`{…}{…}` or one per line). */
function splitJsonDocuments(text: string): string[] {
	const documents: string[] = [];
	let depth = 0;
	let start = -1;
	let isInString = false;
	for (let index = 0; index < text.length; index++) {
		const character = text[index];
		if (isInString) {
			if (character === '\\') {
				index++;
			} else if (character === '"') {
				isInString = false;
			}
		} else if (character === '"') {
			isInString = true;
		} else if (character === '{') {
			if (depth++ === 0) {
				start = index;
			}
		} else if (character === '}' && --depth === 0) {
			documents.push(text.slice(start, index + 1));
		}
	}

	return documents.length > 0 ? documents : [text];
}

function captureSelection(flags: Flags, lists: FilterLists): CaptureSelection {
	const {first, last} = validatedCounts(flags);
	const {since, until} = timeBounds(flags);
	return {
		predicate: compileCaptureFilterLists(lists.allowlist, lists.denylist),
		...(since ? {since} : {}),
		...(until ? {until} : {}),
		...(first === undefined ? {} : {first}),
		...(last === undefined ? {} : {last}),
	};
}

async function openInput(inputFile: string): Promise<Readable> {
	if (inputFile === '-') {
		return process.stdin;
	}

	try {
		const info = await stat(inputFile);
		if (info.isDirectory()) {
			throw new RunError(`cannot read ${inputFile}: it is a directory`);
		}
	} catch (error) {
		if (error instanceof RunError) {
			throw error;
		}

		throw new RunError(`cannot read ${inputFile}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
	}

	const stream = createReadStream(inputFile);
	await new Promise<void>((resolve, reject) => {
		stream.once('open', () => resolve());
		stream.once('error', error => reject(new RunError(`cannot read ${inputFile}: ${error.message}`)));
	});
	return stream;
}

/** The YAML `hubble observe --print-raw-filters` prints: each FlowFilter as one-line protojson. */
function rawFiltersYaml(lists: FilterLists): string {
	const schema = hubbleSchema();
	const section = (name: string, filters: FlowFilter[]) =>
		filters.length === 0
			? ''
			: `${name}:\n${filters.map(filter => `    - '${JSON.stringify(readMessage(schema.flowFilter, filter)).replaceAll("'", "''")}'\n`).join('')}`;
	const yaml = section('allowlist', lists.allowlist) + section('denylist', lists.denylist);
	return yaml === '' ? '{}\n' : yaml;
}


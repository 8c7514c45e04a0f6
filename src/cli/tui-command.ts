/**
`ztop [filters]` on a terminal: the TUI. Live from a relay (or the demo relay) it backfills the last 10
minutes (or --since / --last / --all) and follows (--first and --until select a closed range instead); over a capture (`--input-file FILE`) it
loads the file for offline analysis. The command-line filters go to the server, as with `hubble observe`;
the `/` prompt filters the store locally.
*/
import v8 from 'node:v8';
import type {Readable} from 'node:stream';
import {dropReasonNames} from '../flow/drop-reason.js';
import type {GetFlowsResponse} from '../flow/flow.js';
import {RecordLists, toFlowRecord, toLostEventsRecord} from '../flow/to-flow-record.js';
import type {FilterLists} from '../filters/observe-flags.js';
import type {SourceStatus} from '../store/frame.js';
import {combineSourceStatuses, type SourcePart} from '../store/source-status.js';
import {RecentFlowIds} from '../flow/recent-flow-ids.js';
import type {PolicyLoad} from '../policy/policy-documents.js';
import {scenarios, type RunningDemoRelay} from '../relay/demo-relay-server.js';
import {decodeFullFlow} from '../stream/flow-record-decoder.js';
import {FlowSubscription} from '../stream/flow-subscription.js';
import {readCapture} from '../stream/jsonpb-reader.js';
import {decodeFlowsResponse, ObserverClient} from '../stream/observer-client.js';
import {ServerStatusPoller} from '../stream/server-status-poller.js';
import {flowResponseSplitter} from '../stream/flow-bytes.js';
import {runTuiApp} from '../views/run-tui.js';
import {selectResponses, type CaptureSelection} from './capture-pipeline.js';
import {diagnostic} from './diagnostics.js';
import {demoClusters, openDemoClusters, openLiveConnection, openSeveralConnections, type NamedConnection} from './live-connection.js';
import {TerminalSession} from './terminal-session.js';
import {TuiControllerImpl, type TuiPolicies} from '../tui/tui-controller.js';
import {policySets, readPolicySources, type PolicyNotice} from './policy-sources.js';
import {PolicySet} from '../policy/policy-evaluator.js';
import {maxConnections, openLedger} from './ledger-flags.js';
import {LedgerKeeper} from './ledger-keeper.js';

type Flags = Record<string, unknown>;

export type TuiSettings = {
	/** --buffer and --fps, validated (tuiNumbers). */
	capacity: number;
	fps: number;
	flags: Flags;
	lists: FilterLists;
	/** The command-line filter flags as typed, shown in the header. */
	filterArguments: string;
	demoScenario: string | undefined;
	/** A request for live flows (built by observe-command with hubble's rules). */
	request: (isFollowing: boolean) => Record<string, unknown>;
	/** The capture to analyse (opened already, so that a missing file is reported before the screen changes). */
	capture?: {path: string; input: Readable; selection: CaptureSelection};
	color: boolean;
};

/**
With --debug, the TUI logs each reconnect and its reason: to stderr at once when it goes elsewhere
(`2>ztop.log`), else after the screen is restored, so the log never draws over the TUI.
*/
function debugLogger(flags: Flags, stderr: NodeJS.WriteStream): {log?: (message: string) => void; flush: () => void} {
	if (flags['debug'] !== true) {
		return {flush: () => undefined};
	}

	const deferred: string[] = [];
	return {
		log(message) {
			const line = diagnostic(`${new Date().toISOString()} ${message}`);
			if (stderr.isTTY) {
				deferred.push(line);
			} else {
				stderr.write(line);
			}
		},
		flush: () => stderr.write(deferred.join('')),
	};
}

/** Where the memory is now: resident, JavaScript heap, and outside it (raw flows in slabs, buffers). */
function memoryText(): string {
	const memory = process.memoryUsage();
	const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);
	const youngGeneration = v8.getHeapSpaceStatistics().find(space => space.space_name === 'new_space')?.space_size ?? 0;
	return `now RSS ${megabytes(memory.rss)} MB (heap ${megabytes(memory.heapUsed)}/${megabytes(memory.heapTotal)} MB of which young generation ${megabytes(youngGeneration)} MB, array buffers ${megabytes(memory.arrayBuffers)} MB)`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** --buffer and --fps with their defaults (parseCommandLine has checked their ranges). */
export function tuiNumbers(flags: Flags): {capacity: number; fps: number} {
	return {capacity: (flags['buffer'] as number | undefined) ?? 100_000, fps: (flags['fps'] as number | undefined) ?? 10};
}

export async function runTui(settings: TuiSettings): Promise<number> {
	const {capacity, fps} = settings;
	const isCapture = settings.capture !== undefined;
	// A ledger that cannot be used is refused before the screen changes (exit 2), as a bad flag is.
	const ledger = openLedger(settings.flags);
	let keeper: LedgerKeeper | undefined;
	const ledgerNotes: string[] = [];
	const controller = new TuiControllerImpl({
		connectionCapacity: maxConnections(settings.flags),
		ledgerProblem: () => keeper?.problem,
		capacity,
		fps,
		color: settings.color,
		// Captures keep each flow's jsonpb line as its raw bytes; gRPC keeps the message bytes.
		decodeFlow: isCapture ? raw => (JSON.parse(decoder.decode(raw)) as GetFlowsResponse).flow : raw => decodeFullFlow(raw),
		jsonLine: isCapture ? raw => decoder.decode(raw) : raw => JSON.stringify(decodeFlowsResponse(raw)),
		writeTerminal: text => process.stdout.write(text),
		exportDirectory: process.cwd(),
		...(settings.flags['suggestKind'] === 'netpol' ? {suggestKind: 'netpol' as const} : {}),
		// gRPC flows keep their endpoints and policy lists once, shared (captures keep their lines whole).
		...(isCapture ? {} : {rawSplitter: flowResponseSplitter()}),
	});
	for (const connection of ledger?.loaded ?? []) {
		controller.store.connections.restore(connection);
	}

	if (ledger) {
		keeper = new LedgerKeeper(ledger, controller.store.connections, text => {
			ledgerNotes.push(diagnostic(text));
			controller.ledgerChanged();
		});
		keeper.start();
	}

	const debug = debugLogger(settings.flags, process.stderr);
	// Policy notes (skipped kinds, unknown fields, rejected policies) are printed once the screen is restored.
	const policyNotes: string[] = [];
	const servers = (settings.flags['servers'] as string[] | undefined) ?? [];
	const contexts = (settings.flags['kubeContexts'] as string[] | undefined) ?? [];
	const isSeveral = servers.length > 1 || (settings.flags['portForward'] === true && contexts.length > 1);
	// The demo of a scenario that spans clusters runs a relay per cluster, to show the merge.
	const isDemoClusters = !isCapture && settings.demoScenario !== undefined && demoClusters(settings.demoScenario).length > 1;
	let source: RunningSource;
	let policies: Awaited<ReturnType<typeof tuiPolicies>>;
	try {
		source = isCapture
			? startCapture(controller, settings.capture!)
			: isDemoClusters
				? startSeveral(controller, settings, await openDemoClusters(settings.flags, settings.demoScenario!, () => undefined), debug.log)
				: isSeveral
					? startSeveral(controller, settings, await openSeveralConnections(settings.flags, servers, contexts), debug.log)
					: await startLive(controller, settings, debug.log);
	} catch (error) {
		keeper?.finish();
		throw error;
	}

	try {
		policies = await tuiPolicies(settings.flags, text => policyNotes.push(diagnostic(`policies: ${text}`)), reloaded => controller.setPolicies(reloaded), source.demo);
	} catch (error) {
		await source.stop();
		keeper?.finish();
		throw error;
	}

	controller.setPolicies(policies?.loaded);
	controller.reloadPolicies = policies?.reload;
	const session = new TerminalSession(process.stdout, process.stdin, process.stderr, () => {
		const last = keeper?.finish();
		if (last && !last.written) {
			process.stderr.write(diagnostic(`ledger ${ledger!.path} not written at exit: ${last.reason}`));
		}
	});
	session.enter();
	controller.start();
	const began = performance.now();
	try {
		const drawn = await runTuiApp(controller, {stdout: process.stdout, stdin: process.stdin, stderr: process.stderr, fps});
		const seconds = (performance.now() - began) / 1000;
		debug.log?.(
			`session: ${seconds.toFixed(1)} s, received ${controller.store.received} flows, lost ${controller.store.lostEvents}, ` +
				`drew ${drawn.frames} frames (${(drawn.frames / seconds).toFixed(1)}/s), wrote ${drawn.bytes} bytes to the terminal ` +
				`(${Math.round(drawn.bytes / seconds)} B/s), peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB, ${memoryText()}`,
		);
	} finally {
		controller.stop();
		session.close();
		await source.stop();
		policies?.stop();
		// The last write, with everything counted; what went wrong with the ledger is said where it stays readable.
		const last = keeper?.finish();
		debug.flush();
		process.stderr.write(policyNotes.join(''));
		process.stderr.write(ledgerNotes.join(''));
		if (last && !last.written) {
			process.stderr.write(diagnostic(`ledger ${ledger!.path} not written at exit: ${last.reason}`));
		}
	}

	// A source that failed (a TLS mismatch, a refused request, an unreadable file) ends the run with status 1,
	// its reason written where it stays readable once the screen is gone.
	if (controller.status.state === 'failed') {
		process.stderr.write(diagnostic(controller.status.message ?? 'the source failed'));
		return 1;
	}

	return 0;
}

type RunningSource = {
	stop: () => Promise<void>;
	/** The demo's policies and stage (1-based), for `--policies demo`. */
	demo?: DemoPolicies;
};

/**
The demo's policies: the current stage's (for `--policies demo`), the stage (1-based), and the stage that
follows (the lab loops back to stage 1 after the last), for the what-if the demo opens with.
*/
type DemoPolicies = {policies: () => PolicyLoad; stage: () => number; next: () => {policies: PolicyLoad; title: string}};

/** Re-reading `--policies cluster` while the TUI is open: what is applied changes under the user's feet. */
const clusterPolicyInterval = 30_000;

/**
The policies of the TUI (--policies, --what-if-*), with a note for its header; `--policies cluster` is read
again every 30 s. On the demo without policy flags: the demo's stage and, as the what-if, the next stage's
(unless --no-demo-policies). Undefined otherwise when no policy flag is given.
*/
export async function tuiPolicies(
	flags: Flags,
	notice: (text: string) => void,
	onReload: (policies: TuiPolicies) => void,
	demo?: DemoPolicies,
): Promise<{loaded: TuiPolicies; stop: () => void; reload: () => Promise<string>} | undefined> {
	const has = (name: string) => ((flags[name] as string[] | undefined) ?? []).length > 0;
	// The demo shows what ztop is for out of the box: its own stage's policies, and as the what-if the stage
	// that comes next ("what would stage N+1 break?"), unless --no-demo-policies or policy flags say otherwise.
	const isDemoDefault = demo !== undefined && flags['demoPolicies'] !== false && !has('policies') && !has('whatIfApply') && !has('whatIfDelete');
	if (isDemoDefault) {
		flags = {...flags, policies: ['demo']};
	} else if (!has('policies') && !has('whatIfApply') && !has('whatIfDelete')) {
		return undefined;
	}

	const load = async (report: PolicyNotice): Promise<TuiPolicies> => {
		const sources = await readPolicySources(flags, report, demo?.policies);
		const baseline = sources.baseline;
		const sets = policySets(sources);
		const all = [...(baseline ?? []), ...sources.apply];
		const rejected = all.filter(policy => policy.rejected !== undefined).length;
		const perCluster = sources.clusters ? ` in ${sources.clusters.size} clusters (${[...sources.clusters].map(([name, policies]) => `${name} ${policies.length}`).join(', ')})` : '';
		const note = `policies: ${(baseline ?? []).length}${perCluster}${rejected > 0 ? ` (${rejected} rejected by Cilium)` : ''}`;
		if (isDemoDefault) {
			// The next stage's files replace the current stage's whole, as the lab's rollout does.
			const next = demo.next();
			return {...sets, candidate: new PolicySet(next.policies.policies), whatIfTitle: next.title, note};
		}

		return {...sets, note};
	};

	const loaded = await load(notice);
	let current = loaded;
	const reload = async (): Promise<string> => {
		try {
			// A file that is mid-edit (not YAML at all) would drop the policies its documents held: keep the
			// ones read before and say why, as for a kubectl that fails.
			const unreadable: string[] = [];
			const next = await load((text, message) => {
				if (message?.unreadable) {
					unreadable.push(text);
				}
			});
			if (unreadable.length > 0) {
				throw new Error(`${unreadable[0]!}${unreadable.length > 1 ? ` (and ${unreadable.length - 1} more)` : ''}; the policies read before are kept`);
			}

			current = next;
			onReload(current);
			return `policies read again: ${current.note}`;
		} catch (error) {
			// Keep what was read before: a kubectl hiccup must not empty the what-if.
			onReload({...current, note: `${current.note} (reading them again failed)`});
			return `reading the policies again failed: ${(error as Error).message}`;
		}
	};

	const sources = (flags['policies'] as string[] | undefined) ?? [];
	const timer = sources.includes('cluster') ? setInterval(() => void reload(), clusterPolicyInterval) : undefined;
	timer?.unref();
	// `--policies demo` follows the demo's stage: its policies change when the stage does.
	let stage = demo?.stage();
	const stageTimer =
		demo && sources.includes('demo')
			? setInterval(() => {
					if (demo.stage() !== stage) {
						stage = demo.stage();
						void reload();
					}
				}, 1000)
			: undefined;
	stageTimer?.unref();
	return {
		loaded,
		stop() {
			clearInterval(timer);
			clearInterval(stageTimer);
		},
		reload,
	};
}

function startCapture(controller: TuiControllerImpl, capture: NonNullable<TuiSettings['capture']>): RunningSource {
	const label = capture.path === '-' ? 'stdin' : capture.path;
	const lists = new RecordLists();
	let warnings = 0;
	let firstWarning = '';
	let isStopped = false;
	controller.setStatus({label, state: 'connecting', reconnects: 0, message: 'reading'});
	const {input} = capture;
	const done = (async () => {
		try {
			const responses = readCapture(input, {
				onWarning: warning => {
					warnings++;
					firstWarning ||= `line ${warning.lineNumber}: ${warning.message}`;
				},
			});
			await selectResponses(responses, {...capture.selection, isStopped: () => isStopped}, response => {
				const lost = toLostEventsRecord(response);
				if (lost) {
					controller.store.pushLostEvents(lost);
					return;
				}

				const record = toFlowRecord(response, lists, dropReasonNames);
				if (record) {
					controller.store.push(record, encoder.encode(JSON.stringify(response)));
				}
			});
			const skipped = warnings > 0 ? `; ${warnings} lines skipped (${firstWarning})` : '';
			controller.setStatus({label, state: 'ended', reconnects: 0, message: `read ${controller.store.received} flows${skipped}`});
		} catch (error) {
			controller.setStatus({label, state: 'failed', reconnects: 0, message: `cannot read ${label}: ${(error as Error).message}`});
		}
	})();
	return {
		async stop() {
			isStopped = true;
			input.destroy();
			await done;
		},
	};
}

async function startLive(controller: TuiControllerImpl, settings: TuiSettings, debugLog?: (message: string) => void): Promise<RunningSource> {
	const {connection, cleanUp, demo} = await openLiveConnection(settings.flags, settings.demoScenario, () => undefined);
	const client = new ObserverClient(connection);
	const serverFilters = settings.filterArguments === '' ? '' : ` │ server filters: ${settings.filterArguments}`;
	const label = () => (demo ? demoStageText(settings.demoScenario, demo) : client.target) + serverFilters;

	let status: SourceStatus = {label: label(), state: 'connecting', reconnects: 0};
	const update = (change: Partial<SourceStatus>) => {
		status = {...status, ...change, label: label()};
		controller.setStatus(status);
	};

	update({});
	// The TUI follows, unless --first or --until ask for a closed range (hubble does not follow those either).
	const isFollowing = settings.flags['first'] === undefined && settings.flags['until'] === undefined;
	const subscription = new FlowSubscription(client, settings.request(isFollowing), {
		follow: isFollowing,
		onRecord: (record, bytes) => {
			if (record.kind === 'flow') {
				controller.store.push(record, bytes);
			} else if (record.kind === 'lost-events') {
				controller.store.pushLostEvents(record);
			}
		},
		onEvent: event => {
			switch (event.kind) {
				case 'connected': {
					update({state: 'connected', reconnects: event.attempt, message: undefined});
					break;
				}

				case 'reconnecting': {
					update({state: 'reconnecting', reconnects: event.attempt, message: event.reason, lastReconnectCause: event.cause});
					debugLog?.(`${event.reason}; reconnecting in ${(event.delayMilliseconds / 1000).toFixed(1)}s (reconnect ${event.attempt})`);
					break;
				}

				case 'ended': {
					update({state: 'ended'});
					break;
				}

				case 'failed': {
					update({state: 'failed', message: event.reason});
					break;
				}
			}
		},
	});
	const poller = new ServerStatusPoller(
		client,
		serverStatus => {
			const nodes =
				serverStatus.connectedNodes === undefined
					? undefined
					: {connected: serverStatus.connectedNodes, unavailable: serverStatus.unavailableNodes ?? 0, total: serverStatus.connectedNodes + (serverStatus.unavailableNodes ?? 0)};
			update(nodes ? {nodes} : {});
		},
		() => undefined,
	);
	// The demo's stage moves with time: refresh the label once a second.
	const labelTimer = demo ? setInterval(() => update({}), 1000) : undefined;
	subscription.start();
	poller.start();
	return {
		...(demo ? demoPoliciesOf(settings, demo) : {}),
		async stop() {
			clearInterval(labelTimer);
			poller.stop();
			subscription.stop();
			client.close();
			await cleanUp();
		},
	};
}

/** `demo: zero-trust stage 2/5 allow-dns`, for the header. */
function demoStageText(scenario: string | undefined, demo: RunningDemoRelay): string {
	const stage = demo.relay.stage();
	return `demo: ${scenario}${stage ? ` stage ${stage.index}/${stage.count} ${stage.name}` : ''}`;
}

/** `--policies demo`: the demo scenario's policies at the relay's stage. */
function demoPoliciesOf(settings: TuiSettings, demo: RunningDemoRelay): {demo?: DemoPolicies} {
	const scenario = settings.demoScenario === undefined ? undefined : scenarios.get(settings.demoScenario);
	if (!scenario?.policies) {
		return {};
	}

	const stageOf = () => demo.relay.stage()?.index ?? 1;
	const count = scenario.stages.length;
	const name = (index: number) => `stage ${index}/${count} ${scenario.stages[index - 1] ?? ''}`.trimEnd();
	return {
		demo: {
			policies: () => scenario.policies!(stageOf() - 1),
			stage: stageOf,
			next() {
				const next = (stageOf() % count) + 1;
				return {policies: scenario.policies!(next - 1), title: `what ${name(next)} would change, against ${name(stageOf())}`};
			},
		},
	};
}

/**
Several relays (--server repeated): one subscription each, with its own reconnects, resume and node
status, all into the one store; a flow seen through two relays (a Cluster Mesh relay and a cluster's
own) is counted once, by uuid. The header gets a segment per relay (src/store/source-status.ts).
*/
function startSeveral(
	controller: TuiControllerImpl,
	settings: TuiSettings,
	{sources: connections, cleanUp, demo}: {sources: NamedConnection[]; cleanUp: () => Promise<void>; demo?: RunningDemoRelay},
	debugLog?: (message: string) => void,
): RunningSource {
	const isFollowing = settings.flags['first'] === undefined && settings.flags['until'] === undefined;
	const serverFilters = settings.filterArguments === '' ? '' : ` │ server filters: ${settings.filterArguments}`;
	// The demo's relays share a clock: the first one's stage is every one's. It leads the header, so an
	// 80-column terminal shows it before the relays' segments.
	const demoLabel = () => (demo ? `${demoStageText(settings.demoScenario, demo)} │ ` : '');

	const seen = new RecentFlowIds(131_072);
	type Source = {part: SourcePart; client: ObserverClient; index: number; received: number; counted: number; subscription?: FlowSubscription; poller?: ServerStatusPoller};
	const sources: Source[] = connections.map(({name, connection}) => {
		const client = new ObserverClient(connection);
		// The store names a flow's cluster after its source when Hubble names none.
		const index = controller.store.addSource(name);
		return {client, index, received: 0, counted: 0, part: {label: name, state: 'connecting', reconnects: 0, flowsPerSecond: 0, lost: 0}};
	});
	const publish = () => {
		controller.setStatus(combineSourceStatuses(sources.map(source => source.part), serverFilters, demoLabel()));
	};
	const update = (source: Source, change: Partial<SourcePart>) => {
		source.part = {...source.part, ...change};
		publish();
	};

	for (const source of sources) {
		source.subscription = new FlowSubscription(source.client, settings.request(isFollowing), {
			follow: isFollowing,
			seen,
			onRecord: (record, bytes) => {
				if (record.kind === 'flow') {
					source.received++;
					controller.store.push(record, bytes, source.index);
				} else if (record.kind === 'lost-events') {
					source.part.lost += record.lost;
					controller.store.pushLostEvents(record);
				}
			},
			onEvent: event => {
				if (event.kind === 'connected') {
					// Connected again: the reason it was reconnecting is no longer the news.
					source.part = {...source.part, state: 'connected', reconnects: event.attempt, message: undefined};
					publish();
				} else if (event.kind === 'reconnecting') {
					update(source, {state: 'reconnecting', reconnects: event.attempt, message: event.reason, lastReconnectCause: event.cause});
					debugLog?.(`${source.part.label}: ${event.reason}; reconnecting in ${(event.delayMilliseconds / 1000).toFixed(1)}s (reconnect ${event.attempt})`);
				} else if (event.kind === 'ended') {
					update(source, {state: 'ended'});
				} else {
					update(source, {state: 'failed', message: event.reason});
				}
			},
		});
		source.poller = new ServerStatusPoller(
			source.client,
			serverStatus => {
				if (serverStatus.connectedNodes !== undefined) {
					const unavailable = serverStatus.unavailableNodes ?? 0;
					update(source, {nodes: {connected: serverStatus.connectedNodes, unavailable, total: serverStatus.connectedNodes + unavailable}});
				}
			},
			() => undefined,
		);
	}

	// Flows per second per relay, for its segment.
	const rateTimer = setInterval(() => {
		for (const source of sources) {
			source.part.flowsPerSecond = source.received - source.counted;
			source.counted = source.received;
		}

		publish();
	}, 1000);
	rateTimer.unref();
	publish();
	for (const source of sources) {
		source.subscription!.start();
		source.poller!.start();
	}

	return {
		...(demo ? demoPoliciesOf(settings, demo) : {}),
		async stop() {
			clearInterval(rateTimer);
			for (const source of sources) {
				source.poller!.stop();
				source.subscription!.stop();
				source.client.close();
			}

			await cleanUp();
		},
	};
}

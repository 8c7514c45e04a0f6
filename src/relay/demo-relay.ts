/**
The demo relay's behaviour, independent of gRPC: a scenario feeding a Hubble-like history on a clock,
and GetFlows streams that replay history then follow, as Hubble Relay does (hubble-api.md §6.1):
NODE_CONNECTED first, then the history, then live flows; filters and bounds from the request.
*/
import type {FlowFilter, GetFlowsResponse} from '../flow/flow.js';
import {compareInstants, parseTimestamp} from '../flow/timestamp.js';
import {compileFilterLists} from '../filters/flow-filter-match.js';
import {FlowHistory, responseTime} from './flow-history.js';
import type {FlowSource} from './flow-source.js';
import {ScenarioFeed} from './scenario-feed.js';
import type {Scenario} from './scenario.js';
import {ResponseEncoder} from './response-encoder.js';
import {StreamOutbox} from './stream-outbox.js';
import {hasFlow, ScenarioResponse} from './scenario-response.js';
import {ReplayedResponse} from './replayed-response.js';

/** GetFlowsRequest in the canonical shape (proto field names). */
export type FlowsRequest = {
	number?: string;
	first?: boolean;
	follow?: boolean;
	whitelist?: FlowFilter[];
	blacklist?: FlowFilter[];
	since?: string;
	until?: string;
};

/**
Where a GetFlows stream writes; `send` returns false when the client is not keeping up. `bytes`, when
given, are the response already encoded (the same for every stream that sends it).
*/
export type FlowStream = {
	send(response: GetFlowsResponse, bytes?: Uint8Array): boolean;
	end(): void;
	/** Called when a previously full stream can take more. */
	onDrain(listener: () => void): void;
	onClose(listener: () => void): void;
};

export class RequestError extends Error {
	constructor(
		readonly kind: 'invalid-argument',
		message: string,
	) {
		super(message);
	}
}

export type DemoRelayOptions = {
	seed: number;
	rate: number;
	stageSeconds: number;
	lostEvery: number;
	historyPerNode: number;
	/**
	How much history to make up at start so --last has something to show (seconds). By default one
	whole cycle of the scenario's stages, so that live flows begin at its first stage.
	*/
	backfillSeconds?: number;
	/**
	Only the flows observed in this cluster (nodes named `CLUSTER/NODE`): what that cluster's own relay
	serves when the clusters are not meshed.
	*/
	clusterName?: string;
	/** The relay's clock; tests pass a fake one. */
	now?: () => number;
	version?: string;
};

type Subscriber = {
	deliver(response: GetFlowsResponse): void;
};

export class DemoRelay {
	readonly history: FlowHistory;
	readonly source: FlowSource;
	private readonly subscribers = new Set<Subscriber>();
	readonly encoder = new ResponseEncoder();
	/**
	Each response's bytes, encoded when a stream first sends it and shared by every other. Not a scenario's
	or a replay's responses: patching their template's bytes again costs less than remembering every
	response's bytes.
	*/
	private readonly encoded = new WeakMap<GetFlowsResponse, Uint8Array>();
	private readonly bytesOf = (response: GetFlowsResponse): Uint8Array => {
		if (response instanceof ScenarioResponse || response instanceof ReplayedResponse) {
			return this.encoder.encode(response);
		}

		let bytes = this.encoded.get(response);
		if (!bytes) {
			bytes = this.encoder.encode(response);
			this.encoded.set(response, bytes);
		}

		return bytes;
	};
	private readonly now: () => number;
	private readonly startedAt: number;
	private timer: ReturnType<typeof setInterval> | undefined;

	/** Plays a scenario (backfilled by `backfillSeconds`), or serves any other flow source. */
	constructor(
		source: Scenario | FlowSource,
		private readonly options: DemoRelayOptions,
	) {
		this.now = options.now ?? Date.now;
		this.startedAt = this.now();
		this.history = new FlowHistory(options.historyPerNode);
		const full: FlowSource =
			'round' in source
				? new ScenarioFeed(source, {
						seed: options.seed,
						rate: options.rate,
						stageSeconds: options.stageSeconds,
						lostEvery: options.lostEvery,
						startMilliseconds: this.startedAt - (options.backfillSeconds ?? options.stageSeconds * source.stages.length) * 1000,
						firstFlowMilliseconds: this.startedAt - backfillWorthKeeping(options.historyPerNode * source.nodes.length, options.rate),
					})
				: source;
		this.source = options.clusterName === undefined ? full : clusterSource(full, options.clusterName);
		this.tick();
	}

	/**
	Advances the source every `intervalMilliseconds` until stop(). A relay asked for more than it can make
	falls behind by at most a few ticks and skips the rest (`source.skippedMilliseconds`), so that every tick
	stays short and its clients are served.
	*/
	start(intervalMilliseconds = 100): void {
		this.timer ??= setInterval(() => this.tick(5 * intervalMilliseconds), intervalMilliseconds);
		this.timer.unref?.();
	}

	stop(): void {
		clearInterval(this.timer);
		this.timer = undefined;
	}

	/** Produces every flow due by now (or within `maximumLagMilliseconds` of now): into the history and to every following stream. */
	tick(maximumLagMilliseconds?: number): void {
		for (const response of this.source.until(this.now(), maximumLagMilliseconds)) {
			this.history.add(response);
			for (const subscriber of this.subscribers) {
				subscriber.deliver(response);
			}
		}
	}

	/** The current stage, 1-based, with its name, for sources told in stages. */
	stage(): {index: number; count: number; name: string} | undefined {
		return this.source.stageAt?.(this.now());
	}

	getFlows(request: FlowsRequest, stream: FlowStream): void {
		if (request.first && request.follow) {
			throw new RequestError('invalid-argument', 'first cannot be specified with follow');
		}

		const predicate = compileFilterLists(request.whitelist ?? [], request.blacklist ?? []);
		const since = request.since === undefined ? undefined : parseTimestamp(request.since);
		const until = request.until === undefined ? undefined : parseTimestamp(request.until);
		const number = Number(request.number ?? '0');
		this.tick();
		stream.send({
			node_status: {state_change: 'NODE_CONNECTED', node_names: [...this.source.nodes]},
			time: new Date(this.now()).toISOString(),
		});
		const isLiveOnly = request.follow === true && number === 0 && since === undefined;
		const history = isLiveOnly
			? []
			: this.history.read({predicate, number: number === 0 && !request.first ? 0 : number, first: request.first === true, ...(since ? {since} : {}), ...(until ? {until} : {})});
		if (!request.follow) {
			for (const response of history) {
				stream.send(response, this.bytesOf(response));
			}

			stream.end();
			return;
		}

		// History and live flows leave at the client's pace; behind its history, it may lag by a whole ring of
		// live flows before it loses any. (With room for the history alone, every live flow made while a full
		// history was still on its way pushed out one of its oldest: ztop's TUI lost ~1,000 at 5,000/s.)
		const outbox = new StreamOutbox(stream, history.length + this.options.historyPerNode * this.source.nodes.length, this.now, this.bytesOf);
		for (const response of history) {
			outbox.push(response);
		}

		// The predicate passes what carries no flow (and reads no flow when there are no filters).
		const accepts = (response: GetFlowsResponse) => predicate(response) && (!until || !hasFlow(response) || isNotAfter(response, until));
		const subscriber: Subscriber = {
			deliver(response) {
				if (accepts(response)) {
					outbox.push(response);
				}
			},
		};
		stream.onClose(() => this.subscribers.delete(subscriber));
		this.subscribers.add(subscriber);
	}

	serverStatus(): Record<string, unknown> {
		return {
			num_flows: String(this.history.flowCount),
			max_flows: String(this.options.historyPerNode * this.source.nodes.length),
			seen_flows: String(this.history.seenFlows),
			uptime_ns: String(Math.max(0, this.now() - this.startedAt) * 1_000_000),
			num_connected_nodes: this.source.nodes.length,
			num_unavailable_nodes: 0,
			version: this.options.version ?? 'ztop-demo-relay',
			flows_rate: this.options.rate,
		};
	}

	getNodes(): Record<string, unknown> {
		return {
			nodes: this.source.nodes.map(name => ({
				name,
				version: this.options.version ?? 'ztop-demo-relay',
				address: '127.0.0.1',
				state: 'NODE_CONNECTED',
				uptime_ns: String(Math.max(0, this.now() - this.startedAt) * 1_000_000),
				max_flows: String(this.options.historyPerNode),
			})),
		};
	}

	getNamespaces(): Record<string, unknown> {
		const namespaces = new Map<string, {cluster?: string; namespace: string}>();
		for (const response of this.history.read({predicate: () => true, number: 0, first: false})) {
			// A scenario's flow shape or a replay's capture line has the endpoints: the flow itself need not be made.
			const flow = response instanceof ScenarioResponse ? response.shape.flow : response instanceof ReplayedResponse ? response.original.flow : response.flow;
			for (const endpoint of [flow?.source, flow?.destination]) {
				if (endpoint?.namespace) {
					const cluster = endpoint.cluster_name ?? '';
					namespaces.set(`${cluster}/${endpoint.namespace}`, {...(cluster ? {cluster} : {}), namespace: endpoint.namespace});
				}
			}
		}

		return {namespaces: [...namespaces.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, namespace]) => namespace)};
	}
}

/** A source's flows observed in one cluster only (nodes `CLUSTER/NODE`). */
function clusterSource(source: FlowSource, clusterName: string): FlowSource {
	const prefix = `${clusterName}/`;
	const isLocal = (node: string | undefined) => node?.startsWith(prefix) === true;
	return {
		name: `${source.name} (${clusterName})`,
		description: source.description,
		nodes: source.nodes.filter(node => isLocal(node)),
		until: (milliseconds, maximumLagMilliseconds) => source.until(milliseconds, maximumLagMilliseconds).filter(response => isLocal(response.node_name ?? response.flow?.node_name)),
		get skippedMilliseconds() {
			return source.skippedMilliseconds;
		},
		...(source.stageAt ? {stageAt: (milliseconds: number) => source.stageAt!(milliseconds)} : {}),
	};
}

/**
How far back (milliseconds) backfilled flows can still be in the history: twice the time the rate takes
to fill every node's ring, as flows are not spread evenly over the nodes.
*/
function backfillWorthKeeping(historyCapacity: number, rate: number): number {
	return Math.ceil((2 * historyCapacity * 1000) / Math.max(rate, 1));
}

function isNotAfter(response: GetFlowsResponse, until: NonNullable<ReturnType<typeof parseTimestamp>>): boolean {
	const time = responseTime(response);
	return time === undefined || compareInstants(time, until) <= 0;
}

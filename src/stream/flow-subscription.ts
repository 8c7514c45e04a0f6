/**
A GetFlows stream that never loses a flow and never doubles one. When following, an UNAVAILABLE
error, a stream that ends, or a dead connection leads to a reconnect with jittered exponential
backoff (capped), re-issuing the request with `since` = the last flow time seen; flows seen twice
(history replayed after a reconnect, or by Relay re-attaching a node, hubble-api.md §6.1) are dropped
by uuid, or by a hash of their bytes when they have none, in bounded memory.
*/
import {createHash} from 'node:crypto';
import type {GetFlowsResponse} from '../flow/flow.js';
import {newFlowRecord, type FlowRecord, type LostEventsRecord, type NodeStatusRecord} from '../flow/flow-record.js';
import {RecentFlowIds} from '../flow/recent-flow-ids.js';
import {formatTimestamp, parseTimestamp} from '../flow/timestamp.js';
import {decodeFlowRecord} from './flow-record-decoder.js';
import {decodeFlowsResponse, describeCallError, statusCode, statusName, type CallError, type FlowCall, type ObserverClient} from './observer-client.js';
import type {CanonicalMessage} from './protojson.js';

export type SubscriptionEvent =
	| {kind: 'connected'; attempt: number}
	/** `reason` is in words for the user; `cause` is the gRPC status and message as the server or the connection gave them. */
	| {kind: 'reconnecting'; attempt: number; delayMilliseconds: number; reason: string; cause: string}
	| {kind: 'ended'}
	| {kind: 'failed'; reason: string};

export type SubscriptionOptions = {
	follow: boolean;
	/** Each response, fully decoded (the headless outputs). */
	onResponse?(response: GetFlowsResponse, bytes: Buffer): void;
	/**
	Or each response as the hot path's record, with its bytes kept for drill-down (the TUI). A flow's record
	is reused for the next flow: read or copy it before returning.
	*/
	onRecord?(record: FlowRecord | LostEventsRecord | NodeStatusRecord, bytes: Buffer): void;
	onEvent(event: SubscriptionEvent): void;
	/**
	First reconnect delay; doubles per failed attempt up to `maximumDelayMilliseconds` (5 s: a person is
	waiting, and a relay that comes up late, e.g. after a port-forward, should be seen within seconds).
	*/
	initialDelayMilliseconds?: number;
	maximumDelayMilliseconds?: number;
	/**
	How many flow ids are remembered for de-duplication (default 16,384). A reconnect asks for flows since the
	newest time seen, so the flows it can repeat are among the last few hundred received; a small map also
	stays in the processor's cache (at 131,072, its lookups were a twentieth of the TUI's CPU at 5,000/s).
	Several relays share a larger map of their own (`seen`): one relay may lag another by seconds.
	*/
	dedupeCapacity?: number;
	/**
	The flows seen, shared by the subscriptions of several relays: a flow that arrives through two (a Cluster
	Mesh relay and a cluster's own) is then dropped like a reconnect's overlap, with no second check.
	*/
	seen?: RecentFlowIds;
	random?: () => number;
};

// Errors that another attempt cannot fix.
const permanentCodes = new Set<number>([
	statusCode.INVALID_ARGUMENT,
	statusCode.UNIMPLEMENTED,
	statusCode.UNAUTHENTICATED,
	statusCode.PERMISSION_DENIED,
	statusCode.FAILED_PRECONDITION,
]);

export class FlowSubscription {
	/** Reconnects made so far (shown in the status line and on stderr). */
	reconnects = 0;
	duplicatesDropped = 0;
	private call: FlowCall | undefined;
	private timer: ReturnType<typeof setTimeout> | undefined;
	private attempt = 0;
	/** The newest flow time seen; a reconnect asks for flows since then. */
	private hasFlowTime = false;
	private lastFlowSeconds = 0;
	private lastFlowNanos = 0;
	private hasConnected = false;
	private isStopped = false;
	private readonly seen: RecentFlowIds;
	private readonly ownsSeen: boolean;
	private readonly scratchRecord = newFlowRecord();

	constructor(
		private readonly client: ObserverClient,
		private readonly request: CanonicalMessage,
		private readonly options: SubscriptionOptions,
	) {
		this.seen = options.seen ?? new RecentFlowIds(options.dedupeCapacity ?? 16_384);
		this.ownsSeen = options.seen === undefined;
	}

	start(): void {
		this.connect();
	}

	stop(): void {
		this.isStopped = true;
		clearTimeout(this.timer);
		this.call?.cancel();
	}

	private connect(): void {
		// Formatted here, once per connection: most flows are the newest so far, and formatting each cost a string per flow.
		const request = this.hasFlowTime ? {...this.request, since: formatTimestamp({seconds: this.lastFlowSeconds, nanos: this.lastFlowNanos})} : this.request;
		let hasData = false;
		this.call = this.client.getFlows(request, {
			onData: bytes => {
				if (!hasData) {
					hasData = true;
					this.hasConnected = true;
					this.attempt = 0;
					this.options.onEvent({kind: 'connected', attempt: this.reconnects});
				}

				this.receive(bytes);
			},
			onEnd: () => {
				if (this.isStopped) {
					return;
				}

				if (this.options.follow) {
					this.retry('the server ended the stream', 'OK: the server ended the stream');
				} else {
					this.options.onEvent({kind: 'ended'});
				}
			},
			onError: error => {
				// Our own cancel() sets isStopped first; a CANCELLED from the server (a relay shutting down) is retried.
				if (this.isStopped) {
					return;
				}

				this.handleError(error);
			},
		});
	}

	private handleError(error: CallError): void {
		const reason = describeCallError(error, this.client.target, this.client.isTls);
		const isTlsFailure = error.code === statusCode.UNAVAILABLE && /TLS|certificate|expects TLS/.test(reason);
		// Without --follow ztop behaves like hubble: one attempt. A TLS mismatch before the first
		// connection will not heal by itself either.
		if (!this.options.follow || permanentCodes.has(error.code) || (isTlsFailure && !this.hasConnected)) {
			this.options.onEvent({kind: 'failed', reason});
			return;
		}

		this.retry(reason, `${statusName(error.code)}: ${error.details || error.message}`);
	}

	private retry(reason: string, cause: string): void {
		const delayMilliseconds = reconnectDelay(this.attempt, {
			initialMilliseconds: this.options.initialDelayMilliseconds ?? 250,
			maximumMilliseconds: this.options.maximumDelayMilliseconds ?? 5000,
			random: this.options.random ?? Math.random,
		});
		this.attempt++;
		this.reconnects++;
		this.options.onEvent({kind: 'reconnecting', attempt: this.reconnects, delayMilliseconds, reason, cause});
		this.timer = setTimeout(() => {
			if (!this.isStopped) {
				this.connect();
			}
		}, delayMilliseconds);
	}

	private receive(bytes: Buffer): void {
		if (this.options.onRecord) {
			this.receiveRecord(bytes, this.options.onRecord);
			return;
		}

		const response = decodeFlowsResponse(bytes);
		const flow = response.flow;
		if (flow) {
			if (this.isDuplicate(flow.uuid, bytes)) {
				return;
			}

			const text = response.time ?? flow.time;
			const instant = text === undefined ? undefined : parseTimestamp(text);
			if (instant) {
				this.advance(instant.seconds, instant.nanos);
			}
		}

		this.options.onResponse?.(response, bytes);
	}

	/** The TUI's path: only the partial decode, never the full message. */
	private receiveRecord(bytes: Buffer, onRecord: NonNullable<SubscriptionOptions['onRecord']>): void {
		const record = decodeFlowRecord(bytes, this.scratchRecord);
		if (record === undefined) {
			return;
		}

		if (record.kind === 'flow') {
			if (this.isDuplicateRecord(record, bytes)) {
				return;
			}

			this.advance(record.timeSeconds, record.timeNanos);
		}

		onRecord(record, bytes);
	}

	/**
	Whether the flow came before. One newer than every flow this relay sent is not a repeat (a reconnect resumes
	from the newest time seen, so only flows at or before it can come twice): it is only remembered, one table
	operation instead of two. Not with a table shared by several relays: another relay may have sent it already.
	*/
	private isDuplicateRecord(record: FlowRecord, bytes: Buffer): boolean {
		const isNewest =
			this.ownsSeen &&
			this.hasFlowTime &&
			(record.timeSeconds > this.lastFlowSeconds || (record.timeSeconds === this.lastFlowSeconds && record.timeNanos > this.lastFlowNanos));
		if (!record.isUuidInWords) {
			return this.isDuplicate(record.uuid || undefined, bytes, isNewest);
		}

		const {uuidWord0, uuidWord1, uuidWord2, uuidWord3} = record;
		if (!isNewest && this.seen.hasUuid(uuidWord0, uuidWord1, uuidWord2, uuidWord3)) {
			this.duplicatesDropped++;
			return true;
		}

		this.seen.addUuid(uuidWord0, uuidWord1, uuidWord2, uuidWord3);
		return false;
	}

	/** By uuid as text, or by a hash of the flow's bytes when it has no uuid. */
	private isDuplicate(uuid: string | undefined, bytes: Buffer, isNewest = false): boolean {
		const key = uuid ?? createHash('sha1').update(bytes).digest('base64');
		if (!isNewest && this.seen.has(key)) {
			this.duplicatesDropped++;
			return true;
		}

		this.seen.add(key);
		return false;
	}

	private advance(seconds: number, nanos: number): void {
		if (!this.hasFlowTime || seconds > this.lastFlowSeconds || (seconds === this.lastFlowSeconds && nanos > this.lastFlowNanos)) {
			this.hasFlowTime = true;
			this.lastFlowSeconds = seconds;
			this.lastFlowNanos = nanos;
		}
	}
}

/**
The wait before reconnect attempt `attempt` (0-based): exponential from `initialMilliseconds`, capped
at `maximumMilliseconds`, with jitter between half and all of it so that many clients do not
reconnect in step after a relay restart.
*/
export function reconnectDelay(
	attempt: number,
	{initialMilliseconds, maximumMilliseconds, random}: {initialMilliseconds: number; maximumMilliseconds: number; random: () => number},
): number {
	const base = Math.min(maximumMilliseconds, initialMilliseconds * 2 ** attempt);
	return Math.round(base * (0.5 + random() * 0.5));
}

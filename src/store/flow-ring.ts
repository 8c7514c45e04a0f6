/**
The fixed-capacity flow buffer (`--buffer`, default 100 000). Flows are named by a sequence number that
only grows, so a selection survives eviction: asking for an evicted flow answers undefined ("evicted"),
never a different flow. Each slot keeps the compact record and, when there is one, the raw bytes for a
lazy drill-down.
*/
import type {FlowRecord} from '../flow/flow-record.js';

export type Evicted = {sequence: number; record: FlowRecord};

export class FlowRing {
	private readonly records: Array<FlowRecord | undefined>;
	private readonly raws: Array<Uint8Array | undefined>;
	private nextSequence = 0;

	constructor(readonly capacity = 100_000) {
		if (!Number.isInteger(capacity) || capacity < 1) {
			throw new RangeError(`ring capacity must be a positive whole number, got ${capacity}`);
		}

		this.records = Array.from({length: capacity});
		this.raws = Array.from({length: capacity});
	}

	/** The oldest sequence number still held (equal to `end` when empty). */
	get start(): number {
		return Math.max(0, this.nextSequence - this.capacity);
	}

	/** One past the newest sequence number. */
	get end(): number {
		return this.nextSequence;
	}

	get size(): number {
		return this.end - this.start;
	}

	/** Adds a flow; returns its sequence number and the flow it pushed out, if the ring was full. */
	push(record: FlowRecord, raw?: Uint8Array): {sequence: number; evicted?: Evicted} {
		const sequence = this.nextSequence++;
		const slot = sequence % this.capacity;
		const previous = this.records[slot];
		this.records[slot] = record;
		this.raws[slot] = raw;
		return previous === undefined ? {sequence} : {sequence, evicted: {sequence: sequence - this.capacity, record: previous}};
	}

	/** The record of `sequence`, or undefined once it was evicted (or never existed). */
	get(sequence: number): FlowRecord | undefined {
		return this.holds(sequence) ? this.records[sequence % this.capacity] : undefined;
	}

	raw(sequence: number): Uint8Array | undefined {
		return this.holds(sequence) ? this.raws[sequence % this.capacity] : undefined;
	}

	holds(sequence: number): boolean {
		return Number.isInteger(sequence) && sequence >= this.start && sequence < this.end;
	}
}

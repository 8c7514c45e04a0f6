/**
What was decoded from a run of bytes, found again by those bytes: an endpoint's Endpoint message is the
same in every flow it sends or receives, so the fields read from it once (interned names, the shared
label list, the workloads) serve every later flow whose endpoint bytes are equal. A key is taken from the
run's length and its first and last bytes (where an Endpoint has its ID and identity, and its pod and
cluster names), not from all of them; candidates are then compared whole, natively. Bounded: past
`maximum` runs it starts over.
*/

import {sameBytes} from '../flow/same-bytes.js';

/** Bytes taken from each end of a run for its key. */
const sampled = 12;

/** Runs remembered per key: equal samples of different runs are rare. */
const candidatesPerKey = 4;

type Entry<Value> = {bytes: Uint8Array; value: Value};

export class ByteMemo<Value> {
	private readonly byKey = new Map<number, Array<Entry<Value>>>();
	private size = 0;

	constructor(private readonly maximum = 16_384) {}

	/** What was remembered for `buffer[start, end)`, if anything. */
	get(buffer: Uint8Array, start: number, end: number): Value | undefined {
		const candidates = this.byKey.get(keyOf(buffer, start, end));
		if (candidates) {
			for (const candidate of candidates) {
				if (sameBytes(candidate.bytes, buffer, start, end)) {
					return candidate.value;
				}
			}
		}

		return undefined;
	}

	/** Remembers `value` for `buffer[start, end)` (a copy of the bytes). */
	set(buffer: Uint8Array, start: number, end: number, value: Value): void {
		if (this.size >= this.maximum) {
			this.byKey.clear();
			this.size = 0;
		}

		// A copy: `buffer` is a view into the gRPC chunk the flow came in.
		const bytes = new Uint8Array(end - start);
		bytes.set(buffer.subarray(start, end));
		const key = keyOf(buffer, start, end);
		const candidates = this.byKey.get(key);
		if (candidates) {
			candidates.push({bytes, value});
			if (candidates.length > candidatesPerKey) {
				candidates.shift();
			}
		} else {
			this.byKey.set(key, [{bytes, value}]);
		}

		this.size++;
	}
}

function keyOf(buffer: Uint8Array, start: number, end: number): number {
	// FNV-1a over the length and the bytes at both ends (all of them for a short run).
	let hash = Math.imul(0x81_1c_9d_c5 ^ (end - start), 0x01_00_01_93);
	const head = Math.min(end, start + sampled);
	for (let index = start; index < head; index++) {
		hash = Math.imul(hash ^ buffer[index]!, 0x01_00_01_93);
	}

	for (let index = Math.max(head, end - sampled); index < end; index++) {
		hash = Math.imul(hash ^ buffer[index]!, 0x01_00_01_93);
	}

	// Within V8's small integers, as the other interners' keys.
	return hash & 0x3f_ff_ff_ff;
}

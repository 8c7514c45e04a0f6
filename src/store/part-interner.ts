/**
One shared copy of each distinct repeating part of the ring's raw flows (an endpoint's Endpoint message,
a policy list): the ring keeps part numbers in its columns and counts references, so a part lives exactly
as long as a held flow uses it. Candidates are found by a key the caller knows without hashing the bytes
(src/store/flow-ring.ts: the endpoint's shared tuple, a policy list's names) and compared byte for byte;
a key should stand for about one part, as only the last few parts of a key are remembered.
*/
import {sameBytes} from '../flow/same-bytes.js';

/** Distinct parts remembered per key for matching; more still work, they are only not shared. */
const candidatesPerKey = 16;

export class PartInterner {
	// Part number 0 is "no part".
	private readonly parts: Array<Uint8Array | undefined> = [undefined];
	private readonly counts: number[] = [0];
	private readonly keys: number[] = [0];
	private readonly free: number[] = [];
	private readonly byKey = new Map<number, number[]>();
	private totalBytes = 0;

	/** Bytes held by distinct parts. */
	get heldBytes(): number {
		return this.totalBytes;
	}

	get distinct(): number {
		return this.parts.length - 1 - this.free.length;
	}

	/** The number of the part equal to `bytes[start, end)` (copied when it is new), with one more reference. */
	intern(key: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
		const candidates = this.byKey.get(key);
		if (candidates) {
			for (const id of candidates) {
				if (sameBytes(this.parts[id]!, bytes, start, end)) {
					this.counts[id]!++;
					return id;
				}
			}
		}

		const id = this.free.pop() ?? this.parts.length;
		// A copy of its own: `bytes` is often a Buffer, a view into the gRPC chunk the flow came in, whose
		// slice() is a view too and would keep that whole chunk alive for as long as the part lives.
		const part = new Uint8Array(end - start);
		part.set(bytes.subarray(start, end));
		this.parts[id] = part;
		this.counts[id] = 1;
		this.keys[id] = key;
		this.totalBytes += end - start;
		if (candidates) {
			candidates.push(id);
			if (candidates.length > candidatesPerKey) {
				candidates.shift();
			}
		} else {
			this.byKey.set(key, [id]);
		}

		return id;
	}

	get(id: number): Uint8Array | undefined {
		return this.parts[id];
	}

	/** Drops one reference; the last one frees the part. */
	release(id: number): void {
		if (id === 0 || --this.counts[id]! > 0) {
			return;
		}

		this.totalBytes -= this.parts[id]!.length;
		this.parts[id] = undefined;
		this.free.push(id);
		const key = this.keys[id]!;
		const candidates = this.byKey.get(key);
		const index = candidates?.indexOf(id) ?? -1;
		if (candidates && index >= 0) {
			candidates.splice(index, 1);
			if (candidates.length === 0) {
				this.byKey.delete(key);
			}
		}
	}
}

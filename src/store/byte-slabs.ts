/**
The ring's raw bytes, copied into large slabs. A flow's bytes arrive as a view into the gRPC receive
buffer that carried it; keeping that view would keep the whole buffer alive (a heap snapshot at 100k flows
held 127 MB in 10,425 receive buffers for about 80 MB of flows, plus a Buffer object per flow). Copied
here, they cost their length and three numbers in the ring's columns, and the garbage collector sees a
few dozen slabs instead of 100,000 objects.

Slabs fill in arrival order and the ring evicts in arrival order, so a slab is released whole once its
newest flow is evicted; released slabs are kept for reuse (up to two), so a full ring allocates nothing.
A view returned by `view` is valid until the next `append`: callers decode it at once.
*/
export const defaultSlabBytes = 1 << 20;

type Slab = {bytes: Uint8Array; used: number; newestSequence: number};

export type SlabLocation = {slab: number; offset: number};

export class ByteSlabs {
	/** Slabs in use, oldest first; slab number `firstSlab + index` is `slabs[index]`. */
	private readonly slabs: Slab[] = [];
	private firstSlab = 0;
	private readonly spare: Uint8Array[] = [];

	constructor(private readonly slabBytes = defaultSlabBytes) {}

	/** Bytes held in slabs, in use or spare (for the heap budget). */
	get heldBytes(): number {
		return this.slabs.reduce((total, slab) => total + slab.bytes.length, 0) + this.spare.reduce((total, bytes) => total + bytes.length, 0);
	}

	/** Copies `bytes[0, length)` (of flow `sequence`, newer than every flow appended before) and says where they are. */
	append(sequence: number, bytes: Uint8Array, length = bytes.length): SlabLocation {
		let current = this.slabs.at(-1);
		if (!current || current.used + length > current.bytes.length) {
			current = {bytes: this.allocate(length), used: 0, newestSequence: sequence};
			this.slabs.push(current);
		}

		const offset = current.used;
		current.bytes.set(length === bytes.length ? bytes : bytes.subarray(0, length), offset);
		current.used += length;
		current.newestSequence = sequence;
		return {slab: this.firstSlab + this.slabs.length - 1, offset};
	}

	view(slab: number, offset: number, length: number): Uint8Array {
		return this.slabs[slab - this.firstSlab]!.bytes.subarray(offset, offset + length);
	}

	/** Releases the slabs that hold only flows older than `oldestKept`. */
	release(oldestKept: number): void {
		while (this.slabs.length > 1 && this.slabs[0]!.newestSequence < oldestKept) {
			const released = this.slabs.shift()!;
			this.firstSlab++;
			if (this.spare.length < 2 && released.bytes.length === this.slabBytes) {
				this.spare.push(released.bytes);
			}
		}
	}

	private allocate(needed: number): Uint8Array {
		if (needed > this.slabBytes) {
			// A flow larger than a slab gets one of its own.
			return new Uint8Array(needed);
		}

		return this.spare.pop() ?? new Uint8Array(this.slabBytes);
	}
}

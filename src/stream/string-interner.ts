/**
Turns repeated UTF-8 byte strings (namespaces, pod names, node names, IPs, policy names) into one shared
JavaScript string each, without decoding them again: a flow stream repeats a few thousand distinct
values millions of times, and keeping one copy of each is what lets 100k retained flow records stay
small and cheap for the garbage collector.
*/
const maximumEntries = 65_536;

type Entry = {bytes: Uint8Array; text: string; id: number; next: Entry | undefined};

export class StringInterner {
	private readonly buckets = new Map<number, Entry>();
	private size = 0;
	private nextId = 1;
	private readonly decoder = new TextDecoder();
	/** A number for the string the last intern() returned; equal strings get equal ids (until a reset). */
	lastId = 0;

	/** The string for `buffer[start, end)`, shared with every earlier call for the same bytes. */
	intern(buffer: Uint8Array, start: number, end: number): string {
		// FNV-1a over the bytes.
		let hash = 0x81_1c_9d_c5;
		for (let index = start; index < end; index++) {
			hash = Math.imul(hash ^ buffer[index]!, 0x01_00_01_93);
		}

		// Within V8's small integers (31 bits): a key outside them is a heap number, allocated for every lookup.
		hash &= 0x3f_ff_ff_ff;
		const length = end - start;
		for (let entry = this.buckets.get(hash); entry; entry = entry.next) {
			if (entry.bytes.length === length && sameBytes(entry.bytes, buffer, start)) {
				this.lastId = entry.id;
				return entry.text;
			}
		}

		if (this.size >= maximumEntries) {
			// A stream with unbounded distinct values (random pod names…): start over rather than grow.
			this.buckets.clear();
			this.size = 0;
		}

		// A copy: `buffer` is the flow's Buffer, a view into the gRPC chunk it came in, whose slice() would be a
		// view too and keep that whole chunk alive as long as the entry (a heap snapshot found them both).
		const bytes = new Uint8Array(length);
		bytes.set(buffer.subarray(start, end));
		const text = this.decoder.decode(bytes);
		this.lastId = this.nextId++;
		this.buckets.set(hash, {bytes, text, id: this.lastId, next: this.buckets.get(hash)});
		this.size++;
		return text;
	}
}

function sameBytes(bytes: Uint8Array, buffer: Uint8Array, start: number): boolean {
	for (let index = 0; index < bytes.length; index++) {
		if (bytes[index] !== buffer[start + index]) {
			return false;
		}
	}

	return true;
}

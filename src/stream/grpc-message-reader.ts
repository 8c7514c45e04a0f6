/**
Splits a gRPC response body into its messages (grpc's PROTOCOL-HTTP2.md: each message is a
compressed-flag byte, a 4-byte big-endian length, then the message). HTTP/2 DATA frames do not
respect message boundaries: a chunk may hold many messages, and a message may span chunks. A message
that lies inside one chunk is handed on as a view of it, without a copy (the store copies what it
keeps into its own slabs, so no chunk stays pinned); only a message split across chunks is assembled.
*/

export type MessageReaderError = {kind: 'too-large'; length: number} | {kind: 'compressed'};

const prefixLength = 5;

export class GrpcMessageReader {
	/** The message being assembled across chunks, or the bytes of a prefix split across chunks. */
	private partial: Buffer | undefined;
	private partialLength = 0;
	/** How many bytes of `partial` are filled. */
	private filled = 0;

	constructor(private readonly maximumLength: number) {}

	/** Calls `onMessage` for each complete message in order; returns why it stopped, if the body is not acceptable. */
	read(chunk: Buffer, onMessage: (message: Buffer) => void): MessageReaderError | undefined {
		let offset = 0;
		if (this.partial !== undefined) {
			const resumed = this.resume(chunk, onMessage);
			if (typeof resumed !== 'number') {
				return resumed;
			}

			offset = resumed;
		}

		while (offset < chunk.length) {
			if (chunk.length - offset < prefixLength) {
				this.startPartial(chunk.subarray(offset), prefixLength);
				return undefined;
			}

			const problem = this.checkPrefix(chunk, offset);
			if (problem) {
				return problem;
			}

			const length = chunk.readUInt32BE(offset + 1);
			const start = offset + prefixLength;
			if (start + length > chunk.length) {
				this.startPartial(chunk.subarray(offset), prefixLength + length);
				return undefined;
			}

			offset = start + length;
			onMessage(chunk.subarray(start, offset));
		}

		return undefined;
	}

	/** Whether the body ended in the middle of a message. */
	get hasPartialMessage(): boolean {
		return this.partial !== undefined;
	}

	private startPartial(bytes: Buffer, length: number): void {
		this.partial = Buffer.allocUnsafe(length);
		this.partialLength = length;
		this.filled = bytes.copy(this.partial);
	}

	/** Fills the partial message (or prefix) from `chunk`; returns the offset in `chunk` after it. */
	private resume(chunk: Buffer, onMessage: (message: Buffer) => void): number | MessageReaderError {
		let offset = 0;
		for (;;) {
			const partial = this.partial!;
			const taken = Math.min(this.partialLength - this.filled, chunk.length - offset);
			chunk.copy(partial, this.filled, offset, offset + taken);
			this.filled += taken;
			offset += taken;
			if (this.filled < this.partialLength) {
				return offset;
			}

			if (this.partialLength === prefixLength) {
				// Only the prefix had been split: now the message's length is known.
				const problem = this.checkPrefix(partial, 0);
				if (problem) {
					return problem;
				}

				const length = partial.readUInt32BE(1);
				if (offset + length <= chunk.length) {
					this.partial = undefined;
					onMessage(chunk.subarray(offset, offset + length));
					return offset + length;
				}

				const assembled = Buffer.allocUnsafe(prefixLength + length);
				partial.copy(assembled);
				this.partial = assembled;
				this.partialLength = prefixLength + length;
				continue;
			}

			this.partial = undefined;
			onMessage(partial.subarray(prefixLength));
			return offset;
		}
	}

	private checkPrefix(bytes: Buffer, offset: number): MessageReaderError | undefined {
		// ztop does not send grpc-accept-encoding, so a server may not compress (PROTOCOL-HTTP2.md).
		if (bytes[offset] !== 0) {
			return {kind: 'compressed'};
		}

		const length = bytes.readUInt32BE(offset + 1);
		return length > this.maximumLength ? {kind: 'too-large', length} : undefined;
	}
}

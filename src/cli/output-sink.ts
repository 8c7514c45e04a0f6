/**
Buffered stdout/stderr for headless output: a capture of 400k lines must not become 400k write calls,
yet a followed stream shows each flow at once (the buffer is flushed as soon as the event loop is
idle); a reader that goes away (`ztop … | head`) ends the run quietly instead of with an EPIPE trace.
*/
import type {Writable} from 'node:stream';
import type {OutputSink} from '../printer/response-printer.js';

const flushThreshold = 64 * 1024;

export class BufferedSink implements OutputSink {
	private chunks: string[] = [];
	private size = 0;
	private isFlushScheduled = false;
	isClosed = false;

	constructor(
		private readonly out: Writable,
		private readonly error: Writable,
	) {
		out.on('error', (failure: NodeJS.ErrnoException) => {
			if (failure.code === 'EPIPE') {
				this.isClosed = true;
				return;
			}

			throw failure;
		});
	}

	stdout(text: string): void {
		if (this.isClosed) {
			return;
		}

		this.chunks.push(text);
		this.size += text.length;
		if (this.size >= flushThreshold) {
			this.flushNow();
		} else if (!this.isFlushScheduled) {
			this.isFlushScheduled = true;
			setImmediate(() => {
				this.isFlushScheduled = false;
				this.flushNow();
			});
		}
	}

	stderr(text: string): void {
		// Keep stdout and stderr in order when both go to one terminal.
		this.flushNow();
		this.error.write(text);
	}

	/** Writes what is buffered and waits until the stream has taken it (backpressure). */
	async flush(): Promise<void> {
		const isDrained = this.flushNow();
		if (!isDrained && !this.isClosed) {
			await new Promise<void>(resolve => {
				this.out.once('drain', resolve);
				this.out.once('close', resolve);
			});
		}
	}

	private flushNow(): boolean {
		if (this.chunks.length === 0 || this.isClosed) {
			return true;
		}

		const text = this.chunks.join('');
		this.chunks = [];
		this.size = 0;
		return this.out.write(text);
	}
}

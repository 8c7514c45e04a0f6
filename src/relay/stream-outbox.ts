/**
What one following GetFlows stream has yet to send, kept the way a Hubble server keeps it: the server reads
each client's flows from its ring buffer at the client's pace, so a client that reads slowly lags behind in
the ring, and loses flows only when the ring overwrites what it has not read yet; it is then told how many
with a lost_events response (hubble-api.md §2.5, HUBBLE_RING_BUFFER). The outbox is that lag: up to
`capacity` responses wait for the stream to drain, the oldest give way beyond that and are counted.
*/
import type {GetFlowsResponse} from '../flow/flow.js';
import type {FlowStream} from './demo-relay.js';

export class StreamOutbox {
	private pending: GetFlowsResponse[] = [];
	/** Index of the oldest pending response (items before it were sent or dropped). */
	private head = 0;
	private lost = 0;
	private isBlocked = false;

	constructor(
		private readonly stream: FlowStream,
		private readonly capacity: number,
		private readonly now: () => number,
		/** The bytes a response goes out as (encoded once, shared by every stream). */
		private readonly bytesOf: (response: GetFlowsResponse) => Uint8Array,
	) {
		stream.onDrain(() => {
			this.isBlocked = false;
			this.flush();
		});
	}

	push(response: GetFlowsResponse): void {
		if (!this.isBlocked && this.head === this.pending.length) {
			this.isBlocked = !this.stream.send(response, this.bytesOf(response));
			return;
		}

		this.pending.push(response);
		if (this.pending.length - this.head > this.capacity) {
			this.head++;
			this.lost++;
		}

		this.compact();
	}

	private flush(): void {
		if (this.lost > 0) {
			this.isBlocked = !this.stream.send({
				lost_events: {source: 'HUBBLE_RING_BUFFER', num_events_lost: String(this.lost)},
				time: new Date(this.now()).toISOString(),
			});
			this.lost = 0;
		}

		while (!this.isBlocked && this.head < this.pending.length) {
			const response = this.pending[this.head++]!;
			this.isBlocked = !this.stream.send(response, this.bytesOf(response));
		}

		this.compact();
	}

	/** Drops the sent prefix once it is as long as what waits, so the array stays within twice the capacity. */
	private compact(): void {
		if (this.head === this.pending.length) {
			this.pending = [];
			this.head = 0;
		} else if (this.head > 1024 && this.head >= this.pending.length - this.head) {
			this.pending = this.pending.slice(this.head);
			this.head = 0;
		}
	}
}

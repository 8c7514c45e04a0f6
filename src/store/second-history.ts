/**
Counts per second over a sliding window (default the last 5 minutes), keyed by the flows' own timestamps so
that a backfill or a capture draws the same sparkline as the live stream did. A count older than the window
is dropped from the history (totals elsewhere still include it).
*/

export const historySeconds = 300;

export class SecondHistory {
	private readonly counts: Float64Array;
	private readonly seconds: Float64Array;

	constructor(readonly length = historySeconds) {
		this.counts = new Float64Array(length);
		this.seconds = new Float64Array(length).fill(-1);
	}

	add(second: number, amount = 1): void {
		const slot = second % this.length;
		const held = this.seconds[slot]!;
		if (held !== second) {
			if (second < held) {
				// The slot holds a newer second: this one has left the window.
				return;
			}

			this.seconds[slot] = second;
			this.counts[slot] = 0;
		}

		this.counts[slot]! += amount;
	}

	/** Counts of the `length` seconds ending at `latest`, oldest first. */
	series(latest: number, length = this.length): number[] {
		const values: number[] = [];
		for (let second = latest - Math.min(length, this.length) + 1; second <= latest; second++) {
			const slot = ((second % this.length) + this.length) % this.length;
			values.push(this.seconds[slot] === second ? this.counts[slot]! : 0);
		}

		return values;
	}

	/** An independent copy. */
	clone(): SecondHistory {
		const copy = new SecondHistory(this.length);
		copy.counts.set(this.counts);
		copy.seconds.set(this.seconds);
		return copy;
	}

	/** The sum over the `window` seconds ending at `latest`. */
	sum(latest: number, window: number): number {
		return this.series(latest, window).reduce((total, count) => total + count, 0);
	}
}

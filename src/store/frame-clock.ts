/**
The frame clock: at `--fps` (default 10) it builds a Frame when the store or the UI state changed, and at
least once a second otherwise (ages and rates move with time). Ingest never waits for it and React never
sees a flow: the view gets at most `fps` immutable frames per second, however fast flows arrive.
*/
import type {Frame} from './frame.js';

export type FrameClockOptions = {
	fps: number;
	/** A number that changes whenever the store changed (FlowStore.version). */
	version: () => number;
	build: () => Frame;
	onFrame: (frame: Frame) => void;
	now?: () => number;
	/** setTimeout, replaceable in tests. */
	setTimer?: (callback: () => void, milliseconds: number) => NodeJS.Timeout;
};

export const defaultFps = 10;

export class FrameClock {
	private timer: NodeJS.Timeout | undefined;
	private lastVersion = Number.NaN;
	private lastBuilt = Number.NEGATIVE_INFINITY;
	private isDirty = true;
	private readonly now: () => number;
	private readonly period: number;
	private nextAt = 0;
	private isRunning = false;

	constructor(private readonly options: FrameClockOptions) {
		if (!(options.fps > 0 && options.fps <= 60)) {
			throw new RangeError(`--fps must be between 1 and 60, got ${options.fps}`);
		}

		this.now = options.now ?? Date.now;
		this.period = 1000 / options.fps;
	}

	start(): void {
		this.stop();
		this.isRunning = true;
		this.tick();
		this.nextAt = this.now() + this.period;
		this.schedule();
	}

	stop(): void {
		this.isRunning = false;
		if (this.timer) {
			clearTimeout(this.timer);
			this.timer = undefined;
		}
	}

	/**
	Ticks on a grid of deadlines, not every period after the last tick: Node's setInterval counts each period
	from when its callback ran, so on a busy loop every late tick pushed the next one back (at 50,000 flows/s,
	ticks ~28 ms late drew 7.8 frames a second for --fps 10). More than a period behind, the grid starts
	again from now: frames are skipped, never drawn in a burst.
	*/
	private schedule(): void {
		const setTimer = this.options.setTimer ?? setTimeout;
		this.timer = setTimer(
			() => {
				this.tick();
				if (!this.isRunning) {
					// A frame's handler stopped the clock (the user quit).
					return;
				}

				const now = this.now();
				this.nextAt = this.nextAt + this.period > now ? this.nextAt + this.period : now + this.period;
				this.schedule();
			},
			Math.max(0, this.nextAt - this.now()),
		);
	}

	/** The UI state changed: build on the next tick even if the store did not. */
	invalidate(): void {
		this.isDirty = true;
	}

	/** Builds and emits a frame if something changed; returns whether it did. */
	tick(): boolean {
		const version = this.options.version();
		const now = this.now();
		if (!this.isDirty && version === this.lastVersion && now - this.lastBuilt < 1000) {
			return false;
		}

		this.isDirty = false;
		this.lastVersion = version;
		this.lastBuilt = now;
		this.options.onFrame(this.options.build());
		return true;
	}
}

/** Flows per second over a sliding window of samples of a growing count. */
export class RateMeter {
	private readonly samples: Array<{time: number; count: number}> = [];

	constructor(private readonly windowMilliseconds = 5000) {}

	sample(time: number, count: number): number {
		this.samples.push({time, count});
		while (this.samples.length > 2 && this.samples[0]!.time < time - this.windowMilliseconds) {
			this.samples.shift();
		}

		const first = this.samples[0]!;
		const elapsed = time - first.time;
		return elapsed <= 0 ? 0 : ((count - first.count) * 1000) / elapsed;
	}
}

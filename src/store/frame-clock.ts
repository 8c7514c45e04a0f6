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
};

export const defaultFps = 10;

export class FrameClock {
	private timer: NodeJS.Timeout | undefined;
	private lastVersion = Number.NaN;
	private lastBuilt = Number.NEGATIVE_INFINITY;
	private isDirty = true;
	private readonly now: () => number;

	constructor(private readonly options: FrameClockOptions) {
		if (!(options.fps > 0 && options.fps <= 60)) {
			throw new RangeError(`--fps must be between 1 and 60, got ${options.fps}`);
		}

		this.now = options.now ?? Date.now;
	}

	start(): void {
		this.stop();
		this.tick();
		this.timer = setInterval(() => this.tick(), Math.round(1000 / this.options.fps));
	}

	stop(): void {
		if (this.timer) {
			clearInterval(this.timer);
			this.timer = undefined;
		}
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

/**
The running TUI's controller: the FlowStore, the frame clock and the UI's view, glued together for the
App (src/views/app.tsx). Sources push into the store; the clock builds Frames from it and hands them to
the App; the App's actions (filter, pause, mark, export, copy) come back here.
*/
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import type {Flow} from '../flow/flow.js';
import {FilterError} from '../filters/filter-error.js';
import {FilterSyntaxError, parseFilterText} from '../filters/filter-language.js';
import type {PolicySet} from '../policy/policy-evaluator.js';
import {FlowStore} from '../store/flow-store.js';
import {FrameClock, RateMeter} from '../store/frame-clock.js';
import {buildFrame, type Frame, type PausedSelection, type SourceStatus, type ViewState} from '../store/frame.js';
import type {RawSplitter} from '../store/flow-ring.js';
import type {FilterProblem, TuiController} from '../views/app.js';
import type {FlowDetail} from '../views/detail-lines.js';

export type TuiControllerOptions = {
	capacity: number;
	fps: number;
	color: boolean;
	/** The full flow of a flow's raw bytes (gRPC bytes, or a capture line). */
	decodeFlow: (raw: Uint8Array) => Flow | undefined;
	/** The jsonpb line of a flow's raw bytes, as `hubble observe -o jsonpb` writes it. */
	jsonLine: (raw: Uint8Array) => string | undefined;
	/** Writes to the terminal outside Ink (OSC 52). */
	writeTerminal: (text: string) => void;
	/** Where exports go (the working directory). */
	exportDirectory: string;
	/** Keeps what repeats in raw flows once (gRPC bytes). */
	rawSplitter?: RawSplitter;
	now?: () => number;
};

/**
The policies the TUI evaluates: `baseline` (--policies), and `candidate` with a what-if (--what-if-*).
`note` is the header's word on them.
*/
export type TuiPolicies = {baseline?: PolicySet; candidate?: PolicySet; note: string};

const initialView: ViewState = {
	flowRows: 10,
	scrollTop: undefined,
	policyRows: 5,
	sparklineWidth: 60,
	sinceMark: false,
	showOverview: false,
	filterText: '',
};

export class TuiControllerImpl implements TuiController {
	readonly store: FlowStore;
	readonly color: boolean;
	status: SourceStatus = {label: '', state: 'connecting', reconnects: 0};
	private view: ViewState = initialView;
	private paused: PausedSelection | undefined;
	private markedAt: number | undefined;
	private readonly listeners = new Set<(frame: Frame) => void>();
	private readonly clock: FrameClock;
	private readonly rate = new RateMeter();
	private lastFrame: Frame | undefined;
	private readonly now: () => number;
	private statusVersion = 0;
	private policies: TuiPolicies | undefined;
	/** Reads the policies again (R); set when ztop has policies to read. */
	reloadPolicies: (() => Promise<string>) | undefined;

	constructor(private readonly options: TuiControllerOptions) {
		this.store = new FlowStore({capacity: options.capacity, decodeFlow: options.decodeFlow, ...(options.rawSplitter ? {rawSplitter: options.rawSplitter} : {})});
		this.color = options.color;
		this.now = options.now ?? Date.now;
		this.clock = new FrameClock({
			fps: options.fps,
			version: () => this.store.version + this.statusVersion,
			build: () => this.build(),
			onFrame: frame => {
				this.lastFrame = frame;
				for (const listener of this.listeners) {
					listener(frame);
				}
			},
			now: this.now,
		});
	}

	start(): void {
		this.clock.start();
	}

	stop(): void {
		this.clock.stop();
	}

	/**
	Sets the policies (at start, and when --policies cluster is read again): a what-if candidate is followed
	from the flows the ring holds on.
	*/
	setPolicies(policies: TuiPolicies | undefined): void {
		this.policies = policies;
		this.store.setWhatIf(policies?.candidate ? {candidate: policies.candidate, ...(policies.baseline ? {baseline: policies.baseline} : {})} : undefined);
		this.statusVersion++;
		this.refresh();
	}

	/** The source's state changed (connected, reconnecting, a new label, node counts). */
	setStatus(status: SourceStatus): void {
		this.status = status;
		this.store.overview.setNodes(status.nodes);
		this.statusVersion++;
	}

	onFrame(listener: (frame: Frame) => void): () => void {
		this.listeners.add(listener);
		if (this.lastFrame) {
			listener(this.lastFrame);
		}

		return () => this.listeners.delete(listener);
	}

	setView(view: ViewState): void {
		this.view = view;
		this.refresh();
	}

	applyFilter(text: string): FilterProblem | undefined {
		try {
			this.store.setFilter(parseFilterText(text));
		} catch (error) {
			if (error instanceof FilterSyntaxError) {
				return {message: error.message, position: error.position};
			}

			if (error instanceof FilterError) {
				return {message: error.message, position: 0};
			}

			throw error;
		}

		if (this.paused) {
			// A new filter while paused shows its selection frozen at this moment.
			this.paused = this.snapshot();
		}

		this.refresh();
		return undefined;
	}

	pause(): void {
		this.paused ??= this.snapshot();
		this.refresh();
	}

	resume(): void {
		this.paused = undefined;
		this.refresh();
	}

	mark(): void {
		this.store.mark();
		this.markedAt = this.now();
		this.refresh();
	}

	detail(sequence: number): FlowDetail {
		const raw = this.store.raw(sequence);
		const record = this.store.record(sequence);
		const flow = this.store.flow(sequence);
		const input = record ? {record, fullFlow: () => flow} : undefined;
		const {baseline, candidate} = this.policies ?? {};
		const evaluation =
			input && (baseline || candidate) ? {...(baseline ? {now: baseline.evaluate(input)} : {}), ...(candidate ? {after: candidate.evaluate(input)} : {})} : undefined;
		return {
			sequence,
			record,
			flow,
			attribution: this.store.attribution(sequence),
			json: raw === undefined ? undefined : this.options.jsonLine(raw),
			...(evaluation ? {evaluation} : {}),
		};
	}

	exportView(): string {
		const sequences = this.paused?.sequences ?? this.store.matches();
		const lines: string[] = [];
		for (const sequence of sequences) {
			const raw = this.store.raw(sequence);
			const line = raw === undefined ? undefined : this.options.jsonLine(raw);
			if (line !== undefined) {
				lines.push(line);
			}
		}

		const stamp = new Date(this.now()).toISOString().replaceAll(/[:.]/g, '-');
		const file = path.join(this.options.exportDirectory, `ztop-export-${stamp}.json`);
		try {
			writeFileSync(file, lines.map(line => line + '\n').join(''));
		} catch (error) {
			return `export failed: ${(error as Error).message}`;
		}

		return `exported ${lines.length} flows to ${file} (hubble observe --input-file ${path.basename(file)})`;
	}

	copy(sequence: number): string {
		const raw = this.store.raw(sequence);
		const line = raw === undefined ? undefined : this.options.jsonLine(raw);
		if (line === undefined) {
			return 'that flow is no longer in the buffer';
		}

		// OSC 52: the terminal (or tmux, or the SSH client's terminal) puts it on the clipboard.
		this.options.writeTerminal(`\u001B]52;c;${Buffer.from(line).toString('base64')}\u0007`);
		return `copied flow #${sequence} as JSON (${line.length} bytes) through OSC 52`;
	}

	private snapshot(): PausedSelection {
		return {sequences: this.store.matches(), matchedAtPause: this.store.matchedTotal};
	}

	/** Rebuilds now (a key press should show at once, not at the next tick). */
	private refresh(): void {
		this.clock.invalidate();
		this.clock.tick();
	}

	private build(): Frame {
		const now = this.now();
		return buildFrame({
			store: this.store,
			source: this.status,
			view: this.view,
			paused: this.paused,
			flowsPerSecond: this.rate.sample(now, this.store.received),
			markedAt: this.markedAt,
			now,
			...(this.policies ? {policyNote: this.policies.note} : {}),
		});
	}
}

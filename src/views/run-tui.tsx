/**
Starts the TUI with Ink on the given terminal and resolves when the user quits. Ink 6.8 is set up the way
node-ecosystem.md §2 measured best for SSH: incremental rendering (only changed lines are written),
no console patching (nothing may print over the screen), and a frame rate cap at --fps.
*/
import {render} from 'ink';
import {App, type TuiController} from './app.js';

/**
Ink 6.8.0's incremental renderer parks the cursor on the line below the frame (the frame ends with a
newline) but moves up only `lines − 1` before the next frame, so every frame lands one row lower than
the last (reproduced in tmux with a five-line app; the standard renderer, which erases the whole frame,
does not drift). This wraps the terminal so that the upward move of each later frame counts that extra
row. The first write of a frame after a clear starts with the frame itself, not with a move, and is
passed through.
*/
export function correctIncrementalCursor(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
	const write = (chunk: unknown, ...rest: unknown[]): boolean => {
		const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
		const corrected = text.replace(/^\u001B\[(\d+)A/, (_match, count: string) => `\u001B[${Number(count) + 1}A`);
		return (stdout.write as (...arguments_: unknown[]) => boolean)(corrected, ...rest);
	};

	return new Proxy(stdout, {
		get(target, property) {
			if (property === 'write') {
				return write;
			}

			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...arguments_: unknown[]) => unknown).bind(target) : value;
		},
	});
}

/** What the TUI drew, for `--debug`'s session summary and the end-to-end benchmark. */
export type TerminalStats = {frames: number; bytes: number};

/** Counts what goes to the terminal: bytes per write, as the pseudo-terminal receives them. */
function meteredTerminal(stdout: NodeJS.WriteStream, stats: TerminalStats): NodeJS.WriteStream {
	return new Proxy(stdout, {
		get(target, property) {
			if (property === 'write') {
				return (chunk: unknown, ...rest: unknown[]): boolean => {
					stats.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : (chunk as Uint8Array).byteLength;
					return (target.write as (...arguments_: unknown[]) => boolean)(chunk, ...rest);
				};
			}

			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...arguments_: unknown[]) => unknown).bind(target) : value;
		},
	});
}

export async function runTuiApp(
	controller: TuiController,
	terminal: {
		stdout: NodeJS.WriteStream;
		stdin: NodeJS.ReadStream;
		stderr: NodeJS.WriteStream;
		fps: number;
		/** Called after each frame Ink renders, with its render time (benchmarks). */
		onRender?: (renderMilliseconds: number) => void;
		/** Ink's standard renderer instead (the benchmark's baseline: every frame repainted whole). */
		repaintWholeFrames?: boolean;
	},
): Promise<TerminalStats> {
	const app = startTuiApp(controller, terminal);
	await app.exited;
	return app.stats;
}

/** Starts the TUI and returns a function that quits it (benchmarks drive it without keys). */
export function startTuiApp(
	controller: TuiController,
	terminal: Parameters<typeof runTuiApp>[1],
): {quit: () => void; exited: Promise<void>; stats: TerminalStats} {
	const isIncremental = terminal.repaintWholeFrames !== true;
	const stats: TerminalStats = {frames: 0, bytes: 0};
	const stdout = meteredTerminal(terminal.stdout, stats);
	const instance = render(<App controller={controller} />, {
		stdout: isIncremental ? correctIncrementalCursor(stdout) : stdout,
		stdin: terminal.stdin,
		stderr: terminal.stderr,
		exitOnCtrlC: true,
		patchConsole: false,
		incrementalRendering: isIncremental,
		// The frame clock already paces updates at --fps; Ink's own throttle at the same rate would beat
		// against it and halve the frame rate, so it only caps bursts (key presses) here.
		maxFps: Math.min(60, terminal.fps * 2),
		onRender({renderTime}: {renderTime: number}) {
			stats.frames++;
			terminal.onRender?.(renderTime);
		},
	});
	return {quit: () => instance.unmount(), exited: instance.waitUntilExit().then(() => undefined), stats};
}

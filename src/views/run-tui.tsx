/**
Starts the TUI and resolves when the user quits. Ink runs the App (React state, effects, the keyboard
through useInput, Ctrl-C) on a terminal whose output goes nowhere; the App's screens are drawn by the
LineRenderer, which writes only the lines that changed (see line-renderer.ts for why: Ink's own renderer
cost a third of a core at 10 fps on a 120×40 screen). No console patching: nothing may print over the
screen.
*/
import {render} from 'ink';
import {App} from './app.js';
import type {TuiController} from './app.js';
import {LineRenderer} from './line-renderer.js';

/** What the TUI drew, for `--debug`'s session summary and the benchmarks. */
export type TerminalStats = {frames: number; bytes: number};

/**
The terminal as Ink sees it: its size, its resize events and its TTY-ness are the real terminal's, but
what Ink writes (an empty frame, cursor hiding) goes nowhere: the screen belongs to the LineRenderer and
the alternate screen and cursor to TerminalSession (src/cli).
*/
function silentTerminal(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
	return new Proxy(stdout, {
		get(target, property) {
			if (property === 'write') {
				return (_chunk: unknown, ...rest: unknown[]): boolean => {
					const callback = rest.find(item => typeof item === 'function') as (() => void) | undefined;
					callback?.();
					return true;
				};
			}

			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...arguments_: unknown[]) => unknown).bind(target) : value;
		},
	});
}

/**
`draw`, held back while `stream` has not taken the last write (over a slow link the terminal may lag:
drawing more would only queue bytes in memory and show stale frames late). The latest call waits for the
drain; the ones it replaced are dropped.
*/
export function whenDrained<Arguments extends unknown[]>(stream: NodeJS.WritableStream & {writableNeedDrain?: boolean}, draw: (...arguments_: Arguments) => void): (...arguments_: Arguments) => void {
	let waiting: Arguments | undefined;
	const paced = (...arguments_: Arguments): void => {
		if (stream.writableNeedDrain === true) {
			if (!waiting) {
				stream.once('drain', () => {
					const latest = waiting!;
					waiting = undefined;
					paced(...latest);
				});
			}

			waiting = arguments_;
			return;
		}

		draw(...arguments_);
	};

	return paced;
}

export type TuiTerminal = {
	stdout: NodeJS.WriteStream;
	stdin: NodeJS.ReadStream;
	stderr: NodeJS.WriteStream;
	fps: number;
	/** Called after each frame written, with the milliseconds the writing took (Ink: its render time). */
	onFrame?: (milliseconds: number) => void;
	/** Ink's standard renderer on the same screens instead (the benchmark's baseline). */
	drawWithInk?: boolean;
};

export async function runTuiApp(controller: TuiController, terminal: TuiTerminal): Promise<TerminalStats> {
	const app = startTuiApp(controller, terminal);
	await app.exited;
	return app.stats;
}

/** Starts the TUI and returns a function that quits it (benchmarks drive it without keys). */
export function startTuiApp(controller: TuiController, terminal: TuiTerminal): {quit: () => void; exited: Promise<void>; stats: TerminalStats} {
	const stats: TerminalStats = {frames: 0, bytes: 0};
	const renderer = new LineRenderer(text => terminal.stdout.write(text));
	const draw = whenDrained(terminal.stdout, (...screen: Parameters<LineRenderer['draw']>) => {
		const began = performance.now();
		const written = renderer.draw(...screen);
		if (written !== '') {
			stats.frames++;
			stats.bytes += Buffer.byteLength(written);
			terminal.onFrame?.(performance.now() - began);
		}
	});

	const isInk = terminal.drawWithInk === true;
	const instance = render(<App controller={controller} draw={draw} drawWithInk={isInk} />, {
		stdout: isInk ? meteredTerminal(terminal.stdout, stats) : silentTerminal(terminal.stdout),
		stdin: terminal.stdin,
		stderr: terminal.stderr,
		exitOnCtrlC: true,
		patchConsole: false,
		// The frame clock paces frames at --fps; Ink's own throttle only matters for its baseline renderer.
		maxFps: Math.min(60, terminal.fps * 2),
		...(isInk
			? {
					onRender({renderTime}: {renderTime: number}) {
						stats.frames++;
						terminal.onFrame?.(renderTime);
					},
				}
			: {}),
	});
	return {quit: () => instance.unmount(), exited: instance.waitUntilExit().then(() => undefined), stats};
}

/** Ink's baseline: counts the bytes Ink writes. */
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

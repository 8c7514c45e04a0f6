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

export async function runTuiApp(
	controller: TuiController,
	terminal: {stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; stderr: NodeJS.WriteStream; fps: number},
): Promise<void> {
	const instance = render(<App controller={controller} />, {
		stdout: correctIncrementalCursor(terminal.stdout),
		stdin: terminal.stdin,
		stderr: terminal.stderr,
		exitOnCtrlC: true,
		patchConsole: false,
		incrementalRendering: true,
		maxFps: terminal.fps,
	});
	await instance.waitUntilExit();
}

/**
A real terminal for screen tests: the built CLI runs inside a tmux pane of a fixed size, on a private
tmux server (its own socket, no user configuration), and the test types keys and reads the screen as a
person would. `CI` is removed from ztop's environment: Ink prints nothing while it is set.
*/
import {execFileSync} from 'node:child_process';
import path from 'node:path';
import {projectRoot} from './run-ztop.js';

let serverCount = 0;

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

export class TmuxTerminal {
	private readonly socket = `ztop-test-${process.pid}-${serverCount++}`;

	constructor(
		private readonly columns: number,
		private readonly rows: number,
	) {}

	/**
	Starts `ztop ARGS` in `directory`; the pane stays open after it exits, showing `EXITED:<code>`. The pane
	gets the title `title` before ztop starts, so that a title change by ztop would show.
	*/
	start(arguments_: string[], directory = projectRoot, environment: Record<string, string> = {}, title = 'ztop-test'): void {
		this.startProgram([process.execPath, path.join(projectRoot, 'bin', 'ztop.js'), ...arguments_], directory, environment, title);
	}

	/** As start, with the whole command line: another build of ztop (the single executable), say. */
	startProgram(commandLine: string[], directory = projectRoot, environment: Record<string, string> = {}, title = 'ztop-test'): void {
		const variables = Object.entries({TERM: 'xterm-256color', ...environment}).map(([name, value]) => `${name}=${shellQuote(value)}`);
		const command = `sleep 0.3; cd ${shellQuote(directory)} && env -u CI ${variables.join(' ')} ${commandLine.map(shellQuote).join(' ')}; echo EXITED:$?; sleep 600`;
		this.tmux('new-session', '-d', '-s', 'ztop', '-x', String(this.columns), '-y', String(this.rows), command);
		// Let applications create tmux buffers through OSC 52, so that a clipboard write can be observed.
		this.tmux('set-option', '-g', 'set-clipboard', 'on');
		this.tmux('select-pane', '-t', 'ztop', '-T', title);
	}

	/** The screen as text (the visible pane). */
	screen(): string {
		return this.tmux('capture-pane', '-p', '-t', 'ztop');
	}

	/** A tmux format of the pane, e.g. `#{alternate_on}`, `#{cursor_flag}`, `#{pane_title}`. */
	pane(format: string): string {
		return this.tmux('display-message', '-p', '-t', 'ztop', format).trim();
	}

	/** Keys by tmux name (`Enter`, `Escape`, `Space`, `q`…). */
	keys(...keys: string[]): void {
		for (const key of keys) {
			this.tmux('send-keys', '-t', 'ztop', key);
		}
	}

	/** Literal text, as typed. */
	type(text: string): void {
		this.tmux('send-keys', '-t', 'ztop', '-l', '--', text);
	}

	/** The newest tmux paste buffer, or undefined when there is none. */
	buffer(): string | undefined {
		try {
			return this.tmux('show-buffer');
		} catch {
			return undefined;
		}
	}

	resize(columns: number, rows: number): void {
		this.tmux('resize-window', '-t', 'ztop', '-x', String(columns), '-y', String(rows));
	}

	/** The pid of the process in the pane's shell that runs ztop. */
	ztopPid(): number {
		const shell = this.pane('#{pane_pid}');
		const children = execFileSync('pgrep', ['-P', shell], {encoding: 'utf8'}).trim().split('\n');
		return Number(children[0]);
	}

	async waitFor(predicate: (screen: string) => boolean, what: string, timeoutMilliseconds = 15_000): Promise<string> {
		const deadline = Date.now() + timeoutMilliseconds;
		let screen = '';
		while (Date.now() < deadline) {
			screen = this.screen();
			if (predicate(screen)) {
				return screen;
			}

			await new Promise(resolve => setTimeout(resolve, 100));
		}

		throw new Error(`timed out waiting for ${what}; the screen was:\n${screen}`);
	}

	kill(): void {
		try {
			this.tmux('kill-server');
		} catch {
			// Already gone.
		}
	}

	private tmux(...arguments_: string[]): string {
		return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...arguments_], {encoding: 'utf8'});
	}
}

/**
The terminal while the TUI runs: the alternate screen and a hidden cursor, and the promise to give both
back — on quit, Ctrl-C, SIGTERM, SIGHUP (the SSH session closed), and on an uncaught error, which is
printed after the terminal is restored so it stays readable. A signal also gets what must not be lost
done first (the ledger's last write). Ink 6.8 has no alternate-screen option, so ztop does it itself
(node-ecosystem.md §2; ink issue #263).
*/
import {diagnostic} from './diagnostics.js';

const enterAlternateScreen = '\u001B[?1049h\u001B[?25l\u001B[H';
const leaveAlternateScreen = '\u001B[?25h\u001B[?1049l';

export class TerminalSession {
	private isActive = false;
	private readonly handlers: Array<[string, (...arguments_: unknown[]) => void]> = [];

	constructor(
		private readonly stdout: NodeJS.WriteStream,
		private readonly stdin: NodeJS.ReadStream,
		private readonly stderr: NodeJS.WriteStream,
		/** What must happen before a signal or an uncaught error ends the process (the ledger's last write). */
		private readonly beforeExit: () => void = () => undefined,
	) {}

	enter(): void {
		this.isActive = true;
		this.stdout.write(enterAlternateScreen);
		const on = (event: string, handler: (...arguments_: unknown[]) => void) => {
			process.on(event, handler);
			this.handlers.push([event, handler]);
		};

		on('exit', () => this.restore());
		for (const [signal, code] of [
			['SIGTERM', 143],
			['SIGHUP', 129],
		] as const) {
			on(signal, () => {
				this.restore();
				this.beforeExit();
				process.exit(code);
			});
		}

		const fail = (error: unknown) => {
			this.restore();
			this.stderr.write(diagnostic(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
			this.beforeExit();
			process.exit(1);
		};

		on('uncaughtException', fail);
		on('unhandledRejection', fail);
	}

	/** Leaves the alternate screen, shows the cursor, ends raw mode. Safe to call more than once. */
	restore(): void {
		if (!this.isActive) {
			return;
		}

		this.isActive = false;
		if (this.stdin.isTTY && this.stdin.isRaw) {
			this.stdin.setRawMode(false);
		}

		this.stdout.write(leaveAlternateScreen);
	}

	/** Restores and removes the handlers (a normal quit). */
	close(): void {
		this.restore();
		for (const [event, handler] of this.handlers) {
			process.off(event, handler);
		}

		this.handlers.length = 0;
	}
}

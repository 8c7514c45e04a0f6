/**
Keeps a ledger file up to date with a connection table: written when the table moved, at most every
`intervalMilliseconds` (and no more often than ten times as long as a write takes, so that writing a large
ledger costs at most a tenth of a core), and once more at the end. `kill -9` loses at most the seconds
since the last write. Problems are reported once each, as they start and when they end.
*/
import type {ConnectionTable} from '../store/connection-table.js';
import type {LedgerFile, LedgerWrite} from './ledger-file.js';

const ledgerIntervalMilliseconds = 5000;

export class LedgerKeeper {
	private timer: NodeJS.Timeout | undefined;
	private writtenVersion: number;
	private delay: number;
	/** Why the last write was not made, while that lasts (the TUI's header shows it). */
	problem: string | undefined;

	constructor(
		readonly file: LedgerFile,
		private readonly table: ConnectionTable,
		private readonly report: (text: string) => void,
		private readonly intervalMilliseconds = ledgerIntervalMilliseconds,
	) {
		this.writtenVersion = table.version;
		this.delay = intervalMilliseconds;
	}

	start(): void {
		this.schedule();
	}

	private schedule(): void {
		this.timer = setTimeout(() => {
			this.writeIfMoved();
			this.schedule();
		}, this.delay);
		this.timer.unref();
	}

	/** Writes the table if it moved since the last write. */
	writeIfMoved(): LedgerWrite | undefined {
		if (this.table.version === this.writtenVersion && this.problem === undefined) {
			return undefined;
		}

		const version = this.table.version;
		const result = this.file.write(this.table.values(), this.table.size);
		if (result.written) {
			this.writtenVersion = version;
			this.delay = Math.max(this.intervalMilliseconds, result.milliseconds * 10);
			if (this.problem !== undefined) {
				this.report(`ledger ${this.file.path}: written again (${result.connections} connections)`);
				this.problem = undefined;
			}
		} else if (result.reason !== this.problem) {
			this.problem = result.reason;
			this.report(`ledger ${this.file.path} not written: ${result.reason}; the file keeps what it held`);
		}

		return result;
	}

	/** The last write, then the lock given up. */
	finish(): LedgerWrite | undefined {
		clearTimeout(this.timer);
		try {
			return this.writeIfMoved();
		} finally {
			this.file.unlock();
		}
	}
}

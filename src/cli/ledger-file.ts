/**
`--ledger FILE` on disk: the lock, the read at start and the atomic writes (the format is
src/store/connection-ledger.ts; the store never touches files).

- One process per ledger: `FILE.lock` is made exclusively and holds the owner's pid. A second ztop is told
  who holds it; a lock whose process is gone (killed, even with -9) is taken over.
- A write goes to `FILE.PID.tmp`, is flushed to disk, and renamed over FILE: a reader, or the next run after
  a crash at any point, sees the old file or the new one, never half of one.
- A ledger that cannot be read, is not a ledger, is of another version, or sits where nothing can be
  written is refused at start (exit 2) and left as it is; a write that fails while running (disk full,
  directory gone read-only) keeps the previous file and says so; a write that would hold fewer connections
  than the file does (connections forgotten over the bound) is not made.
*/
import {closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
import {hostname} from 'node:os';
import {decodeLedger, encodeLedger, LedgerError} from '../store/connection-ledger.js';
import type {Connection} from '../store/connection-table.js';
import {UsageError} from './usage-error.js';

/** What a failed system call says, without the call's own words (`ENOSPC: no space left on device, write` → `no space left on device`). */
export function systemReason(error: unknown): string {
	const {code, message} = error as NodeJS.ErrnoException;
	const reasons: Record<string, string> = {
		ENOENT: 'no such file or directory',
		EACCES: 'permission denied',
		EPERM: 'operation not permitted',
		EROFS: 'read-only file system',
		ENOSPC: 'no space left on device',
		EDQUOT: 'disk quota exceeded',
		EISDIR: 'it is a directory',
		ENOTDIR: 'a part of the path is not a directory',
	};
	return (code && reasons[code]) ?? message;
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists, as another user's.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

export type LedgerWrite = {written: true; connections: number; bytes: number; milliseconds: number} | {written: false; reason: string};

export class LedgerFile {
	private readonly lockPath: string;
	private readonly temporaryPath: string;
	private isLocked = false;
	/** Connections the file holds (as read, then as last written). */
	private held = 0;
	/** The connections the file held at start. */
	readonly loaded: Connection[];
	/** When the file was last written, as it says (undefined for a new ledger). */
	readonly writtenAt: string | undefined;

	/** Locks and reads the ledger; throws UsageError (exit 2) saying what is wrong, leaving the file as it was. */
	constructor(readonly path: string) {
		this.lockPath = `${path}.lock`;
		this.temporaryPath = `${path}.${process.pid}.tmp`;
		this.lock();
		try {
			this.sweepTemporaryFiles();
			const read = this.read();
			this.loaded = read?.connections ?? [];
			this.writtenAt = read?.written;
			this.held = this.loaded.length;
			// Nothing is known to be writable until something is written: find out now, not after an hour.
			this.writeProbe();
		} catch (error) {
			this.unlock();
			throw error;
		}
	}

	private lock(): void {
		const owner = `${process.pid}\n${hostname()}\n`;
		for (let attempt = 0; attempt < 2; attempt++) {
			try {
				const descriptor = openSync(this.lockPath, 'wx', 0o644);
				writeSync(descriptor, owner);
				closeSync(descriptor);
				this.isLocked = true;
				return;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
					throw new UsageError(`--ledger ${this.path}: cannot make its lock ${this.lockPath}: ${systemReason(error)}`);
				}
			}

			const holder = this.lockHolder();
			if (holder !== undefined) {
				throw new UsageError(
					`--ledger ${this.path} is in use by another ztop (pid ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`}): stop it, or give another --ledger file`,
				);
			}

			// Its process is gone (killed, crashed): the lock is stale.
			rmSync(this.lockPath, {force: true});
		}

		throw new UsageError(`--ledger ${this.path}: its lock ${this.lockPath} keeps coming back; is another ztop starting?`);
	}

	/** The live process holding the lock, or undefined when the lock is stale. */
	private lockHolder(): {pid: number; host: string} | undefined {
		let text: string;
		try {
			text = readFileSync(this.lockPath, 'utf8');
		} catch {
			return undefined;
		}

		const [pidText = '', host = ''] = text.split('\n');
		const pid = Number(pidText);
		if (!Number.isInteger(pid) || pid <= 0) {
			// Not ours, or cut short by a crash between making and writing it.
			return undefined;
		}

		if (host !== '' && host !== hostname()) {
			// Another machine's process cannot be checked from here: trust the lock.
			return {pid, host};
		}

		return isAlive(pid) ? {pid, host} : undefined;
	}

	/** Removes what writers killed in the middle of a write left (`FILE.PID.tmp` of a process that is gone). */
	private sweepTemporaryFiles(): void {
		const name = basename(this.path);
		let names: string[];
		try {
			names = readdirSync(dirname(this.path));
		} catch {
			return;
		}

		for (const each of names) {
			const pid = each.startsWith(`${name}.`) && each.endsWith('.tmp') ? Number(each.slice(name.length + 1, -'.tmp'.length)) : Number.NaN;
			if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) {
				rmSync(join(dirname(this.path), each), {force: true});
			}
		}
	}

	private read(): ReturnType<typeof decodeLedger> | undefined {
		let text: string;
		try {
			text = readFileSync(this.path, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
				return undefined;
			}

			throw new UsageError(`--ledger ${this.path}: cannot read it: ${systemReason(error)}`);
		}

		try {
			return decodeLedger(text);
		} catch (error) {
			if (error instanceof LedgerError) {
				throw new UsageError(`--ledger ${this.path}: ${error.message}; it was left as it is (give another file, or move this one away)`);
			}

			throw error;
		}
	}

	private writeProbe(): void {
		try {
			closeSync(openSync(this.temporaryPath, 'w', 0o644));
			rmSync(this.temporaryPath, {force: true});
		} catch (error) {
			throw new UsageError(`--ledger ${this.path}: cannot write next to it: ${systemReason(error)}`);
		}
	}

	/** Writes `connections` (`count` of them) over the file, atomically; never throws. */
	write(connections: Iterable<Connection>, count: number, now = new Date()): LedgerWrite {
		if (count < this.held) {
			return {written: false, reason: `it would hold ${count} connection${count === 1 ? '' : 's'}, fewer than the ${this.held} it holds (older ones were forgotten over --max-connections); raise it`};
		}

		const started = performance.now();
		let descriptor: number | undefined;
		try {
			const text = encodeLedger(connections, now);
			descriptor = openSync(this.temporaryPath, 'w', 0o644);
			writeFileSync(descriptor, text);
			fsyncSync(descriptor);
			closeSync(descriptor);
			descriptor = undefined;
			renameSync(this.temporaryPath, this.path);
			this.held = count;
			return {written: true, connections: count, bytes: Buffer.byteLength(text), milliseconds: performance.now() - started};
		} catch (error) {
			try {
				if (descriptor !== undefined) {
					closeSync(descriptor);
				}

				rmSync(this.temporaryPath, {force: true});
			} catch {
				// The reason to report is the write's.
			}

			return {written: false, reason: systemReason(error)};
		}
	}

	/** Gives the lock up (the file stays). */
	unlock(): void {
		if (this.isLocked) {
			rmSync(this.lockPath, {force: true});
			this.isLocked = false;
		}
	}
}

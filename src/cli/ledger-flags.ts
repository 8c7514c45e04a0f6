/** `--ledger` and `--max-connections`, read the same way by the headless outputs and the TUI. */
import {defaultConnectionCapacity} from '../store/connection-table.js';
import {LedgerFile} from './ledger-file.js';
import {UsageError} from './usage-error.js';

type Flags = Record<string, unknown>;

export function maxConnections(flags: Flags): number {
	return (flags['maxConnections'] as number | undefined) ?? defaultConnectionCapacity;
}

/** The --ledger file, locked and read (UsageError, exit 2, when it cannot be), checked against --max-connections. */
export function openLedger(flags: Flags, debug?: (text: string) => void): LedgerFile | undefined {
	const path = flags['ledger'] as string | undefined;
	if (path === undefined) {
		return undefined;
	}

	if (path === '') {
		throw new UsageError('--ledger needs a file name');
	}

	const ledger = new LedgerFile(path);
	const bound = maxConnections(flags);
	if (ledger.loaded.length > bound) {
		ledger.unlock();
		throw new UsageError(`--ledger ${path} holds ${ledger.loaded.length} connections, more than --max-connections ${bound}; raise it to keep them all`);
	}

	if (flags['debug'] === true) {
		debug?.(`ledger ${path}: ${ledger.loaded.length} connections${ledger.writtenAt ? `, written ${ledger.writtenAt}` : ' (a new ledger)'}`);
	}

	return ledger;
}


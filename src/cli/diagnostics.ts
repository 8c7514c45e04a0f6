/**
Everything ztop writes to stderr in its own words: `ztop: <message>` lines. Messages quote text from outside
(capture lines and JSON.parse's reading of them, flag values, gRPC status messages and trailers, kubectl's
output, policy files), so each line of a message passes escapeForTerminal, the one function that makes
such text inert (src/flow/terminal-safe.ts); only the newlines ztop puts between lines stay.
*/
import {escapeForTerminal} from '../flow/terminal-safe.js';

export function diagnostic(message: string, prefix = 'ztop'): string {
	return `${prefix}: ${message.split('\n').map(line => escapeForTerminal(line)).join('\n')}\n`;
}

/**
The ztop command: `ztop [flags]` (headless observe over a capture, a relay or the demo),
`ztop suggest`, `ztop demo-relay` (the Hubble-compatible demo server) and `ztop --version`. Exit codes
follow hubble and meow: 0 success, 1 a run-time failure (unreadable file, unreachable relay), 2 bad usage.
*/
import {FilterError} from '../filters/filter-error.js';
import {versionText} from './build-info.js';
import {runDemoRelay} from './demo-relay-command.js';
import {diagnostic} from './diagnostics.js';
import {runObserve} from './observe-command.js';
import {RunError, UsageError} from './usage-error.js';

export async function runMain(argv: string[]): Promise<void> {
	// grpc-js gives TLS the target host as server name even when it is an IP address, and Node warns
	// about that (DEP0123) on every such connection; the warning is about grpc-js, not the user's setup.
	process.removeAllListeners('warning');
	process.on('warning', warning => {
		if ((warning as {code?: string}).code !== 'DEP0123') {
			process.stderr.write(diagnostic(`${warning.name}: ${warning.message}`, '(node)'));
		}
	});

	const separator = argv.indexOf('--');
	if ((separator === -1 ? argv : argv.slice(0, separator)).includes('--version')) {
		process.stdout.write(versionText());
		return;
	}

	try {
		process.exitCode = argv[0] === 'demo-relay' ? await runDemoRelay(argv.slice(1)) : argv[0] === 'suggest' ? await runObserve(argv.slice(1), 'suggest') : await runObserve(argv);
	} catch (error) {
		if (error instanceof UsageError || error instanceof FilterError) {
			process.stderr.write(diagnostic(error.message));
			process.exitCode = 2;
		} else if (error instanceof RunError) {
			process.stderr.write(diagnostic(error.message));
			process.exitCode = 1;
		} else {
			// A bug: the stack helps its report, and may still quote outside text.
			process.stderr.write(diagnostic(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
			process.exitCode = 70;
		}
	}
}

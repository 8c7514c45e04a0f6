/**
The name ztop was started by. Named `kubectl-ztop` it is a kubectl plugin (kubectl's convention: `kubectl
ztop …` runs the `kubectl-ztop` it finds on PATH with the rest of the command line), and then, like
`kubectl` itself, it talks to the current kube context: without a source it port-forwards hubble-relay
there, as -P does.
*/
import path from 'node:path';
import * as sea from 'node:sea';

/** The program's file name as started: the executable's own name, or the script's (a symlink keeps its name). */
export function invokedName(): string {
	// process.argv0 is argv[0] as given (a single executable's own name, not what it links to); a
	// script's name is argv[1].
	const name = sea.isSea() ? process.argv0 : (process.argv[1] ?? '');
	return path.basename(name).replace(/\.(?:exe|js|cjs|mjs)$/i, '');
}

export function isKubectlPlugin(name = invokedName()): boolean {
	return name === 'kubectl-ztop';
}

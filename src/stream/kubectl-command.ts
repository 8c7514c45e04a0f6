/**
One kubectl invocation for the edges that read the cluster (`-P` port-forward, `--policies cluster`): its
standard output, or a KubectlError that says which kind of failure it was, so each caller can say what to
do in its own words. kubectl's stderr is kept as it printed it; callers quote it through the escaping
function like any other outside text.
*/
import {spawn} from 'node:child_process';

export type KubectlFailure = 'missing' | 'unreachable' | 'not-found' | 'no-resource-type' | 'failed';

export class KubectlError extends Error {
	constructor(
		readonly failure: KubectlFailure,
		/** kubectl's first line of stderr (or the spawn error), for the bracketed detail. */
		readonly detail: string,
		message: string,
	) {
		super(message);
		this.name = 'KubectlError';
	}
}

/** Why kubectl could not start: absent from PATH, or another spawn error. */
export function spawnFailure(error: NodeJS.ErrnoException): KubectlError {
	return error.code === 'ENOENT'
		? new KubectlError('missing', error.message, 'kubectl is not on PATH')
		: new KubectlError('failed', error.message, `cannot run kubectl: ${error.message}`);
}

/** The kind of failure kubectl's stderr describes (the messages of kubectl 1.2x and client-go). */
function classify(errors: string): KubectlFailure {
	if (/doesn't have a resource type/.test(errors)) {
		return 'no-resource-type';
	}

	if (/connection refused|no such host|Unable to connect to the server|i\/o timeout/.test(errors)) {
		return 'unreachable';
	}

	return /NotFound|not found/.test(errors) ? 'not-found' : 'failed';
}

export function runKubectl(arguments_: readonly string[]): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn('kubectl', arguments_, {stdio: ['ignore', 'pipe', 'pipe']});
		let output = '';
		let errors = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
		child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
		child.on('error', (error: NodeJS.ErrnoException) => reject(spawnFailure(error)));
		child.on('close', code => {
			if (code === 0) {
				resolve(output);
				return;
			}

			const failure = classify(errors);
			const text = errors.trim() || output.trim();
			const detail = failure === 'failed' ? text : text.split('\n')[0] ?? '';
			reject(new KubectlError(failure, detail, `kubectl failed (code ${code}): ${text}`));
		});
	});
}

/** The advice every caller gives when kubectl cannot reach the API server. */
export function unreachableAdvice(detail: string): string {
	return `kubectl cannot reach the Kubernetes API server; check your kubeconfig, --kubeconfig or --kube-context. [${detail}]`;
}

/** Starts the built CLI as a long-running child (for -f), and lets a test read its output while it runs. */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import path from 'node:path';
import {projectRoot} from './run-ztop.js';

export type LiveZtop = {
	child: ChildProcessWithoutNullStreams;
	stdout(): string;
	stderr(): string;
	/** Resolves once `predicate` holds for the output so far; rejects after `timeoutMilliseconds`. */
	waitFor(predicate: (stdout: string, stderr: string) => boolean, timeoutMilliseconds?: number): Promise<void>;
	/** Interrupts ztop as Ctrl-C would and waits for it to exit. */
	interrupt(): Promise<number | null>;
};

export function startZtop(arguments_: string[]): LiveZtop {
	const environment: Record<string, string | undefined> = {...process.env};
	delete environment['CI'];
	const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'ztop.js'), ...arguments_], {env: environment});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
	const exited = new Promise<number | null>(resolve => child.on('close', resolve));
	return {
		child,
		stdout: () => stdout,
		stderr: () => stderr,
		async waitFor(predicate, timeoutMilliseconds = 10_000) {
			const deadline = Date.now() + timeoutMilliseconds;
			while (!predicate(stdout, stderr)) {
				if (Date.now() > deadline || child.exitCode !== null) {
					throw new Error(`ztop ${arguments_.join(' ')}: condition not met\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`);
				}

				await new Promise(resolve => setTimeout(resolve, 50));
			}
		},
		async interrupt() {
			child.kill('SIGINT');
			return exited;
		},
	};
}

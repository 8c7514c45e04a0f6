/** Runs the built CLI (bin/ztop.js → dist/ztop.js) as a user would, and collects what it printed. */
import {spawn} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = path.join(projectRoot, 'bin', 'ztop.js');

export type ZtopResult = {stdout: string; stderr: string; exitCode: number | null};

export async function runZtop(
	arguments_: string[],
	options: {stdin?: string; environment?: Record<string, string | undefined>} = {},
): Promise<ZtopResult> {
	const environment: Record<string, string | undefined> = {...process.env, ...options.environment};
	// Ink renders nothing while CI is set; the child must never inherit it.
	delete environment['CI'];
	const child = spawn(process.execPath, [binary, ...arguments_], {env: environment, stdio: ['pipe', 'pipe', 'pipe']});
	const stdout: Buffer[] = [];
	const stderr: Buffer[] = [];
	child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
	child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
	// A child that exits early (a usage error) closes its stdin; that is not the test's failure.
	child.stdin.on('error', () => undefined);
	child.stdin.end(options.stdin ?? '');
	const exitCode = await new Promise<number | null>(resolve => child.on('close', resolve));
	return {stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), exitCode};
}

/**
`--ledger FILE` as a user runs it: a ledger filled from a capture answers what-if and suggest as the
capture does; runs add up; a second ztop on the same ledger is locked out and a lock left by a killed one is
not; `kill -9` in the middle of a write leaves the previous ledger whole; and a ledger that is corrupt,
foreign, unreadable, over the bound or cannot be written next to is refused at start (exit 2) and left as
it was.
*/
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, watch, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {beforeAll, describe, expect, test} from 'vitest';
import {ClusterWorld} from '../../bench/worlds/cluster-world.js';
import {decodeLedger} from '../../src/store/connection-ledger.js';
import {labStages} from '../helpers/lab-flows.js';
import {policiesDirectory} from '../helpers/lab-policies.js';
import {captureLines, capturePath} from '../helpers/real-flows.js';
import {projectRoot, runZtop} from '../helpers/run-ztop.js';

const stageDirectory = (stage: number) => path.join(policiesDirectory, 'zero-trust', `stage${stage}`);
let directory: string;
let lab: string;

beforeAll(() => {
	directory = mkdtempSync(path.join(tmpdir(), 'ztop-ledger-'));
	lab = path.join(directory, 'lab.json');
	writeFileSync(
		lab,
		labStages()
			.flat()
			.filter(response => response.flow)
			.map(response => JSON.stringify(response))
			.join('\n') + '\n',
	);
});

const fresh = (name: string) => path.join(directory, `${name}-${Math.random().toString(36).slice(2)}.ledger`);

async function fill(ledger: string, capture: string): Promise<void> {
	const result = await runZtop(['--input-file', capture, '--ledger', ledger, '-o', 'connections-json']);
	expect(result.stderr).toBe('');
	expect(result.exitCode).toBe(0);
}

/** The rows of `-o what-if` (the table less its summary line, which counts flows evaluated). */
const rows = (stdout: string) => stdout.split('\n\n')[0];

describe('what-if and suggest over a ledger', () => {
	test.each([
		['stage 5 over stage 1, as observed', ['--what-if-apply', stageDirectory(5)]],
		['stage 5 and allow-all deleted over stage 4', ['--policies', stageDirectory(4), '--what-if-apply', stageDirectory(5), '--what-if-delete', 'allow-all']],
		['stage 5 over stage 3, allow-all deleted', ['--policies', stageDirectory(3), '--what-if-apply', stageDirectory(5), '--what-if-delete', 'allow-all']],
		['stage 2 over stage 5 (what a rollback fixes)', ['--policies', stageDirectory(5), '--what-if-apply', stageDirectory(2)]],
	])('%s: the same changed connections, with the same flows, as over the capture that filled it', async (_name, whatIf) => {
		const ledger = fresh('what-if');
		await fill(ledger, lab);
		const [overCapture, overLedger] = await Promise.all([
			runZtop(['--input-file', lab, ...whatIf, '-o', 'what-if']),
			runZtop(['--input-file', '/dev/null', '--ledger', ledger, ...whatIf, '-o', 'what-if']),
		]);
		expect(overLedger.exitCode).toBe(0);
		expect(rows(overCapture.stdout)).toMatch(/^CHANGE/);
		expect(rows(overLedger.stdout)).toBe(rows(overCapture.stdout));
	});

	test('-o what-if-json: one line per ledger connection, marked, with what changes', async () => {
		const ledger = fresh('what-if-json');
		await fill(ledger, lab);
		const result = await runZtop(['--input-file', '/dev/null', '--ledger', ledger, '--policies', stageDirectory(4), '--what-if-apply', stageDirectory(5), '--what-if-delete', 'allow-all', '-o', 'what-if-json']);
		const lines = result.stdout.trim().split('\n').map(line => JSON.parse(line) as {ledger: boolean; destination: {text: string}; port: number; change: string | null; requests: Array<{request: string; change: string | null}>});
		expect(lines.length).toBeGreaterThan(3);
		expect(lines.every(line => line.ledger)).toBe(true);
		expect(lines.find(line => line.destination.text === 'world 1.1.1.1' && line.port === 80)?.change).toBe('breaks');
		const backend = lines.find(line => line.destination.text === 'shop/backend' && line.port === 80)!;
		expect(backend.change).toBe('breaks');
		expect(backend.requests.find(request => request.request === 'GET /get')?.change).toBe('breaks');
		expect(backend.requests.find(request => request.request === 'GET /headers')?.change ?? null).toBeNull();
	});

	test('ztop suggest over a ledger prints the suggestion it prints over the capture', async () => {
		const ledger = fresh('suggest');
		await fill(ledger, lab);
		const [overCapture, overLedger] = await Promise.all([
			runZtop(['suggest', '--input-file', lab, '--policies', stageDirectory(5)]),
			runZtop(['suggest', '--input-file', '/dev/null', '--ledger', ledger, '--policies', stageDirectory(5)]),
		]);
		expect(overCapture.stdout).toContain('kind: CiliumNetworkPolicy');
		expect(overLedger.stdout).toBe(overCapture.stdout);
	});

	test('runs add up: the same capture twice counts its flows twice, in the same connections', async () => {
		const ledger = fresh('twice');
		const capture = capturePath('basic-sample-400-tcp-flows');
		await fill(ledger, capture);
		const once = decodeLedger(readFileSync(ledger, 'utf8')).connections;
		await fill(ledger, capture);
		const twice = decodeLedger(readFileSync(ledger, 'utf8')).connections;
		expect(twice).toHaveLength(once.length);
		expect(twice.reduce((total, connection) => total + connection.flows, 0)).toBe(2 * captureLines('basic-sample-400-tcp-flows').length);
		const table = await runZtop(['--input-file', '/dev/null', '--ledger', ledger, '-o', 'connections']);
		expect(table.stdout).toContain(`${once.length} connections, 800 flows`);
	});
});

/** Starts `ztop --demo -f` writing the ledger; resolves with the child once it holds the lock. */
async function follower(ledger: string, extra: string[] = []): Promise<ReturnType<typeof spawn>> {
	const environment = {...process.env};
	delete environment['CI'];
	const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'ztop.js'), '--demo', '-f', '-o', 'compact', '--ledger', ledger, ...extra], {env: environment, stdio: ['ignore', 'ignore', 'pipe']});
	for (let waited = 0; !existsSync(`${ledger}.lock`); waited += 50) {
		if (waited > 30_000 || child.exitCode !== null) {
			throw new Error('the follower never took the lock');
		}

		await new Promise(resolve => setTimeout(resolve, 50));
	}

	return child;
}

const exited = async (child: ReturnType<typeof spawn>) => (child.exitCode === null && child.signalCode === null ? new Promise(resolve => child.once('exit', resolve)) : undefined);

describe('one ztop per ledger, and kill -9', () => {
	test('a second ztop is locked out and told who holds it; after kill -9 the next one takes the stale lock', async () => {
		const ledger = fresh('lock');
		const first = await follower(ledger);
		try {
			const second = await runZtop(['--input-file', '/dev/null', '--ledger', ledger, '-o', 'connections']);
			expect(second.exitCode).toBe(2);
			expect(second.stderr).toBe(`ztop: --ledger ${ledger} is in use by another ztop (pid ${first.pid}): stop it, or give another --ledger file\n`);
		} finally {
			first.kill('SIGKILL');
			await exited(first);
		}

		const third = await runZtop(['--input-file', '/dev/null', '--ledger', ledger, '-o', 'connections']);
		expect(third.stderr).toBe('');
		expect(third.exitCode).toBe(0);
		expect(existsSync(`${ledger}.lock`)).toBe(false);
	}, 60_000);

	test('kill -9 while a large ledger is being written leaves the previous one whole, and the next run reads it', async () => {
		// About 15,000 connections: a write takes long enough to be caught in the middle.
		const world = new ClusterWorld({workloads: 60, connections: 20_000});
		const capture = path.join(directory, 'world.json');
		writeFileSync(capture, world.responses(60_000, Date.parse('2026-12-01T00:00:00Z')).map(response => JSON.stringify(response)).join('\n') + '\n');
		const killDirectory = path.join(directory, 'kill');
		mkdirSync(killDirectory);
		const ledger = path.join(killDirectory, 'big.ledger');
		await fill(ledger, capture);
		const before = decodeLedger(readFileSync(ledger, 'utf8')).connections.length;
		expect(before).toBeGreaterThan(10_000);

		let interrupted = 0;
		for (let attempt = 0; attempt < 3 && interrupted === 0; attempt++) {
			const child = await follower(ledger);
			// The moment its temporary file appears, the write has begun: kill it there.
			const temporary = `${path.basename(ledger)}.${child.pid}.tmp`;
			await new Promise<void>(resolve => {
				const watcher = watch(path.dirname(ledger), (_event, name) => {
					if (name === temporary) {
						child.kill('SIGKILL');
						watcher.close();
						resolve();
					}
				});
			});
			await exited(child);
			interrupted += existsSync(path.join(path.dirname(ledger), temporary)) ? 1 : 0;
			// Whole, and never less than it held.
			const after = decodeLedger(readFileSync(ledger, 'utf8')).connections.length;
			expect(after).toBeGreaterThanOrEqual(before);
		}

		// At least one kill landed inside a write (its temporary file was left behind).
		expect(interrupted).toBeGreaterThan(0);
		const next = await runZtop(['--input-file', '/dev/null', '--ledger', ledger, '-o', 'connections-json']);
		expect(next.exitCode).toBe(0);
		expect(next.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(before);
		// The next run swept the killed writers' temporary files away.
		expect(readdirSync(path.dirname(ledger)).filter(name => name.endsWith('.tmp'))).toEqual([]);
	}, 180_000);
});

describe('a ledger that cannot be used is refused at start, exit 2, and left as it was', () => {
	test.each([
		['half a ledger', (good: string) => good.slice(0, good.length / 2), /: not a ztop ledger: it is not JSON/],
		['a capture given as a ledger', () => readFileSync(capturePath('basic-sample-10-flows'), 'utf8'), /: not a ztop ledger: it is not JSON|no "format": "ztop-ledger"/],
		['a newer version', (good: string) => good.replace('"version":1', '"version":7'), /: a ztop ledger of format version 7; this ztop reads version 1/],
		['a ledger with a broken reference', (good: string) => good.replace(/"connections":\[\[\d+/, '"connections":[[4242'), /: corrupt ledger: connections\[0\]\.client refers to entry 4242/],
	])('%s', async (_name, spoil, message) => {
		const good = fresh('good');
		await fill(good, capturePath('basic-sample-10-flows'));
		const ledger = fresh('spoilt');
		const text = spoil(readFileSync(good, 'utf8'));
		writeFileSync(ledger, text);
		const result = await runZtop(['--input-file', capturePath('basic-sample-10-flows'), '--ledger', ledger, '-o', 'connections']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(message);
		expect(result.stderr).toContain('it was left as it is');
		expect(result.stderr.split('\n')).toHaveLength(2);
		expect(result.stdout).toBe('');
		expect(readFileSync(ledger, 'utf8')).toBe(text);
		expect(existsSync(`${ledger}.lock`)).toBe(false);
	});

	test('a directory, a path through a file, and more connections than --max-connections', async () => {
		const asDirectory = await runZtop(['--input-file', '/dev/null', '--ledger', directory, '-o', 'connections']);
		expect(asDirectory.exitCode).toBe(2);
		expect(asDirectory.stderr).toBe(`ztop: --ledger ${directory}: cannot read it: it is a directory\n`);
		const throughFile = await runZtop(['--input-file', '/dev/null', '--ledger', path.join(lab, 'ledger'), '-o', 'connections']);
		expect(throughFile.exitCode).toBe(2);
		expect(throughFile.stderr).toBe(`ztop: --ledger ${path.join(lab, 'ledger')}: cannot make its lock ${path.join(lab, 'ledger')}.lock: a part of the path is not a directory\n`);
		const ledger = fresh('bound');
		await fill(ledger, capturePath('basic-sample-400-tcp-flows'));
		const text = readFileSync(ledger, 'utf8');
		const over = await runZtop(['--input-file', '/dev/null', '--ledger', ledger, '--max-connections', '5', '-o', 'connections']);
		expect(over.exitCode).toBe(2);
		expect(over.stderr).toMatch(/^ztop: --ledger .* holds \d+ connections, more than --max-connections 5; raise it to keep them all\n$/);
		expect(readFileSync(ledger, 'utf8')).toBe(text);
	});
});

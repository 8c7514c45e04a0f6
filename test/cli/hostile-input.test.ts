/**
Text from outside reaches stdout and stderr only through escapeForTerminal (issue: hostile input in
warnings): capture lines and JSON.parse's reading of them, flag values and names, file names, gRPC status
messages from a server, node errors, kubectl's output, and a relay's replay warnings. Each path is fed a
title change (OSC 0), a clipboard write (OSC 52) and a screen clear, and nothing of them may arrive raw.
*/
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {startObserverServer, type RunningObserverServer} from '../../src/stream/observer-server.js';
import {makeFlow, response} from '../fixtures/flows.js';
import {runZtop} from '../helpers/run-ztop.js';
import {startZtop} from '../helpers/run-ztop-live.js';

const hostile = '\u001B]0;PWNED\u0007\u001B]52;c;cHduZWQ=\u0007\u001B[2J';

const controlBytes = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/u;

/** No control byte but newline (no ESC, BEL or C1) — yet the payload is there, visibly stood in for. */
function expectInert(text: string): void {
	expect(text).not.toMatch(controlBytes);
	expect(text).toContain('^[]0;PWNED');
}

const directory = mkdtempSync(path.join(tmpdir(), 'ztop-hostile-'));
const fakeKubectlDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fake-kubectl');

describe('hostile text from a capture', () => {
	test('a malformed line, an unknown field name and a node error message are warned about inertly', async () => {
		const file = path.join(directory, 'capture.json');
		const lines = [
			`x${hostile}`,
			`{"flow":{"verdict":"FORWARDED","${hostile}":1}}`,
			JSON.stringify({node_status: {state_change: 'NODE_ERROR', node_names: [`node${hostile}`], message: hostile}, time: '2026-11-22T10:00:00Z'}),
			JSON.stringify(response(makeFlow({source: {namespace: 'shop', pod_name: `frontend${hostile}`}}))),
		];
		writeFileSync(file, lines.join('\n') + '\n');
		for (const output of ['compact', 'dict', 'table', 'jsonpb', 'tally']) {
			const result = await runZtop(['--input-file', file, '-o', output, '--color', 'never']);
			expect(result.exitCode).toBe(0);
			expect(result.stderr).toMatch(/capture\.json:1: not valid JSON/);
			expectInert(result.stderr);
			expect(result.stdout).not.toMatch(controlBytes);
		}
	});

	test('demo-relay --replay warns about a malformed line inertly', async () => {
		const file = path.join(directory, 'replay.json');
		writeFileSync(file, `x${hostile}\n`);
		const relay = startZtop(['demo-relay', '--replay', file, '--listen', '127.0.0.1:0']);
		await relay.waitFor((_stdout, stderr) => /serving/.test(stderr));
		await relay.interrupt();
		expect(relay.stderr()).toMatch(/replay\.json:1: not valid JSON/);
		expectInert(relay.stderr());
	});
});

describe('hostile text in flags', () => {
	test.each([
		[['--verdict', hostile]],
		[['--from-label', `app=${hostile}`]],
		[['--since', hostile]],
		[['--last', hostile]],
		[['-o', hostile]],
		[[`--${hostile}`]],
		[['--input-file', path.join(directory, `missing${hostile}.json`)]],
	])('%j is refused inertly', async arguments_ => {
		const result = await runZtop([...(arguments_.includes('--input-file') ? [] : ['--input-file', path.join(directory, 'none.json')]), ...arguments_]);
		expect(result.exitCode).not.toBe(0);
		expect(result.stderr).toMatch(/^ztop: [^\n]+\n$/);
		expect(result.stderr).toContain('PWNED');
		expect(result.stderr).not.toMatch(controlBytes);
	});
});

describe('hostile text from a server', () => {
	let failing: RunningObserverServer;
	let nodeError: RunningObserverServer;
	beforeAll(async () => {
		const unary = () => ({});
		failing = await startObserverServer(
			{
				getFlows() {
					throw new Error(`relay says ${hostile}`);
				},
				serverStatus: unary,
				getNodes: unary,
				getNamespaces: unary,
			},
			{host: '127.0.0.1', port: 0},
		);
		nodeError = await startObserverServer(
			{
				getFlows(_request, stream) {
					stream.send({node_status: {state_change: 'NODE_ERROR', node_names: [`node${hostile}`], message: hostile}, time: '2026-11-22T10:00:00Z'});
					stream.end();
				},
				serverStatus: unary,
				getNodes: unary,
				getNamespaces: unary,
			},
			{host: '127.0.0.1', port: 0},
		);
	});
	afterAll(async () => {
		await failing.stop();
		await nodeError.stop();
	});

	test('a gRPC status message is quoted inertly', async () => {
		const result = await runZtop(['--server', failing.address, '--last', '1', '-o', 'compact']);
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toContain('relay says');
		expectInert(result.stderr);
	});

	test('a node error from the relay is printed inertly', async () => {
		for (const output of ['compact', 'dict', 'jsonpb']) {
			const result = await runZtop(['--server', nodeError.address, '--last', '1', '-o', output, '--color', 'never']);
			expect(result.exitCode).toBe(0);
			expect(result.stderr + result.stdout).not.toMatch(controlBytes);
		}
	});
});

describe('hostile text from kubectl', () => {
	test("kubectl's error output is quoted inertly", async () => {
		const result = await runZtop(['-P', '--last', '1'], {
			environment: {PATH: `${fakeKubectlDirectory}:${process.env['PATH']}`, FAKE_KUBECTL_MODE: 'hostile'},
		});
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toContain('context is gone');
		expectInert(result.stderr);
	});

	test("kubectl's error output while reading --policies cluster is quoted inertly", async () => {
		const capture = path.join(directory, 'one-flow.json');
		writeFileSync(capture, JSON.stringify(response(makeFlow())) + '\n');
		const result = await runZtop(['--input-file', capture, '--policies', 'cluster', '-o', 'what-if-json'], {
			environment: {PATH: `${fakeKubectlDirectory}:${process.env['PATH']}`, FAKE_KUBECTL_MODE: 'hostile'},
		});
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toContain("cannot read the cluster's policies");
		expect(result.stderr).toContain('context is gone');
		expectInert(result.stderr);
	});
});

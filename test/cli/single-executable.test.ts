/**
The single executable (`npm run build:binary`, scripts/build-binary.mjs), built here into a temporary
folder and run as a bastion runs it: with a PATH that holds no `node`. Its --version names the commit; a
real capture prints byte for byte what the bundle prints; its demo relay answers the bundle's client; the
TUI's first screen shows in tmux; named kubectl-ztop it port-forwards hubble-relay through kubectl (a
stand-in kubectl that forwards to a demo relay) in the current context; the release's krew manifest
carries its archive's checksum. Skipped, and saying why, only where this Node cannot make one.
*/
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {createHash} from 'node:crypto';
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {parse} from 'yaml';
import {makeWorldDrop, response} from '../fixtures/flows.js';
import {policiesDirectory} from '../helpers/lab-policies.js';
import {capturePath} from '../helpers/real-flows.js';
import {projectRoot, runZtop, type ZtopResult} from '../helpers/run-ztop.js';
import {TmuxTerminal} from '../helpers/tmux-terminal.js';

// The fuse Node's binary carries when it can take an injected application (Node's SEA documentation).
const canBuild = readFileSync(process.execPath).includes('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2');
if (!canBuild) {
	console.warn(`single executable tests skipped: ${process.execPath} (Node ${process.version}) has no single-executable support`);
}

const output = mkdtempSync(path.join(tmpdir(), 'ztop-executable-'));
const executable = path.join(output, 'executable', 'ztop');
// A PATH with no node (nor anything else) on it.
const emptyPath = path.join(output, 'empty-path');
mkdirSync(emptyPath);

/** Runs `program` with PATH set to `pathDirectory` only (and without CI, which silences Ink). */
async function runWithoutNode(program: string, arguments_: string[], pathDirectory = emptyPath, extra: Record<string, string> = {}): Promise<ZtopResult> {
	const child = spawn(program, arguments_, {env: {HOME: output, PATH: pathDirectory, ...extra}, stdio: ['ignore', 'pipe', 'pipe']});
	const stdout: Buffer[] = [];
	const stderr: Buffer[] = [];
	child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
	child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
	const exitCode = await new Promise<number | null>(resolve => child.on('close', resolve));
	return {stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), exitCode};
}

/** Starts the executable's demo relay on a free port; resolves with it and its address (which it says on stderr). */
async function startDemoRelay(): Promise<{relay: ChildProcess; address: string}> {
	const relay = spawn(executable, ['demo-relay', '--listen', '127.0.0.1:0'], {env: {HOME: output, PATH: emptyPath}, stdio: ['ignore', 'pipe', 'pipe']});
	const address = await new Promise<string>((resolve, reject) => {
		let text = '';
		relay.stderr!.on('data', (chunk: Buffer) => {
			text += chunk.toString('utf8');
			const match = / on (127\.0\.0\.1:\d+)/.exec(text);
			if (match) {
				resolve(match[1]!);
			}
		});
		relay.on('exit', code => reject(new Error(`the demo relay exited (${code}): ${text}`)));
		setTimeout(() => reject(new Error(`the demo relay did not say its address: ${text}`)), 20_000).unref();
	});
	return {relay, address};
}

describe.skipIf(!canBuild)('the single executable', () => {
	beforeAll(() => {
		const environment = {...process.env};
		delete environment['CI'];
		execFileSync(process.execPath, [path.join(projectRoot, 'scripts', 'build-binary.mjs'), '--release', '--out', output], {cwd: projectRoot, env: environment, stdio: 'pipe'});
	}, 300_000);

	afterAll(() => rmSync(output, {recursive: true, force: true}));

	test('runs where no node is on PATH: --version names the version and the commit it was built from', async () => {
		expect(() => execFileSync('/bin/sh', ['-c', 'command -v node'], {env: {PATH: emptyPath}})).toThrow();
		const result = await runWithoutNode(executable, ['--version']);
		expect(result.exitCode).toBe(0);
		const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {cwd: projectRoot, encoding: 'utf8'}).trim();
		const {version} = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {version: string};
		expect(result.stdout).toBe(`ztop ${version} (commit ${commit}${result.stdout.includes('-dirty') ? '-dirty' : ''}, node ${process.version}, single executable)\n`);
	}, 60_000);

	test('a real capture with -o compact prints byte for byte what the bundle prints', async () => {
		const capture = capturePath('basic-sample-400-tcp-flows');
		const [fromExecutable, fromBundle] = await Promise.all([
			runWithoutNode(executable, ['--input-file', capture, '-o', 'compact']),
			runZtop(['--input-file', capture, '-o', 'compact']),
		]);
		expect(fromExecutable.exitCode).toBe(0);
		expect(fromExecutable.stdout.split('\n')).toHaveLength(401);
		expect(fromExecutable.stdout).toBe(fromBundle.stdout);
		expect(fromExecutable.stderr).toBe('');
	}, 60_000);

	test('--policies with -o rules, and suggest, print what the bundle prints (policy files read, the evaluator bundled)', async () => {
		const capture = capturePath('basic-sample-400-tcp-flows');
		const policies = path.join(policiesDirectory, 'zero-trust', 'stage5');
		// frontend → example.com:443, dropped by default deny: what suggest writes a rule for.
		const drops = path.join(output, 'drops.json');
		writeFileSync(drops, `${JSON.stringify(response(makeWorldDrop()))}\n`);
		const [fromExecutable, fromBundle, suggestedByExecutable, suggestedByBundle] = await Promise.all([
			runWithoutNode(executable, ['--input-file', capture, '--policies', policies, '-o', 'rules']),
			runZtop(['--input-file', capture, '--policies', policies, '-o', 'rules']),
			runWithoutNode(executable, ['suggest', '--input-file', drops, '--policies', policies]),
			runZtop(['suggest', '--input-file', drops, '--policies', policies]),
		]);
		expect(fromExecutable.exitCode).toBe(0);
		expect(fromExecutable.stdout).toContain('shop/allow-frontend-l7');
		expect(fromExecutable.stdout).toBe(fromBundle.stdout);
		expect(suggestedByExecutable.exitCode).toBe(0);
		expect(suggestedByExecutable.stdout).toMatch(/kind: CiliumNetworkPolicy/);
		expect(suggestedByExecutable.stdout).toBe(suggestedByBundle.stdout);
	}, 60_000);

	test('its demo relay answers the bundle\'s own client', async () => {
		const {relay, address} = await startDemoRelay();
		try {
			const result = await runZtop(['--server', address, '--last', '5', '-o', 'jsonpb']);
			expect(result.exitCode).toBe(0);
			const flows = result.stdout.trim().split('\n').map(line => JSON.parse(line) as {flow?: {source?: {namespace?: string}; node_name?: string}});
			// --last 5 per node, from the demo's four nodes.
			expect(flows.filter(each => each.flow)).toHaveLength(20);
			expect(flows.every(each => each.flow?.node_name?.length)).toBe(true);
		} finally {
			relay.kill();
		}
	}, 60_000);

	test('the TUI\'s first screen, in tmux', async () => {
		const terminal = new TmuxTerminal(80, 24);
		try {
			terminal.startProgram([executable, '--demo'], output, {PATH: emptyPath});
			const screen = await terminal.waitFor(text => text.includes('demo: zero-trust') && text.includes('FLOWS') && /ALLOWED|FORWARDED/.test(text), 'the demo\'s flows', 30_000);
			expect(screen).toMatch(/^ztop │ demo: zero-trust stage 1\/5/m);
			terminal.keys('q');
			await terminal.waitFor(text => text.includes('EXITED:0'), 'ztop to quit', 15_000);
		} finally {
			terminal.kill();
		}
	}, 60_000);

	test('named kubectl-ztop it is a kubectl plugin: its help says so, and without a source it port-forwards hubble-relay in the current context', async () => {
		const pluginPath = path.join(output, 'plugin-path');
		mkdirSync(pluginPath);
		symlinkSync(executable, path.join(pluginPath, 'kubectl-ztop'));
		// A stand-in kubectl: answers the service's port and "forwards" to a demo relay, as kubectl port-forward prints.
		const log = path.join(output, 'kubectl.log');
		writeFileSync(
			path.join(pluginPath, 'kubectl'),
			'#!/bin/sh\necho "$*" >> "$KUBECTL_LOG"\ncase "$*" in\n  *"get service hubble-relay"*) printf 80 ;;\n  *port-forward*) echo "Forwarding from 127.0.0.1:$RELAY_PORT -> 80"; exec /bin/sleep 600 ;;\n  *) echo "error: unexpected $*" >&2; exit 1 ;;\nesac\n',
		);
		chmodSync(path.join(pluginPath, 'kubectl'), 0o755);
		const plugin = path.join(pluginPath, 'kubectl-ztop');

		const help = await runWithoutNode(plugin, ['--help'], pluginPath);
		expect(help.stdout).toContain('$ kubectl ztop [filters]');
		expect(help.stdout).toContain('port-forwards hubble-relay\n  in kubectl\'s current context');

		const {relay, address} = await startDemoRelay();
		try {
			const port = address.split(':')[1]!;
			const result = await runWithoutNode(plugin, ['-n', 'shop', '--last', '2', '-o', 'compact'], pluginPath, {KUBECTL_LOG: log, RELAY_PORT: port});
			expect(result.stderr).toBe('');
			expect(result.exitCode).toBe(0);
			expect(result.stdout.trim().split('\n')).toHaveLength(8);
			expect(result.stdout).toMatch(/shop\//);
			// No --context: kubectl's current one; Hubble's namespace, as -P.
			expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
				'--namespace kube-system get service hubble-relay --output jsonpath={.spec.ports[0].port}',
				'--namespace kube-system port-forward service/hubble-relay 4245:80',
			]);
		} finally {
			relay.kill();
		}

		// Told where to read, it does not call kubectl.
		rmSync(log);
		const capture = await runWithoutNode(plugin, ['--input-file', capturePath('basic-sample-400-tcp-flows'), '--last', '1', '-o', 'compact'], pluginPath, {KUBECTL_LOG: log});
		expect(capture.exitCode).toBe(0);
		expect(() => readFileSync(log)).toThrow();
	}, 90_000);

	test('the release: the krew manifest carries its archive\'s checksum, and the archive holds the executable as kubectl-ztop', () => {
		const release = path.join(output, 'release');
		const {version} = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {version: string};
		const arch = {x64: 'amd64', arm64: 'arm64'}[process.arch as string] ?? process.arch;
		const archiveName = `kubectl-ztop_v${version}_${process.platform}_${arch}.tar.gz`;
		expect(readdirSync(release).sort()).toEqual([archiveName, `${archiveName}.sha256`, 'ztop.yaml', `ztop_v${version}_${process.platform}_${arch}`].sort());
		type Manifest = {apiVersion: string; kind: string; metadata: {name: string}; spec: {version: string; platforms: Array<{selector: {matchLabels: Record<string, string>}; uri: string; sha256: string; bin: string}>}};
		const manifest = parse(readFileSync(path.join(release, 'ztop.yaml'), 'utf8')) as Manifest;
		expect(manifest).toMatchObject({apiVersion: 'krew.googlecontainertools.github.com/v1alpha2', kind: 'Plugin', metadata: {name: 'ztop'}, spec: {version: `v${version}`}});
		const [platform] = manifest.spec.platforms;
		const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
		expect(platform).toMatchObject({selector: {matchLabels: {os: process.platform, arch}}, bin: 'kubectl-ztop', sha256: sha256(path.join(release, archiveName))});
		expect(platform!.uri.endsWith(`/${archiveName}`)).toBe(true);
		const unpacked = path.join(output, 'unpacked');
		mkdirSync(unpacked);
		execFileSync('tar', ['-xzf', path.join(release, archiveName), '-C', unpacked]);
		expect(readdirSync(unpacked)).toEqual(['kubectl-ztop']);
		expect(sha256(path.join(unpacked, 'kubectl-ztop'))).toBe(sha256(executable));
		expect(readFileSync(path.join(release, `${archiveName}.sha256`), 'utf8')).toBe(`${platform!.sha256}  ${archiveName}\n`);
	});
});

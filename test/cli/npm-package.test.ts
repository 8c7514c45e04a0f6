/**
The npm package as a user gets it: `npm pack`, then installed into an empty prefix with no registry
(--offline) and run from there, and run with npx from the tarball. The bundle holds every dependency, so
the package installs none and runs no install script.
*/
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, expect, test} from 'vitest';
import {capturePath} from '../helpers/real-flows.js';
import {projectRoot, runZtop} from '../helpers/run-ztop.js';

const work = mkdtempSync(path.join(tmpdir(), 'ztop-package-'));
const prefix = path.join(work, 'prefix');
const cache = path.join(work, 'npm-cache');
const environment: NodeJS.ProcessEnv = {...process.env, npm_config_cache: cache, npm_config_update_notifier: 'false'};
delete environment['CI'];
let tarball = '';
let packedFiles: string[] = [];
let installOutput = '';

const run = (command: string, arguments_: string[], cwd = work) => execFileSync(command, arguments_, {cwd, env: environment, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});

beforeAll(() => {
	// npm test builds dist/ztop.js before the tests run; the package ships it as built.
	expect(existsSync(path.join(projectRoot, 'dist', 'ztop.js'))).toBe(true);
	const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], projectRoot)) as Array<{filename: string; files: Array<{path: string}>}>;
	tarball = path.join(work, packed!.filename);
	packedFiles = packed!.files.map(file => file.path).sort();
	const install = spawnSync('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], {cwd: work, env: environment, encoding: 'utf8'});
	expect(install.status).toBe(0);
	installOutput = `${install.stdout}${install.stderr}`;
}, 120_000);

afterAll(() => rmSync(work, {recursive: true, force: true}));

test('the tarball holds the bundle, its entry and the protos, and nothing else', () => {
	expect(packedFiles).toEqual(['README.md', 'bin/ztop.js', 'dist/ztop.js', 'package.json', 'proto/flow/flow.proto', 'proto/grpc/health/v1/health.proto', 'proto/observer/observer.proto', 'proto/relay/relay.proto']);
});

test('installed into an empty prefix with no registry: no dependency installed, no install script', () => {
	const installed = path.join(prefix, 'lib', 'node_modules', 'ztop');
	expect(existsSync(path.join(installed, 'dist', 'ztop.js'))).toBe(true);
	expect(existsSync(path.join(installed, 'node_modules'))).toBe(false);
	const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as {dependencies?: object; scripts?: Record<string, string>};
	expect(manifest.dependencies ?? {}).toEqual({});
	expect(Object.keys(manifest.scripts ?? {}).filter(name => /^(pre|post)?install$|^prepare$/.test(name))).toEqual([]);
	expect(installOutput).toMatch(/added 1 package/);
	// npm names a package whose install scripts it would run (or has blocked): none.
	expect(installOutput).not.toMatch(/install-scripts|prepare/);
});

test('the installed ztop: --version, and a real capture printed as the checkout prints it; kubectl-ztop is the plugin', async () => {
	const ztop = path.join(prefix, 'bin', 'ztop');
	expect(run(ztop, ['--version'])).toMatch(/^ztop \d+\.\d+\.\d+ \(commit [0-9a-f]{12}(?:-dirty)?, node v\d+\.\d+\.\d+\)\n$/);
	const capture = capturePath('basic-sample-400-tcp-flows');
	const installed = run(ztop, ['--input-file', capture, '-o', 'compact']);
	const checkout = await runZtop(['--input-file', capture, '-o', 'compact']);
	expect(installed.split('\n')).toHaveLength(401);
	expect(installed).toBe(checkout.stdout);
	expect(run(path.join(prefix, 'bin', 'kubectl-ztop'), ['--help'])).toContain('$ kubectl ztop [filters]');
}, 60_000);

test('npx runs the demo from the tarball alone', () => {
	const output = run('npx', ['--yes', '--offline', '--package', tarball, 'ztop', '--demo', '-o', 'compact', '--last', '5']);
	// --last 5 per node, from the demo's four nodes.
	expect(output.trim().split('\n')).toHaveLength(20);
	expect(output).toMatch(/shop\/frontend/);
}, 60_000);

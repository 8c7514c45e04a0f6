/**
bin/ztop.js in a checkout whose bundle is not built yet (`npm ci` runs no build: the package has no install
script): it builds it, says so, and runs it; without the build's tools it says what to run. Played in a copy
of bin/ with a stand-in build script, so that the suite's own dist/ztop.js is never touched.
*/
import {spawnSync} from 'node:child_process';
import {copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, expect, test} from 'vitest';
import {projectRoot} from '../helpers/run-ztop.js';

const checkout = mkdtempSync(path.join(tmpdir(), 'ztop-first-run-'));
afterAll(() => rmSync(checkout, {recursive: true, force: true}));

const run = () => spawnSync(process.execPath, [path.join(checkout, 'bin', 'ztop.js'), '--version'], {encoding: 'utf8'});

test('a checkout with no bundle: without esbuild installed it says to run npm ci; with it, it builds the bundle and runs it', () => {
	mkdirSync(path.join(checkout, 'bin'));
	mkdirSync(path.join(checkout, 'scripts'));
	copyFileSync(path.join(projectRoot, 'bin', 'ztop.js'), path.join(checkout, 'bin', 'ztop.js'));
	writeFileSync(path.join(checkout, 'package.json'), '{"type": "module"}\n');
	// The stand-in build writes a bundle that prints the arguments it was given.
	writeFileSync(
		path.join(checkout, 'scripts', 'build.mjs'),
		"import {mkdirSync, writeFileSync} from 'node:fs';\nmkdirSync(new URL('../dist/', import.meta.url), {recursive: true});\nwriteFileSync(new URL('../dist/ztop.js', import.meta.url), 'process.stdout.write(`bundle ran with ${process.argv.slice(2).join(\" \")}\\\\n`);\\n');\n",
	);

	const withoutTools = run();
	expect(withoutTools.status).toBe(1);
	expect(withoutTools.stderr).toBe('ztop: the CLI is not built (dist/ztop.js is missing). In a ztop checkout run `npm ci`, then `npm run build`.\n');

	mkdirSync(path.join(checkout, 'node_modules', 'esbuild'), {recursive: true});
	const first = run();
	expect(first.status).toBe(0);
	expect(first.stderr).toBe('ztop: building the CLI (dist/ztop.js) on its first run in this checkout\n');
	expect(first.stdout).toBe('bundle ran with --version\n');
	// Built once: the next run just runs it.
	const second = run();
	expect(second.stderr).toBe('');
	expect(second.stdout).toBe('bundle ran with --version\n');
});

#!/usr/bin/env node
// Entry point of the npm package (ztop, and kubectl-ztop for kubectl's plugin convention): runs the bundle,
// dist/ztop.js. The package ships it built; a checkout builds it on its first run (`npm run build` does it
// too), so the package has no install script to run.
import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const bundle = new URL('../dist/ztop.js', import.meta.url);
const build = new URL('../scripts/build.mjs', import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
	if (!existsSync(fileURLToPath(build)) || !existsSync(fileURLToPath(new URL('../node_modules/esbuild', import.meta.url)))) {
		process.stderr.write('ztop: the CLI is not built (dist/ztop.js is missing). In a ztop checkout run `npm ci`, then `npm run build`.\n');
		process.exit(1);
	}

	process.stderr.write('ztop: building the CLI (dist/ztop.js) on its first run in this checkout\n');
	execFileSync(process.execPath, [fileURLToPath(build)], {stdio: 'inherit'});
}

await import(bundle.href);

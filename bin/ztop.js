#!/usr/bin/env node
// Entry point: runs the bundled CLI that `npm ci` builds (the `prepare` script).
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const bundle = new URL('../dist/ztop.js', import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
	process.stderr.write('ztop: the CLI is not built yet (dist/ztop.js is missing). Run `npm run build` in the ztop checkout.\n');
	process.exit(1);
}

await import(bundle.href);

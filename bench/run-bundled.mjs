// Runs a benchmark bundled by esbuild, as the ztop CLI ships: no TypeScript loader in the measured process
// (tsx compiles with keepNames, which makes every closure it creates cost a defineProperty).
import {execFileSync} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const entry = process.argv[2];
// Next to dist/ztop.js, so that the bundle finds proto/ as the CLI does.
const outfile = path.join(root, 'dist', `bench-${path.basename(entry, '.ts')}.mjs`);
await build({
	entryPoints: [entry],
	outfile,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	logLevel: 'warning',
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {js: "import {createRequire as __benchCreateRequire} from 'node:module'; const require = __benchCreateRequire(import.meta.url);"},
});
execFileSync(process.execPath, [outfile, ...process.argv.slice(3)], {stdio: 'inherit'});

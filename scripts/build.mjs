// Bundles the CLI into dist/ztop.js with esbuild: a bundled, production-mode CLI starts in about half
// the time of tsc output and runs React's production build (shared/reference/node-ecosystem.md §1). The
// bundle holds every dependency, so the npm package installs none (package.json's dependencies are empty).
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {bundleOptions, root} from './bundle-options.mjs';

/** Writes the bundle to `outfile` (the single executable's build makes its own, next to it). */
export async function buildBundle(outfile = path.join(root, 'dist/ztop.js')) {
	await build({
		...bundleOptions(outfile),
		sourcemap: 'linked',
		// Bundled CommonJS dependencies (grpc-js, protobufjs) call require() (for Node's own modules).
		banner: {js: "import {createRequire as __ztopCreateRequire} from 'node:module'; const require = __ztopCreateRequire(import.meta.url);"},
	});
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	await buildBundle();
}

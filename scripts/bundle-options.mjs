// The esbuild options of the bundle (scripts/build.mjs), which the npm package ships as dist/ztop.js and the
// single executable (scripts/build-binary.mjs) holds as an asset, and how a build names itself.
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The version of package.json and the commit built (with -dirty when the work tree has changes). */
export function buildIdentity() {
	const {version} = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
	const git = (...arguments_) => execFileSync('git', arguments_, {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim();
	let commit = 'unknown';
	try {
		commit = git('rev-parse', '--short=12', 'HEAD');
		if (git('status', '--porcelain', '--untracked-files=no') !== '') {
			commit += '-dirty';
		}
	} catch {
		// Not a git checkout (an unpacked source archive): the commit stays unknown.
	}

	return {version, commit};
}

/** One ES module holding every dependency, in production mode, named by its version and commit. */
export function bundleOptions(outfile) {
	const {version, commit} = buildIdentity();
	return {
		entryPoints: [path.join(root, 'src/cli/entry.ts')],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		// Without comments and indentation the bundle is ASCII only (esbuild escapes what else is not), so V8
		// keeps its 2 MB source as one byte per character: with comments (some not ASCII) it held 6 MB of
		// two-byte source for the whole run. Names stay as written, for readable stack traces.
		minifyWhitespace: true,
		logLevel: 'warning',
		define: {
			'process.env.NODE_ENV': '"production"',
			ZTOP_VERSION: JSON.stringify(version),
			ZTOP_COMMIT: JSON.stringify(commit),
		},
		// Ink imports react-devtools-core statically; marking it external fails at run time.
		alias: {'react-devtools-core': path.join(root, 'scripts/react-devtools-stub.mjs')},
	};
}

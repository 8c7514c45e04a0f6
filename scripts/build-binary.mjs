// `npm run build:binary`: ztop as one executable file for this machine's OS and processor, with Node's
// single-executable applications (SEA, https://nodejs.org/api/single-executable-applications.html): a copy
// of the Node binary that runs this (stripped of its debug symbols when `strip` is at hand) with the bundle
// (built as dist/ztop.js is) and proto/ injected as assets by postject. ARCHITECTURE.md says why this way.
//
//   node scripts/build-binary.mjs [--release] [--out DIRECTORY]
//
// Writes DIRECTORY/executable/ztop (DIRECTORY is dist/ unless given). With --release also
// DIRECTORY/release/: the executable as
// ztop_vVERSION_OS_ARCH, kubectl-ztop_vVERSION_OS_ARCH.tar.gz (the executable named kubectl-ztop, for
// kubectl's plugin convention) and ztop.yaml, the krew plugin manifest with that archive's sha256. The
// manifest's download address is $ZTOP_RELEASE_URL (the release's folder) when set.
import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {buildBundle} from './build.mjs';
import {buildIdentity, root} from './bundle-options.mjs';

const isRelease = process.argv.includes('--release');
const outIndex = process.argv.indexOf('--out');
const outDirectory = outIndex === -1 ? path.join(root, 'dist') : path.resolve(process.argv[outIndex + 1] ?? '');
// The fuse Node's binary carries for an injected application (the SEA documentation's sentinel).
const fuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

if (!readFileSync(process.execPath).includes(fuse)) {
	process.stderr.write(`build:binary: ${process.execPath} (Node ${process.version}) was built without single-executable support; run this with an official Node 20.12 or later\n`);
	process.exit(1);
}

const output = path.join(outDirectory, 'executable');
rmSync(output, {recursive: true, force: true});
mkdirSync(output, {recursive: true});

// The bundle first, as `npm run build` makes dist/ztop.js (its own copy, so that a build here never
// rewrites the bundle something else is running).
const bundle = path.join(output, 'ztop.mjs');
await buildBundle(bundle);

/** Every file under proto/, by its path there (as src/stream/hubble-schema.ts asks for it). */
function protoFiles(directory = path.join(root, 'proto'), prefix = '') {
	return readdirSync(directory).flatMap(name => {
		const file = path.join(directory, name);
		return statSync(file).isDirectory() ? protoFiles(file, `${prefix}${name}/`) : name.endsWith('.proto') ? [[`${prefix}${name}`, file]] : [];
	});
}

const blob = path.join(output, 'ztop.blob');
const config = path.join(output, 'sea-config.json');
writeFileSync(
	config,
	JSON.stringify({
		main: path.join(root, 'scripts/sea-main.cjs'),
		output: blob,
		disableExperimentalSEAWarning: true,
		// The script is a few lines that import the bundle; a code cache would only hold those.
		useCodeCache: false,
		assets: {'ztop.mjs': bundle, ...Object.fromEntries(protoFiles())},
	}),
);
execFileSync(process.execPath, ['--experimental-sea-config', config], {stdio: 'pipe'});

const executable = path.join(output, process.platform === 'win32' ? 'ztop.exe' : 'ztop');
copyFileSync(process.execPath, executable);
chmodSync(executable, 0o755);
try {
	// Node's debug symbols are an eighth of its binary; the executable runs the same without them.
	execFileSync('strip', [executable], {stdio: 'ignore'});
} catch {
	// No strip here (or not for this binary): the executable keeps them.
}

// postject's injector (LIEF) prints warnings of no consequence about ELF notes; its output is shown only
// when it fails.
const postject = path.join(root, 'node_modules/postject/dist/cli.js');
try {
	execFileSync(process.execPath, [postject, executable, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', fuse, '--macho-segment-name', 'NODE_SEA'], {stdio: 'pipe'});
} catch (error) {
	process.stderr.write(`build:binary: postject could not inject the application into ${executable}:\n${error.stdout}${error.stderr}`);
	process.exit(1);
}

for (const file of [blob, config, bundle, `${bundle}.map`]) {
	rmSync(file, {force: true});
}

const shown = (file) => (path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file));
const megabytes = (file) => (statSync(file).size / 1024 / 1024).toFixed(1);
process.stdout.write(`build:binary: ${shown(executable)} (${megabytes(executable)} MB, Node ${process.version}, ${process.platform}-${process.arch})\n`);

if (isRelease) {
	const {version, commit} = buildIdentity();
	const os = process.platform;
	const arch = {x64: 'amd64', arm64: 'arm64'}[process.arch] ?? process.arch;
	const release = path.join(outDirectory, 'release');
	rmSync(release, {recursive: true, force: true});
	mkdirSync(path.join(release, 'plugin'), {recursive: true});
	const single = path.join(release, `ztop_v${version}_${os}_${arch}`);
	copyFileSync(executable, single);
	copyFileSync(executable, path.join(release, 'plugin', 'kubectl-ztop'));
	const archiveName = `kubectl-ztop_v${version}_${os}_${arch}.tar.gz`;
	const archive = path.join(release, archiveName);
	// Owner, group and time fixed, so the same executable gives the same archive and checksum.
	execFileSync('tar', ['--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-czf', archive, '-C', path.join(release, 'plugin'), 'kubectl-ztop']);
	rmSync(path.join(release, 'plugin'), {recursive: true});
	const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
	// Where the release is published is the publisher's to say; without it the address is a placeholder
	// (`kubectl krew install --manifest ztop.yaml --archive ARCHIVE` does not download).
	const base = (process.env.ZTOP_RELEASE_URL ?? `https://example.invalid/ztop/releases/v${version}`).replace(/\/$/, '');
	// krew's plugin manifest (krew.sigs.k8s.io/docs/developer-guide/plugin-manifest): named after the plugin.
	writeFileSync(
		path.join(release, 'ztop.yaml'),
		`apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: ztop
spec:
  version: v${version}
  shortDescription: top for zero-trust networking (Cilium Hubble flows and policies)
  description: |
    Live Cilium Hubble flows with per-policy and per-rule allow/deny tallies, the policies and rules
    behind every verdict, what-if of policy changes and suggested policies, in the terminal.
    kubectl ztop port-forwards hubble-relay in the current context (as hubble's -P does).
    Built from commit ${commit}.
  platforms:
  - selector:
      matchLabels:
        os: ${os}
        arch: ${arch}
    uri: ${base}/${archiveName}
    sha256: ${sha256}
    bin: kubectl-ztop
`,
	);
	writeFileSync(`${archive}.sha256`, `${sha256}  ${archiveName}\n`);
	process.stdout.write(`build:binary: ${shown(release)}/: ${path.basename(single)}, ${archiveName} (${megabytes(archive)} MB, sha256 ${sha256}), ztop.yaml\n`);
}

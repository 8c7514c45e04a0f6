/**
What this build of ztop is: its version (package.json) and the git commit it was built from, put in by
esbuild's `define` (scripts/bundle-options.mjs). Run from the sources (tests, tsx) there
is no build: the version says so.
*/
import * as sea from 'node:sea';

declare const ZTOP_VERSION: string | undefined;
declare const ZTOP_COMMIT: string | undefined;

export const buildVersion = typeof ZTOP_VERSION === 'string' ? ZTOP_VERSION : 'development';
export const buildCommit = typeof ZTOP_COMMIT === 'string' ? ZTOP_COMMIT : 'unknown';

/** `ztop --version`: `ztop 0.1.0 (commit 1bdbbb2, node v20.20.2, single executable)`. */
export function versionText(): string {
	return `ztop ${buildVersion} (commit ${buildCommit}, node ${process.version}${sea.isSea() ? ', single executable' : ''})\n`;
}

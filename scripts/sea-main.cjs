// The single executable's script (Node's single-executable applications run one CommonJS script): it runs
// the same bundle as the npm package, dist/ztop.js, kept as an asset of the executable. Ink and yoga-layout
// use top-level await, which a CommonJS script cannot hold, so the bundle stays an ES module, imported
// through a module loader hook that serves its text: under a file: URL next to the executable (no file is
// read or written there), because bundled dependencies call createRequire(import.meta.url), which takes a
// file URL only, and stack traces then name that short URL. (Importing a data: URL of the text instead,
// named by a sourceURL comment, needs no hook thread but held 25-35 MB more at 100,000 flows.)
const {getAsset} = require('node:sea');
const {register} = require('node:module');
const path = require('node:path');
const {pathToFileURL} = require('node:url');

const url = pathToFileURL(path.join(path.dirname(process.execPath), 'ztop.mjs')).href;
const hooks = `
let bundle;
export function initialize(data) { bundle = data; }
export function resolve(specifier, context, next) {
	return specifier === bundle.url ? {url: bundle.url, format: 'module', shortCircuit: true} : next(specifier, context);
}
export function load(url, context, next) {
	return url === bundle.url ? {format: 'module', source: bundle.source, shortCircuit: true} : next(url, context);
}
`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, {data: {url, source: getAsset('ztop.mjs', 'utf8')}});
import(url).catch(error => {
	// The message may quote the executable's path: control characters are shown, not sent to the terminal.
	const message = (error instanceof Error ? error.message : String(error)).replaceAll(/[\u0000-\u001F\u007F-\u009F]/g, character => `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`);
	process.stderr.write(`ztop: the executable could not start its bundle: ${message}\n`);
	process.exitCode = 70;
});

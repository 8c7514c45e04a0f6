/**
The command line, read with meow under ztop's rule for mistakes: each one is a UsageError (one line, exit 2)
that names the flag and the value as typed and says what is allowed, whichever mode would run. meow's own
reactions do not meet that rule: it throws `The flag --output can only be set once.` (a stack trace), exits
on an unknown flag with a two-line message that prints the flag raw, and reads `--last abc` as NaN. So
ztop checks for unknown flags itself before meow parses, asks meow for every single-value flag as a list
(to see it given twice), and reads numbers itself.
*/
import {pathToFileURL} from 'node:url';
import meow, {type AnyFlag} from 'meow';
import {UsageError} from './usage-error.js';

/** A number flag's accepted values. */
export type NumberRange = {minimum: number; maximum?: number; isWhole: boolean};

export type FlagSpecification =
	| {type: 'boolean'; shortFlag?: string; default?: boolean}
	| {type: 'string'; shortFlag?: string; isMultiple?: boolean; default?: string}
	| {type: 'number'; shortFlag?: string; range: NumberRange};

export type ParsedCommandLine = {flags: Record<string, unknown>; input: string[]};

export function kebabCase(name: string): string {
	return name.replaceAll(/[A-Z]/g, letter => '-' + letter.toLowerCase());
}

export function parseCommandLine(
	help: string,
	argv: string[],
	specifications: Record<string, FlagSpecification>,
	command = 'ztop',
): ParsedCommandLine {
	checkFlagNames(argv, specifications, command);
	const byShortFlag = shortFlags(specifications);
	// yargs reads `-nshop` as bundled short flags; pflag (hubble, kubectl) as `-n shop`, the habit ztop keeps.
	const separator = argv.indexOf('--');
	const expanded = argv.flatMap((token, index) => {
		const specification = /^-[^-\d]./.test(token) && (separator === -1 || index < separator) ? byShortFlag.get(token[1]!) : undefined;
		return specification && specification.type !== 'boolean' ? [token.slice(0, 2), token.slice(2).replace(/^=/, '')] : [token];
	});
	const meowFlags: Record<string, AnyFlag> = {};
	for (const [name, specification] of Object.entries(specifications)) {
		const shortFlag = specification.shortFlag ? {shortFlag: specification.shortFlag} : {};
		meowFlags[name] =
			specification.type === 'boolean'
				? {type: 'boolean', ...shortFlag, ...(specification.default === undefined ? {} : {default: specification.default})}
				: {type: 'string', isMultiple: true, ...shortFlag};
	}

	// meow reads package.json above importMeta only when not given `pkg`; ztop gives it one (main.ts answers
	// --version), since the single executable has no package.json, nor an import.meta (its script is CommonJS).
	const cli = meow(help, {importMeta: meowImportMeta, pkg: {name: 'ztop'}, autoVersion: false, argv: expanded, flags: meowFlags, allowUnknownFlags: false, booleanDefault: undefined, description: false});
	const flags: Record<string, unknown> = {...cli.flags};
	for (const [name, specification] of Object.entries(specifications)) {
		if (specification.type === 'boolean' || (specification.type === 'string' && specification.isMultiple)) {
			continue;
		}

		const values = flags[name] as string[] | undefined;
		if (values !== undefined && values.length > 1) {
			throw new UsageError(`--${kebabCase(name)} was given ${values.length === 2 ? 'twice' : `${values.length} times`} (${values.map(value => JSON.stringify(value)).join(', ')}): it takes one value`);
		}

		const value = values?.[0];
		flags[name] =
			specification.type === 'number'
				? value === undefined
					? undefined
					: readNumber(name, value, specification.range)
				: (value ?? specification.default);
	}

	return {flags, input: cli.input};
}

function readNumber(name: string, text: string, range: NumberRange): number {
	const value = (range.isWhole ? /^\d+$/ : /^\d+(?:\.\d+)?$/).test(text.trim()) ? Number(text) : Number.NaN;
	const maximum = range.maximum ?? Number.MAX_SAFE_INTEGER;
	if (!(value >= range.minimum && value <= maximum)) {
		const kind = range.isWhole ? 'a whole number' : 'a number';
		const allowed = range.maximum === undefined ? `${kind} from ${range.minimum} up` : `${kind} from ${range.minimum} to ${range.maximum.toLocaleString('en-US')}`;
		throw new UsageError(`invalid --${kebabCase(name)} value ${JSON.stringify(text)}: ${allowed}`);
	}

	return value;
}

const builtInFlags = new Set(['help', 'version']);

/** What meow requires as `importMeta` (it checks only that `url` is set). */
const meowImportMeta = {url: pathToFileURL(process.argv[1] ?? process.execPath).href} as ImportMeta;

function shortFlags(specifications: Record<string, FlagSpecification>): Map<string, FlagSpecification> {
	return new Map(Object.values(specifications).flatMap(specification => (specification.shortFlag ? [[specification.shortFlag, specification] as const] : [])));
}

/**
Whether yargs-parser takes `token` as the value of the flag before it: not when it looks like a flag
itself (a negative number is a value).
*/
export function isValueToken(token: string | undefined): token is string {
	return token !== undefined && (!token.startsWith('-') || /^-\d/.test(token));
}

/** Flags of other tools or subcommands people reach for, and what ztop calls them. */
const flagHints: Readonly<Record<string, string>> = {
	scenario: 'the demo\'s scenario follows --demo: --demo starwars',
	'output-format': 'did you mean --output (-o)?',
	context: 'with -P, --kube-context',
};

/**
The known flag a mistyped one most likely meant: at most two edits away (one for short names), as git and
kubectl suggest commands; undefined when none is that close, or when two are.
*/
function nearestFlag(name: string, known: readonly string[]): string | undefined {
	const limit = name.length <= 4 ? 1 : 2;
	const close = known.filter(candidate => Math.abs(candidate.length - name.length) <= limit && editDistance(name, candidate) <= limit);
	return close.length === 1 ? close[0] : undefined;
}

function editDistance(first: string, second: string): number {
	let previous = Array.from({length: second.length + 1}, (_, index) => index);
	for (let row = 1; row <= first.length; row++) {
		const current = [row];
		for (let column = 1; column <= second.length; column++) {
			current[column] = Math.min(previous[column]! + 1, current[column - 1]! + 1, previous[column - 1]! + (first[row - 1] === second[column - 1] ? 0 : 1));
		}

		previous = current;
	}

	return previous[second.length]!;
}

/**
Unknown flags, found the way yargs-parser (under meow) reads argv: `--name`, `--name=value`, `--no-name` for
booleans, `-x`, `-xVALUE` and bundled boolean short flags (`-fD`); the token after a flag that takes a value
must be a value (isValueToken), as pflag requires for hubble's flags; nothing after `--` is a flag.
*/
function checkFlagNames(argv: string[], specifications: Record<string, FlagSpecification>, command: string): void {
	const byLongName = new Map(Object.entries(specifications).map(([name, specification]) => [kebabCase(name), specification]));
	const byShortFlag = shortFlags(specifications);
	const unknown = (token: string, name?: string) => {
		const near = name === undefined ? undefined : nearestFlag(name, [...byLongName.keys()]);
		const hint = name === undefined ? undefined : (flagHints[name] ?? (near ? `did you mean --${near}?` : undefined));
		return new UsageError(`unknown flag ${JSON.stringify(token)}${hint ? ` (${hint})` : ''}; see ${command} --help`);
	};
	const needsValue = (flag: string) => new UsageError(`${flag} needs a value; see ${command} --help`);
	for (let index = 0; index < argv.length; index++) {
		const token = argv[index]!;
		if (token === '--') {
			return;
		}

		if (token.startsWith('--')) {
			const equals = token.indexOf('=');
			const name = equals === -1 ? token.slice(2) : token.slice(2, equals);
			const specification = byLongName.get(name) ?? (name.startsWith('no-') && byLongName.get(name.slice(3))?.type === 'boolean' ? byLongName.get(name.slice(3)) : undefined);
			if (!specification && !builtInFlags.has(name)) {
				throw unknown(token, name);
			}

			if (specification && specification.type !== 'boolean' && equals === -1) {
				if (!isValueToken(argv[++index])) {
					throw needsValue(`--${name}`);
				}
			}
		} else if (token.startsWith('-') && token.length > 1 && !/^-\d/.test(token)) {
			for (let position = 1; position < token.length; position++) {
				const specification = byShortFlag.get(token[position]!);
				if (!specification) {
					throw unknown(token);
				}

				if (specification.type !== 'boolean') {
					// The rest of the token is the value; else the next token is.
					if (position === token.length - 1 && !isValueToken(argv[++index])) {
						throw needsValue(token);
					}

					break;
				}
			}
		}
	}
}

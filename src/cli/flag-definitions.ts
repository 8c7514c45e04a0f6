/**
ztop's command-line flags: the `hubble observe` flags it shares (same names, same meaning) plus its own.
parseCommandLine validates them (unknown flags, a single-value flag given twice, numbers and their ranges);
filter flags are also read in command-line order, because `--not` negates the filter flag that follows it
and meow does not keep order.
*/
import {booleanFilterFlags, filterFlagRules, filterShortFlags} from '../filters/observe-flags.js';
import type {FilterArgument} from '../filters/observe-flags.js';
import type {FlagSpecification} from './parse-flags.js';

export type FlagDefinition = FlagSpecification;

const wholeNumber = (minimum: number, maximum?: number) => ({minimum, ...(maximum === undefined ? {} : {maximum}), isWhole: true});

function filterFlagDefinitions(): Record<string, FlagDefinition> {
	const definitions: Record<string, FlagDefinition> = {};
	for (const name of filterFlagRules.keys()) {
		const shortFlag = filterShortFlags[name];
		definitions[camelCase(name)] = booleanFilterFlags.has(name)
			? {type: 'boolean', ...(shortFlag ? {shortFlag} : {})}
			: {type: 'string', isMultiple: true, ...(shortFlag ? {shortFlag} : {})};
	}

	return definitions;
}

export const flagDefinitions: Record<string, FlagDefinition> = {
	...filterFlagDefinitions(),
	not: {type: 'boolean'},
	allowlist: {type: 'string', isMultiple: true},
	denylist: {type: 'string', isMultiple: true},
	// Selectors
	first: {type: 'number', range: wholeNumber(0)},
	last: {type: 'number', range: wholeNumber(0)},
	all: {type: 'boolean'},
	follow: {type: 'boolean', shortFlag: 'f'},
	since: {type: 'string'},
	until: {type: 'string'},
	// Input and output
	inputFile: {type: 'string'},
	output: {type: 'string', shortFlag: 'o', default: 'compact'},
	color: {type: 'string', default: 'auto'},
	printNodeName: {type: 'boolean'},
	numeric: {type: 'boolean'},
	ipTranslation: {type: 'boolean', default: true},
	printRawFilters: {type: 'boolean'},
	debug: {type: 'boolean', shortFlag: 'D'},
	// Connection (hubble observe's names; HUBBLE_* environment variables as defaults)
	server: {type: 'string', isMultiple: true},
	tls: {type: 'boolean'},
	tlsAllowInsecure: {type: 'boolean'},
	tlsCaCertFiles: {type: 'string', isMultiple: true},
	tlsClientCertFile: {type: 'string'},
	tlsClientKeyFile: {type: 'string'},
	tlsServerName: {type: 'string'},
	requestTimeout: {type: 'string'},
	portForward: {type: 'boolean', shortFlag: 'P'},
	portForwardPort: {type: 'number', range: wholeNumber(0, 65_535)},
	kubeContext: {type: 'string', isMultiple: true},
	kubeconfig: {type: 'string'},
	kubeNamespace: {type: 'string'},
	demo: {type: 'boolean'},
	// `--no-demo-policies`: the TUI demo without the lab's policies (and so without its what-if).
	demoPolicies: {type: 'boolean', default: true},
	// Policies
	policies: {type: 'string', isMultiple: true},
	whatIfApply: {type: 'string', isMultiple: true},
	whatIfDelete: {type: 'string', isMultiple: true},
	suggestKind: {type: 'string'},
	// Connections
	ledger: {type: 'string'},
	maxConnections: {type: 'number', range: wholeNumber(1, 10_000_000)},
	// The TUI
	buffer: {type: 'number', range: wholeNumber(100, 10_000_000)},
	fps: {type: 'number', range: wholeNumber(1, 60)},
	seed: {type: 'number', range: wholeNumber(0)},
	stageSeconds: {type: 'number', range: wholeNumber(1)},
};

export function camelCase(name: string): string {
	return name.replaceAll(/-([a-z\d])/g, (_match, letter: string) => letter.toUpperCase());
}

/** Flags whose next argument is their value. */
function takesValue(longName: string): boolean {
	const definition = flagDefinitions[camelCase(longName)];
	return definition !== undefined && definition.type !== 'boolean';
}

const longNameByShortFlag = new Map<string, string>(
	Object.entries(flagDefinitions)
		.filter(([, definition]) => definition.shortFlag)
		.map(([name, definition]) => [definition.shortFlag!, name.replaceAll(/[A-Z]/g, letter => '-' + letter.toLowerCase())]),
);

/**
The filter flags and `--not` in the order they were given. Accepts `--flag value`, `--flag=value`,
`-n value`, `-n=value` and `-nvalue`; stops at `--`.
*/
export function orderedFilterArguments(argv: readonly string[]): FilterArgument[] {
	const result: FilterArgument[] = [];
	for (let index = 0; index < argv.length; index++) {
		const token = argv[index]!;
		if (token === '--') {
			break;
		}

		let name: string | undefined;
		let inlineValue: string | undefined;
		if (token.startsWith('--')) {
			const equals = token.indexOf('=');
			name = equals === -1 ? token.slice(2) : token.slice(2, equals);
			inlineValue = equals === -1 ? undefined : token.slice(equals + 1);
		} else if (token.startsWith('-') && token.length > 1) {
			name = longNameByShortFlag.get(token[1]!);
			const rest = token.slice(2);
			inlineValue = rest === '' ? undefined : rest.replace(/^=/, '');
		}

		if (name === undefined) {
			continue;
		}

		const hasValue = takesValue(name);
		const value = hasValue ? (inlineValue ?? argv[++index] ?? '') : '';
		if (name === 'not') {
			result.push({name: 'not'});
		} else if (filterFlagRules.has(name)) {
			result.push({name, value});
		}
	}

	return result;
}

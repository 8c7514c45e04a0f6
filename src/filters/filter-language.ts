/**
The filter language of the TUI's `/` prompt. It reads into the same AST as the command line: hubble flags
verbatim (`--from-label app=frontend --verdict DROPPED`, `-n shop`, `--not`), short forms for the same flags
(`from:app=frontend to:shop/backend verdict:dropped port:80 dir:ingress type:policy-verdict !ns:kube-system`),
ztop's own `policy:`, `dns:` and `reply:`, and bare words, which the store matches fuzzily against the values
it has seen. Short forms and flags go through buildFilterLists, so their meaning is hubble's exactly; an error
carries the position of the word that caused it.
*/
import {isIP} from 'node:net';
import {FilterError} from './filter-error.js';
import type {FilterQuery, LocalFlowFilter} from './filter-query.js';
import {policyMatcher} from './filter-query.js';
import {compileRegularExpression} from './flow-filter-match.js';
import {booleanFilterFlags, buildFilterLists, filterFlagRules, filterShortFlags, type FilterArgument} from './observe-flags.js';

/** A filter error at a position (0-based, in UTF-16 code units) of the filter text. */
export class FilterSyntaxError extends FilterError {
	constructor(
		message: string,
		readonly position: number,
	) {
		super(message);
	}
}

type Token = {text: string; position: number};

/** Words separated by white space; single or double quotes group a value with spaces (`"a b"`). */
export function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let current: Token | undefined;
	let quote: {character: string; position: number} | undefined;
	for (let index = 0; index < text.length; index++) {
		const character = text[index]!;
		if (quote) {
			if (character === quote.character) {
				quote = undefined;
			} else {
				current!.text += character;
			}

			continue;
		}

		if (/\s/.test(character)) {
			if (current) {
				tokens.push(current);
				current = undefined;
			}

			continue;
		}

		current ??= {text: '', position: index};
		if (character === '"' || character === "'") {
			quote = {character, position: index};
		} else {
			current.text += character;
		}
	}

	if (quote) {
		throw new FilterSyntaxError(`unterminated ${quote.character} quote`, quote.position);
	}

	if (current) {
		tokens.push(current);
	}

	return tokens;
}

/** Short forms and the flag they stand for (any filter flag's own name works too: `from-label:app=x`). */
const shortForms: ReadonlyMap<string, string> = new Map([
	['ns', 'namespace'],
	['from-ns', 'from-namespace'],
	['to-ns', 'to-namespace'],
	['dir', 'traffic-direction'],
	['direction', 'traffic-direction'],
	['proto', 'protocol'],
	['status', 'http-status'],
	['method', 'http-method'],
	['path', 'http-path'],
	['url', 'http-url'],
	['node', 'node-name'],
	['reason', 'drop-reason-desc'],
	['drop-reason', 'drop-reason-desc'],
]);

/** ztop's names for groups of verdicts, as the policies pane counts them. */
const verdictGroups: ReadonlyMap<string, string[]> = new Map([
	['allowed', ['FORWARDED', 'REDIRECTED']],
	['denied', ['DROPPED', 'ERROR']],
]);

const longNameByShortFlag = new Map(Object.entries(filterShortFlags).map(([name, letter]) => [letter, name]));

type LocalField = 'policy' | 'text' | 'dns_query' | 'reply';

type Parsed = {
	flags: Array<{argument: FilterArgument; token: Token}>;
	localAllow: LocalFlowFilter;
	localDeny: LocalFlowFilter[];
};

/** Parses the filter prompt's text into ztop's filter AST. Empty text is the empty query (everything). */
export function parseFilterText(text: string): FilterQuery {
	const parsed: Parsed = {flags: [], localAllow: {}, localDeny: []};
	const tokens = tokenize(text);
	for (let index = 0; index < tokens.length; index++) {
		const token = tokens[index]!;
		if (token.text.startsWith('-') && token.text.length > 1) {
			index = readFlag(tokens, index, parsed);
		} else {
			readWord(token, parsed);
		}
	}

	const lists = buildLists(parsed);
	const hasLocalAllow = Object.keys(parsed.localAllow).length > 0;
	const allowlist = lists.allowlist.map(filter => ({...filter, ...parsed.localAllow}));
	return {
		allowlist: allowlist.length === 0 && hasLocalAllow ? [parsed.localAllow] : allowlist,
		denylist: [...lists.denylist, ...parsed.localDeny],
	};
}

/** `--name value`, `--name=value`, `-n value`, `-nvalue`; returns the index of the last token used. */
function readFlag(tokens: Token[], index: number, parsed: Parsed): number {
	const token = tokens[index]!;
	let name: string | undefined;
	let inlineValue: string | undefined;
	if (token.text.startsWith('--')) {
		const equals = token.text.indexOf('=');
		name = equals === -1 ? token.text.slice(2) : token.text.slice(2, equals);
		inlineValue = equals === -1 ? undefined : token.text.slice(equals + 1);
	} else {
		name = longNameByShortFlag.get(token.text[1]!);
		const rest = token.text.slice(2);
		inlineValue = rest === '' ? undefined : rest.replace(/^=/, '');
		if (name === undefined) {
			throw new FilterSyntaxError(`unknown filter flag ${token.text}`, token.position);
		}
	}

	if (name === 'not') {
		parsed.flags.push({argument: {name: 'not'}, token});
		return index;
	}

	if (!filterFlagRules.has(name)) {
		throw new FilterSyntaxError(`unknown filter flag --${name}`, token.position);
	}

	if (booleanFilterFlags.has(name)) {
		parsed.flags.push({argument: {name, value: ''}, token});
		return index;
	}

	if (inlineValue !== undefined) {
		parsed.flags.push({argument: {name, value: inlineValue}, token});
		return index;
	}

	const value = tokens[index + 1];
	if (value === undefined) {
		throw new FilterSyntaxError(`--${name} needs a value`, token.position + token.text.length);
	}

	parsed.flags.push({argument: {name, value: value.text}, token});
	return index + 1;
}

function readWord(token: Token, parsed: Parsed): void {
	const isNegated = token.text.startsWith('!');
	const word = isNegated ? token.text.slice(1) : token.text;
	if (word === '') {
		throw new FilterSyntaxError('! must be followed by a filter, e.g. !ns:kube-system', token.position);
	}

	const colon = word.indexOf(':');
	const key = colon === -1 ? '' : word.slice(0, colon).toLowerCase();
	const value = word.slice(colon + 1);
	const valuePosition = token.position + (isNegated ? 1 : 0) + colon + 1;
	const flags = colon === -1 ? undefined : shortFormFlags(key, value);
	if (flags) {
		if (value === '') {
			throw new FilterSyntaxError(`${key}: needs a value`, valuePosition);
		}

		for (const argument of flags) {
			if (isNegated) {
				parsed.flags.push({argument: {name: 'not'}, token});
			}

			parsed.flags.push({argument, token: {text: value, position: valuePosition}});
		}

		return;
	}

	const local = colon === -1 ? undefined : localField(key, value, valuePosition);
	if (local) {
		addLocal(parsed, isNegated, local.field, local.value);
		return;
	}

	// Anything else (including text with a colon that is not a known key, like a URL) is a fuzzy word.
	addLocal(parsed, isNegated, 'text', word);
}

/** The flags a `key:value` short form stands for, or undefined when `key` is not one. */
function shortFormFlags(key: string, value: string): FilterArgument[] | undefined {
	if (key === 'from' || key === 'to') {
		return [{name: `${key}-${endpointKind(value)}`, value}];
	}

	if (key === 'verdict' && verdictGroups.has(value.toLowerCase())) {
		return verdictGroups.get(value.toLowerCase())!.map(verdict => ({name: 'verdict', value: verdict}));
	}

	const name = shortForms.get(key) ?? key;
	return filterFlagRules.has(name) && !booleanFilterFlags.has(name) ? [{name, value}] : undefined;
}

/** `from:` and `to:` read a label (`app=x`, `k8s:app`, `reserved:world`), an IP or CIDR, or a pod. */
function endpointKind(value: string): 'label' | 'ip' | 'pod' {
	if (isIP(value) !== 0 || (value.includes('/') && isIP(value.slice(0, value.indexOf('/'))) !== 0)) {
		return 'ip';
	}

	return value.includes('=') || value.includes(':') || value.startsWith('!') ? 'label' : 'pod';
}

function localField(key: string, value: string, position: number): {field: LocalField; value: string | boolean} | undefined {
	try {
		switch (key) {
			case 'policy': {
				policyMatcher([value], () => ({namespace: '', name: ''}));
				return {field: 'policy', value};
			}

			case 'dns': {
				compileRegularExpression(value, 'dns query');
				return {field: 'dns_query', value};
			}

			case 'reply': {
				if (value !== 'true' && value !== 'false') {
					throw new FilterError('reply: is true or false');
				}

				return {field: 'reply', value: value === 'true'};
			}

			default: {
				return undefined;
			}
		}
	} catch (error) {
		if (error instanceof FilterError) {
			throw new FilterSyntaxError(error.message, position);
		}

		throw error;
	}
}

function addLocal(parsed: Parsed, isNegated: boolean, field: LocalField, value: string | boolean): void {
	if (isNegated) {
		parsed.localDeny.push({[field]: [value]});
		return;
	}

	const values = (parsed.localAllow[field] ?? []) as Array<string | boolean>;
	values.push(value);
	(parsed.localAllow as Record<string, unknown>)[field] = values;
}

/** buildFilterLists over the flags; an error is placed at the first flag that makes the flags invalid. */
function buildLists(parsed: Parsed): ReturnType<typeof buildFilterLists> {
	const {flags} = parsed;
	const last = flags.at(-1);
	if (last?.argument.name === 'not') {
		throw new FilterSyntaxError('--not (or !) must be followed by a filter', last.token.position);
	}

	try {
		return buildFilterLists(flags.map(flag => flag.argument));
	} catch (error) {
		if (!(error instanceof FilterError)) {
			throw error;
		}

		// The shortest failing prefix ends at the culprit (each value alone, or the flag that conflicts).
		for (let end = 1; end <= flags.length; end++) {
			if (flags[end - 1]!.argument.name === 'not') {
				continue;
			}

			try {
				buildFilterLists(flags.slice(0, end).map(flag => flag.argument));
			} catch (prefixError) {
				throw new FilterSyntaxError((prefixError as Error).message, flags[end - 1]!.token.position);
			}
		}

		throw new FilterSyntaxError(error.message, 0);
	}
}

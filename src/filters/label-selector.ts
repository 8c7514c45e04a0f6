/**
Kubernetes label selectors over Cilium labels, with Hubble's translation (pkg/hubble/filters/labels.go,
hubble-api.md §2.3): a key may name a Cilium label source (`k8s:app`, `reserved:world`); a key without
one matches any source. The full selector grammar is supported: `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
`k notin (a)`, `k`, `!k`, `k>1`, `k<1`, and a comma ANDs requirements.
*/
import {FilterError} from './filter-error.js';

type Operator = 'equals' | 'notEquals' | 'in' | 'notIn' | 'exists' | 'doesNotExist' | 'greaterThan' | 'lessThan';

export type LabelRequirement = {
	/** Cilium label source (`k8s`, `reserved`, …), or `any`. */
	source: string;
	key: string;
	operator: Operator;
	values: string[];
};

export type LabelSelector = readonly LabelRequirement[];

/** A Cilium label `source:key=value` split into its parts. */
export type ParsedLabel = {source: string; key: string; value: string};

// Label names and values as Kubernetes validates them (apimachinery validation), after Hubble's
// source translation turns `k8s:app` into the key `k8s.app`.
const qualifiedName = /^(?:[a-z\d](?:[-a-z\d.]*[a-z\d])?\/)?[A-Za-z\d](?:[-A-Za-z\d_.]*[A-Za-z\d])?$/;
const labelValue = /^(?:[A-Za-z\d](?:[-A-Za-z\d_.]*[A-Za-z\d])?)?$/;

export function parseLabelSelector(text: string): LabelSelector {
	const tokens = tokenize(text);
	const requirements: LabelRequirement[] = [];
	let index = 0;
	const peek = () => tokens[index];
	const next = () => tokens[index++];
	const fail = (reason: string): never => {
		throw new FilterError(`invalid label selector ${JSON.stringify(text)}: ${reason}`);
	};

	if (tokens.length === 0) {
		return requirements;
	}

	for (;;) {
		let token = next();
		let operator: Operator | undefined;
		if (token?.kind === 'operator' && token.text === '!') {
			operator = 'doesNotExist';
			token = next();
		}

		if (token?.kind !== 'word') {
			fail(`expected a label key${token ? ` at ${JSON.stringify(token.text)}` : ''}`);
		}

		const {source, key} = splitKey(token!.text, fail);
		let values: string[] = [];
		const following = peek();
		if (operator === undefined) {
			if (following === undefined || (following.kind === 'operator' && following.text === ',')) {
				operator = 'exists';
			} else if (following.kind === 'operator' && ['=', '==', '!=', '>', '<'].includes(following.text)) {
				next();
				operator = ({'=': 'equals', '==': 'equals', '!=': 'notEquals', '>': 'greaterThan', '<': 'lessThan'} as const)[
					following.text as '=' | '==' | '!=' | '>' | '<'
				];
				const value = peek()?.kind === 'word' ? next()!.text : '';
				values = [value];
				if ((operator === 'greaterThan' || operator === 'lessThan') && !/^-?\d+$/.test(value)) {
					fail(`${following.text} needs an integer value, got ${JSON.stringify(value)}`);
				}
			} else if (following.kind === 'word' && (following.text === 'in' || following.text === 'notin')) {
				next();
				operator = following.text === 'in' ? 'in' : 'notIn';
				values = parseValueSet(next, peek, fail);
			} else {
				fail(`unexpected ${JSON.stringify(following.text)} after key ${JSON.stringify(token!.text)}`);
			}
		}

		for (const value of values) {
			if (value.length > 63 || !labelValue.test(value)) {
				fail(`invalid label value ${JSON.stringify(value)}`);
			}
		}

		requirements.push({source, key, operator: operator!, values});
		const separator = next();
		if (separator === undefined) {
			break;
		}

		if (separator.kind !== 'operator' || separator.text !== ',') {
			fail(`expected "," between requirements, got ${JSON.stringify(separator.text)}`);
		}
	}

	return requirements;
}

function parseValueSet(
	next: () => Token | undefined,
	peek: () => Token | undefined,
	fail: (reason: string) => never,
): string[] {
	const open = next();
	if (open?.kind !== 'operator' || open.text !== '(') {
		fail('expected "(" after in/notin');
	}

	const values: string[] = [];
	for (;;) {
		const token = peek();
		if (token?.kind === 'word') {
			values.push(next()!.text);
		} else {
			values.push('');
		}

		const separator = next();
		if (separator?.kind === 'operator' && separator.text === ')') {
			return values;
		}

		if (separator?.kind !== 'operator' || separator.text !== ',') {
			fail('expected "," or ")" in a value set');
		}
	}
}

/** Hubble's translateSelector: `k8s:app` → source k8s, key app; a bare key matches any source. */
function splitKey(text: string, fail: (reason: string) => never): {source: string; key: string} {
	const colon = text.indexOf(':');
	const source = colon === -1 ? 'any' : text.slice(0, colon);
	const key = colon === -1 ? text : text.slice(colon + 1);
	const translated = `${source}.${key}`;
	if (source === '' || key === '' || translated.length > 316 || !qualifiedName.test(translated)) {
		fail(`invalid label key ${JSON.stringify(text)}`);
	}

	return {source, key};
}

type Token = {kind: 'word' | 'operator'; text: string};

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let index = 0;
	while (index < text.length) {
		const character = text[index]!;
		if (/\s/.test(character)) {
			index++;
			continue;
		}

		const two = text.slice(index, index + 2);
		if (two === '==' || two === '!=') {
			tokens.push({kind: 'operator', text: two});
			index += 2;
			continue;
		}

		if ('=!(),<>'.includes(character)) {
			tokens.push({kind: 'operator', text: character});
			index++;
			continue;
		}

		let end = index;
		while (end < text.length && !/[\s=!(),<>]/.test(text[end]!)) {
			end++;
		}

		tokens.push({kind: 'word', text: text.slice(index, end)});
		index = end;
	}

	return tokens;
}

/** Splits a Cilium label string; a label without a source has the source `unspec`, as Cilium parses it. */
export function parseLabel(label: string): ParsedLabel {
	const equals = label.indexOf('=');
	const keyPart = equals === -1 ? label : label.slice(0, equals);
	const value = equals === -1 ? '' : label.slice(equals + 1);
	const colon = keyPart.indexOf(':');
	return colon === -1
		? {source: 'unspec', key: keyPart, value}
		: {source: keyPart.slice(0, colon), key: keyPart.slice(colon + 1), value};
}

/** Whether parsed labels satisfy every requirement of the selector (Kubernetes semantics). */
export function matchesLabelSelector(selector: LabelSelector, labels: readonly ParsedLabel[]): boolean {
	return selector.every(requirement => matchesRequirement(requirement, labels));
}

function matchesRequirement(requirement: LabelRequirement, labels: readonly ParsedLabel[]): boolean {
	const label = labels.find(
		candidate => candidate.key === requirement.key && (requirement.source === 'any' || candidate.source === requirement.source),
	);
	switch (requirement.operator) {
		case 'exists': {
			return label !== undefined;
		}

		case 'doesNotExist': {
			return label === undefined;
		}

		case 'equals':
		case 'in': {
			return label !== undefined && requirement.values.includes(label.value);
		}

		case 'notEquals':
		case 'notIn': {
			return label === undefined || !requirement.values.includes(label.value);
		}

		case 'greaterThan':
		case 'lessThan': {
			if (label === undefined || !/^-?\d+$/.test(label.value)) {
				return false;
			}

			const difference = Number(label.value) - Number(requirement.values[0]);
			return requirement.operator === 'greaterThan' ? difference > 0 : difference < 0;
		}
	}
}

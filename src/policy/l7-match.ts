/**
L7 rules against what Hubble saw of a request (cilium-policy.md §7.2, §7.4). HTTP: method, path (`:path`,
query string included), host (`:authority`) are RE2 regexes that must match the whole value; a header rule
`X-Foo` needs the header, `X-Foo: bar` its exact value; all fields of one rule must match. DNS:
`matchName` is literal and case-insensitive, `matchPattern`'s `*` spans DNS characters within one label
(pkg/fqdn/matchpattern), and `*` alone matches every name.
*/
import {compileRegex} from './parser/l7.js';
import type {DnsRule, HttpRule} from './policy-model.js';

export type HttpRequest = {method: string; url: string; headers?: () => Array<{key: string; value: string}> | undefined};

const regexCache = new Map<string, RegExp | undefined>();

function regex(pattern: string): RegExp | undefined {
	if (!regexCache.has(pattern)) {
		regexCache.set(pattern, compileRegex(pattern));
	}

	return regexCache.get(pattern);
}

/** The `:path` and `:authority` Envoy sees, from the URL Hubble reports (`http://backend/status/200?x=1`). */
export function requestParts(url: string): {path: string; host: string} {
	const match = /^[a-z][a-z\d+.-]*:\/\/([^/?#]*)([^#]*)/i.exec(url);
	if (!match) {
		return {path: url, host: ''};
	}

	return {host: match[1] ?? '', path: match[2] === '' ? '/' : (match[2] ?? '/')};
}

/** true, false, or undefined when a rule needs what the flow does not carry (its headers). */
export function httpRuleMatches(rule: HttpRule, request: HttpRequest): boolean | undefined {
	const {path, host} = requestParts(request.url);
	const fits = (pattern: string | undefined, value: string) => pattern === undefined || pattern === '' || (regex(pattern)?.test(value) ?? false);
	if (!fits(rule.method, request.method) || !fits(rule.path, path) || !fits(rule.host, host)) {
		return false;
	}

	if (!rule.headers || rule.headers.length === 0) {
		return true;
	}

	const headers = request.headers?.();
	if (!headers) {
		return undefined;
	}

	return rule.headers.every(header => {
		const space = header.indexOf(' ');
		const name = (space === -1 ? header : header.slice(0, space)).replace(/:$/, '').toLowerCase();
		const value = space === -1 ? undefined : header.slice(space + 1);
		return headers.some(candidate => candidate.key.toLowerCase() === name && (value === undefined || candidate.value === value));
	});
}

/** The query as a fully qualified, lower-case name, as the DNS proxy compares it. */
function fqdn(name: string): string {
	const lower = name.toLowerCase();
	return lower.endsWith('.') ? lower : `${lower}.`;
}

export function dnsRuleMatches(rule: DnsRule, query: string): boolean {
	const name = fqdn(query);
	if (rule.matchName !== undefined) {
		return fqdn(rule.matchName) === name;
	}

	return fqdnPatternMatches(rule.matchPattern ?? '', name);
}

const patternCache = new Map<string, RegExp>();

/** matchpattern.ToAnchoredRegexp over a name that ends with a dot. */
export function fqdnPatternMatches(pattern: string, name: string): boolean {
	let compiled = patternCache.get(pattern);
	if (!compiled) {
		const trimmed = pattern.trim().toLowerCase();
		const source =
			trimmed === '*'
				? '^(?:[-a-z\\d_]+\\.)+$|^\\.$'
				: `^${fqdn(trimmed)
						.split('')
						.map(character => (character === '.' ? '[.]' : character === '*' ? '[-a-zA-Z0-9_]*' : character.replaceAll(/[\\^$+?()[\]{}|]/g, '\\$&')))
						.join('')}$`;
		compiled = new RegExp(source);
		patternCache.set(pattern, compiled);
	}

	return compiled.test(name);
}

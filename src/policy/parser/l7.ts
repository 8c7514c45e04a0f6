/** L7 rules: HTTP rules with their RE2 patterns (pkg/policy/api/http.go), and their text for the drill-down. */
import type {HttpRule, PortRule} from '../policy-model.js';
import {readList, readObject, readString, Rejection, type Report} from './read-fields.js';

export function parseHttpRule(value: unknown, path: string, report: Report): HttpRule {
	const rule = readObject(value, path, ['path', 'method', 'host', 'headers', 'headerMatches'], report) ?? {};
	const method = readString(rule['method'], `${path}.method`, report);
	const httpPath = readString(rule['path'], `${path}.path`, report);
	const host = readString(rule['host'], `${path}.host`, report);
	const headers = (readList(rule['headers'], `${path}.headers`, report) ?? []).map((item, index) => readString(item, `${path}.headers[${index}]`, report) ?? '');
	for (const [field, pattern] of [
		['path', httpPath],
		['method', method],
	] as const) {
		if (pattern !== undefined && pattern !== '' && compileRegex(pattern) === undefined) {
			throw new Rejection(`error parsing regexp: invalid ${field} regular expression ${JSON.stringify(pattern)}`);
		}
	}

	if ((readList(rule['headerMatches'], `${path}.headerMatches`, report)?.length ?? 0) > 0) {
		report(`${path}.headerMatches`, 'header matches are not evaluated: requests they would judge are unknown');
	}

	const text = [method || '*', httpPath || '*', host ? `host ${host}` : '', ...headers.map(header => `header ${header}`)].filter(Boolean).join(' ');
	return {
		...(method ? {method} : {}),
		...(httpPath ? {path: httpPath} : {}),
		...(host ? {host} : {}),
		...(headers.length > 0 ? {headers} : {}),
		text,
	};
}

/**
An RE2 pattern as a JavaScript RegExp that must match the whole value (Envoy's safe_regex_match). RE2 and
JavaScript agree on the syntax policies use, except RE2's `\x{1F600}` code points, JavaScript's `\u{1F600}`
(translated here); a pattern JavaScript cannot read is undefined.
*/
export function compileRegex(pattern: string): RegExp | undefined {
	const translated = pattern.replaceAll(/(?<!\\)((?:\\\\)*)\\x\{([\da-fA-F]{1,6})\}/g, (_match, backslashes: string, hex: string) => `${backslashes}\\u{${hex}}`);
	try {
		return new RegExp(`^(?:${translated})$`, 'u');
	} catch {
		try {
			return new RegExp(`^(?:${pattern})$`);
		} catch {
			return undefined;
		}
	}
}

export function l7Text(portRules: readonly PortRule[]): string {
	const parts: string[] = [];
	for (const rule of portRules) {
		if (rule.l7?.http) {
			parts.push(`http: ${rule.l7.http.map(http => http.text).join(' | ') || '(any)'}`);
		}

		if (rule.l7?.dns) {
			parts.push(`dns: ${rule.l7.dns.map(dns => dns.matchName ?? dns.matchPattern ?? '').join(', ')}`);
		}

		if (rule.l7?.other) {
			parts.push(rule.l7.other);
		}

		if (rule.l7?.listener) {
			parts.push(`Envoy ${rule.l7.listener}`);
		}
	}

	return parts.join(' · ');
}

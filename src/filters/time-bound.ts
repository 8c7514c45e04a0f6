/**
`--since` and `--until` values as hubble accepts them (hubble/pkg/time/time.go): a Go duration counted
back from now (`3s`, `1h43m`, `1.5h`), or a date/time in one of its layouts, UTC unless a zone is given.
*/
import {parseTimestamp, type Instant} from '../flow/timestamp.js';
import {FilterError} from './filter-error.js';

const durationUnits: Record<string, number> = {
	ns: 1e-6,
	us: 1e-3,
	'µs': 1e-3,
	'μs': 1e-3,
	ms: 1,
	s: 1000,
	m: 60_000,
	h: 3_600_000,
};

/** A Go duration in milliseconds, or undefined when the text is not one. */
export function parseGoDuration(text: string): number | undefined {
	// Go's micro signs (U+00B5, U+03BC) as escapes: the bundle stays ASCII (scripts/build.mjs).
	const match = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00B5s|\u03BCs|ms|s|m|h))+$/.exec(text);
	if (!match && text !== '0') {
		return undefined;
	}

	let total = 0;
	for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00B5s|\u03BCs|ms|s|m|h)/g)) {
		total += Number(amount) * durationUnits[unit!]!;
	}

	return text.startsWith('-') ? -total : total;
}

const monthNumbers: Record<string, string> = {
	Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06',
	Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12',
};

/** Parses a `--since`/`--until` value relative to `now` (milliseconds since the epoch). */
export function parseTimeBound(flag: string, text: string, now: number): Instant {
	const duration = parseGoDuration(text);
	if (duration !== undefined) {
		const milliseconds = now - duration;
		const seconds = Math.floor(milliseconds / 1000);
		return {seconds, nanos: Math.round((milliseconds - seconds * 1000) * 1e6)};
	}

	const candidates = [
		text,
		// 2006-01-02
		/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : undefined,
		// 2006-01-02T15Z07:00
		/^\d{4}-\d{2}-\d{2}T\d{2}(?:Z|[+-]\d{2}:\d{2})$/.test(text) ? text.replace(/^(.{13})/, '$1:00:00') : undefined,
		// 2006-01-02T15:04Z07:00
		/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$/.test(text) ? text.replace(/^(.{16})/, '$1:00') : undefined,
		fromRfc1123Z(text),
	];
	for (const candidate of candidates) {
		const instant = candidate === undefined ? undefined : parseTimestamp(candidate);
		if (instant) {
			return instant;
		}
	}

	throw new FilterError(
		`invalid --${flag} value ${JSON.stringify(text)}: use a duration such as 5m or 1h30m, or a time such as 2026-11-22, 2026-11-22T10:04Z or RFC 3339`,
	);
}

/** `Mon, 02 Jan 2006 15:04:05 -0700` as RFC 3339. */
function fromRfc1123Z(text: string): string | undefined {
	const match = /^[A-Z][a-z]{2}, (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})$/.exec(text);
	const month = match ? monthNumbers[match[2]!] : undefined;
	return match && month ? `${match[3]}-${month}-${match[1]}T${match[4]}${match[5]}:${match[6]}` : undefined;
}

/**
Timestamps as Hubble writes them: RFC 3339 in UTC with the fraction trimmed to 0, 3, 6 or 9 digits
(protojson's rule), and `Jan _2 15:04:05.000` for compact output (Go's StampMilli, always UTC).
*/

/** Seconds since the Unix epoch plus nanoseconds, exact to the nanosecond. */
export type Instant = {seconds: number; nanos: number};

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

// Limits of google.protobuf.Timestamp: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
const minimumSeconds = -62_135_596_800;
const maximumSeconds = 253_402_300_799;

/**
The last few timestamps formatted: a flow's time is formatted twice (the response's and the flow's) and
then read back to follow the stream's position, at every flow of a busy relay; each is found here by
its text or its value without another Date or regex.
*/
const recentSize = 4;
const recentTexts: string[] = Array.from({length: recentSize}, () => '');
const recentSeconds = new Float64Array(recentSize).fill(Number.NaN);
const recentNanos = new Float64Array(recentSize);
let recentNext = 0;

/** Parses an RFC 3339 timestamp; undefined when it is not one or is outside Timestamp's range. */
export function parseTimestamp(text: string): Instant | undefined {
	for (let index = 0; index < recentSize; index++) {
		if (recentTexts[index] === text) {
			return {seconds: recentSeconds[index]!, nanos: recentNanos[index]!};
		}
	}

	const match = rfc3339.exec(text);
	if (!match) {
		return undefined;
	}

	const [, year, month, day, hour, minute, second, fraction, , sign, offsetHours, offsetMinutes] = match;
	const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
	const [y, mo, d, h, mi, s] = fields;
	if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
		return undefined;
	}

	const date = new Date(0);
	date.setUTCFullYear(y, mo - 1, d);
	date.setUTCHours(h, mi, s, 0);
	let seconds = date.getTime() / 1000;
	if (sign) {
		const offset = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60;
		seconds -= sign === '+' ? offset : -offset;
	}

	if (seconds < minimumSeconds || seconds > maximumSeconds) {
		return undefined;
	}

	const nanos = fraction ? Number(fraction.padEnd(9, '0')) : 0;
	return {seconds, nanos};
}

/** RFC 3339 in UTC, fraction trimmed to 0/3/6/9 digits, as protojson writes google.protobuf.Timestamp. */
export function formatTimestamp(instant: Instant): string {
	// Nanoseconds outside 0…999 999 999 (arithmetic on milliseconds plus jitter) carry into the seconds,
	// so the text is always a valid Timestamp.
	const carry = Math.floor(instant.nanos / 1_000_000_000);
	const seconds = instant.seconds + carry;
	const nanos = instant.nanos - carry * 1_000_000_000;
	for (let index = 0; index < recentSize; index++) {
		if (recentSeconds[index] === seconds && recentNanos[index] === nanos) {
			return recentTexts[index]!;
		}
	}

	// Within Timestamp's range (years 1 to 9999) toISOString always writes a four-digit year.
	const base = new Date(seconds * 1000).toISOString().slice(0, 19);
	const text = `${base}${fractionDigits(nanos)}Z`;
	recentTexts[recentNext] = text;
	recentSeconds[recentNext] = seconds;
	recentNanos[recentNext] = nanos;
	recentNext = (recentNext + 1) % recentSize;
	return text;
}

function fractionDigits(nanos: number): string {
	if (nanos === 0) {
		return '';
	}

	if (nanos % 1_000_000 === 0) {
		return '.' + String(nanos / 1_000_000).padStart(3, '0');
	}

	if (nanos % 1000 === 0) {
		return '.' + String(nanos / 1000).padStart(6, '0');
	}

	return '.' + String(nanos).padStart(9, '0');
}

const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
Go's time.StampMilli layout (`Jan _2 15:04:05.000`) in UTC, the default of `hubble observe --time-format`.
The milliseconds are truncated, not rounded, as Go formats them. Absent or invalid input prints `N/A`,
as hubble's printer does for a timestamp that is not valid.
*/
export function formatStampMilli(text: string | undefined): string {
	const instant = text === undefined ? undefined : parseTimestamp(text);
	if (!instant) {
		return 'N/A';
	}

	const date = new Date(instant.seconds * 1000);
	const day = String(date.getUTCDate()).padStart(2, ' ');
	const clock = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
		.map(part => String(part).padStart(2, '0'))
		.join(':');
	const milliseconds = String(Math.floor(instant.nanos / 1_000_000)).padStart(3, '0');
	return `${monthNames[date.getUTCMonth()]} ${day} ${clock}.${milliseconds}`;
}

/** Orders two instants: negative when a is earlier. */
export function compareInstants(a: Instant, b: Instant): number {
	return a.seconds === b.seconds ? a.nanos - b.nanos : a.seconds - b.seconds;
}

function daysInMonth(year: number, month: number): number {
	const isLeapYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
	return month === 2 ? (isLeapYear ? 29 : 28) : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/**
Text as the terminal lays it out: display widths, cutting and padding to a column count, and SGR styles.
Every screen line is built to exactly the terminal's width from these, so the renderer can write it
without measuring it again. Widths follow string-width (East Asian Wide as two columns, combining marks
and zero-width characters as none, ambiguous ones narrow, as tmux and xterm draw them); printable ASCII and
the symbols ztop draws itself are one column each and take a fast path, which is nearly every string a
cluster sends (pod names, labels and DNS names are ASCII by their own rules). Text that leaves through
`fit`, `paint` or `spans` never carries a control character: outside text is escaped where the views take
it from a frame, and again here, so a line on the screen is its visible characters and ztop's own SGR codes.
*/
import stringWidth from 'string-width';
import {escapeForTerminal} from '../flow/terminal-safe.js';

/** The symbols the views draw, all one column wide. */
const narrowSymbols = new Set(Array.from('…→←↑↓│·—−▸█▁▂▃▄▅▆▇×§␣⏎≠'));

/** Whether every character of `text` is one column: printable ASCII and ztop's own symbols. */
function isOneColumnEach(text: string): boolean {
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if ((code < 0x20 || code > 0x7e) && !narrowSymbols.has(text[index]!)) {
			return false;
		}
	}

	return true;
}

export function displayWidth(text: string): number {
	return isOneColumnEach(text) ? text.length : stringWidth(text);
}

/**
`text` broken into lines of at most `columns` columns, at spaces where it can be (a word longer than a line
is cut); lines after the first start with `indent` spaces.
*/
export function wrapWords(text: string, columns: number, indent = 0): string[] {
	const lines: string[] = [];
	const lead = ' '.repeat(Math.min(indent, Math.max(0, columns - 1)));
	// Leading spaces are kept (an indented line stays indented).
	const leading = /^ */.exec(text)![0];
	let current = leading;
	for (const word of text.slice(leading.length).split(' ')) {
		const candidate = current.trim() === '' ? `${current}${word}` : `${current} ${word}`;
		if (displayWidth(candidate) <= columns || current.trim() === '') {
			current = candidate;
		} else {
			lines.push(current);
			current = `${lead}${word}`;
		}

		while (displayWidth(current) > columns) {
			// A word longer than a line is cut at the column, between characters (never inside a surrogate pair).
			const characters = [...current];
			let width = 0;
			let count = 0;
			while (count < characters.length && width + displayWidth(characters[count]!) <= columns) {
				width += displayWidth(characters[count]!);
				count++;
			}

			// At least one character past the indent, so that every pass shortens what is left.
			const cut = Math.max(lead.length + 1, count);
			lines.push(characters.slice(0, cut).join(''));
			current = `${lead}${characters.slice(cut).join('')}`;
		}
	}

	lines.push(current);
	return lines;
}

const segmenter = new Intl.Segmenter('en', {granularity: 'grapheme'});

/** Pads or cuts `text` to exactly `width` columns; a cut ends with an ellipsis. */
export function fit(raw: string, width: number): string {
	if (width <= 0) {
		return '';
	}

	if (isOneColumnEach(raw)) {
		return raw.length <= width ? raw + ' '.repeat(width - raw.length) : raw.slice(0, width - 1) + '…';
	}

	const text = escapeForTerminal(raw);
	const total = stringWidth(text);
	if (total <= width) {
		return text + ' '.repeat(width - total);
	}

	// Whole graphemes up to width − 1 columns; a wide one that would cross the edge becomes padding.
	let kept = '';
	let used = 0;
	for (const {segment} of segmenter.segment(text)) {
		const segmentWidth = stringWidth(segment);
		if (used + segmentWidth > width - 1) {
			break;
		}

		kept += segment;
		used += segmentWidth;
	}

	return kept + ' '.repeat(width - 1 - used) + '…';
}

export type Color = 'red' | 'green' | 'yellow' | 'cyan';

export type Style = {color?: Color | undefined; bold?: boolean; dim?: boolean; inverse?: boolean};

const colorCodes: Record<Color, string> = {red: '31', green: '32', yellow: '33', cyan: '36'};

/** `text` in `style`, as one SGR sequence before it and a reset after (nothing for the plain style). */
export function paint(raw: string, style: Style | undefined): string {
	const text = isOneColumnEach(raw) ? raw : escapeForTerminal(raw);
	if (!style || text === '') {
		return text;
	}

	const codes: string[] = [];
	if (style.bold) {
		codes.push('1');
	}

	if (style.dim) {
		codes.push('2');
	}

	if (style.inverse) {
		codes.push('7');
	}

	if (style.color) {
		codes.push(colorCodes[style.color]);
	}

	return codes.length === 0 ? text : `\u001B[${codes.join(';')}m${text}\u001B[0m`;
}

/** A whole line of `columns` in one style: the common case of a heading, a notice or a detail line. */
export function line(text: string, columns: number, style?: Style): string {
	return paint(fit(text, columns), style);
}

export type Span = readonly [text: string, style?: Style];

/**
Styled pieces as one line of exactly `columns`: cut where the width runs out (the cut piece ends with an
ellipsis), padded at the end in `fill` (a cursor row's inverse runs to the edge).
*/
export function spans(parts: readonly Span[], columns: number, fill?: Style): string {
	let text = '';
	let remaining = columns;
	for (const [piece, style] of parts) {
		if (remaining <= 0) {
			break;
		}

		const width = displayWidth(piece);
		if (width <= remaining) {
			text += paint(piece, style);
			remaining -= width;
		} else {
			text += paint(fit(piece, remaining), style);
			remaining = 0;
		}
	}

	return remaining > 0 ? text + paint(' '.repeat(remaining), fill) : text;
}

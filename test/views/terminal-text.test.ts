/**
Terminal text: every line the screens build is exactly as wide as asked, measured as terminals lay text out
(string-width, independent of ztop's fast path), and carries no control character from outside.
*/
import fc from 'fast-check';
import stringWidth from 'string-width';
import {describe, expect, test} from 'vitest';
import {displayWidth, fit, paint, spans, wrapWords} from '../../src/views/terminal-text.js';

const sgr = /\u001B\[[\d;]*m/g;
const visible = (text: string) => text.replaceAll(sgr, '');
const controls = /[\u0000-\u001F\u007F-\u009F]/;

/**
A Prepend character (Grapheme_Cluster_Break=Prepend, e.g. U+111C2) joins whatever follows it into one grapheme,
so string-width counts it and the padding space after it as one column; a terminal (xterm, tmux) measures code
point by code point and draws two, which is what fit() pads for. string-width is no oracle for text holding
one (found by this property, 1 run in ~1,000).
*/
const segmenter = new Intl.Segmenter('en', {granularity: 'grapheme'});
const joinsNext = (character: string) => [...segmenter.segment(`${character} `)].length === 1;
const withoutPrepend = (text: string) => ![...text].some(character => joinsNext(character));

describe('terminal text', () => {
	test.each([
		['ascii', 'frontend-7d9f', 13],
		['symbols', 'in a · out b → …', 16],
		['wide', '前端', 4],
		['emoji', '😀x', 3],
		['combining', 'e\u0301', 1],
	])('%s: display width', (_name, text, width) => {
		expect(displayWidth(text)).toBe(width);
	});

	test('a cut keeps whole characters, ends with an ellipsis, and never crosses the width', () => {
		expect(fit('shop/前端前端', 8)).toBe('shop/前…');
		// A wide character that would cross the edge becomes padding.
		expect(fit('shop/前端', 7)).toBe('shop/ …');
		expect(fit('abcdef', 4)).toBe('abc…');
		expect(fit('ab', 4)).toBe('ab  ');
		expect(fit('anything', 0)).toBe('');
	});

	test('control characters from outside become visible stand-ins, through fit and paint alike', () => {
		const hostile = 'pod\u001B]0;PWNED\u0007\u009B2J';
		for (const text of [fit(hostile, 40), visible(paint(hostile, {bold: true})), visible(spans([[hostile, {color: 'red'}]], 40))]) {
			expect(text).not.toMatch(controls);
			expect(text).toContain('pod^[]0;PWNED^G');
		}
	});

	test('any text fits to exactly the width asked, with no control characters (property)', () => {
		fc.assert(
			fc.property(fc.string({unit: 'binary', maxLength: 60}).filter(withoutPrepend), fc.integer({min: 1, max: 80}), (text, width) => {
				const fitted = fit(text, width);
				expect(stringWidth(fitted)).toBe(width);
				expect(fitted).not.toMatch(controls);
			}),
			{numRuns: 2000},
		);
	}, 60_000);

	test('styled pieces join to one line of the width, the padding in the fill style', () => {
		const line = spans([['ab', {bold: true}], ['cdefgh', {color: 'green'}]], 5, {inverse: true});
		expect(visible(line)).toBe('abcd…');
		const padded = spans([['ab', {inverse: true}]], 5, {inverse: true});
		expect(visible(padded)).toBe('ab   ');
		expect(padded.endsWith('\u001B[7m   \u001B[0m')).toBe(true);
		expect(paint('x', {})).toBe('x');
	});
});

describe('wrapWords', () => {
	test('at spaces, later lines indented, leading spaces kept', () => {
		expect(wrapWords('  alpha beta gamma delta', 12, 4)).toEqual(['  alpha beta', '    gamma', '    delta']);
		expect(wrapWords('short', 12, 4)).toEqual(['short']);
	});

	test('a word longer than a line is cut between characters, by width', () => {
		expect(wrapWords('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
		expect(wrapWords('漢字漢字漢', 5)).toEqual(['漢字', '漢字', '漢']);
	});

	test('any text, any width and indent: every line fits, ends, and holds the words in order', () => {
		fc.assert(
			fc.property(fc.array(fc.constantFrom('a', 'bb', 'cccccccc', '漢', '😀', ''), {maxLength: 12}), fc.integer({min: 1, max: 12}), fc.integer({min: 0, max: 14}), (words, columns, indent) => {
				const text = words.join(' ');
				const lines = wrapWords(text, columns, indent);
				// Only a wide character with no room left for it (one column, or right after the indent) passes the width, by one.
				expect(lines.every(line => stringWidth(line) <= columns + 1)).toBe(true);
				expect(lines.filter(line => stringWidth(line) > columns).every(line => /[漢😀]$/u.test(line))).toBe(true);
				expect(lines.join('').replaceAll(' ', '')).toBe(text.replaceAll(' ', ''));
			}),
			{numRuns: 300},
		);
	});
});

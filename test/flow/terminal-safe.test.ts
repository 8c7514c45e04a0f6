import {describe, expect, test} from 'vitest';
import {escapeForTerminal} from '../../src/flow/terminal-safe.js';

describe('escapeForTerminal', () => {
	test('clean text is returned unchanged', () => {
		expect(escapeForTerminal('shop/frontend-79f5dbfc6c-d6gb7 → ünïcode')).toBe('shop/frontend-79f5dbfc6c-d6gb7 → ünïcode');
	});

	test.each([
		['title change', 'evil.com\u001B]0;pwned\u0007', 'evil.com^[]0;pwned^G'],
		['OSC 52 clipboard write', '\u001B]52;c;cm0gLXJmIH4=\u0007x', '^[]52;c;cm0gLXJmIH4=^Gx'],
		['clear screen', 'a\u001B[2Jb', 'a^[[2Jb'],
		['C1 CSI', 'a\u009B2Jb', String.raw`a\u{9b}2Jb`],
		['newline and carriage return', 'GET /\r\nX-Injected: 1', String.raw`GET /\r\nX-Injected: 1`],
		['DEL and NUL', 'a\u007Fb\u0000', 'a^?b^@'],
		['bidi override', 'abc\u202Edef', String.raw`abc\u{202e}def`],
	])('%s becomes inert', (_name, input, expected) => {
		const escaped = escapeForTerminal(input);
		expect(escaped).toBe(expected);
		expect(escaped).not.toMatch(/[\u0000-\u001F\u007F-\u009F]/);
	});
});

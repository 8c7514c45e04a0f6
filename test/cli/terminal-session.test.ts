import {describe, expect, test} from 'vitest';
import {TerminalSession} from '../../src/cli/terminal-session.js';

function fakeTerminal() {
	const written: string[] = [];
	const rawModes: boolean[] = [];
	const stdout = {write: (text: string) => written.push(text)} as unknown as NodeJS.WriteStream;
	const stdin = {isTTY: true, isRaw: true, setRawMode: (mode: boolean) => rawModes.push(mode)} as unknown as NodeJS.ReadStream;
	return {written, rawModes, stdout, stdin};
}

describe('the terminal session', () => {
	test('enters the alternate screen with a hidden cursor, and gives both back once', () => {
		const {written, rawModes, stdout, stdin} = fakeTerminal();
		const session = new TerminalSession(stdout, stdin, stdout);
		session.enter();
		expect(written.join('')).toContain('\u001B[?1049h\u001B[?25l');
		session.restore();
		session.restore();
		expect(written.slice(1)).toEqual(['\u001B[?25h\u001B[?1049l']);
		expect(rawModes).toEqual([false]);
		session.close();
	});

	test('installs handlers for signals and errors while active, and removes them on close', () => {
		const {stdout, stdin} = fakeTerminal();
		const counts = () => ['exit', 'SIGTERM', 'SIGHUP', 'uncaughtException', 'unhandledRejection'].map(event => process.listenerCount(event));
		const before = counts();
		const session = new TerminalSession(stdout, stdin, stdout);
		session.enter();
		expect(counts().map((count, index) => count - before[index]!)).toEqual([1, 1, 1, 1, 1]);
		session.close();
		expect(counts()).toEqual(before);
	});
});

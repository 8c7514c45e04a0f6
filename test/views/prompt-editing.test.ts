import {describe, expect, test} from 'vitest';
import {editPrompt} from '../../src/views/prompt-editing.js';

describe('editing the filter prompt', () => {
	test('typing appends, backspace and delete remove the last character', () => {
		expect(editPrompt('verdict:drop', {input: 'ped'})).toBe('verdict:dropped');
		expect(editPrompt('port:80', {input: '', backspace: true})).toBe('port:8');
		expect(editPrompt('port:80', {input: '', delete: true})).toBe('port:8');
	});

	test('a burst of keys in one read is applied key by key (DEL deletes, it does not land in the text)', () => {
		expect(editPrompt('port:99999', {input: '\u007F\u007F\u007F80'})).toBe('port:9980');
		expect(editPrompt('ab', {input: '\b\bxy'})).toBe('xy');
	});

	test('control characters and C1 controls never enter the text', () => {
		expect(editPrompt('a', {input: '\u001B[2J\u009Bb'})).toBe('a[2Jb');
	});

	test('Ctrl-U clears, Ctrl-W deletes the last word, other Ctrl and Meta keys do nothing', () => {
		expect(editPrompt('from:app=x verdict:dropped', {input: 'u', ctrl: true})).toBe('');
		expect(editPrompt('from:app=x verdict:dropped', {input: 'w', ctrl: true})).toBe('from:app=x ');
		expect(editPrompt('abc', {input: 'a', ctrl: true})).toBe('abc');
		expect(editPrompt('abc', {input: 'x', meta: true})).toBe('abc');
	});
});

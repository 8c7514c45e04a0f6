import {describe, expect, test} from 'vitest';
import {actionOf, footerHints, helpEntries, keymap, viewFooterHints} from '../../src/views/keymap.js';

describe('the keymap', () => {
	test('every key a binding lists dispatches to that binding\'s action, and no key is bound twice', () => {
		const seen = new Set<string>();
		for (const binding of keymap) {
			for (const character of binding.characters ?? []) {
				expect(actionOf({input: character})).toBe(binding.action);
				expect(seen.has(`char:${character}`)).toBe(false);
				seen.add(`char:${character}`);
			}

			for (const name of binding.special ?? []) {
				expect(actionOf({input: '', [name]: true})).toBe(binding.action);
				expect(seen.has(name)).toBe(false);
				seen.add(name);
			}

			if (binding.ctrl) {
				expect(actionOf({input: binding.ctrl, ctrl: true})).toBe(binding.action);
			}
		}
	});

	test('unbound keys and Ctrl with an unbound letter do nothing; Ctrl-C quits', () => {
		expect(actionOf({input: 'x'})).toBeUndefined();
		expect(actionOf({input: 'q', ctrl: true})).toBeUndefined();
		expect(actionOf({input: 'c', ctrl: true})).toBe('quit');
	});

	test('the help has a line per key group and the footer starts with help and quit', () => {
		expect(helpEntries()[0]).toEqual({keys: '↑ k ↓ j', description: 'move up (stops following the tail), move down'});
		// Bindings of a group after its first share its line: move, page, ends (g G), counts (t C), suggest (s S a), share (J e c), rules (r d D).
		const joined = keymap.filter((binding, index) => binding.helpGroup !== undefined && keymap[index - 1]?.helpGroup === binding.helpGroup).length;
		expect(joined).toBe(10);
		expect(helpEntries().find(entry => entry.keys === 'r d D')?.description).toMatch(/delete/);
		expect(helpEntries().find(entry => entry.keys === 'g G')?.description).toBe('go to the oldest flow (in a view: its top), follow the tail and resume (in the rules: the last)');
		expect(helpEntries().find(entry => entry.keys === 'J e c')?.description).toMatch(/^in a drill-down: show the full flow JSON, export/);
		expect(helpEntries().find(entry => entry.keys === 't C')?.description).toBe('policy counts: since start / since mark, all clusters / per cluster');
		expect(helpEntries()).toHaveLength(keymap.length - joined);
		expect(helpEntries().find(entry => entry.keys === 's S a')?.description).toContain('a add to what-if');
		expect(footerHints().startsWith('? help  q quit')).toBe(true);
	});

	test('a view\'s footer names keys that are bound, and fits 80 columns', () => {
		for (const [view, hints] of Object.entries(viewFooterHints)) {
			expect(hints.length, view).toBeLessThanOrEqual(80);
			for (const hint of hints.split('  ')) {
				const key = hint.split(' ')[0]!;
				const event = key === 'Esc' ? {input: '', escape: true} : key === '⏎' ? {input: '', return: true} : {input: key};
				expect(actionOf(event), `${view}: ${hint}`).toBeDefined();
			}
		}

		expect(actionOf({input: 'd'})).toBe('deleteRule');
		expect(viewFooterHints.rules).toContain('d delete');
	});
});

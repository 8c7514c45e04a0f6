/**
The suggestion view at 80 columns: the evaluation's verdict and the YAML's comments wrap (comments stay
comments), the YAML is shown as written, and outside text is escaped.
*/
import {expect, test} from 'vitest';
import {suggestViewLines, type SuggestionView} from '../../../src/views/screens/suggest-view.js';
import {displayWidth} from '../../../src/views/terminal-text.js';

const verdict = 'Evaluated on top of the policies over 697 held flows: admits the denied connection; also allows 48 and denies 0 other flows';
const comment = '# Evaluated with the suggestion applied: admits it; also allows 48 and denies 0 other flows held, of 3 connections';
const suggestion: SuggestionView = {
	subject: 'flow #696 \u001B]0;owned\u0007',
	yaml: `${comment}\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: ztop-allow-deathstar-ingress-from-a-very-long-named-client-workload-in-a-long-namespace\n`,
	verdict,
	isProven: true,
	hasPolicies: true,
};

test('80 columns: verdict and comments wrap, YAML as written, hostile text escaped, every line the width', () => {
	const screen = suggestViewLines({suggestion, columns: 80, rows: 12, scroll: 0, color: false});
	expect(screen.every(line => displayWidth(line) === 80)).toBe(true);
	const text = screen.map(line => line.trimEnd());
	expect(text[0]).toContain('flow #696 ^[]0;owned^G');
	expect(text.join('\n')).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
	expect([text[1], text[2]].map(line => line!.trim()).join(' ')).toBe(verdict);
	expect(text[3]).toMatch(/^# Evaluated with/);
	expect(text[4]).toMatch(/^# {3}\S/);
	expect([text[3]!.slice(2), text[4]!.slice(2)].map(line => line.trim()).join(' ')).toBe(comment.slice(2));
	expect(text[5]).toBe('apiVersion: cilium.io/v2');
	// A YAML line too long is cut, not wrapped: the view shows the file as written.
	expect(text[8]).toMatch(/^ {2}name: ztop-allow-.*…$/);
});

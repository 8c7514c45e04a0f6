/**
The what-if view as a pure function of its snapshot: at 80 columns a change's whole connection shows (its
server and port tell one change from the next), wider terminals add who would decide; hostile names reach
the screen only escaped; every line is the terminal's width.
*/
import {expect, test} from 'vitest';
import type {WhatIfSnapshot} from '../../../src/store/frame.js';
import {whatIfViewLines} from '../../../src/views/screens/what-if-view.js';
import {displayWidth} from '../../../src/views/terminal-text.js';

const hostile = 'evil\u001B]0;owned\u0007\u001B[2J';
const change = {direction: 'egress' as const, before: 'allowed' as const, after: 'denied (default deny)', latestSequence: 7};
const whatIf: WhatIfSnapshot = {
	rows: [
		{...change, change: 'breaks', source: 'shop/frontend', destination: 'world 1.1.1.1', port: '80/TCP', decidedBy: 'egress enforced by shop/allow-dns', flows: 1012},
		{...change, change: 'breaks', source: 'shop/frontend', destination: `world ${hostile}`, port: '443/TCP', decidedBy: `shop/${hostile}`, flows: 3},
	],
	evaluated: 2000,
	changedFlows: 1015,
	breaks: 1015,
	fixes: 0,
};

const visible = (lines: readonly string[]) => lines.map(line => line.replaceAll(/\u001B\[[\d;]*m/g, ''));

test('80 columns: the whole connection, no DECIDED BY; 120: who would decide too; hostile text escaped', () => {
	for (const columns of [80, 120]) {
		const text = visible(whatIfViewLines({whatIf, columns, rows: 8, cursor: 0, color: true}));
		expect(text).toHaveLength(8);
		expect(text.every(line => displayWidth(line) === columns)).toBe(true);
		expect(text.join('\n')).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
		expect(text[0]).toMatch(/^WHAT-IF — 2,000 flows evaluated, 1,015 would change: 1,015 break, 0 fixed/);
		expect(text[2]).toMatch(columns >= 110 ? /^breaks +1,012 +shop\/frontend → world 1\.1\.1\.1 80\/TCP +egress +denied \(default deny\) / : /^breaks +1,012 +shop\/frontend → world 1\.1\.1\.1 80\/TCP +egress +default deny +$/);
		expect(text[1]!.includes('DECIDED BY')).toBe(columns >= 110);
		expect(text[2]!.includes('egress enforced by shop/allow-dns')).toBe(columns >= 110);
		expect(text[3]).toContain('world evil^[]0;owne');
	}
});

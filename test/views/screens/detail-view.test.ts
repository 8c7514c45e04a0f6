/**
The drill-down's lines on the screen: a line a little longer than the terminal (a side's verdict and the
policies behind it) wraps under itself, a much longer one (a pod's labels) is cut, every line the
terminal's width, scrolled over the wrapped lines.
*/
import {expect, test} from 'vitest';
import {detailLinesView} from '../../../src/views/screens/detail-view.js';
import {displayWidth} from '../../../src/views/terminal-text.js';

const verdict = 'Ingress at shop/backend: allowed, through the L7 proxy · L3-L4 · by shop/allow-frontend-l7, shop/allow-all';
const labels = `  labels ${Array.from({length: 12}, (_, index) => `k8s:io.cilium.k8s.namespace.labels.example-${index}=value`).join(' ')}`;
const visible = (screen: readonly string[]) => screen.map(line => line.replaceAll(/\u001B\[[\d;]*m/g, '').trimEnd());
const lines = [{text: 'POLICIES: ztop\'s evaluation of --policies', tone: 'heading' as const}, {text: verdict, tone: 'allowed' as const}, {text: labels}, {text: 'end'}];

test('80 columns: the verdict wraps whole, indented; the labels are cut; then the rest', () => {
	const screen = visible(detailLinesView(lines, 0, 80, 8, false));
	expect(screen.every(line => displayWidth(line) <= 80)).toBe(true);
	expect(screen[1]).toMatch(/^Ingress at shop\/backend: allowed/);
	expect(screen[2]).toMatch(/^ {2}\S/);
	expect(screen.slice(1, 3).map(line => line.trim()).join(' ')).toBe(verdict);
	expect(screen[3]).toMatch(/^ {2}labels k8s:.*…$/);
	expect(screen[4]).toBe('end');
	// Scrolled by one wrapped line.
	expect(visible(detailLinesView(lines, 1, 80, 3, false))).toEqual(screen.slice(1, 4));
});

test('wide enough, nothing wraps', () => {
	const screen = visible(detailLinesView(lines.slice(0, 2), 0, 200, 3, false));
	expect(screen).toEqual([lines[0]!.text, verdict, '']);
});

/**
The LineRenderer writes into a real terminal emulator (@xterm/headless, xterm.js's parser and buffer):
whatever sequence of screens it is given, the terminal ends up showing exactly the last one, while it
writes only changed lines and scrolls a region instead of rewriting it.
*/
import xterm from '@xterm/headless';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {LineRenderer, type ScrollRegion} from '../../src/views/line-renderer.js';
import {fit, paint} from '../../src/views/terminal-text.js';

const {Terminal} = xterm;

class Emulated {
	readonly terminal: InstanceType<typeof Terminal>;
	private pending = Promise.resolve();
	written: string[] = [];
	readonly renderer = new LineRenderer(text => {
		this.written.push(text);
		this.pending = this.pending.then(() => new Promise(resolve => this.terminal.write(text, resolve)));
	});

	constructor(
		readonly columns: number,
		readonly rows: number,
	) {
		this.terminal = new Terminal({cols: columns, rows, allowProposedApi: true});
	}

	resize(columns: number, rows: number): void {
		this.terminal.resize(columns, rows);
	}

	/** The visible screen as text, one string per row (trailing blanks kept to the width). */
	async screen(): Promise<string[]> {
		await this.pending;
		const buffer = this.terminal.buffer.active;
		return Array.from({length: this.terminal.rows}, (_, row) => buffer.getLine(buffer.viewportY + row)!.translateToString(false));
	}
}

const visible = (line: string) => line.replaceAll(/\u001B\[[\d;]*m/g, '');

function screenOf(texts: readonly string[], columns: number): string[] {
	return texts.map(text => (text.length % 3 === 0 ? paint(fit(text, columns), {bold: true, color: 'green'}) : fit(text, columns)));
}

describe('the line renderer in a terminal emulator', () => {
	test('draws a screen, then rewrites only the lines that changed', async () => {
		const terminal = new Emulated(40, 10);
		const first = screenOf(['header', 'flow a', 'flow b', 'flow c', 'policies', 'footer'], 40);
		terminal.renderer.draw(first, 40, 10);
		expect((await terminal.screen()).slice(0, 6)).toEqual(first.map(visible));
		const second = [...first];
		second[2] = fit('flow B changed', 40);
		const bytes = terminal.renderer.draw(second, 40, 10).length;
		expect((await terminal.screen()).slice(0, 6)).toEqual(second.map(visible));
		// One line and its position, inside the synchronized-update marks.
		expect(bytes).toBeLessThan(40 + 30);
		expect(terminal.renderer.draw(second, 40, 10)).toBe('');
	});

	test('a region whose lines moved up is scrolled, and only the new lines are written', async () => {
		const terminal = new Emulated(60, 20);
		const region: ScrollRegion = {top: 2, bottom: 16};
		const flows = Array.from({length: 40}, (_, index) => `flow ${index} ${'·'.repeat(index % 7)}`);
		const screen = (offset: number) => screenOf(['header', 'title', ...flows.slice(offset, offset + 15), 'policies', 'footer'], 60);
		terminal.renderer.draw(screen(0), 60, 20, region);
		const scrolled = terminal.renderer.draw(screen(2), 60, 20, region);
		expect(scrolled).toContain('\u001B[3;17r\u001B[2S\u001B[r');
		expect(await terminal.screen()).toEqual([...screen(2).map(visible), ' '.repeat(60)]);
		// Two new lines, not fifteen.
		expect(scrolled.length).toBeLessThan(3 * 80);
	});

	test('a new size repaints everything; a shorter screen clears the rows it no longer has', async () => {
		const terminal = new Emulated(50, 12);
		terminal.renderer.draw(screenOf(Array.from({length: 11}, (_, index) => `line ${index}`), 50), 50, 12);
		terminal.resize(40, 12);
		const small = [fit('Terminal too small', 40)];
		terminal.renderer.draw(small, 40, 12);
		const shown = await terminal.screen();
		expect(shown[0]).toBe(small[0]);
		expect(shown.slice(1).every(line => line.trim() === '')).toBe(true);
	});

	test('wide characters and symbols keep every line to the terminal width', async () => {
		const terminal = new Emulated(30, 6);
		const lines = [fit('shop/前端-7d9f → 世界 …', 30), fit('😀 emoji pod', 30), fit('plain', 30)];
		terminal.renderer.draw(lines, 30, 6);
		const shown = await terminal.screen();
		expect(shown[0]!.trimEnd()).toBe(lines[0]!.trimEnd());
		expect(shown[1]!.trimEnd()).toBe(lines[1]!.trimEnd());
		expect(shown[2]!.trimEnd()).toBe('plain');
	});

	test('any sequence of screens (edits, scrolls, cursor moves, resizes) leaves the terminal showing the last', async () => {
		const word = fc.stringMatching(/^[a-z0-9 ·→│…]{0,50}$/);
		const step = fc.oneof(
			fc.record({kind: fc.constant('scroll' as const), shift: fc.integer({min: 1, max: 20}), fresh: fc.array(word, {minLength: 20, maxLength: 20})}),
			fc.record({kind: fc.constant('edit' as const), row: fc.integer({min: 0, max: 22}), text: word}),
			fc.record({kind: fc.constant('cursor' as const), row: fc.integer({min: 0, max: 14})}),
			fc.record({kind: fc.constant('resize' as const), columns: fc.integer({min: 30, max: 90})}),
		);
		await fc.assert(
			fc.asyncProperty(fc.array(word, {minLength: 23, maxLength: 23}), fc.array(step, {minLength: 1, maxLength: 12}), async (initial, steps) => {
				let columns = 60;
				const rows = 24;
				const region: ScrollRegion = {top: 3, bottom: 17};
				const terminal = new Emulated(columns, rows);
				let texts = [...initial];
				let cursor = -1;
				const draw = () => {
					const lines = texts.map((text, index) => (index - region.top === cursor ? paint(fit(text, columns), {inverse: true}) : fit(text, columns)));
					terminal.renderer.draw(lines, columns, rows, region);
					return lines;
				};

				let shown = draw();
				for (const item of steps) {
					if (item.kind === 'scroll') {
						const body = texts.slice(region.top, region.bottom + 1);
						const moved = [...body.slice(Math.min(item.shift, body.length)), ...item.fresh].slice(0, body.length);
						texts = [...texts.slice(0, region.top), ...moved, ...texts.slice(region.bottom + 1)];
					} else if (item.kind === 'edit') {
						texts[item.row] = item.text;
					} else if (item.kind === 'cursor') {
						cursor = item.row;
					} else {
						columns = item.columns;
						terminal.resize(columns, rows);
					}

					shown = draw();
				}

				expect((await terminal.screen()).slice(0, 23)).toEqual(shown.map(visible));
			}),
			{numRuns: 60},
		);
	}, 60_000);
});

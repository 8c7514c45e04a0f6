/**
Over a slow link the terminal takes frames slower than they are drawn: ztop then holds frames back until
the terminal has taken the last one, draws only the newest, and drops the ones in between.
*/
import {Writable} from 'node:stream';
import {describe, expect, test} from 'vitest';
import {whenDrained} from '../../src/views/run-tui.js';

/** A terminal that takes one write and then waits until `release()`. */
class SlowTerminal extends Writable {
	received: string[] = [];
	private pending: (() => void) | undefined;

	constructor() {
		super({highWaterMark: 1, decodeStrings: false});
	}

	override _write(chunk: string, _encoding: BufferEncoding, callback: () => void): void {
		this.received.push(chunk);
		this.pending = callback;
	}

	release(): void {
		const pending = this.pending;
		this.pending = undefined;
		pending?.();
	}
}

describe('frames paced by the terminal', () => {
	test('while the terminal has not taken the last frame, frames wait; then only the newest is drawn', async () => {
		const terminal = new SlowTerminal();
		const draw = whenDrained(terminal, (frame: string) => terminal.write(frame));
		draw('frame 1');
		expect(terminal.writableNeedDrain).toBe(true);
		draw('frame 2');
		draw('frame 3');
		expect(terminal.received).toEqual(['frame 1']);
		terminal.release();
		await new Promise(resolve => setImmediate(resolve));
		expect(terminal.received).toEqual(['frame 1', 'frame 3']);
		terminal.release();
		await new Promise(resolve => setImmediate(resolve));
		draw('frame 4');
		expect(terminal.received).toEqual(['frame 1', 'frame 3', 'frame 4']);
	});
});

/**
Writes screens of finished lines to the terminal, only what changed. Ink's renderer repaints every cell of
every line into a grid on each frame, measuring and tokenizing each character (≈ 25–33 ms a frame at
120×40, node-ecosystem.md §2); here a line is a string built once, exactly as wide as the terminal, and a
frame is a comparison of strings. Each changed line is written in place (`CSI row;1H` and the line); when
a region's lines moved up (the flows pane while following a few flows a second) the terminal scrolls the
region itself (`DECSTBM`, `SU`) and only the new lines are written, as `top` and `less` do — that is what
keeps a followed pane cheap over a slow SSH link. Frames are wrapped in synchronized-update marks
(`CSI ? 2026 h/l`): terminals that know them show no tearing, the rest ignore them.
*/

export type ScrollRegion = {
	/** First and last row of the region, 0-based, inclusive. */
	top: number;
	bottom: number;
};

const beginUpdate = '\u001B[?2026h';
const endUpdate = '\u001B[?2026l';

export class LineRenderer {
	/** What the terminal shows now, as far as this renderer knows ('' for a row to write regardless). */
	private screen: string[] = [];
	private size = '';

	constructor(private readonly write: (text: string) => void) {}

	/** The next frame repaints everything (after something else wrote to the terminal). */
	invalidate(): void {
		this.size = '';
	}

	/**
	Draws `lines` (at most `rows` of them, each exactly `columns` wide) and returns the bytes it wrote (0 when
	nothing changed). `scroll` names the region whose lines may have moved up since the last frame.
	*/
	draw(lines: readonly string[], columns: number, rows: number, scroll?: ScrollRegion): string {
		let output = '';
		const size = `${columns}x${rows}`;
		if (size !== this.size) {
			this.size = size;
			this.screen = [];
			output += '\u001B[H\u001B[2J';
		} else if (scroll) {
			output += this.scrollRegion(lines, scroll);
		}

		const count = Math.min(lines.length, rows);
		for (let row = 0; row < count; row++) {
			const text = lines[row]!;
			if (text !== this.screen[row]) {
				output += `\u001B[${row + 1};1H${text}`;
				this.screen[row] = text;
			}
		}

		// Rows the last screen had and this one has not (a smaller screen: "terminal too small").
		for (let row = count; row < this.screen.length; row++) {
			output += `\u001B[${row + 1};1H\u001B[2K`;
		}

		this.screen.length = count;
		if (output === '') {
			return '';
		}

		const frame = beginUpdate + output + endUpdate;
		this.write(frame);
		return frame;
	}

	/** Scrolls the region up by the shift that leaves the most of its lines in place, when that saves writing. */
	private scrollRegion(lines: readonly string[], {top, bottom}: ScrollRegion): string {
		const height = bottom - top + 1;
		const unchanged = this.matches(lines, top, bottom, 0);
		let bestShift = 0;
		let bestMatches = unchanged;
		for (let shift = 1; shift < height; shift++) {
			// Cheap first test: a shift only pays if some line moved exactly that far.
			if (!this.hasMatchAt(lines, top, bottom, shift)) {
				continue;
			}

			const matches = this.matches(lines, top, bottom, shift);
			if (matches > bestMatches) {
				bestMatches = matches;
				bestShift = shift;
			}
		}

		// Scrolling costs about two lines' worth of escape sequences; it must save more than that.
		if (bestShift === 0 || bestMatches - unchanged < 2) {
			return '';
		}

		for (let row = top; row <= bottom; row++) {
			this.screen[row] = row + bestShift <= bottom ? this.screen[row + bestShift]! : '';
		}

		// DECSTBM homes the cursor; SU scrolls the region's content up, blank lines entering at its bottom.
		return `\u001B[${top + 1};${bottom + 1}r\u001B[${bestShift}S\u001B[r`;
	}

	private hasMatchAt(lines: readonly string[], top: number, bottom: number, shift: number): boolean {
		for (let row = top; row + shift <= bottom; row++) {
			if (lines[row] === this.screen[row + shift]) {
				return true;
			}
		}

		return false;
	}

	/** Lines of the region that would already be right after scrolling it up by `shift`. */
	private matches(lines: readonly string[], top: number, bottom: number, shift: number): number {
		let matches = 0;
		for (let row = top; row + shift <= bottom; row++) {
			if (lines[row] === this.screen[row + shift]) {
				matches++;
			}
		}

		return matches;
	}
}

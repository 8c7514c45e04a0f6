import {detailLines, type DetailLine, type FlowDetail} from '../detail-lines.js';
import {displayWidth, line, wrapWords, type Color} from '../terminal-text.js';

const maximumWrappedLines = 3;

const toneColors = {allowed: 'green', denied: 'red', audit: 'yellow', traced: 'yellow', translated: 'yellow', other: undefined, heading: 'cyan'} as const satisfies Record<string, Color | undefined>;

/** The drill-down of the selected flow, scrolled by `scroll` lines. */
export function detailViewLines({
	detail,
	showJson,
	scroll,
	columns,
	rows,
	color,
}: {
	detail: FlowDetail;
	showJson: boolean;
	scroll: number;
	columns: number;
	rows: number;
	color: boolean;
}): string[] {
	return detailLinesView(detailLines(detail, showJson), scroll, columns, rows, color);
}

/**
Detail lines (a flow's, a connection's) as `rows` screen lines from `scroll`, in their tones. A line longer
than the terminal wraps under itself, indented, into at most three lines (at 80 columns the policies that
decided a flow, the point of the drill-down, were cut off); a longer one, such as a pod's labels, is cut
as before, so that it does not push the verdicts off the first screen (J shows the flow's JSON whole).
*/
export function detailLinesView(unwrapped: readonly DetailLine[], scroll: number, columns: number, rows: number, color: boolean): string[] {
	const lines = unwrapped.flatMap(detailLine => {
		if (displayWidth(detailLine.text) <= columns) {
			return [detailLine];
		}

		const wrapped = wrapWords(detailLine.text, columns, /^ */.exec(detailLine.text)![0].length + 2);
		return wrapped.length <= maximumWrappedLines ? wrapped.map(text => ({...detailLine, text})) : [detailLine];
	});
	const first = Math.max(0, Math.min(scroll, lines.length - rows));
	return Array.from({length: rows}, (_, index) => {
		const detailLine = lines[first + index];
		const tone = detailLine?.tone ? toneColors[detailLine.tone] : undefined;
		return line(detailLine?.text ?? '', columns, {bold: detailLine?.tone === 'heading', ...(color && tone ? {color: tone} : {})});
	});
}

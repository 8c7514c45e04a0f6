import {detailLines, type DetailLine, type FlowDetail} from '../detail-lines.js';
import {line, type Color} from '../terminal-text.js';

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

/** Detail lines (a flow's, a connection's) as `rows` screen lines from `scroll`, in their tones. */
export function detailLinesView(lines: readonly DetailLine[], scroll: number, columns: number, rows: number, color: boolean): string[] {
	const first = Math.max(0, Math.min(scroll, lines.length - rows));
	return Array.from({length: rows}, (_, index) => {
		const detailLine = lines[first + index];
		const tone = detailLine?.tone ? toneColors[detailLine.tone] : undefined;
		return line(detailLine?.text ?? '', columns, {bold: detailLine?.tone === 'heading', ...(color && tone ? {color: tone} : {})});
	});
}

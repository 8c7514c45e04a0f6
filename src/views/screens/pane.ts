import {fit, line} from '../terminal-text.js';

/**
A pane: its heading line, then exactly `height` lines — a row where there is one, blank lines below — so
that the screen's height never changes with the number of rows.
*/
export function paneLines<Row>({
	heading,
	isFocused,
	color,
	columns,
	rows,
	height,
	renderRow,
}: {
	heading: string;
	isFocused: boolean;
	color: boolean;
	columns: number;
	rows: readonly Row[];
	height: number;
	renderRow: (row: Row, index: number) => string;
}): string[] {
	const lines = [line(heading, columns, {bold: true, ...(color && isFocused ? {color: 'cyan' as const} : {})})];
	const blank = fit('', columns);
	for (let index = 0; index < height; index++) {
		const row = rows[index];
		lines.push(row === undefined ? blank : renderRow(row, index));
	}

	return lines;
}

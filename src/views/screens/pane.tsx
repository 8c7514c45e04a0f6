import {Text} from 'ink';
import type {ReactNode} from 'react';
import {fit} from '../flow-text.js';

/**
A pane: its heading line, then exactly `height` lines — a row where there is one, blank lines below — so
that the frame's height never changes with the number of rows.
*/
export function Pane<Row>({
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
	renderRow: (row: Row, index: number) => ReactNode;
}) {
	const lines: ReactNode[] = [];
	for (let index = 0; index < height; index++) {
		const row = rows[index];
		lines.push(row === undefined ? <Text key={`empty-${index}`}>{' '.repeat(columns)}</Text> : renderRow(row, index));
	}

	return (
		<>
			<Text wrap="truncate" bold {...(color && isFocused ? {color: 'cyan'} : {})}>
				{fit(heading, columns)}
			</Text>
			{lines}
		</>
	);
}

/**
Go's text/tabwriter as hubble configures it (minwidth 2, padding 3, spaces): every column but the last
is padded to its widest cell plus three spaces; the last cell of a row is not padded.
*/
export function formatTable(rows: readonly string[][], padding = 3, minimumWidth = 2): string {
	const widths: number[] = [];
	for (const row of rows) {
		for (const [column, cell] of row.slice(0, -1).entries()) {
			widths[column] = Math.max(widths[column] ?? 0, Math.max([...cell].length + padding, minimumWidth));
		}
	}

	return rows
		.map(row =>
			row.map((cell, column) => (column === row.length - 1 ? cell : cell + ' '.repeat(widths[column]! - [...cell].length))).join(''),
		)
		.join('\n')
		.concat('\n');
}

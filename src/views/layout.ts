/**
Pane sizes for a terminal. The frame is kept one row shorter than the terminal: ink 6.8 clears the whole
screen (and the scrollback) on every frame that is as tall as the terminal (node-ecosystem.md §2).
Widths are computed here, once per resize, not per row.
*/

export const minimumColumns = 80;
export const minimumRows = 24;

export type FlowColumns = {time: number; source: number; destination: number; type: number; verdict: number; policies: number; summary: number};

export type Layout = {
	columns: number;
	rows: number;
	isTooSmall: boolean;
	/** Lines the whole frame may use (rows − 1). */
	height: number;
	flowRows: number;
	policyRows: number;
	/** Lines for full-pane views (detail, overview, help). */
	bodyRows: number;
	flowColumns: FlowColumns;
	withMilliseconds: boolean;
};

const headerRows = 2;
const footerRows = 1;
const paneTitleRows = 1;

export function computeLayout(columns: number, rows: number): Layout {
	const isTooSmall = columns < minimumColumns || rows < minimumRows;
	const height = Math.max(1, rows - 1);
	const body = Math.max(0, height - headerRows - footerRows);
	const paneRows = Math.max(0, body - 2 * paneTitleRows);
	const flowRows = Math.ceil(paneRows * 0.6);
	const withMilliseconds = columns >= 120;
	const time = withMilliseconds ? 12 : 8;
	const verdict = 10;
	const type = columns >= 120 ? 27 : columns >= 100 ? 20 : 16;
	const summary = columns >= 120 ? Math.floor((columns - 100) * 0.4) : 0;
	// Separators: one space between columns, " → " between the endpoints.
	const separators = 2 + 3 + 1 + 1 + 1 + (summary > 0 ? 1 : 0);
	const flexible = Math.max(0, columns - time - verdict - type - summary - separators);
	const policies = Math.floor(flexible * 0.3);
	const endpoint = Math.floor((flexible - policies) / 2);
	return {
		columns,
		rows,
		isTooSmall,
		height,
		flowRows,
		policyRows: paneRows - flowRows,
		bodyRows: Math.max(0, body - paneTitleRows),
		flowColumns: {time, source: endpoint, destination: flexible - policies - endpoint, type, verdict, policies, summary},
		withMilliseconds,
	};
}

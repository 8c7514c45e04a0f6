/**
Pane sizes for a terminal. The frame is kept one row shorter than the terminal: ink 6.8 clears the whole
screen (and the scrollback) on every frame that is as tall as the terminal (node-ecosystem.md §2).
Widths are computed here, once per resize, not per row.

The flows pane's columns are given by priority, because the POLICIES column is what ztop is for: the
policy that decided a row reads in full at 80 columns (names up to 25 characters), both sides of its
connection from 120 columns. To make room, narrower terminals drop TIME below 100 columns, use the short
type names (`pv:L3-L4 out`) below 180, show a pod as its workload (`frontend`) when `namespace/pod` does not
fit, and give SUMMARY only what is left over. With flows from more than one cluster, a CLUSTER column
(where the flow was observed) comes first from 140 columns, where it does not take from POLICIES.
*/

export const minimumColumns = 80;
export const minimumRows = 24;

export type FlowColumns = {time: number; cluster: number; source: number; destination: number; type: number; verdict: number; policies: number; summary: number};

/** `deciding`: the policy that decided the row; `both`: both sides of its connection, the deciding one first. */
export type PolicyForm = 'deciding' | 'both';

export type Layout = {
	columns: number;
	rows: number;
	isTooSmall: boolean;
	/** Lines the whole frame may use (rows − 1). */
	height: number;
	flowRows: number;
	policyRows: number;
	/** The most policy rows the policies pane may take (the frame is built with that many). */
	policyRowLimit: number;
	/** Lines for full-pane views (detail, overview, help). */
	bodyRows: number;
	flowColumns: FlowColumns;
	policyForm: PolicyForm;
	withMilliseconds: boolean;
};

const headerRows = 2;
const footerRows = 1;
const paneTitleRows = 1;

/**
The longest policy name the POLICIES column must show whole (the lab's `allow-frontend-to-backend` is 25),
and both sides of a connection with such names.
*/
const policyNameWidth = 25;
const bothSidesWidth = 'in '.length + policyNameWidth + ' · out '.length + policyNameWidth;
/** Both sides with names up to 24 characters: what 120 columns can give. */
const bothSidesMinimum = bothSidesWidth - 2;
const summaryMinimum = 12;
const clusterWidth = 10;
const clusterColumnFrom = 140;
const endpointMaximum = 28;

type Tier = {time: number; type: number; verdict: number; policyMinimum: number; policyMaximum: number; policyForm: PolicyForm; endpointMinimum: number};

function tierFor(columns: number): Tier {
	if (columns < 100) {
		return {time: 0, type: 13, verdict: 9, policyMinimum: policyNameWidth, policyMaximum: 30, policyForm: 'deciding', endpointMinimum: 13};
	}

	if (columns < 120) {
		return {time: 8, type: 13, verdict: 10, policyMinimum: policyNameWidth, policyMaximum: 30, policyForm: 'deciding', endpointMinimum: 16};
	}

	const time = columns >= 180 ? 12 : 8;
	const type = columns >= 180 ? 27 : 13;
	// Both sides whole come before `namespace/pod`: at 120 an endpoint reads as its workload (`coredns:53`).
	return {time, type, verdict: 10, policyMinimum: bothSidesMinimum, policyMaximum: bothSidesWidth, policyForm: 'both', endpointMinimum: 12};
}

/**
`policyCount` is how many rows the policies pane has to show; it takes no more lines than that (at least
one, for its "no policy verdicts yet"), and at most 40 % of the panes, and the flows pane gets the rest.
*/
export function computeLayout(columns: number, rows: number, policyCount = Number.POSITIVE_INFINITY, clusterCount = 1): Layout {
	const isTooSmall = columns < minimumColumns || rows < minimumRows;
	const height = Math.max(1, rows - 1);
	const body = Math.max(0, height - headerRows - footerRows);
	const paneRows = Math.max(0, body - 2 * paneTitleRows);
	const policyRowLimit = Math.floor(paneRows * 0.4);
	const policyRows = Math.min(policyRowLimit, Math.max(1, policyCount));
	const tier = tierFor(columns);
	const cluster = clusterCount > 1 && columns >= clusterColumnFrom ? clusterWidth : 0;
	// One space between columns, " → " between the endpoints.
	const available = columns - (tier.time > 0 ? tier.time + 1 : 0) - (cluster > 0 ? cluster + 1 : 0) - tier.type - tier.verdict - 3 - 3;
	const policies = Math.max(tier.policyMinimum, Math.min(tier.policyMaximum, available - 2 * tier.endpointMinimum));
	let endpoints = available - policies;
	let summary = 0;
	// Endpoints past 28 characters each say little more; SUMMARY (HTTP, DNS, drop reason) gets the rest.
	if (endpoints - 2 * endpointMaximum - 1 >= summaryMinimum) {
		summary = endpoints - 2 * endpointMaximum - 1;
		endpoints = 2 * endpointMaximum;
	}

	const source = Math.floor(endpoints / 2);
	return {
		columns,
		rows,
		isTooSmall,
		height,
		flowRows: paneRows - policyRows,
		policyRows,
		policyRowLimit,
		bodyRows: Math.max(0, body - paneTitleRows),
		flowColumns: {time: tier.time, cluster, source, destination: endpoints - source, type: tier.type, verdict: tier.verdict, policies, summary},
		policyForm: tier.policyForm,
		withMilliseconds: tier.time === 12,
	};
}

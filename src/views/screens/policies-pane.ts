import {escapeForTerminal} from '../../flow/terminal-safe.js';
import type {PolicyRow} from '../../store/frame.js';
import {count, sparkline} from '../flow-text.js';
import {displayWidth, fit, spans, type Style} from '../terminal-text.js';
import type {PaneProps} from './pane-props.js';
import {paneLines} from './pane.js';

const directionText = {INGRESS: 'ingress', EGRESS: 'egress', TRAFFIC_DIRECTION_UNKNOWN: '?'} as const;

/**
Widths of the policies table for a terminal width; the sparkline takes what is left. A policy's name is the
row's point: when the longest name shown needs more than its column, the sparkline gives it its columns
before any name is cut.
*/
export function policyColumns(columns: number, longestName = 0): {name: number; namespace: number; direction: number; number: number; spark: number} {
	const number = columns >= 100 ? 9 : 7;
	const namespace = columns >= 120 ? 16 : 10;
	const direction = 7;
	const base = columns >= 120 ? 34 : 22;
	const left = Math.max(0, columns - base - namespace - direction - 4 * number - 8);
	const widen = Math.min(left, Math.max(0, longestName - base));
	return {name: base + widen, namespace, direction, number, spark: left - widen};
}

/** Per policy and direction: allowed, denied, audited, L7-denied (total or since mark), and a rate sparkline. */
export function policiesPaneLines({frame, layout, isFocused, cursor, color}: PaneProps): string[] {
	const rows = frame?.policies ?? [];
	const widths = policyColumns(layout.columns, Math.max(0, ...rows.map(row => displayWidth(rowName(row)))));
	const scope = frame?.sinceMark ? 'since mark' : 'since start';
	const total = frame ? ` (${count(frame.policyCount)})` : '';
	const heading =
		fit(`${isFocused ? '▸' : ' '} POLICIES${frame?.policiesByCluster ? ' BY CLUSTER' : ''}${total}`, widths.name) +
		' ' +
		fit('NAMESPACE', widths.namespace) +
		' ' +
		fit('DIR', widths.direction) +
		' ' +
		['ALLOWED', 'DENIED', 'AUDITED', 'L7-DENY'].map(label => label.padStart(widths.number)).join(' ') +
		' ' +
		fit(frame?.whatIf ? ['WHAT-IF: counts after (w: list)', 'AFTER allowed/denied', 'AFTER'].find(text => text.length <= widths.spark) ?? '' : widths.spark < 5 ? '' : `${scope} │ ALLOWED/s │ DENIED/s`, widths.spark);
	return paneLines({
		heading,
		isFocused,
		color,
		columns: layout.columns,
		rows,
		height: layout.policyRows,
		renderRow: (row, index) => policyLine(row, widths, layout.columns, isFocused && cursor === index, color),
	});
}

function policyLine(row: PolicyRow, widths: ReturnType<typeof policyColumns>, columns: number, isCursor: boolean, color: boolean): string {
	const {allowed, denied, audited, l7Denied} = row.counts;
	const number = (value: number) => count(value).padStart(widths.number);
	const sparkWidth = widths.spark;
	const lead =
		fit(rowName(row), widths.name) +
		' ' +
		fit(escapeForTerminal(row.namespace) || '-', widths.namespace) +
		' ' +
		fit(directionText[row.direction], widths.direction) +
		' ' +
		number(allowed) +
		' ';
	const isDenied = denied + l7Denied > 0;
	const plain: Style = {inverse: isCursor};
	const deniedStyle: Style = {...plain, bold: isDenied, ...(color && isDenied ? {color: 'red' as const} : {})};
	const middle = ' ' + number(audited) + ' ' + number(l7Denied) + ' ';
	if (row.after) {
		// With a what-if the rate column shows the candidate's counts instead: today's beside what they would be,
		// in words where they fit, as allowed/denied where only that does, and not at all where a long name took
		// the column (the totals are in the header and behind w): never cut to a fragment.
		const after = row.after;
		const changed = after.allowed !== allowed || after.denied + after.l7Denied !== denied + l7Denied;
		const afterDenied = count(after.denied + after.l7Denied);
		const text = [`after: ${count(after.allowed)} allowed, ${afterDenied} denied`, `after ${count(after.allowed)}/${afterDenied}`].find(candidate => candidate.length <= sparkWidth);
		if (text === undefined) {
			return spans([[lead, plain], [number(denied), deniedStyle], [middle, plain]], columns, plain);
		}

		return spans([[lead, plain], [number(denied), deniedStyle], [middle, plain], [fit(text, sparkWidth), {...plain, bold: changed, ...(color && changed ? {color: 'yellow' as const} : {})}]], columns, plain);
	}

	// Two sparklines side by side, allowed then denied, over the same seconds; none when a long name took
	// their columns (slice(-0) would be the whole series).
	const half = Math.max(0, Math.floor((sparkWidth - 1) / 2));
	if (half < 2) {
		return spans([[lead, plain], [number(denied), deniedStyle], [middle, plain]], columns, plain);
	}

	const allowedSpark = fit(sparkline(row.allowedSeries.slice(-half)), half);
	const deniedSpark = sparkline(row.deniedSeries.slice(-half));
	return spans(
		[
			[lead, plain],
			[number(denied), deniedStyle],
			[middle, plain],
			[allowedSpark, {...plain, ...(color ? {color: 'green' as const} : {})}],
			['│', plain],
			[deniedSpark, {...plain, ...(color ? {color: 'red' as const} : {})}],
		],
		columns,
		plain,
	);
}

function rowName(row: PolicyRow): string {
	return escapeForTerminal(row.cluster === undefined ? row.name : `${row.cluster || '-'}: ${row.name}`);
}

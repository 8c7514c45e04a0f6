import {Text} from 'ink';
import {escapeForTerminal} from '../../flow/terminal-safe.js';
import type {PolicyRow} from '../../store/frame.js';
import type {PaneProps} from './pane-props.js';
import {Pane} from './pane.js';
import {count, fit, sparkline} from '../flow-text.js';

const directionText = {INGRESS: 'ingress', EGRESS: 'egress', TRAFFIC_DIRECTION_UNKNOWN: '?'} as const;

/** Widths of the policies table for a terminal width; the sparkline takes what is left. */
export function policyColumns(columns: number): {name: number; namespace: number; direction: number; number: number; spark: number} {
	const number = columns >= 100 ? 9 : 7;
	const namespace = columns >= 120 ? 16 : 10;
	const direction = 7;
	const name = columns >= 120 ? 34 : 22;
	const spark = Math.max(0, columns - name - namespace - direction - 4 * number - 8);
	return {name, namespace, direction, number, spark};
}

/** Per policy and direction: allowed, denied, audited, L7-denied (total or since mark), and a rate sparkline. */
export function PoliciesPane({frame, layout, isFocused, cursor, color}: PaneProps) {
	const widths = policyColumns(layout.columns);
	const rows = frame?.policies ?? [];
	const scope = frame?.sinceMark ? 'since mark' : 'since start';
	const total = frame ? ` (${count(frame.policyCount)})` : '';
	const heading =
		fit(`${isFocused ? '▸' : ' '} POLICIES${total}`, widths.name) +
		' ' +
		fit('NAMESPACE', widths.namespace) +
		' ' +
		fit('DIR', widths.direction) +
		' ' +
		['ALLOWED', 'DENIED', 'AUDITED', 'L7-DENY'].map(label => label.padStart(widths.number)).join(' ') +
		' ' +
		fit(frame?.whatIf ? 'WHAT-IF: counts after (w: list)' : `${scope} │ ALLOWED/s │ DENIED/s`, widths.spark);
	return (
		<Pane
			heading={heading}
			isFocused={isFocused}
			color={color}
			columns={layout.columns}
			rows={rows}
			height={layout.policyRows}
			renderRow={(row, index) => (
				<PolicyLine key={row.key} row={row} widths={widths} columns={layout.columns} isCursor={isFocused && cursor === index} color={color} />
			)}
		/>
	);
}

function PolicyLine({
	row,
	widths,
	columns,
	isCursor,
	color,
}: {
	row: PolicyRow;
	widths: ReturnType<typeof policyColumns>;
	columns: number;
	isCursor: boolean;
	color: boolean;
}) {
	const {allowed, denied, audited, l7Denied} = row.counts;
	const number = (value: number) => count(value).padStart(widths.number);
	const sparkWidth = widths.spark;
	// Two sparklines side by side, allowed then denied, over the same seconds.
	const half = Math.max(0, Math.floor((sparkWidth - 1) / 2));
	const allowedSpark = fit(sparkline(row.allowedSeries.slice(-half)), half);
	const deniedSpark = sparkline(row.deniedSeries.slice(-half));
	const lead =
		fit(escapeForTerminal(row.name), widths.name) +
		' ' +
		fit(escapeForTerminal(row.namespace) || '-', widths.namespace) +
		' ' +
		fit(directionText[row.direction], widths.direction) +
		' ' +
		number(allowed) +
		' ';
	const isDenied = denied + l7Denied > 0;
	if (row.after) {
		// With a what-if the rate column shows the candidate's counts instead: today's beside what they would be.
		const after = row.after;
		const changed = after.allowed !== allowed || after.denied + after.l7Denied !== denied + l7Denied;
		const text = fit(`after: ${count(after.allowed)} allowed, ${count(after.denied + after.l7Denied)} denied`, sparkWidth);
		return (
			<Text wrap="truncate" inverse={isCursor}>
				{fit(lead, Math.min(columns, lead.length))}
				<Text {...(color && isDenied ? {color: 'red'} : {})} bold={isDenied}>
					{number(denied)}
				</Text>
				{' ' + number(audited) + ' ' + number(l7Denied) + ' '}
				<Text {...(color && changed ? {color: 'yellow'} : {})} bold={changed}>
					{text}
				</Text>
			</Text>
		);
	}

	return (
		<Text wrap="truncate" inverse={isCursor}>
			{fit(lead, Math.min(columns, lead.length))}
			<Text {...(color && isDenied ? {color: 'red'} : {})} bold={isDenied}>
				{number(denied)}
			</Text>
			{' ' + number(audited) + ' ' + number(l7Denied) + ' '}
			<Text {...(color ? {color: 'green'} : {})}>{allowedSpark}</Text>
			{'│'}
			<Text {...(color ? {color: 'red'} : {})}>{deniedSpark}</Text>
		</Text>
	);
}

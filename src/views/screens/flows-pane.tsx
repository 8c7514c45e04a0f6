import {Text} from 'ink';
import type {FlowRow} from '../../store/frame.js';
import type {Layout} from '../layout.js';
import type {PaneProps} from './pane-props.js';
import {Pane} from './pane.js';
import type {VerdictTone} from '../../flow/verdict.js';
import {count, endpointText, fit, policyCellText, summaryText, timeText, typeTextFor, verdictText} from '../flow-text.js';

// The colours of hubble's printer: green allowed, red denied, yellow for the rest that has a verdict.
const toneColors: Record<VerdictTone, string | undefined> = {allowed: 'green', denied: 'red', audit: 'yellow', traced: 'yellow', translated: 'yellow', other: undefined};

/** The flows pane: a title line and one <Text> per flow row, the cursor row inverted. */
export function FlowsPane({frame, layout, isFocused, cursor, color}: PaneProps) {
	const columns = layout.flowColumns;
	const rows = frame?.rows ?? [];
	const range = frame && frame.matchCount > 0 ? ` ${count(frame.firstRow + 1)}-${count(frame.firstRow + rows.length)} of ${count(frame.matchCount)}` : ' (no flows yet)';
	// The title takes the TIME and SOURCE columns, so the other headings sit over their columns.
	const heading =
		fit(`${isFocused ? '▸' : ' '} FLOWS${range}`, (columns.time > 0 ? columns.time + 1 : 0) + columns.source) +
		'   ' +
		fit('DESTINATION', columns.destination) +
		' ' +
		fit('TYPE', columns.type) +
		' ' +
		fit('VERDICT', columns.verdict) +
		' ' +
		fit(layout.policyForm === 'both' ? 'POLICIES (deciding first · connection)' : 'POLICY (deciding)', columns.policies) +
		(columns.summary > 0 ? ' ' + fit('SUMMARY', columns.summary) : '');
	return (
		<Pane
			heading={heading}
			isFocused={isFocused}
			color={color}
			columns={layout.columns}
			rows={rows}
			height={layout.flowRows}
			renderRow={(row, index) => <FlowLine key={index} row={row} layout={layout} isCursor={isFocused && cursor === index} color={color} />}
		/>
	);
}

function FlowLine({row, layout, isCursor, color}: {row: FlowRow; layout: Layout; isCursor: boolean; color: boolean}) {
	const columns = layout.flowColumns;
	const record = row.record;
	if (!record) {
		return (
			<Text wrap="truncate" inverse={isCursor} dimColor>
				{fit(`(flow #${row.sequence} was evicted from the buffer)`, layout.columns)}
			</Text>
		);
	}

	const verdict = verdictText(record);
	const before =
		(columns.time > 0 ? fit(timeText(record, layout.withMilliseconds), columns.time) + ' ' : '') +
		fit(endpointText(record, 'source', columns.source), columns.source) +
		' → ' +
		fit(endpointText(record, 'destination', columns.destination), columns.destination) +
		' ' +
		fit(typeTextFor(record, columns.type), columns.type) +
		' ';
	const after =
		' ' +
		fit(policyCellText(record, row.attribution, layout.policyForm), columns.policies) +
		(columns.summary > 0 ? ' ' + fit(summaryText(record), columns.summary) : '');
	const tone = toneColors[verdict.tone];
	return (
		<Text wrap="truncate" inverse={isCursor}>
			{before}
			<Text {...(color && tone ? {color: tone} : {})} bold={verdict.tone === 'denied'}>
				{fit(verdict.text, columns.verdict)}
			</Text>
			{after}
		</Text>
	);
}

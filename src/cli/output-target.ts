/** Where responses go in headless mode: hubble's printer, or the policy tally printed at the end. */
import type {GetFlowsResponse} from '../flow/flow.js';
import type {Colors} from '../printer/colors.js';
import {ResponsePrinter, type OutputFormat} from '../printer/response-printer.js';
import {formatTallyTable} from '../printer/tally-table.js';
import {PolicyTally} from '../store/policy-tally.js';
import type {BufferedSink} from './output-sink.js';

export type HeadlessFormat = OutputFormat | 'tally' | 'tally-json';

export const outputFormats: Record<string, HeadlessFormat> = {
	compact: 'compact',
	dict: 'dict',
	table: 'table',
	tab: 'table',
	json: 'jsonpb',
	jsonpb: 'jsonpb',
	tally: 'tally',
	'tally-json': 'tally-json',
};

export type OutputTarget = {
	write(response: GetFlowsResponse): void;
	/** Prints what is held back until the end: the table layout, the tallies. */
	finish(): void;
};

export function createOutputTarget(
	format: HeadlessFormat,
	options: {colors: Colors; showNodeName: boolean; ipTranslation: boolean; debug: boolean},
	sink: BufferedSink,
): OutputTarget {
	if (format === 'tally' || format === 'tally-json') {
		const tally = new PolicyTally();
		return {
			write: response => tally.add(response),
			finish() {
				const summary = tally.summary();
				sink.stdout(format === 'tally' ? formatTallyTable(summary) : JSON.stringify(summary) + '\n');
			},
		};
	}

	const printer = new ResponsePrinter({format, ...options}, sink);
	return {write: response => printer.write(response), finish: () => printer.close()};
}

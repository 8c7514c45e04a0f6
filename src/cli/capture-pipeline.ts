/**
Headless ztop over a capture (`--input-file`): read, filter locally as hubble does with an input file,
apply --since/--until/--first/--last, then print or tally.
*/
import type {GetFlowsResponse} from '../flow/flow.js';
import {compareInstants, parseTimestamp, type Instant} from '../flow/timestamp.js';
import type {ResponsePredicate} from '../filters/flow-filter-match.js';
import type {CaptureWarning} from '../stream/jsonpb-reader.js';
import {diagnostic} from './diagnostics.js';

export type CaptureSelection = {
	predicate: ResponsePredicate;
	since?: Instant;
	until?: Instant;
	first?: number;
	last?: number;
	/** Stops reading early, e.g. when the reader of stdout has gone away. */
	isStopped?: () => boolean;
};

export type ResponseConsumer = (response: GetFlowsResponse) => void;

/**
Feeds the selected responses of `responses` to `consume`, as `hubble observe --input-file` selects lines
(hubble/cmd/observe/io_reader_observer.go): every line that passes the time bounds and the filters counts
towards --first and --last, lost events and node status included. Time bounds compare the response's
top-level `time`; a line without one reads as 1970 (a nil Timestamp's AsTime), so --since drops it and
--until keeps it. `--first 0` and `--last 0` select everything, as hubble only sets a count above 0.
*/
export async function selectResponses(
	responses: AsyncIterable<GetFlowsResponse>,
	selection: CaptureSelection,
	consume: ResponseConsumer,
): Promise<void> {
	const first = selection.first || undefined;
	const last = selection.last || undefined;
	// --last keeps a ring of the newest lines; `lastCount` counts every line that went into it.
	const lastLines: GetFlowsResponse[] = [];
	let lastCount = 0;
	let firstCount = 0;
	for await (const response of responses) {
		if (selection.isStopped?.()) {
			return;
		}

		if (!isWithinTimeBounds(response, selection) || !selection.predicate(response)) {
			continue;
		}

		if (last !== undefined) {
			lastLines[lastCount++ % last] = response;
			continue;
		}

		consume(response);
		if (first !== undefined && ++firstCount >= first) {
			return;
		}
	}

	const oldest = last === undefined || lastCount <= last ? 0 : lastCount % last;
	for (let index = 0; index < lastLines.length; index++) {
		consume(lastLines[(oldest + index) % lastLines.length]!);
	}
}

const epoch: Instant = {seconds: 0, nanos: 0};

function isWithinTimeBounds(response: GetFlowsResponse, selection: CaptureSelection): boolean {
	if (!selection.since && !selection.until) {
		return true;
	}

	const time = (response.time === undefined ? undefined : parseTimestamp(response.time)) ?? epoch;
	return (!selection.since || compareInstants(time, selection.since) >= 0) && (!selection.until || compareInstants(time, selection.until) <= 0);
}

export function formatWarning(source: string, warning: CaptureWarning): string {
	return diagnostic(`warning: ${source}:${warning.lineNumber}: ${warning.message}`);
}

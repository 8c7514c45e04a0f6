/**
Headless ztop over a capture (`--input-file`): read, filter locally as hubble does with an input file,
apply --since/--until/--first/--last, then print or tally.
*/
import type {GetFlowsResponse} from '../flow/flow.js';
import {compareInstants, parseTimestamp, type Instant} from '../flow/timestamp.js';
import type {ResponsePredicate} from '../filters/flow-filter-match.js';
import type {CaptureWarning} from '../stream/jsonpb-reader.js';

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
Feeds the selected responses of `responses` to `consume`. Time bounds compare the response's top-level
`time`, as `hubble observe --input-file` does, so lines without one are dropped when a bound is set.
Only flows count towards --first and --last; lost events and node status pass through in order.
*/
export async function selectResponses(
	responses: AsyncIterable<GetFlowsResponse>,
	selection: CaptureSelection,
	consume: ResponseConsumer,
): Promise<void> {
	// --last keeps a ring of the newest flows; `lastCount` counts every flow that went into it.
	const lastFlows: GetFlowsResponse[] = [];
	let lastCount = 0;
	let firstCount = 0;
	for await (const response of responses) {
		if (selection.isStopped?.()) {
			return;
		}

		if (!isWithinTimeBounds(response, selection)) {
			continue;
		}

		if (!selection.predicate(response)) {
			continue;
		}

		if (!response.flow) {
			consume(response);
			continue;
		}

		if (selection.first !== undefined) {
			consume(response);
			if (++firstCount >= selection.first) {
				return;
			}
		} else if (selection.last === undefined) {
			consume(response);
		} else if (selection.last > 0) {
			lastFlows[lastCount++ % selection.last] = response;
		}
	}

	const oldest = selection.last === undefined || lastCount <= selection.last ? 0 : lastCount % selection.last;
	for (let index = 0; index < lastFlows.length; index++) {
		consume(lastFlows[(oldest + index) % lastFlows.length]!);
	}
}

function isWithinTimeBounds(response: GetFlowsResponse, selection: CaptureSelection): boolean {
	if (!selection.since && !selection.until) {
		return true;
	}

	const time = response.time === undefined ? undefined : parseTimestamp(response.time);
	if (!time) {
		return false;
	}

	return (!selection.since || compareInstants(time, selection.since) >= 0) && (!selection.until || compareInstants(time, selection.until) <= 0);
}

export function formatWarning(source: string, warning: CaptureWarning): string {
	return `ztop: warning: ${source}:${warning.lineNumber}: ${warning.message}\n`;
}

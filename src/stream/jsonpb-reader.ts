/**
Reads what `hubble observe -o jsonpb` writes: one GetFlowsResponse per line, with proto field names or
lowerCamelCase. A malformed line is reported with its line number and skipped; the run goes on. Lines
of any length are read (hubble's scanner stops at 64 KiB; readline has no such limit).
*/
import type {Readable} from 'node:stream';
import {createInterface} from 'node:readline';
import type {GetFlowsResponse} from '../flow/flow.js';
import {hubbleSchema} from './hubble-schema.js';
import {ProtoJsonError, readMessage} from './protojson.js';

export type CaptureWarning = {lineNumber: number; message: string};

export type CaptureReaderOptions = {
	onWarning: (warning: CaptureWarning) => void;
};

/** Parses one capture line; throws ProtoJsonError or SyntaxError for a line that is not a response. */
export function parseResponseLine(line: string, onUnknownField?: (path: string) => void): GetFlowsResponse {
	const value: unknown = JSON.parse(line);
	return readMessage(hubbleSchema().getFlowsResponse, value, {onUnknownField}, 'response') as GetFlowsResponse;
}

export async function* readCapture(input: Readable, options: CaptureReaderOptions): AsyncGenerator<GetFlowsResponse> {
	const lines = createInterface({input, crlfDelay: Number.POSITIVE_INFINITY});
	let lineNumber = 0;
	let hasWarnedUnknownField = false;
	const onUnknownField = (path: string) => {
		// Hubble warns once, then drops unknown fields silently.
		if (!hasWarnedUnknownField) {
			hasWarnedUnknownField = true;
			options.onWarning({
				lineNumber,
				message: `unknown field ${path} ignored (the capture may come from a newer Hubble); further unknown fields are ignored silently`,
			});
		}
	};

	for await (const rawLine of lines) {
		lineNumber++;
		const line = rawLine.trim();
		if (line === '') {
			continue;
		}

		try {
			yield parseResponseLine(line, onUnknownField);
		} catch (error) {
			if (error instanceof SyntaxError) {
				options.onWarning({lineNumber, message: `not valid JSON (${error.message}); line skipped`});
			} else if (error instanceof ProtoJsonError) {
				options.onWarning({lineNumber, message: `not a Hubble GetFlowsResponse (${error.message}); line skipped`});
			} else {
				throw error;
			}
		}
	}
}

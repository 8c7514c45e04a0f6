/**
The ztop command: parses flags, builds the filters, and runs the headless outputs over a capture.
Exit codes follow hubble and meow: 0 success, 1 a run-time failure (unreadable file), 2 bad usage.
*/
import {createReadStream} from 'node:fs';
import {stat} from 'node:fs/promises';
import type {Readable} from 'node:stream';
import meow from 'meow';
import type {FlowFilter} from '../flow/flow.js';
import {FilterError} from '../filters/filter-error.js';
import {compileFilterLists} from '../filters/flow-filter-match.js';
import {buildFilterLists, type FilterLists} from '../filters/observe-flags.js';
import {parseTimeBound} from '../filters/time-bound.js';
import {resolveColors, type ColorChoice} from '../printer/colors.js';
import {ResponsePrinter, type OutputFormat} from '../printer/response-printer.js';
import {formatTallyTable} from '../printer/tally-table.js';
import {PolicyTally} from '../store/policy-tally.js';
import {hubbleSchema} from '../stream/hubble-schema.js';
import {readCapture} from '../stream/jsonpb-reader.js';
import {ProtoJsonError, readMessage} from '../stream/protojson.js';
import {formatWarning, selectResponses, type CaptureSelection} from './capture-pipeline.js';
import {flagDefinitions, orderedFilterArguments} from './flag-definitions.js';
import {helpText} from './help-text.js';
import {BufferedSink} from './output-sink.js';

class UsageError extends Error {}

const outputFormats: Record<string, OutputFormat | 'tally' | 'tally-json'> = {
	compact: 'compact',
	dict: 'dict',
	table: 'table',
	tab: 'table',
	json: 'jsonpb',
	jsonpb: 'jsonpb',
	tally: 'tally',
	'tally-json': 'tally-json',
};

/** `--input-file -` means stdin; meow would take a lone `-` for a positional argument. */
function joinStdinValue(argv: string[]): string[] {
	return argv.flatMap((token, index) =>
		token === '-' && argv[index - 1] === '--input-file' ? [] : token === '--input-file' && argv[index + 1] === '-' ? ['--input-file=-'] : [token],
	);
}

async function main(rawArgv: string[]): Promise<number> {
	const argv = joinStdinValue(rawArgv);
	const cli = meow(helpText, {
		importMeta: import.meta,
		argv,
		flags: flagDefinitions,
		allowUnknownFlags: false,
		booleanDefault: undefined,
	});
	const flags = cli.flags as Record<string, unknown>;
	if (cli.input.length > 0) {
		throw new UsageError(`unexpected argument ${JSON.stringify(cli.input[0])}; see ztop --help`);
	}

	const lists = filterLists(argv, flags);
	if (flags['printRawFilters']) {
		process.stdout.write(rawFiltersYaml(lists));
		return 0;
	}

	const format = outputFormats[String(flags['output'])];
	if (!format) {
		throw new UsageError(`invalid --output value ${JSON.stringify(flags['output'])}: use compact, dict, table, jsonpb, json, tally or tally-json`);
	}

	const colorChoice = String(flags['color']);
	if (!['auto', 'always', 'never'].includes(colorChoice)) {
		throw new UsageError(`invalid --color value ${JSON.stringify(colorChoice)}: use auto, always or never`);
	}

	const inputFile = flags['inputFile'] as string | undefined;
	if (inputFile === undefined) {
		if (flags['demo']) {
			process.stderr.write('ztop: the built-in demo relay is not there yet (it arrives with the live-relay work). Until then, try: ztop --input-file FILE\n');
			return 1;
		}

		process.stderr.write(
			'ztop: reading live flows from Hubble Relay is not implemented yet.\n' +
				'Read a capture instead: hubble observe -o jsonpb --last 1000 > flows.json; ztop --input-file flows.json\n',
		);
		return 1;
	}

	const sink = new BufferedSink(process.stdout, process.stderr);
	const selection = {...captureSelection(flags, lists), isStopped: () => sink.isClosed};
	const input = await openInput(inputFile);
	const sourceName = inputFile === '-' ? 'stdin' : inputFile;
	const responses = readCapture(input, {onWarning: warning => sink.stderr(formatWarning(sourceName, warning))});
	if (format === 'tally' || format === 'tally-json') {
		const tally = new PolicyTally();
		await selectResponses(responses, selection, response => tally.add(response));
		const summary = tally.summary();
		sink.stdout(format === 'tally' ? formatTallyTable(summary) : JSON.stringify(summary) + '\n');
	} else {
		const printer = new ResponsePrinter(
			{
				format,
				colors: resolveColors(colorChoice as ColorChoice, process.stdout.isTTY === true, process.env),
				showNodeName: flags['printNodeName'] === true,
				ipTranslation: flags['ipTranslation'] !== false && flags['numeric'] !== true,
				debug: flags['debug'] === true,
			},
			sink,
		);
		await selectResponses(responses, selection, response => printer.write(response));
		printer.close();
	}

	await sink.flush();
	return 0;
}

function filterLists(argv: string[], flags: Record<string, unknown>): FilterLists {
	const lists = buildFilterLists(orderedFilterArguments(argv));
	const readRaw = (flag: 'allowlist' | 'denylist') =>
		((flags[flag] as string[] | undefined) ?? []).flatMap(text => parseRawFilters(flag, text));
	return {allowlist: [...lists.allowlist, ...readRaw('allowlist')], denylist: [...lists.denylist, ...readRaw('denylist')]};
}

/** `--allowlist`/`--denylist` JSON: one FlowFilter, or several written one after another, like hubble's decoder. */
function parseRawFilters(flag: string, text: string): FlowFilter[] {
	const schema = hubbleSchema();
	const filters: FlowFilter[] = [];
	const documents = text.trim() === '' ? [] : splitJsonDocuments(text);
	for (const document of documents) {
		try {
			filters.push(readMessage(schema.flowFilter, JSON.parse(document), {}, 'FlowFilter') as FlowFilter);
		} catch (error) {
			const reason = error instanceof ProtoJsonError || error instanceof SyntaxError ? error.message : String(error);
			throw new FilterError(`invalid --${flag} value ${JSON.stringify(text)}: ${reason}`);
		}
	}

	return filters;
}

/** Splits concatenated JSON objects (`{…}{…}` or one per line). */
function splitJsonDocuments(text: string): string[] {
	const documents: string[] = [];
	let depth = 0;
	let start = -1;
	let isInString = false;
	for (let index = 0; index < text.length; index++) {
		const character = text[index];
		if (isInString) {
			if (character === '\\') {
				index++;
			} else if (character === '"') {
				isInString = false;
			}
		} else if (character === '"') {
			isInString = true;
		} else if (character === '{') {
			if (depth++ === 0) {
				start = index;
			}
		} else if (character === '}' && --depth === 0) {
			documents.push(text.slice(start, index + 1));
		}
	}

	return documents.length > 0 ? documents : [text];
}

function captureSelection(flags: Record<string, unknown>, lists: FilterLists): CaptureSelection {
	const first = flags['first'] as number | undefined;
	const last = flags['last'] as number | undefined;
	for (const [name, value] of [['first', first], ['last', last]] as const) {
		if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
			throw new UsageError(`invalid --${name} value ${JSON.stringify(value)}: expected a whole number`);
		}
	}

	if (first !== undefined && last !== undefined) {
		throw new UsageError('cannot set both --first and --last');
	}

	if (first !== undefined && flags['all']) {
		throw new UsageError('cannot set both --first and --all');
	}

	if (last !== undefined && flags['all']) {
		throw new UsageError('cannot set both --last and --all');
	}

	const now = Date.now();
	const since = typeof flags['since'] === 'string' ? parseTimeBound('since', flags['since'], now) : undefined;
	const until = typeof flags['until'] === 'string' ? parseTimeBound('until', flags['until'], now) : undefined;
	return {
		predicate: compileFilterLists(lists.allowlist, lists.denylist),
		...(since ? {since} : {}),
		...(until ? {until} : {}),
		...(first === undefined ? {} : {first}),
		...(last === undefined ? {} : {last}),
	};
}

async function openInput(inputFile: string): Promise<Readable> {
	if (inputFile === '-') {
		return process.stdin;
	}

	try {
		const info = await stat(inputFile);
		if (info.isDirectory()) {
			throw new CaptureFileError(`cannot read ${inputFile}: it is a directory`);
		}
	} catch (error) {
		if (error instanceof CaptureFileError) {
			throw error;
		}

		throw new CaptureFileError(`cannot read ${inputFile}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
	}

	const stream = createReadStream(inputFile);
	await new Promise<void>((resolve, reject) => {
		stream.once('open', () => resolve());
		stream.once('error', error => reject(new CaptureFileError(`cannot read ${inputFile}: ${error.message}`)));
	});
	return stream;
}

class CaptureFileError extends Error {}

/** The YAML `hubble observe --print-raw-filters` prints: each FlowFilter as one-line protojson. */
function rawFiltersYaml(lists: FilterLists): string {
	const schema = hubbleSchema();
	const section = (name: string, filters: FlowFilter[]) =>
		filters.length === 0
			? ''
			: `${name}:\n${filters.map(filter => `    - '${JSON.stringify(readMessage(schema.flowFilter, filter)).replaceAll("'", "''")}'\n`).join('')}`;
	const yaml = section('allowlist', lists.allowlist) + section('denylist', lists.denylist);
	return yaml === '' ? '{}\n' : yaml;
}

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (error) {
	if (error instanceof UsageError || error instanceof FilterError) {
		process.stderr.write(`ztop: ${error.message}\n`);
		process.exitCode = 2;
	} else if (error instanceof CaptureFileError) {
		process.stderr.write(`ztop: ${error.message}\n`);
		process.exitCode = 1;
	} else {
		throw error;
	}
}

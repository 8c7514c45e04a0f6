/**
Benchmarks the headless capture path on 100k real flows (the hubble-otel captures, repeated): each
stage's throughput, printed as flows/s and as a ratio to a baseline measured in the same run, so the
numbers mean the same on a slower machine. Baseline: JSON.parse of each line, the least any JSON
reader must do.
*/
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {performance} from 'node:perf_hooks';
import type {GetFlowsResponse} from '../src/flow/flow.js';
import {compileFilterLists} from '../src/filters/flow-filter-match.js';
import {buildFilterLists} from '../src/filters/observe-flags.js';
import {colorsOff} from '../src/printer/colors.js';
import {ResponsePrinter} from '../src/printer/response-printer.js';
import {PolicyTally} from '../src/store/policy-tally.js';
import {parseResponseLine} from '../src/stream/jsonpb-reader.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'real-flows');
const source = ['basic-sample-400-tcp-flows', 'basic-sample-400-udp-flows', 'basic-sample-5-http-flows', 'basic-sample-5-dns-flows']
	.flatMap(name => readFileSync(path.join(fixtures, `${name}.json`), 'utf8').split('\n'))
	.filter(line => line !== '');
const flowCount = 100_000;
const lines = Array.from({length: flowCount}, (_, index) => source[index % source.length]!);
const responses: GetFlowsResponse[] = lines.map(line => parseResponseLine(line));

/** Median flows per second of `runs` passes of `work` over all flows. */
function measure(work: () => void, runs = 5): number {
	work();
	const rates: number[] = [];
	for (let run = 0; run < runs; run++) {
		const start = performance.now();
		work();
		rates.push(flowCount / ((performance.now() - start) / 1000));
	}

	return rates.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

let sink = 0;
const baseline = measure(() => {
	for (const line of lines) {
		sink += (JSON.parse(line) as object) ? 1 : 0;
	}
});

const lists = buildFilterLists([{name: 'namespace', value: 'bookinfo'}, {name: 'type', value: 'policy-verdict'}]);
const predicate = compileFilterLists(lists.allowlist, lists.denylist);
const stages: Array<[string, () => void]> = [
	['parse (JSON → canonical response)', () => {
		for (const line of lines) {
			sink += parseResponseLine(line).flow ? 1 : 0;
		}
	}],
	['filter (-n bookinfo -t policy-verdict)', () => {
		for (const item of responses) {
			sink += predicate(item) ? 1 : 0;
		}
	}],
	['print compact', () => {
		const printer = new ResponsePrinter(
			{format: 'compact', colors: colorsOff, showNodeName: false, ipTranslation: true, debug: false},
			{stdout: text => (sink += text.length), stderr: () => undefined},
		);
		for (const item of responses) {
			printer.write(item);
		}
	}],
	['tally', () => {
		const tally = new PolicyTally();
		for (const item of responses) {
			tally.add(item);
		}

		sink += tally.summary().policyVerdicts;
	}],
	['parse + filter + print compact', () => {
		const printer = new ResponsePrinter(
			{format: 'compact', colors: colorsOff, showNodeName: false, ipTranslation: true, debug: false},
			{stdout: text => (sink += text.length), stderr: () => undefined},
		);
		for (const line of lines) {
			const item = parseResponseLine(line);
			if (predicate(item)) {
				printer.write(item);
			}
		}
	}],
];

const format = (rate: number) => `${Math.round(rate).toLocaleString('en-US')} flows/s`.padStart(18);
console.log(`capture path, ${flowCount.toLocaleString('en-US')} real flows (median of 5 runs)`);
console.log(`  ${'baseline: JSON.parse per line'.padEnd(40)} ${format(baseline)}   1.00×`);
for (const [name, work] of stages) {
	const rate = measure(work);
	console.log(`  ${name.padEnd(40)} ${format(rate)}   ${(rate / baseline).toFixed(2)}× baseline`);
}

if (sink === Number.NEGATIVE_INFINITY) {
	console.log('unreachable');
}

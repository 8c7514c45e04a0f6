/** The real Hubble captures and the outputs hubble CLI 1.17.0 printed for them (test/fixtures/real-flows). */
import {readFileSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const realFlowsDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'real-flows');
export const goldenDirectory = path.join(realFlowsDirectory, 'expected-hubble-cli-1.17.0');

export const captureNames = readdirSync(realFlowsDirectory)
	.filter(name => name.endsWith('.json'))
	.map(name => name.replace(/\.json$/, ''));

export function capturePath(name: string): string {
	return path.join(realFlowsDirectory, `${name}.json`);
}

export function captureLines(name: string): string[] {
	return readFileSync(capturePath(name), 'utf8').split('\n').filter(line => line !== '');
}

export function golden(fileName: string): string {
	return readFileSync(path.join(goldenDirectory, fileName), 'utf8');
}

/** Golden files with the command-line flags that produced them (SOURCES.md). */
export const goldenCases: Array<{file: string; capture: string; flags: string[]}> = [
	...captureNames.map(capture => ({file: `${capture}.compact.txt`, capture, flags: ['-o', 'compact']})),
	...['basic-sample-5-http-flows', 'basic-sample-5-dns-flows'].map(capture => ({file: `${capture}.dict.txt`, capture, flags: ['-o', 'dict']})),
	{
		file: 'basic-sample-400-udp-flows.filter-n-bookinfo-type-policy-verdict.compact.txt',
		capture: 'basic-sample-400-udp-flows',
		flags: ['-o', 'compact', '-n', 'bookinfo', '--type', 'policy-verdict'],
	},
	{
		file: 'basic-sample-400-tcp-flows.filter-from-label-app-productpage-protocol-http.compact.txt',
		capture: 'basic-sample-400-tcp-flows',
		flags: ['--from-label', 'app=productpage', '--protocol', 'http'],
	},
	{
		file: 'basic-sample-400-tcp-flows.filter-not-n-bookinfo.compact.txt',
		capture: 'basic-sample-400-tcp-flows',
		flags: ['--not', '-n', 'bookinfo'],
	},
];

/** The zero-trust lab with lost events and a node error (test/fixtures/lost-events, SOURCES.md there). */
export const lostEventsDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'lost-events');
export const lostEventsCapture = path.join(lostEventsDirectory, 'lab-with-lost-events.json');
export const lostEventsGoldenDirectory = path.join(lostEventsDirectory, 'expected-hubble-cli-1.17.0');

/** What hubble writes to stderr for the capture's node error, when the selection keeps it. */
const nodeError = 'node-error.stderr.txt';

/** Golden files of the lost-events capture with the flags that produced them; `stderr` where hubble wrote some. */
export const lostEventsCases: Array<{file: string; flags: string[]; stderr?: string}> = [
	{file: 'all.compact.txt', flags: ['-o', 'compact'], stderr: nodeError},
	{file: 'n-shop.compact.txt', flags: ['-o', 'compact', '-n', 'shop']},
	{file: 'not-verdict-dropped.compact.txt', flags: ['-o', 'compact', '--not', '--verdict', 'DROPPED'], stderr: nodeError},
	{file: 'last-25.compact.txt', flags: ['-o', 'compact', '--last', '25']},
	{file: 'first-12.compact.txt', flags: ['-o', 'compact', '--first', '12']},
	{file: 'last-0.compact.txt', flags: ['-o', 'compact', '--last', '0'], stderr: nodeError},
	{file: 'type-policy-verdict-last-6.dict.txt', flags: ['-o', 'dict', '--type', 'policy-verdict', '--last', '6']},
	{file: 'not-n-kube-system-first-70.table.txt', flags: ['-o', 'table', '--not', '-n', 'kube-system', '--first', '70'], stderr: nodeError},
	{file: 'since.compact.txt', flags: ['-o', 'compact', '--since', '2026-11-29T23:48:36Z']},
	{file: 'until.compact.txt', flags: ['-o', 'compact', '--until', '2026-11-29T23:48:10Z']},
	{file: 'not-verdict-forwarded-last-8.jsonpb.txt', flags: ['-o', 'jsonpb', '--not', '--verdict', 'FORWARDED', '--last', '8']},
];

export function lostEventsGolden(fileName: string): string {
	return readFileSync(path.join(lostEventsGoldenDirectory, fileName), 'utf8');
}

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

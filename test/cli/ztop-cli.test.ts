import {readdirSync, readFileSync, writeFileSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {
	capturePath,
	captureLines,
	golden,
	goldenCases,
	goldenDirectory,
	lostEventsCapture,
	lostEventsCases,
	lostEventsGolden,
	lostEventsGoldenDirectory,
} from '../helpers/real-flows.js';
import {runZtop} from '../helpers/run-ztop.js';

describe('hubble-identical output (golden files from hubble CLI 1.17.0)', () => {
	test('every golden file has a case', () => {
		expect(readdirSync(goldenDirectory).sort()).toEqual(goldenCases.map(goldenCase => goldenCase.file).sort());
	});

	test.each(goldenCases)('$file is reproduced byte for byte', async ({file, capture, flags}) => {
		const result = await runZtop(['--input-file', capturePath(capture), '--color', 'never', ...flags]);
		expect(result.stderr).toBe('');
		expect(result.exitCode).toBe(0);
		expect(result.stdout).toBe(golden(file));
	});
});

describe('lost events in a capture, as hubble CLI 1.17.0 selects them (golden files)', () => {
	test('every golden file has a case', () => {
		const files = new Set(lostEventsCases.flatMap(({file, stderr}) => (stderr ? [file, stderr] : [file])));
		expect(readdirSync(lostEventsGoldenDirectory).sort()).toEqual([...files].sort());
	});

	// Filters see a lost-events or node-status line as an empty flow; --first/--last count every line.
	test.each(lostEventsCases)('$file is reproduced byte for byte', async ({file, flags, stderr}) => {
		const result = await runZtop(['--input-file', lostEventsCapture, '--color', 'never', ...flags]);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).toBe(lostEventsGolden(file));
		expect(result.stderr).toBe(stderr ? lostEventsGolden(stderr) : '');
	});

	test('-o tally-json counts the lost-events lines the same selection prints', async () => {
		for (const flags of [[], ['-n', 'shop'], ['--not', '--verdict', 'DROPPED'], ['--last', '25']]) {
			const compact = await runZtop(['--input-file', lostEventsCapture, '--color', 'never', '-o', 'compact', ...flags]);
			const tally = await runZtop(['--input-file', lostEventsCapture, '-o', 'tally-json', ...flags]);
			const printed = compact.stdout.split('\n').filter(line => line.startsWith('EVENTS LOST: ')).length;
			expect((JSON.parse(tally.stdout) as {lostEvents: number}).lostEvents).toBe(printed);
		}
	});
});

describe('reading captures', () => {
	test('stdin (-) reads the same capture as a file', async () => {
		const input = captureLines('basic-sample-5-dns-flows').join('\n') + '\n';
		const result = await runZtop(['--input-file', '-', '--color', 'never'], {stdin: input});
		expect(result.stdout).toBe(golden('basic-sample-5-dns-flows.compact.txt'));
	});

	test('a malformed line is reported with its line number and skipped, and the run goes on', async () => {
		const lines = captureLines('basic-sample-5-http-flows');
		const input = [lines[0], 'this is not json', lines[1], '{"flow": {"verdict": "SOMETIMES"}}', lines[2]].join('\n');
		const result = await runZtop(['--input-file', '-', '--color', 'never'], {stdin: input});
		expect(result.exitCode).toBe(0);
		expect(result.stderr).toMatch(/stdin:2: not valid JSON/);
		expect(result.stderr).toMatch(/stdin:4: .*invalid value "SOMETIMES" for enum Verdict/);
		const expected = golden('basic-sample-5-http-flows.compact.txt').split('\n').slice(0, 3).join('\n') + '\n';
		expect(result.stdout).toBe(expected);
	});

	test('a line longer than 64 KiB is read (hubble stops there)', async () => {
		const flow = JSON.parse(captureLines('basic-sample-5-http-flows')[0]!) as {flow: {source_names?: string[]}};
		flow.flow.source_names = Array.from({length: 9000}, (_, index) => `name-${index}.example.com`);
		const line = JSON.stringify(flow);
		expect(line.length).toBeGreaterThan(64 * 1024);
		const result = await runZtop(['--input-file', '-', '-o', 'jsonpb'], {stdin: line + '\n'});
		expect(result.exitCode).toBe(0);
		expect(JSON.parse(result.stdout).flow.source_names).toHaveLength(9000);
	});

	test('an unreadable file says so and exits 1', async () => {
		const result = await runZtop(['--input-file', '/nonexistent/flows.json']);
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toBe('ztop: cannot read /nonexistent/flows.json: no such file\n');
	});
});

describe('jsonpb output', () => {
	test('ztop reads its own jsonpb output back to identical compact output', async () => {
		const capture = capturePath('basic-sample-400-tcp-flows');
		const jsonpb = await runZtop(['--input-file', capture, '-o', 'jsonpb']);
		const again = await runZtop(['--input-file', '-', '--color', 'never'], {stdin: jsonpb.stdout});
		expect(again.stdout).toBe(golden('basic-sample-400-tcp-flows.compact.txt'));
	});

	test('jsonpb output of a hubble capture is the capture itself (proto names, declaration order)', async () => {
		const jsonpb = await runZtop(['--input-file', capturePath('basic-sample-400-udp-flows'), '-o', 'json']);
		expect(jsonpb.stdout.split('\n').filter(Boolean)).toEqual(captureLines('basic-sample-400-udp-flows'));
	});
});

describe('connections', () => {
	test('-o connections-json: a connection per client, server and port, its replies folded, its allows as the tallies count them', async () => {
		const result = await runZtop(['--input-file', capturePath('basic-sample-400-udp-flows'), '-o', 'connections-json']);
		expect(result.exitCode).toBe(0);
		const connections = result.stdout.trim().split('\n').map(line => JSON.parse(line) as {source: {text: string}; destination: {text: string}; port: number; protocol: string; flows: number; egress: {allowed: number; policies: Record<string, number>}});
		// Every flow counted once, toward exactly one connection.
		expect(connections.reduce((total, connection) => total + connection.flows, 0)).toBe(400);
		// The 30 L3-L4 egress verdicts of the DNS capture, as -o tally-json counts them (above).
		expect(connections.reduce((total, connection) => total + connection.egress.allowed, 0)).toBe(30);
		const dns = connections.filter(connection => connection.port === 53 && connection.protocol === 'UDP');
		expect(dns.length).toBeGreaterThan(0);
		expect(dns.every(connection => connection.destination.text.startsWith('kube-system/'))).toBe(true);
		// No reply opens a connection of its own: no server on an ephemeral port of the lookups.
		expect(connections.some(connection => connection.source.text.startsWith('kube-system/') && connection.protocol === 'UDP')).toBe(false);
	});

	test('-o connections prints them as an aligned table with a total', async () => {
		const result = await runZtop(['--input-file', capturePath('basic-sample-5-http-flows'), '-o', 'connections']);
		const lines = result.stdout.split('\n');
		expect(lines[0]).toMatch(/^CLIENT\s+SERVER\s+PORT\s+FLOWS\s+EGRESS\s+INGRESS\s+LAST SEEN\s+POLICIES$/);
		expect(result.stdout).toMatch(/istio-system\/prometheus\s+kube-system\/node-local-dns\s+9253\/TCP\s+3\s+-\s+-\s+2021-10-04T14:28:41Z\s+-\n/);
		expect(result.stdout).toContain('\n3 connections, 5 flows\n');
	});
});

describe('tallies', () => {
	test('-o tally-json counts the L3-L4 egress verdicts of the DNS capture as unattributed allows', async () => {
		const result = await runZtop(['--input-file', capturePath('basic-sample-400-udp-flows'), '-o', 'tally-json']);
		const summary = JSON.parse(result.stdout) as {rows: Array<Record<string, unknown>>; flows: number; policyVerdicts: number};
		expect(summary.flows).toBe(400);
		expect(summary.policyVerdicts).toBe(30);
		expect(summary.rows).toEqual([
			{kind: '', namespace: 'bookinfo', name: '(unattributed)', direction: 'EGRESS', allowed: 30, denied: 0, audited: 0, l7Denied: 0},
		]);
	});

	test('-o tally prints the same numbers as a table', async () => {
		const result = await runZtop(['--input-file', capturePath('basic-sample-400-udp-flows'), '-o', 'tally']);
		expect(result.stdout).toMatch(/^POLICY\s+NAMESPACE\s+KIND\s+DIRECTION\s+ALLOWED\s+DENIED\s+AUDITED\s+L7-DENIED\n/);
		expect(result.stdout).toMatch(/\(unattributed\)\s+bookinfo\s+-\s+EGRESS\s+30\s+0\s+0\s+0\n/);
		expect(result.stdout).toMatch(/400 flows, 30 policy verdicts, 0 lost events\n$/);
	});
});

describe('flags and errors', () => {
	test('--help lists the flags grouped like hubble, with lab examples', async () => {
		const result = await runZtop(['--help']);
		expect(result.exitCode).toBe(0);
		for (const text of ['Selectors', 'Filters', 'Input and output', 'ztop --input-file flows.json -n shop', '-o tally', '--not']) {
			expect(result.stdout).toContain(text);
		}
	});


	test.each([
		[['--verdict', 'MAYBE'], '--verdict value "MAYBE"'],
		[['--from-label', 'app in (a'], '--from-label value "app in (a"'],
		[['--ip', '10.0.0.0/33'], '--ip value "10.0.0.0/33"'],
		[['--port', '70000'], '--port value "70000"'],
		[['--type', 'trace:to-moon'], '--type value "trace:to-moon"'],
		[['--since', 'yesterday'], '--since value "yesterday"'],
		[['-n', 'shop', '--from-pod', 'frontend'], 'filters --from-pod and --namespace cannot be combined'],
		[['--verdict', 'DROPPED', '--not'], 'trailing --not'],
		[['-o', 'yaml'], '--output value "yaml"'],
		[['--allowlist', '{"verdict":["SOMETIMES"]}'], '--allowlist value'],
		[['--no-such-flag'], 'unknown flag "--no-such-flag"; see ztop --help'],
		[['--output', 'compact', '--output', 'dict'], '--output was given twice ("compact", "dict"): it takes one value'],
		[['--input-file', 'b'], '--input-file was given twice'],
		[['--last', 'abc'], 'invalid --last value "abc": a whole number from 0 up'],
		[['--fps', '-1'], 'invalid --fps value "-1": a whole number from 1 to 60'],
		[['--buffer', '0'], 'invalid --buffer value "0": a whole number from 100 to 10,000,000'],
		[['--port-forward-port', 'x'], 'invalid --port-forward-port value "x": a whole number from 0 to 65,535'],
		[['--policies', 'demo', '-o', 'rules'], '--policies demo reads the current stage of the demo\'s policies; it goes with the TUI on ztop --demo [SCENARIO]'],
	])('%j is rejected with one line and exit 2, naming the flag and value', async (arguments_, message) => {
		const result = await runZtop(['--input-file', capturePath('basic-sample-10-flows'), ...arguments_]);
		expect(result.exitCode).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain(message);
		expect(result.stderr).toMatch(/^ztop: [^\n]+\n$/);
	});

	test('--print-raw-filters prints the filters as hubble does', async () => {
		const result = await runZtop(['-n', 'shop', '--not', '--verdict', 'FORWARDED', '--print-raw-filters']);
		expect(result.stdout).toBe(
			[
				'allowlist:',
				`    - '{"source_pod":["shop/"]}'`,
				`    - '{"destination_pod":["shop/"]}'`,
				'denylist:',
				`    - '{"verdict":["FORWARDED"]}'`,
				'',
			].join('\n'),
		);
	});

	test('--first and --last select from the filtered flows', async () => {
		const lines = golden('basic-sample-400-tcp-flows.filter-not-n-bookinfo.compact.txt').split('\n').filter(Boolean);
		const capture = capturePath('basic-sample-400-tcp-flows');
		const first = await runZtop(['--input-file', capture, '--not', '-n', 'bookinfo', '--first', '3', '--color', 'never']);
		const last = await runZtop(['--input-file', capture, '--not', '-n', 'bookinfo', '--last', '2', '--color', 'never']);
		expect(first.stdout).toBe(lines.slice(0, 3).join('\n') + '\n');
		expect(last.stdout).toBe(lines.slice(-2).join('\n') + '\n');
	});

	test('--since and --until compare the response time', async () => {
		const directory = mkdtempSync(path.join(tmpdir(), 'ztop-'));
		const file = path.join(directory, 'flows.json');
		writeFileSync(file, captureLines('basic-sample-5-dns-flows').join('\n'));
		const result = await runZtop(['--input-file', file, '--since', '2021-10-04T11:22:26.594Z', '--until', '2021-10-04T11:22:26.597Z', '--color', 'never']);
		const lines = golden('basic-sample-5-dns-flows.compact.txt').split('\n');
		expect(result.stdout).toBe(lines.slice(2, 4).join('\n') + '\n');
	});

	test('--color always colours like hubble, NO_COLOR does not stop it, auto on a pipe stays plain', async () => {
		const capture = capturePath('basic-sample-5-http-flows');
		const always = await runZtop(['--input-file', capture, '--color', 'always']);
		expect(always.stdout).toContain('\u001B[32mFORWARDED\u001B[0m');
		expect(always.stdout).toContain('\u001B[35m(ID:');
		const auto = await runZtop(['--input-file', capture]);
		expect(auto.stdout).toBe(golden('basic-sample-5-http-flows.compact.txt'));
	});
});

describe('the bundle', () => {
	// V8 keeps a script's source for the whole run, as two bytes per character if any is not Latin-1.
	test('is ASCII only, so its source is held one byte per character', () => {
		const bundle = readFileSync(new URL('../../dist/ztop.js', import.meta.url));
		const first = bundle.findIndex(byte => byte > 0x7f);
		expect(first === -1 ? '' : bundle.subarray(Math.max(0, first - 60), first + 20).toString()).toBe('');
	});
});

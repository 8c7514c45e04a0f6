import {describe, expect, test} from 'vitest';
import {capturePath, golden} from '../helpers/real-flows.js';
import {runZtop} from '../helpers/run-ztop.js';
import {startZtop} from '../helpers/run-ztop-live.js';

describe('ztop demo-relay and ztop --demo', () => {
	test('demo-relay serves the zero-trust lab until SIGTERM', async () => {
		const relay = startZtop(['demo-relay', '--listen', '127.0.0.1:0', '--stage-seconds', '4']);
		await relay.waitFor((_stdout, stderr) => /serving zero-trust .* on 127\.0\.0\.1:\d+/.test(stderr));
		const address = /on (127\.0\.0\.1:\d+)/.exec(relay.stderr())![1]!;
		const result = await runZtop(['--server', address, '--last', '50', '-n', 'shop', '--type', 'policy-verdict', '-o', 'tally-json']);
		const tally = JSON.parse(result.stdout) as {rows: Array<{name: string}>; policyVerdicts: number};
		expect(tally.policyVerdicts).toBeGreaterThan(50);
		expect(tally.rows.map(row => row.name)).toContain('allow-frontend-l7');
		relay.child.kill('SIGTERM');
		expect(await new Promise(resolve => relay.child.on('close', resolve))).toBe(0);
	});

	test('demo-relay --replay serves a capture as history, in file order', async () => {
		const relay = startZtop(['demo-relay', '--listen', '127.0.0.1:0', '--replay', capturePath('basic-sample-400-tcp-flows')]);
		await relay.waitFor((_stdout, stderr) => /serving replay/.test(stderr));
		const address = /on (127\.0\.0\.1:\d+)/.exec(relay.stderr())![1]!;
		const result = await runZtop(['--server', address, '--first', '400', '--color', 'never']);
		expect(result.stdout).toBe(golden('basic-sample-400-tcp-flows.compact.txt'));
		await relay.interrupt();
	});

	test('demo-relay rejects a bad --listen and an unknown scenario', async () => {
		expect((await runZtop(['demo-relay', '--listen', 'nowhere'])).stderr).toContain('invalid --listen value "nowhere"');
		expect((await runZtop(['demo-relay', '--scenario', 'tatooine'])).exitCode).toBe(2);
	});

	test('--demo starts the relay in-process and follows it over gRPC', async () => {
		const ztop = startZtop(['--demo', 'starwars', '--color', 'never']);
		await ztop.waitFor(stdout => /default\/tiefighter:\d+ \(ID:9142\) -> default\/deathstar/.test(stdout));
		expect(ztop.stderr()).toMatch(/^ztop: demo relay \(starwars: .*\) on 127\.0\.0\.1:\d+\n/);
		expect(await ztop.interrupt()).toBe(0);
	});
});

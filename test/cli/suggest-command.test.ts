/**
`ztop suggest` over a capture of the zero-trust lab: with stage 5's policies in force, it prints policies
for the denied connections, and applying them (`--what-if-apply`) makes every one of those flows allowed
without breaking anything, as the same CLI evaluates it. Bad flags get one clear line.
*/
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {beforeAll, describe, expect, test} from 'vitest';
import {parseAllDocuments} from 'yaml';
import {makeFlow, response} from '../fixtures/flows.js';
import {labStages} from '../helpers/lab-flows.js';
import {policiesDirectory} from '../helpers/lab-policies.js';
import {runZtop} from '../helpers/run-ztop.js';

const flows = labStages().flat().filter(item => item.flow);
const stage5 = path.join(policiesDirectory, 'zero-trust', 'stage5');
let directory: string;
let capture: string;

beforeAll(() => {
	directory = mkdtempSync(path.join(tmpdir(), 'ztop-suggest-'));
	capture = path.join(directory, 'lab.json');
	writeFileSync(capture, flows.map(item => JSON.stringify(item)).join('\n') + '\n');
});

type WhatIfLine = {uuid: string; change: string | null; egress: {verdict: string}; ingress: {verdict: string}};

describe('ztop suggest', () => {
	test('stage 5: the suggestion admits every flow stage 5 denies and breaks none', async () => {
		const suggestion = await runZtop(['suggest', '--input-file', capture, '--policies', stage5]);
		expect(suggestion.exitCode).toBe(0);
		const documents = parseAllDocuments(suggestion.stdout).map(document => document.toJS() as {kind: string; metadata: {name: string}});
		expect(documents.map(document => document.kind)).toEqual(['CiliumNetworkPolicy', 'CiliumNetworkPolicy']);
		expect(suggestion.stdout).toContain('matchName: example.com');
		expect(suggestion.stdout).toContain('path: ^/get$');
		expect(suggestion.stdout).toContain('changes no other held flow');
		const file = path.join(directory, 'suggested.yaml');
		writeFileSync(file, suggestion.stdout);

		const before = await runZtop(['--input-file', capture, '--what-if-apply', stage5, '-o', 'what-if-json']);
		const after = await runZtop(['--input-file', capture, '--policies', stage5, '--what-if-apply', file, '-o', 'what-if-json']);
		// Only stage 5's own default-deny.yaml is reported (Cilium rejects it); the suggestion loads clean.
		expect(after.stderr).not.toContain('suggested.yaml');
		expect(after.stderr).toContain('default-deny');
		const lines = (text: string) => text.trim().split('\n').map(line => JSON.parse(line) as WhatIfLine);
		const wasDenied = lines(before.stdout).map(line => line.egress.verdict === 'denied' || line.ingress.verdict === 'denied');
		const afterLines = lines(after.stdout);
		expect(wasDenied.filter(Boolean).length).toBeGreaterThan(10);
		for (const [index, line] of afterLines.entries()) {
			expect(line.change === 'breaks').toBe(false);
			expect([line.egress.verdict, line.ingress.verdict]).not.toContain('denied');
			expect(line.change === 'fixes').toBe(wasDenied[index]);
		}
	}, 120_000);

	test('NetworkPolicy on request, and a comment when nothing is denied', async () => {
		const netpol = await runZtop(['suggest', '--input-file', capture, '--policies', stage5, '--suggest-kind', 'netpol', '--to-ip', '1.1.1.1']);
		expect(netpol.exitCode).toBe(0);
		expect(netpol.stdout).toContain('kind: NetworkPolicy');
		expect(netpol.stdout).toContain('cidr: 1.1.1.1/32');
		const none = await runZtop(['suggest', '--input-file', '-'], {stdin: JSON.stringify(response(makeFlow())) + '\n'});
		expect(none.exitCode).toBe(0);
		expect(none.stdout).toBe('# No denied flows among those selected: nothing to suggest.\n');
	}, 120_000);

	test('bad flags: one line, exit 2', async () => {
		for (const [arguments_, message] of [
			[['suggest', '--input-file', capture, '--suggest-kind', 'calico'], 'invalid --suggest-kind value "calico"'],
			[['suggest', '--input-file', capture, '-o', 'json'], '-o does not apply'],
			[['suggest', '--demo', '-f'], 'cannot --follow'],
			[['--input-file', capture, '--suggest-kind', 'cnp'], '--suggest-kind goes with ztop suggest, or with the TUI'],
		] as const) {
			const result = await runZtop([...arguments_]);
			expect(result.exitCode).toBe(2);
			expect(result.stderr).toContain(message);
			expect(result.stderr.trim().split('\n')).toHaveLength(1);
		}
	}, 120_000);
});

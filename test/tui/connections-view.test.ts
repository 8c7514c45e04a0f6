/**
The connections view (n) in a real terminal (tmux) at 120×40 and 80×24, over a capture of the zero-trust lab
and a ledger that holds one more connection: the rows with what the what-if would do, the ledger's own
row, sorting, the / filter, the drill-down with the rule behind each verdict, its flows as a filter, a
suggestion for a denied connection, and the ledger written when ztop quits.
*/
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeAll, describe, expect, test} from 'vitest';
import {decodeLedger} from '../../src/store/connection-ledger.js';
import {makePolicyVerdict, response} from '../fixtures/flows.js';
import {labStages} from '../helpers/lab-flows.js';
import {policiesDirectory} from '../helpers/lab-policies.js';
import {runZtop} from '../helpers/run-ztop.js';
import {TmuxTerminal} from '../helpers/tmux-terminal.js';

const stageDirectory = (stage: number) => path.join(policiesDirectory, 'zero-trust', `stage${stage}`);
let terminal: TmuxTerminal | undefined;
let directory: string;
let lab: string;

afterEach(() => {
	terminal?.kill();
	terminal = undefined;
});

beforeAll(() => {
	directory = mkdtempSync(path.join(tmpdir(), 'ztop-connections-'));
	lab = path.join(directory, 'lab.json');
	writeFileSync(lab, labStages().flat().filter(each => each.flow).map(each => JSON.stringify(each)).join('\n') + '\n');
});

/**
A ledger that the lab's capture filled, plus one connection seen long ago: frontend → the database port.
The TUI then reads the lab again, so the lab's connections count their flows twice (the ledger's and this run's).
*/
async function ledgerWithAnOldConnection(): Promise<string> {
	const ledger = path.join(directory, `${Math.random().toString(36).slice(2)}.ledger`);
	const old = path.join(directory, 'old.json');
	const flow = makePolicyVerdict({
		time: '2026-11-20T02:00:00Z',
		IP: {source: '10.0.1.10', destination: '10.0.2.30', ipVersion: 'IPv4'},
		l4: {TCP: {source_port: 41_000, destination_port: 5432}},
		destination: {identity: 3300, namespace: 'shop', pod_name: 'db-0', labels: ['k8s:app=db', 'k8s:io.kubernetes.pod.namespace=shop']},
		traffic_direction: 'EGRESS',
		verdict: 'FORWARDED',
	});
	writeFileSync(old, JSON.stringify(response(flow)) + '\n');
	for (const capture of [old, lab]) {
		const result = await runZtop(['--input-file', capture, '--ledger', ledger, '-o', 'connections']);
		expect(result.exitCode).toBe(0);
	}

	return ledger;
}

describe('the connections view', () => {
	test('120×40: what-if marks, the ledger\'s row, sort, filter, drill-down with rules, its flows, suggest, and the ledger written at quit', async () => {
		const ledger = await ledgerWithAnOldConnection();
		const held = decodeLedger(readFileSync(ledger, 'utf8')).connections.length;
		const tmux = (terminal = new TmuxTerminal(120, 40));
		tmux.start(['--input-file', lab, '--ledger', ledger, '--policies', stageDirectory(4), '--what-if-apply', stageDirectory(5), '--what-if-delete', 'allow-all']);
		await tmux.waitFor(text => /end of input/.test(text), 'the capture read');
		tmux.keys('n');
		// The lab's flows come from two clusters: the endpoints say which.
		let screen = await tmux.waitFor(text => /CONNECTIONS — \d+ of \d+/.test(text), 'the connections view');
		expect(screen).toMatch(/^ {2}CLIENT → SERVER +PORT +EGRESS +INGRESS +FLOWS +SEEN +POLICIES/m);
		// The what-if breaks frontend → world (default deny once allow-all goes): marked `!`.
		expect(screen).toMatch(/^! cluster1: shop\/frontend → world 1\.1\.1\.1 +80\/TCP +mixed/m);
		// The ledger's connection this run has not seen: marked L, with its own age (older than the lab's).
		const age = (pattern: RegExp) => Number(pattern.exec(screen)?.[1]);
		// The what-if breaks it too: without allow-all nothing admits frontend → db.
		expect(screen).toMatch(/^! L cluster1: shop\/frontend → shop\/db-0 +5432\/TCP +allowed/m);
		expect(age(/shop\/db-0 +5432\/TCP .* (\d+)d /)).toBeGreaterThan(age(/world 1\.1\.1\.1 +80\/TCP .* (\d+)d /));
		expect(screen).toContain(`of ${held}`);

		tmux.keys('n');
		screen = await tmux.waitFor(text => /^CONNECTIONS — .*, by flows( !| *$)/m.test(text), 'sorted by flows');
		const flows = screen
			.split('\n')
			.map(line => / ([\d,]+) +\d+[smhd] /.exec(line)?.[1])
			.filter(text => text !== undefined)
			.map(text => Number(text.replaceAll(',', '')));
		expect(flows.length).toBe(held);
		expect(flows).toEqual([...flows].sort((a, b) => b - a));

		tmux.keys('/');
		tmux.type('--to-pod shop/backend');
		tmux.keys('Enter');
		screen = await tmux.waitFor(text => /CONNECTIONS — 2 of/.test(text), 'the filter applied to connections');
		expect(screen.split('\n').filter(line => /cluster\d: shop\/frontend → shop\/backend +80\/TCP/.test(line))).toHaveLength(2);

		tmux.keys('Enter');
		screen = await tmux.waitFor(text => /^CONNECTION cluster\d: shop\/frontend → shop\/backend 80\/TCP/m.test(text), 'the drill-down');
		expect(screen).toContain('RULES: ztop\'s evaluation of --policies, per kind of flow');
		expect(screen).toMatch(/shop\/allow-frontend-l7 ingress\[0\]/);
		expect(screen).toMatch(/GET \/get \(\d+ flows\)/);
		expect(screen).toMatch(/what-if: DENIED by the L7 rules.* — BREAKS/);

		tmux.keys('Enter');
		// Its filter may reach the header a frame after the main screen comes back (a busy machine showed one in between).
		screen = await tmux.waitFor(text => /^[ ▸] FLOWS/m.test(text) && text.includes('filter: --from-pod'), 'its flows');
		expect(screen).toContain('filter: --from-pod shop/frontend --to-pod shop/backend --to-port 80 --protocol tcp');
		expect(screen).toMatch(/frontend +→ shop\/backend +pv:/);

		// A denied connection: the world when stage 5 was in force. Its suggestion. (Esc and n in one write, as a
		// quick hand sends them: read as Esc, then n — the filter cleared, the view unfiltered.)
		tmux.type('\u001Bn');
		await tmux.waitFor(text => new RegExp(`CONNECTIONS — ${held} of ${held}`).test(text) && /^filter: \(none\)/m.test(text), 'back in the view, unfiltered');
		tmux.keys('/');
		tmux.type('--to-fqdn example.com');
		tmux.keys('Enter');
		await tmux.waitFor(text => /CONNECTIONS — 2 of/.test(text), 'the world connections');
		tmux.keys('s');
		screen = await tmux.waitFor(text => /Suggested by ztop|Nothing to suggest/.test(text), 'a suggestion');
		expect(screen).toMatch(/SUGGESTION for connection cluster\d: shop\/frontend → world example\.com 80\/TCP/);
		expect(screen).toContain('toFQDNs');

		tmux.keys('q');
		await tmux.waitFor(text => /EXITED:0/.test(text), 'ztop to quit');
		expect(decodeLedger(readFileSync(ledger, 'utf8')).connections.length).toBe(held);
	}, 120_000);

	test('80×24: the rows fit, endpoints first, the policies column left out', async () => {
		const ledger = await ledgerWithAnOldConnection();
		const tmux = (terminal = new TmuxTerminal(80, 24));
		tmux.start(['--input-file', lab, '--ledger', ledger]);
		await tmux.waitFor(text => /buffer 5,003\//.test(text), 'the capture read');
		tmux.keys('n');
		const screen = await tmux.waitFor(text => /CONNECTIONS — \d+ of \d+/.test(text), 'the connections view');
		expect(screen).toMatch(/^CLIENT → SERVER +PORT +EGRESS +INGRESS +FLOWS +SEEN *$/m);
		expect(screen).not.toContain('POLICIES');
		// Two clusters' names leave the longest pairs cut at 80 columns, never the port or the verdicts.
		expect(screen).toMatch(/^cluster\d: shop\/frontend → kube-system… +53\/UDP +allowed/m);
		expect(screen).toMatch(/^L cluster1: shop\/frontend → shop\/db-0 +5432\/TCP/m);
		expect(screen.split('\n').every(line => line.length <= 80)).toBe(true);
		tmux.keys('q');
		await tmux.waitFor(text => /EXITED:0/.test(text), 'ztop to quit');
	}, 60_000);
});

/**
The TUI in a real terminal (tmux), driven by keys, against the demo relay and against a hostile capture.
These are the acceptance checks: the zero-trust stages in the policies pane, a drill-down naming
the policy, `/verdict:dropped`, Space, `m`, `c`, `e`, and `q` leaving the terminal as it was.
*/
import {mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {DemoRelay} from '../../src/relay/demo-relay.js';
import {defaultDemoRelayOptions, serveDemoRelay} from '../../src/relay/demo-relay-server.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';
import type {RunningObserverServer} from '../../src/stream/observer-server.js';
import {makeFlow, makeHttpRequest, response, world} from '../fixtures/flows.js';
import {labStages} from '../helpers/lab-flows.js';
import {runZtop} from '../helpers/run-ztop.js';
import {projectRoot} from '../helpers/run-ztop.js';
import {TmuxTerminal} from '../helpers/tmux-terminal.js';

let terminal: TmuxTerminal | undefined;

afterEach(() => {
	terminal?.kill();
	terminal = undefined;
});

function open(columns: number, rows: number): TmuxTerminal {
	terminal = new TmuxTerminal(columns, rows);
	return terminal;
}

/** The flow rows between the flows pane's title and the policies pane's title. */
function flowRows(screen: string): string[] {
	const lines = screen.split('\n');
	const start = lines.findIndex(line => /^[ ▸] FLOWS/.test(line));
	const end = lines.findIndex(line => /^[ ▸] POLICIES/.test(line));
	return lines.slice(start + 1, end).filter(line => line.trim() !== '');
}

/** The ALLOWED count of a policies-pane row, e.g. `allow-dns … egress`. */
function allowedCount(screen: string, name: string, direction: string): number | undefined {
	const line = screen.split('\n').find(candidate => candidate.startsWith(name) && candidate.includes(` ${direction} `));
	const match = line?.match(new RegExp(`\\s${direction}\\s+([\\d,]+)`));
	return match ? Number(match[1]!.replaceAll(',', '')) : undefined;
}

describe('ztop --demo in a real terminal', () => {
	test('stages, drill-down, filter, pause, mark, copy, export and quit', async () => {
		const directory = mkdtempSync(path.join(tmpdir(), 'ztop-tui-'));
		const tmux = open(120, 40);
		tmux.start(['--demo', '--stage-seconds', '4'], directory);

		// The backfill holds one whole cycle of the lab: every stage's policies are in the policies pane.
		let screen = await tmux.waitFor(
			text => ['allow-all', 'allow-dns', 'allow-frontend-egress', 'allow-frontend-to-backend', 'allow-frontend-l7', '(default deny)'].every(name => text.includes(name)),
			'the lab\'s policies',
		);
		expect(tmux.pane('#{alternate_on}')).toBe('1');
		expect(screen).toContain('demo: zero-trust stage');
		expect(screen).toContain('LIVE');

		// Filter to allow-frontend-l7's verdicts, open the newest: the drill-down names the policy.
		tmux.keys('/');
		tmux.type('policy:allow-frontend-l7 type:policy-verdict');
		tmux.keys('Enter');
		await tmux.waitFor(text => text.includes('filter: policy:allow-frontend-l7 type:policy-verdict'), 'the policy filter');
		await tmux.waitFor(text => flowRows(text).length > 0, 'rows of the policy');
		tmux.keys('Enter');
		screen = await tmux.waitFor(text => text.includes('Ingress allowed by allow-frontend-l7'), 'the drill-down');
		expect(screen).toContain('kind CiliumNetworkPolicy');
		// c copies the flow's JSON through OSC 52: tmux turns it into a paste buffer.
		tmux.keys('c');
		await tmux.waitFor(text => text.includes('through OSC 52'), 'the copy notice');
		const copied = JSON.parse(tmux.buffer()!) as {flow: {ingress_allowed_by: Array<{name: string}>}};
		expect(copied.flow.ingress_allowed_by[0]!.name).toBe('allow-frontend-l7');
		// One key at a time: ESC and a key right after it read as Alt+key, in any terminal.
		tmux.keys('Escape');
		await tmux.waitFor(text => /^[ ▸] FLOWS/m.test(text), 'the main screen');
		tmux.keys('Escape');
		await tmux.waitFor(text => text.includes('filter: (none)'), 'the cleared filter');

		// /verdict:dropped: only drops are listed.
		tmux.keys('/');
		tmux.type('verdict:dropped');
		tmux.keys('Enter');
		screen = await tmux.waitFor(text => text.includes('filter: verdict:dropped') && flowRows(text).length > 0, 'dropped flows');
		for (const row of flowRows(screen)) {
			expect(row).toMatch(/DROPPED|DENIED/);
		}

		// Space pauses the view while ingest goes on; Space again follows the tail.
		tmux.keys('Escape');
		await tmux.waitFor(text => text.includes('filter: (none)'), 'the cleared filter');
		tmux.keys('Space');
		await tmux.waitFor(text => /PAUSED \(\+[1-9][\d,]* new\)/.test(text), 'paused with new flows counted');
		tmux.keys('Space');
		await tmux.waitFor(text => text.includes('LIVE'), 'live again');

		// m: the policies pane counts from the mark, so allow-dns starts again far below its total.
		screen = await tmux.waitFor(text => (allowedCount(text, 'allow-dns', 'egress') ?? 0) > 20, 'allow-dns counts');
		const total = allowedCount(screen, 'allow-dns', 'egress')!;
		tmux.keys('m');
		screen = await tmux.waitFor(text => text.includes('counts since mark') && text.includes('MARK'), 'the mark');
		expect(allowedCount(screen, 'allow-dns', 'egress') ?? 0).toBeLessThan(total);

		// e exports the view as jsonpb that hubble observe --input-file reads.
		tmux.keys('e');
		await tmux.waitFor(text => text.includes('exported'), 'the export notice');
		const exported = readdirSync(directory).find(name => name.startsWith('ztop-export-'))!;
		const lines = readFileSync(path.join(directory, exported), 'utf8').trim().split('\n');
		expect(lines.length).toBeGreaterThan(10);
		expect((JSON.parse(lines[0]!) as {flow?: unknown}).flow).toBeDefined();

		// q restores the terminal: no alternate screen, cursor visible, exit status 0.
		tmux.keys('q');
		await tmux.waitFor(text => text.includes('EXITED:0'), 'exit status 0');
		expect(tmux.pane('#{alternate_on}')).toBe('0');
		expect(tmux.pane('#{cursor_flag}')).toBe('1');
	}, 60_000);

	// The POLICIES column is what ztop is for: at 80 columns the deciding policy reads whole, from 120 both sides.
	test.each([
		[80, 24, /(?:pv:L3-L4 out|to-stack)\s+\S+\s+allow-frontend-egress\s*$/m],
		// The lab's longest pair, stage 3's frontend → backend.
		[120, 40, /out allow-frontend-egress · in allow-frontend-to-backend\s*$|in allow-frontend-to-backend · out allow-frontend-egress\s*$/m],
	])('at %i×%i flow rows name their policies in full', async (columns, rows, pattern) => {
		const tmux = open(columns, rows);
		tmux.start(['--demo', '--stage-seconds', '2']);
		const screen = await tmux.waitFor(text => flowRows(text).some(row => pattern.test(row)), 'a row with whole policy names', 45_000);
		for (const row of flowRows(screen)) {
			expect(row).not.toMatch(/allow-[\w-]*…/);
		}
	}, 60_000);

	test.each([
		['Ctrl-C', (tmux: TmuxTerminal): void => tmux.keys('C-c'), 0],
		['SIGTERM', (tmux: TmuxTerminal): void => void process.kill(tmux.ztopPid(), 'SIGTERM'), 143],
	] as const)('%s quits and restores the terminal too', async (_name, quit, status) => {
		const tmux = open(100, 30);
		tmux.start(['--demo']);
		await tmux.waitFor(text => text.includes('POLICIES'), 'the TUI');
		quit(tmux);
		await tmux.waitFor(text => text.includes(`EXITED:${status}`), `exit status ${status}`);
		expect(tmux.pane('#{alternate_on}')).toBe('0');
		expect(tmux.pane('#{cursor_flag}')).toBe('1');
	}, 30_000);

	test('--debug ends with a session summary once the screen is restored: flows received, frames drawn, terminal bytes', async () => {
		const tmux = open(100, 30);
		tmux.start(['--demo', '--debug']);
		await tmux.waitFor(text => /FLOWS [\d,]+-[\d,]+ of [1-9]/.test(text), 'flows');
		tmux.keys('q');
		const screen = await tmux.waitFor(text => text.includes('EXITED:0'), 'exit');
		// The summary wraps at the pane's width, and a space at the end of a line is lost with the line break.
		const summary = /session: ?[\d.]+ ?s, ?received ?(\d+) ?flows, ?lost ?\d+, ?drew ?(\d+) ?frames ?\([\d.]+\/s\), ?wrote ?(\d+) ?bytes ?to ?the ?terminal/.exec(screen.replaceAll('\n', ''));
		expect(summary, screen).not.toBeNull();
		expect(Number(summary![1])).toBeGreaterThan(0);
		expect(Number(summary![2])).toBeGreaterThan(0);
		// At least a whole 100×29 frame was written.
		expect(Number(summary![3])).toBeGreaterThan(100 * 29);
	}, 30_000);

	test('an unreachable relay is shown as reconnecting, with the reason, until the user quits', async () => {
		const tmux = open(120, 30);
		tmux.start(['--server', '127.0.0.1:1']);
		const screen = await tmux.waitFor(text => text.includes('reconnecting') && text.includes('127.0.0.1:1'), 'the reconnect state');
		expect(screen).toMatch(/cannot|refused|unavailable|connect/i);
		tmux.keys('q');
		await tmux.waitFor(text => text.includes('EXITED:0'), 'exit');
	}, 30_000);

	test('TERM=dumb prints flows instead of the TUI, and says why', async () => {
		const tmux = open(200, 60);
		tmux.start(['--demo', '--last', '2'], undefined, {TERM: 'dumb'});
		const screen = await tmux.waitFor(text => text.includes('EXITED:0'), 'the headless run');
		expect(screen).toContain('TERM=dumb cannot show the TUI');
		expect(screen).toMatch(/FORWARDED|DROPPED|REDIRECTED/);
		expect(tmux.pane('#{alternate_on}')).toBe('0');
	}, 30_000);

	test('a terminal below 80×24 gets a message, and the layout once it is large enough', async () => {
		const tmux = open(70, 20);
		tmux.start(['--demo']);
		await tmux.waitFor(text => text.includes('Terminal too small') && text.includes('70×20'), 'the size message');
		tmux.resize(100, 30);
		await tmux.waitFor(text => text.includes('POLICIES') && text.includes('FLOWS'), 'the layout after resizing');
		tmux.keys('q');
		await tmux.waitFor(text => text.includes('EXITED:0'), 'exit');
	}, 30_000);
});

function serve(relay: DemoRelay, port = 0): Promise<RunningObserverServer> {
	return serveDemoRelay(relay, {host: '127.0.0.1', port});
}

describe('a relay in a real terminal', () => {
	test('a relay restart shows as reconnecting, then connected again, and the flows go on', async () => {
		const relay = new DemoRelay(zeroTrustScenario, {...defaultDemoRelayOptions, rate: 50, stageSeconds: 4});
		relay.start(50);
		let server = await serve(relay);
		const port = server.port;
		const tmux = open(120, 30);
		try {
			tmux.start(['--server', server.address]);
			await tmux.waitFor(text => text.includes('│ connected │') && text.includes('allow-all'), 'connected');
			server.kill();
			await tmux.waitFor(text => text.includes('reconnecting'), 'the reconnect state');
			server = await serve(relay, port);
			// Connected again, the header keeps why it had to reconnect (the gRPC status and message).
			const screen = await tmux.waitFor(text => /connected \(\d+ reconnects, last: [A-Z_]+: \S/.test(text), 'connected again, with the reason', 20_000);
			const shown = (text: string) => Number(/│ ([\d,]+) shown/.exec(text)![1]!.replaceAll(',', ''));
			const before = shown(screen);
			await tmux.waitFor(text => shown(text) > before + 20, 'new flows after the restart');
			tmux.keys('q');
			await tmux.waitFor(text => text.includes('EXITED:0'), 'exit');
		} finally {
			relay.stop();
			await server.stop();
		}
	}, 60_000);

	test('Enter on a policies-pane row filters the flows by it ((default deny): denied policy verdicts)', async () => {
		const tmux = open(120, 40);
		tmux.start(['--demo', '--stage-seconds', '4']);
		await tmux.waitFor(text => /^\(default deny\)/m.test(text), 'a default-deny row');
		tmux.keys('Tab');
		await tmux.waitFor(text => /^▸ POLICIES/m.test(text), 'the policies pane focused');
		tmux.keys('Enter');
		const screen = await tmux.waitFor(
			text => text.includes('filter: type:policy-verdict verdict:denied') && flowRows(text).length > 0,
			'the default-deny filter',
		);
		for (const row of flowRows(screen)) {
			expect(row).toContain('DENIED');
			expect(row).toContain('(default de');
		}

		tmux.keys('q');
		await tmux.waitFor(text => text.includes('EXITED:0'), 'exit');
	}, 60_000);
});

describe('policies in a real terminal', () => {
	test('the demo opens with the lab\'s policies and, on w, what the next stage would change; --no-demo-policies leaves them out', async () => {
		const tmux = open(120, 40);
		tmux.start(['--demo', '--stage-seconds', '60']);
		await tmux.waitFor(text => /policies: 1 │ what-if: [\d,]+ break, [\d,]+ fixed \(w\)/.test(text), 'the stage\'s policies and the what-if in the header');
		tmux.keys('w');
		await tmux.waitFor(text => text.includes('WHAT-IF: what stage 2/5 allow-dns would change, against stage 1/5 allow-all'), 'the next stage as the what-if');
		tmux.keys('Escape');
		await tmux.waitFor(text => /^[ ▸] FLOWS/m.test(text), 'the main screen');
		// A policy verdict's drill-down names the rule that decided it.
		tmux.keys('/');
		tmux.type('type:policy-verdict');
		tmux.keys('Enter');
		await tmux.waitFor(text => text.includes('filter: type:policy-verdict') && flowRows(text).length > 0, 'policy verdicts');
		tmux.keys('Enter');
		await tmux.waitFor(text => /shop\/allow-all (egress|ingress)\[0\]: /.test(text), 'the deciding rule in the drill-down');
		tmux.keys('q');
		await tmux.waitFor(text => text.includes('EXITED:0'), 'exit');

		const bare = open(120, 40);
		bare.start(['--demo', '--no-demo-policies']);
		const screen = await bare.waitFor(text => /^[ ▸] FLOWS/m.test(text) && flowRows(text).length > 0, 'the main screen');
		expect(screen).not.toContain('what-if:');
		bare.keys('w');
		await bare.waitFor(text => text.includes('No what-if set.'), 'no what-if');
		bare.keys('q');
		await bare.waitFor(text => text.includes('EXITED:0'), 'exit');
	}, 60_000);

	test('what-if on the demo: apply stage 5 and delete allow-all; frontend → world breaks, and the drill-down names allow-frontend-l7\'s rule', async () => {
		const tmux = open(120, 40);
		const stage5 = path.join(projectRoot, 'test', 'fixtures', 'policies', 'zero-trust', 'stage5');
		tmux.start(['--demo', '--stage-seconds', '60', '--policies', 'demo', '--what-if-apply', stage5, '--what-if-delete', 'allow-all']);
		await tmux.waitFor(text => /what-if: [1-9][\d,]* break/.test(text), 'the what-if totals in the header');
		tmux.keys('w');
		const view = await tmux.waitFor(
			text => /^breaks\s+[\d,]+\s+shop\/frontend → world 1\.1\.1\.1 80\/TCP\s+egress\s+denied \(default deny\)/m.test(text) && text.includes('shop/frontend → shop/backend 80/TCP'),
			'frontend → world and frontend → backend breaking',
		);
		const backendRow = (screen: string) => {
			const rows = screen.split('\n').filter(line => /^(breaks|fixes) /.test(line));
			return {rows, index: rows.findIndex(line => line.includes('shop/frontend → shop/backend 80/TCP'))};
		};

		const {rows, index} = backendRow(view);
		expect(rows[index]).toMatch(/ingress\s+denied \(L7\)\s+L7 rules of shop\/allow-frontend-l7/);
		// Rows are ordered by their live flow counts and may swap between reading the screen and the keys
		// arriving: open the row, and if another connection's flow opened, go back and try again.
		let detail = '';
		let screen = view;
		for (let attempt = 0; attempt < 5; attempt++) {
			tmux.keys(...Array.from({length: Math.max(0, backendRow(screen).index)}, () => 'j'), 'Enter');
			detail = await tmux.waitFor(text => text.includes('POLICIES: ztop\'s evaluation of --policies'), 'the drill-down');
			if (/Destination: shop\/backend/.test(detail)) {
				// The drill-down can reach the terminal in more than one write (a busy machine): wait for its ingress part.
				detail = await tmux.waitFor(text => /^Ingress at shop\/backend/m.test(text) && /allow-frontend-l7 ingress\[0\]/.test(text), 'the drill-down\'s ingress evaluation');
				break;
			}

			// Esc leaves the drill-down for the main screen; w opens the what-if view with its cursor on top.
			tmux.keys('Escape', 'w');
			screen = await tmux.waitFor(text => /^breaks\s/m.test(text) && text.includes('shop/frontend → shop/backend 80/TCP'), 'the what-if view again');
		}

		expect(detail).toContain('what-if: DENIED by the L7 rules (shop/allow-frontend-l7) — BREAKS');
		// The rule by its address: the item, and the port rule whose HTTP rules the request matched none of.
		expect(detail).toContain('shop/allow-frontend-l7 ingress[0] toPorts[0]: fromEndpoints: app=frontend · toPorts: 80/TCP · http: GET');
		tmux.keys('q');
		await tmux.waitFor(text => text.includes('EXITED:0'), 'exit');
		// The lab's default-deny.yaml is reported once the screen is back.
		// Wrapped at the pane's width (a space at a line's end is lost with the break): compared without spaces.
		expect(tmux.screen().replaceAll(/\s/g, '')).toContain('shop/default-denyisrejectedbyCilium');
	}, 60_000);
});

describe('suggestions in a real terminal', () => {
	test('s on a denied flow → e writes the policy; it loads, and applied on stage 5 it fixes and breaks nothing', async () => {
		const directory = mkdtempSync(path.join(tmpdir(), 'ztop-tui-suggest-'));
		const capture = path.join(directory, 'lab.json');
		writeFileSync(capture, labStages().flat().filter(item => item.flow).map(item => JSON.stringify(item) + '\n').join(''));
		const stage5 = path.join(projectRoot, 'test', 'fixtures', 'policies', 'zero-trust', 'stage5');
		const tmux = open(120, 40);
		tmux.start(['--input-file', capture, '--policies', stage5], directory);
		await tmux.waitFor(text => text.includes('end of input'), 'the capture');
		// v twice: denied flows only; the cursor is on the newest.
		tmux.keys('v', 'v');
		await tmux.waitFor(text => text.includes('verdicts: denied'), 'denied flows');
		tmux.keys('s');
		const view = await tmux.waitFor(text => text.includes('SUGGESTION for flow #'), 'the suggestion');
		// The other frontend pod's flows to the same place are admitted too (one selector for both); nothing is denied.
		expect(view).toMatch(/over [\d,]+ held flows: admits the denied connection; (changes no other held flow|also allows \d+ and denies 0 other)/);
		expect(view).toContain('kind: CiliumNetworkPolicy');
		tmux.keys('e');
		await tmux.waitFor(text => text.includes('wrote 1 policy to'), 'the file written');
		const written = readdirSync(directory).filter(name => name.startsWith('ztop-suggestion-'));
		expect(written).toHaveLength(1);
		const file = path.join(directory, written[0]!);
		// a: into the what-if set; the header counts it, and w shows it fixes without breaking.
		tmux.keys('a');
		await tmux.waitFor(text => text.includes('+ 1 suggested'), 'the suggestion added');
		tmux.keys('Escape', 'w');
		await tmux.waitFor(text => /would change: 0 break, [1-9][\d,]* fixed/.test(text), 'the what-if view');
		tmux.keys('q');
		await tmux.waitFor(text => text.includes('EXITED:0'), 'exit');

		const applied = await runZtop(['--input-file', capture, '--policies', stage5, '--what-if-apply', file, '-o', 'what-if-json']);
		expect(applied.exitCode).toBe(0);
		const changes = applied.stdout.trim().split('\n').map(line => (JSON.parse(line) as {change: string | null}).change);
		expect(changes.filter(change => change === 'fixes').length).toBeGreaterThan(0);
		expect(changes).not.toContain('breaks');
	}, 90_000);
});

describe('captures in a real terminal', () => {
	test('a missing capture is reported before the screen changes', async () => {
		const tmux = open(100, 30);
		tmux.start(['--input-file', '/nonexistent/flows.json']);
		const screen = await tmux.waitFor(text => text.includes('EXITED:1'), 'exit status 1');
		expect(screen).toContain('cannot read /nonexistent/flows.json: no such file');
		expect(tmux.pane('#{alternate_on}')).toBe('0');
	}, 30_000);
});

describe('hostile text in a real terminal', () => {
	test('title changes, clipboard writes and screen clears in names and URLs stay inert', async () => {
		const directory = mkdtempSync(path.join(tmpdir(), 'ztop-hostile-'));
		const capture = path.join(directory, 'hostile.json');
		const flows = [
			makeFlow({
				time: '2026-11-22T10:00:00Z',
				destination: world,
				IP: {source: '10.0.1.10', destination: '6.6.6.6'},
				destination_names: ['evil\u001B]0;HACKED\u0007.example.com'],
			}),
			makeFlow({
				time: '2026-11-22T10:00:01Z',
				destination: world,
				IP: {source: '10.0.1.10', destination: '6.6.6.7'},
				destination_names: ['clip\u001B]52;c;SGFja2Vk\u0007.example.com'],
			}),
			makeHttpRequest({
				time: '2026-11-22T10:00:02Z',
				l7: {type: 'REQUEST', http: {method: 'GET', url: 'http://backend/\u001B[2J\u001B[31mred'}},
			}),
		];
		writeFileSync(capture, flows.map(flow => JSON.stringify(response(flow)) + '\n').join(''));
		const tmux = open(200, 40);
		const titleBefore = 'ztop-hostile-test';
		tmux.start(['--input-file', capture], directory, {}, titleBefore);
		const screen = await tmux.waitFor(text => text.includes('end of input') && text.includes('^[]52;c;SGFja2Vk^G'), 'the capture');
		expect(screen).toContain('evil^[]0;HACKED^G.exa');
		expect(screen).toContain('http://backend/^[[2J^[');
		// The drill-down and the JSON view of a hostile flow are just as inert.
		tmux.keys('Enter');
		await tmux.waitFor(text => text.includes('FLOW #'), 'the drill-down');
		tmux.keys('J');
		await tmux.waitFor(text => text.includes('FLOW JSON'), 'the JSON view');
		tmux.keys('Escape');
		await tmux.waitFor(text => /^[ ▸] FLOWS/m.test(text), 'the main screen');
		tmux.keys('k', 'k', 'Enter');
		await tmux.waitFor(text => text.includes('HACKED^G'), 'the hostile drill-down');
		expect(tmux.pane('#{pane_title}')).toBe(titleBefore);
		expect(tmux.buffer()).toBeUndefined();
		tmux.keys('q');
		await tmux.waitFor(text => text.includes('EXITED:0'), 'exit');
		expect(tmux.pane('#{pane_title}')).toBe(titleBefore);
	}, 60_000);
});

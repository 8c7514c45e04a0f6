/**
The pure screens rendered to strings at fixed terminal sizes, from Frames of a store fed the zero-trust
lab: the screen has rows − 1 lines, each exactly as wide as the terminal (measured by string-width, as
terminals lay text out), and it says what a user needs to read.
*/
import stringWidth from 'string-width';
import {describe, expect, test} from 'vitest';
import {dropReasonNames} from '../../src/flow/drop-reason.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {parseFilterText} from '../../src/filters/filter-language.js';
import {FlowStore} from '../../src/store/flow-store.js';
import {buildFrame, type Frame} from '../../src/store/frame.js';
import type {FlowDetail} from '../../src/views/detail-lines.js';
import {helpEntries} from '../../src/views/keymap.js';
import {computeLayout} from '../../src/views/layout.js';
import {screenLines, type ScreenProps} from '../../src/views/screens/screen.js';
import {headerLines} from '../../src/views/screens/header.js';
import {combineSourceStatuses} from '../../src/store/source-status.js';
import {makeFlow, makeHttpRequest, response} from '../fixtures/flows.js';
import {labStages, storeOf} from '../helpers/lab-flows.js';
import {labStagePolicies} from '../helpers/lab-policies.js';

const sizes = [
	[80, 24],
	[120, 40],
	[200, 60],
] as const;

const lab = storeOf(labStages().flat());

const ansi = /\u001B\[[\d;]*m/g;
const visible = (text: string) => text.replaceAll(ansi, '');

function frameFor(store: FlowStore, columns: number, rows: number, overrides: {showOverview?: boolean} = {}): Frame {
	const layout = computeLayout(columns, rows);
	return buildFrame({
		store,
		source: {label: 'demo: zero-trust stage 5/5 default deny', state: 'connected', reconnects: 0, nodes: {connected: 4, unavailable: 0, total: 4}},
		view: {
			flowRows: layout.flowRows,
			scrollTop: undefined,
			policyRows: layout.policyRows,
			sparklineWidth: 60,
			sinceMark: false,
			showOverview: overrides.showOverview ?? false,
			filterText: '',
		},
		paused: undefined,
		flowsPerSecond: 20,
		markedAt: undefined,
		now: Date.parse('2026-11-22T10:01:00Z'),
	});
}

function render(columns: number, rows: number, props: Partial<ScreenProps> = {}, store = lab): string {
	const layout = computeLayout(columns, rows, undefined, store.clusterCount);
	const screen: ScreenProps = {
		frame: frameFor(store, columns, rows, {showOverview: props.mode === 'overview'}),
		layout,
		color: true,
		mode: 'main',
		focus: 'flows',
		flowCursor: 0,
		policyCursor: 0,
		whatIfCursor: 0,
		prompt: undefined,
		notice: undefined,
		detail: undefined,
		showJson: false,
		detailScroll: 0,
		...props,
	};
	return screenLines(screen).lines.join('\n');
}

function expectFits(output: string, columns: number, rows: number): string[] {
	const lines = output.split('\n');
	expect(lines).toHaveLength(rows - 1);
	for (const line of lines) {
		expect(stringWidth(visible(line))).toBe(columns);
	}

	return lines.map(line => visible(line));
}

describe.each(sizes)('the main screen at %i×%i', (columns, rows) => {
	test('fits the terminal and shows the source, flows and policies of the lab', () => {
		const lines = expectFits(render(columns, rows), columns, rows);
		const text = lines.join('\n');
		expect(lines[0]).toContain('demo: zero-trust stage 5');
		// Lost events and the buffer say whether the view can be trusted: they stay when the rest is cut.
		expect(lines[0]).toMatch(/│ lost 0 │ buffer [\d,]+\/100,000\s*$/);
		if (columns >= 120) {
			expect(lines[0]).toContain('nodes 4/4');
		}
		expect(text).toContain('allow-frontend-l7');
		expect(text).toContain('(default deny)');
		expect(text).toMatch(/DROPPED|DENIED/);
		expect(text).toContain('FLOWS');
		expect(text).toContain('POLICIES');
		// The footer comes from the keymap.
		expect(lines.at(-1)).toContain('? help');
	});

	test('the policies pane shows every policy name whole; the sparkline gives way first', () => {
		const frame = frameFor(lab, columns, rows);
		const text = expectFits(render(columns, rows), columns, rows).join('\n');
		expect(frame.policies.map(row => row.name)).toContain('allow-frontend-to-backend');
		for (const row of frame.policies) {
			expect(text).toMatch(new RegExp(`${row.name}(\\s|$)`));
		}

		// No sparkline squeezed into a column too narrow for it.
		expect(text).not.toMatch(/│ …/);
	});

	test('with a what-if, the counts after are in words, as allowed/denied, or absent: never cut to a fragment', () => {
		const store = storeOf(labStages().flat());
		store.setWhatIf({baseline: labStagePolicies(1), candidate: labStagePolicies(2)});
		const lines = expectFits(render(columns, rows, {}, store), columns, rows);
		// The pane's rows: either the whole "after: N allowed, M denied", or none of it.
		const policyRows = lines.slice(lines.findIndex(line => /^[ ▸] POLICIES/.test(line)) + 1, -1).filter(line => line.trim() !== '');
		expect(policyRows.length).toBeGreaterThan(3);
		expect(policyRows.filter(line => /\s(a|af|aft|afte|after:? [^…]*)…\s*$/.test(line))).toEqual([]);
		if (columns >= 120) {
			expect(policyRows.every(line => /after(: [\d,]+ allowed, [\d,]+ denied| [\d,]+\/[\d,]+)\s*$/.test(line))).toBe(true);
		}
	});

	test('the drill-down names the policies that allowed the flow', () => {
		const sequence = [...lab.matches()].findLast(candidate => {
			const record = lab.record(candidate)!;
			return record.eventType === 5 && record.ingressAllowedBy.some(policy => policy.name === 'allow-frontend-l7');
		})!;
		const detail: FlowDetail = {
			sequence,
			record: lab.record(sequence),
			flow: lab.flow(sequence),
			attribution: lab.attribution(sequence),
			json: undefined,
		};
		const lines = expectFits(render(columns, rows, {mode: 'detail', detail}), columns, rows);
		expect(lines.join('\n')).toContain('Ingress allowed by allow-frontend-l7');
		expect(lines.join('\n')).toContain('kind CiliumNetworkPolicy');
	});

	test('help lists every key of the keymap in full, wrapped, and scrolls to the filter language', () => {
		const seen = new Set<string>();
		let scroll = 0;
		for (; scroll < 200; scroll++) {
			const lines = expectFits(render(columns, rows, {mode: 'help', detailScroll: scroll}), columns, rows).map(line => line.replaceAll(/\u001B\[[\d;]*m/g, '').trimEnd());
			expect(lines.slice(2, -1).join('\n')).not.toMatch(/…$/m);
			for (const line of lines.slice(3, -1)) {
				seen.add(line);
			}

			if (/; ↑↓ scroll, end\)|KEYS \(Esc or \? to go back\)$/m.test(lines.join('\n'))) {
				break;
			}
		}

		expect(scroll).toBeLessThan(200);
		// Every description whole, once its wrapped lines are joined again.
		const text = [...seen].join(' ').replaceAll(/\s+/g, ' ');
		for (const entry of helpEntries()) {
			expect(text).toContain(entry.description.replaceAll(/\s+/g, ' '));
		}

		expect(text).toContain('from-ns: to-ns:');
		expect(text).toContain('joined from its policy verdicts.');
	});

	test('the overview shows rates, drop reasons and ports', () => {
		const text = expectFits(render(columns, rows, {mode: 'overview'}), columns, rows).join('\n');
		expect(text).toContain('Drop reasons');
		expect(text).toContain('Policy denied');
		expect(text).toContain('80/TCP');
	});
});

describe('screens', () => {
	test('the header\'s second line drops its least telling words first: at 80 columns the what-if stays whole', () => {
		const store = storeOf(labStages().flat());
		store.setWhatIf({baseline: labStagePolicies(1), candidate: labStagePolicies(2)});
		const frame = {...frameFor(store, 80, 24), policyNote: 'policies: 1'};
		const secondAt = (columns: number) => visible(headerLines(frame, columns, false)[1]!).trimEnd();
		expect(secondAt(200)).toMatch(/^filter: \(none\) │ [\d,]+ shown │ LIVE │ counts since start │ policies: 1 │ what-if: [\d,]+ break, [\d,]+ fixed \(w\)$/);
		expect(secondAt(80)).toMatch(/^filter: \(none\) │ LIVE │ policies: 1 │ what-if: [\d,]+ break, [\d,]+ fixed \(w\)$/);
		// Narrower still: the policies' note goes next; the filter is cut rather than dropped.
		expect(secondAt(60)).toMatch(/^filter: \(none\) │ LIVE │ what-if: [\d,]+ break, [\d,]+ fixed \(w\)$/);
		expect(visible(headerLines({...frame, filterText: 'x'.repeat(100)}, 80, false)[1]!)).toMatch(/^filter: x+…$/);
	});

	test('the header of several relays shortens their segments before it loses lost events and the buffer', () => {
		const source = combineSourceStatuses(
			[
				{label: 'cluster1', state: 'connected', reconnects: 0, flowsPerSecond: 3, lost: 0, nodes: {connected: 2, unavailable: 0, total: 2}},
				{label: 'cluster2', state: 'connected', reconnects: 0, flowsPerSecond: 13, lost: 7, nodes: {connected: 2, unavailable: 0, total: 2}},
			],
			'',
			'demo: zero-trust stage 1/5 allow-all │ ',
		);
		const frame = {...frameFor(lab, 120, 40), source, lostEvents: 7};
		const headerAt = (columns: number) => visible(headerLines(frame, columns, false)[0]!);
		// Wide enough for every word.
		expect(headerAt(200)).toMatch(/^ztop │ demo: zero-trust stage 1\/5 allow-all │ cluster1 connected 2\/2 nodes 3\/s · cluster2 connected 2\/2 nodes 13\/s lost 7 │ connected │ nodes 4\/4 │ [\d,]+ flows\/s │ lost 7 │ buffer [\d,]+\/100,000\s*$/);
		// 120 columns: each segment as a state symbol, nodes and rate; nothing cut.
		expect(headerAt(120)).toMatch(/^ztop │ demo: zero-trust stage 1\/5 allow-all │ cluster1 ● 2\/2 3\/s · cluster2 ● 2\/2 13\/s │ .*lost 7 │ buffer [\d,]+\/100,000\s*$/);
		expect(headerAt(120)).not.toContain('…');
		// 80 columns: the stage and lost/buffer survive; the segments are cut before them.
		const narrow = headerAt(80);
		expect(stringWidth(narrow)).toBe(80);
		expect(narrow).toMatch(/^ztop │ demo: zero-trust stage 1\/5 .*│ lost 7 │ buffer [\d,]+\/100,000\s*$/);
	});

	test('below 80×24 a message replaces the layout, wrapped at words so that a narrow terminal shows all of it', () => {
		const output = render(79, 24);
		expect(output.split('\n')).toHaveLength(2);
		expect(output).toContain('Terminal too small');
		expect(output).toContain('79×24');
		const narrow = render(30, 10).split('\n');
		expect(narrow.length).toBeGreaterThan(2);
		expect(narrow.every(line => stringWidth(line) === 30)).toBe(true);
		expect(narrow.map(line => line.trim()).join(' ')).toBe('Terminal too small: ztop needs 80×24, this one is 30×10. Enlarge it, or q to quit.');
	});

	test('flows from two clusters get a CLUSTER column from 140 columns: where each was observed', () => {
		expect(lab.clusterCount).toBe(2);
		const wide = render(160, 40).split('\n');
		const rows = wide.filter(line => / → /.test(line));
		expect(rows.length).toBeGreaterThan(5);
		expect(rows.every(line => /^\S+\s+cluster[12]\s/.test(line.replaceAll(/\u001B\[[\d;]*m/g, '')))).toBe(true);
		const narrow = render(120, 40).split('\n').filter(line => / → /.test(line));
		expect(narrow.some(line => /\scluster[12]\s/.test(line.replaceAll(/\u001B\[[\d;]*m/g, '')))).toBe(false);
	});

	test('two relays whose node names name no cluster: the CLUSTER column and the drill-down give each relay\'s name, marked *', () => {
		const store = new FlowStore({capacity: 100});
		const east = store.addSource('east');
		const west = store.addSource('\u001B]0;west\u0007');
		const lists = new RecordLists();
		for (const [index, source] of [east, west, east].entries()) {
			const flow = makeFlow({node_name: 'worker-1', uuid: `u${index}`});
			store.push(toFlowRecord(response(flow), lists, dropReasonNames)!, undefined, source);
		}

		const rows = visible(render(160, 40, {}, store))
			.split('\n')
			.filter(line => / → /.test(line));
		// The hostile name is escaped, and cut to the column.
		expect(rows.map(line => /^\S+\s+(\S+)\s/.exec(line)?.[1])).toEqual(['east*', '^[]0;west…', 'east*']);
		const detail: FlowDetail = {sequence: 1, record: store.record(1), flow: undefined, attribution: undefined, json: undefined, sourceCluster: store.clusterOfFlow(1)};
		const text = render(160, 40, {mode: 'detail', detail}, store);
		expect(visible(text)).toContain('cluster ^[]0;west^G*: Hubble names no cluster for node worker-1; this is the name of the relay the flow came through');
		expect(text).not.toContain('\u001B]0;');
	});

	test('without colour, verdicts still read as words and no colour codes are written', () => {
		const output = render(120, 40, {color: false});
		expect(output).not.toMatch(/\u001B\[3[1-7]m/);
		expect(visible(output)).toMatch(/DROPPED|DENIED/);
		expect(visible(output)).toMatch(/FORWARDED|ALLOWED/);
	});

	test('the filter prompt shows the error under its position', () => {
		let message = '';
		let position = 0;
		try {
			parseFilterText('verdict:dropped port:99999');
		} catch (error) {
			({message, position} = error as {message: string; position: number});
		}

		const lines = expectFits(render(80, 24, {prompt: {text: 'verdict:dropped port:99999', error: {message, position}}}), 80, 24);
		expect(lines[2]).toContain('/ verdict:dropped port:99999');
		const caretLine = lines.at(-1)!;
		expect(caretLine.indexOf('^')).toBe(2 + 'verdict:dropped port:'.length);
		expect(caretLine).toContain('invalid --port value');
	});

	test('hostile names from the network are inert: escape sequences become visible stand-ins', () => {
		const store = new FlowStore({capacity: 100});
		const lists = new RecordLists();
		const hostile = makeFlow({
			source: {namespace: 'shop', pod_name: 'evil\u001B]0;pwned\u0007-pod', labels: []},
			destination_names: ['x\u001B]52;c;Y2xpcGJvYXJk\u0007.example.com'],
			destination: {identity: 2, labels: ['reserved:world']},
		});
		const request = makeHttpRequest({l7: {type: 'REQUEST', http: {method: 'GET', url: 'http://a/\u001B[2J\u009B31m'}}});
		for (const flow of [hostile, request]) {
			store.push(toFlowRecord(response(flow), lists, dropReasonNames)!);
		}

		const output = render(200, 60, {}, store);
		expect(output).not.toContain('\u001B]');
		expect(output).not.toContain('\u001B[2J');
		expect(output).not.toContain('\u009B');
		expect(output).not.toContain('\u0007');
		expect(visible(output)).toContain('evil^[]0;pwned^G-pod');
		expect(visible(output)).toContain('x^[]52;c;Y2xpcGJvYXJk^G.exa');
		expect(visible(output)).toContain('http://a/^[[2J\\u{9b}31m');
	});
});

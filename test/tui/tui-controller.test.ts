import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {TuiControllerImpl} from '../../src/tui/tui-controller.js';
import {loadPolicyText} from '../../src/policy/policy-documents.js';
import {PolicySet} from '../../src/policy/policy-evaluator.js';
import {loadPolicyFiles} from '../helpers/lab-policies.js';
import type {Frame, ViewState} from '../../src/store/frame.js';
import {decodeFullFlow} from '../../src/stream/flow-record-decoder.js';
import {parseResponseLine} from '../../src/stream/jsonpb-reader.js';
import {decodeFlowsResponse} from '../../src/stream/observer-client.js';
import {labStages, pushResponses} from '../helpers/lab-flows.js';
import {uuidText} from '../../src/flow/flow-uuid.js';

const view: ViewState = {
	flowRows: 10,
	scrollTop: undefined,
	policyRows: 5,
	sparklineWidth: 20,
	sinceMark: false,
	showOverview: false,
	filterText: '',
};

const stages = labStages();

function controllerWithLab(terminal: string[] = [], directory = tmpdir()) {
	const controller = new TuiControllerImpl({
		capacity: 10_000,
		fps: 10,
		color: false,
		decodeFlow: raw => decodeFullFlow(raw),
		jsonLine: raw => JSON.stringify(decodeFlowsResponse(raw)),
		writeTerminal: text => terminal.push(text),
		exportDirectory: directory,
		now: () => Date.parse('2026-11-22T10:05:00Z'),
	});
	pushResponses(controller.store, stages.slice(0, 4).flat());
	const frames: Frame[] = [];
	controller.onFrame(frame => frames.push(frame));
	controller.setView(view);
	return {controller, frames, latest: () => frames.at(-1)!};
}

describe('the TUI controller', () => {
	test('a key press gets a frame at once, not at the next tick', () => {
		const {controller, frames} = controllerWithLab();
		const before = frames.length;
		controller.setView({...view, flowRows: 5});
		expect(frames.length).toBe(before + 1);
		expect(frames.at(-1)!.rows).toHaveLength(5);
	});

	test('an invalid filter is refused with its position and the previous filter stays', () => {
		const {controller} = controllerWithLab();
		expect(controller.applyFilter('policy:allow-dns')).toBeUndefined();
		const count = controller.store.matchCount;
		expect(controller.applyFilter('policy:allow-dns port:99999')).toEqual({message: expect.stringContaining('--port'), position: 22});
		expect(controller.store.matchCount).toBe(count);
		expect(controller.store.filter.allowlist[0]?.policy).toEqual(['allow-dns']);
	});

	test('a paused view keeps its rows while flows arrive, and counts them', () => {
		const {controller, latest} = controllerWithLab();
		controller.pause();
		const rows = latest().rows.map(row => row.sequence);
		pushResponses(controller.store, stages[4]!);
		controller.setView(view);
		expect(latest().paused).toBe(true);
		expect(latest().rows.map(row => row.sequence)).toEqual(rows);
		expect(latest().newWhilePaused).toBe(stages[4]!.filter(response => response.flow).length);
		controller.resume();
		expect(latest().paused).toBe(false);
		expect(latest().rows.at(-1)!.sequence).toBe(controller.store.ring.end - 1);
	});

	test('a mark starts the since-mark counts and its age', () => {
		const {controller, latest} = controllerWithLab();
		controller.mark();
		controller.setView({...view, sinceMark: true});
		expect(latest().markAgeSeconds).toBe(0);
		expect(latest().policies).toEqual([]);
		pushResponses(controller.store, stages[4]!);
		controller.setView({...view, sinceMark: true, flowRows: 9});
		expect(latest().policies.map(row => row.name)).toContain('(default deny)');
	});

	test('export writes the view as jsonpb lines that read back as the same flows', () => {
		const directory = mkdtempSync(path.join(tmpdir(), 'ztop-export-test-'));
		const {controller} = controllerWithLab([], directory);
		controller.applyFilter('verdict:allowed type:policy-verdict');
		const message = controller.exportView();
		const file = /to (\S+\.json)/.exec(message)![1]!;
		expect(path.dirname(file)).toBe(directory);
		const lines = readFileSync(file, 'utf8').trim().split('\n');
		expect(lines).toHaveLength(controller.store.matchCount);
		const sequences = [...controller.store.matches()];
		for (const [index, line] of lines.entries()) {
			const flow = parseResponseLine(line).flow!;
			expect(flow.uuid).toBe(uuidText(controller.store.record(sequences[index]!)!));
			expect(flow.event_type?.type).toBe(5);
		}
	});

	test('flows/s counts arrivals by the clock, whatever the flows\' own timestamps say', () => {
		// The lab's flows are stamped 2026-11-22; they arrive years later, as a replayed capture's would.
		let clock = Date.parse('2030-01-01T00:00:00Z');
		const controller = new TuiControllerImpl({
			capacity: 10_000,
			fps: 10,
			color: false,
			decodeFlow: raw => decodeFullFlow(raw),
			jsonLine: raw => JSON.stringify(decodeFlowsResponse(raw)),
			writeTerminal: () => undefined,
			exportDirectory: tmpdir(),
			now: () => clock,
		});
		const frames: Frame[] = [];
		controller.onFrame(frame => frames.push(frame));
		controller.setView(view);
		const arrivals = stages[0]!.filter(response => response.flow);
		for (let second = 0; second < 3; second++) {
			clock += 1000;
			pushResponses(controller.store, arrivals);
			controller.setView({...view, flowRows: 10 + second});
		}

		expect(frames.at(-1)!.flowsPerSecond).toBeCloseTo(arrivals.length, 5);
	});

	test('copy writes the flow\'s JSON to the terminal as an OSC 52 clipboard write', () => {
		const terminal: string[] = [];
		const {controller} = controllerWithLab(terminal);
		const sequence = controller.store.ring.end - 1;
		expect(controller.copy(sequence)).toContain('OSC 52');
		const match = /^\u001B\]52;c;([A-Za-z\d+/=]+)\u0007$/.exec(terminal[0]!)!;
		const copied = JSON.parse(Buffer.from(match[1]!, 'base64').toString('utf8')) as {flow: {uuid: string}};
		expect(copied.flow.uuid).toBe(uuidText(controller.store.record(sequence)!));
		expect(controller.copy(-1)).toContain('no longer in the buffer');
	});

	test('a suggestion for the view: copied through OSC 52, written, and added to the what-if set', () => {
		const terminal: string[] = [];
		const directory = mkdtempSync(path.join(tmpdir(), 'ztop-controller-suggest-'));
		const {controller, latest} = controllerWithLab(terminal, directory);
		pushResponses(controller.store, stages[4]!);
		const baseline = loadPolicyFiles('zero-trust/stage5').policies;
		controller.setPolicies({baseline: new PolicySet(baseline), note: 'policies: 4'});
		expect(controller.addSuggestion()).toBe('no suggestion to add');
		// The (default deny) rows' flows: the view filtered to denied policy verdicts, as the App does for the row.
		expect(controller.applyFilter('type:policy-verdict verdict:denied')).toBeUndefined();
		const suggestion = controller.suggest(undefined);
		expect(suggestion.isProven).toBe(true);
		expect(suggestion.verdict).toMatch(/admits all \d+ denied connections; changes no other held flow/);
		expect(controller.copySuggestion()).toMatch(/^copied the suggestion/);
		const osc = terminal.at(-1)!;
		expect(osc.startsWith('\u001B]52;c;')).toBe(true);
		expect(Buffer.from(osc.slice(7, -1), 'base64').toString('utf8')).toBe(suggestion.yaml);
		const written = controller.writeSuggestion();
		const file = /to (\S+\.yaml)/.exec(written)![1]!;
		expect(loadPolicyText(readFileSync(file, 'utf8'), file).policies.length).toBeGreaterThan(0);
		expect(controller.addSuggestion()).toMatch(/^added ztop-allow-/);
		// The what-if now compares the baseline with the suggestion added: it only fixes.
		const whatIf = latest().whatIf!;
		expect(whatIf.fixes).toBeGreaterThan(0);
		expect(whatIf.breaks).toBe(0);
		expect(latest().policyNote).toContain('+ 1 suggested');
		// Read again (R): the addition stays.
		controller.setPolicies({baseline: new PolicySet(baseline), note: 'policies: 4'});
		expect(latest().whatIf!.fixes).toBe(whatIf.fixes);
	});

	test('rules deleted in the what-if set from the rules view: one rule, every unused one at once; port rules refused; kept when the policies are read again', () => {
		const {controller, latest} = controllerWithLab();
		const retired = loadPolicyText('apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: retired, namespace: shop}\nspec:\n  endpointSelector: {matchLabels: {app: retired}}\n  ingress: [{fromEndpoints: [{matchLabels: {app: frontend}}]}]\n', 'retired.yaml').policies;
		const baseline = [...loadPolicyFiles('zero-trust/stage5').policies, ...retired];
		controller.setPolicies({baseline: new PolicySet(baseline), note: 'policies: 5'});
		pushResponses(controller.store, stages[4]!);
		// Only allow-dns admits the DNS queries: deleting its rule breaks them.
		expect(controller.deleteRules(['shop/allow-dns egress[0]'])).toBe('deleted shop/allow-dns egress[0] in the what-if set (w: what it breaks or opens)');
		const whatIf = latest().whatIf!;
		expect(whatIf.breaks).toBeGreaterThan(0);
		expect(whatIf.title).toBe('the policies − 1 rule deleted');
		expect(latest().policyNote).toBe('policies: 5 − 1 rule deleted');
		expect(controller.deleteRules(['shop/allow-dns egress[0] toPorts[0]'])).toBe('cannot delete shop/allow-dns egress[0] toPorts[0]: a deletion names a whole rule (shop/allow-dns egress[0]), not one of its port or L7 rules');
		expect(controller.deleteRules(['shop/allow-dns egress[0]'])).toBe('already deleted in the what-if set: shop/allow-dns egress[0]');
		// retired's rule decided nothing of stage 5's flows; deleting it (its policy then empty, rejected) changes nothing more.
		const unused = controller.store.rules!.catalog.flatMap(policy => policy.rules).filter(rule => rule.level === 'entry' && controller.store.rules!.hits.of(rule.address) === undefined);
		expect(unused.map(rule => rule.address)).toContain('shop/retired ingress[0]');
		expect(controller.deleteUnusedRules()).toMatch(unused.length === 1 ? /^deleted shop\/retired ingress\[0\] in the what-if set/ : new RegExp(`^deleted ${unused.length} unused rules in the what-if set`));
		expect(latest().whatIf!.breaks).toBe(whatIf.breaks);
		expect(latest().policyNote).toBe(`policies: 5 − ${1 + unused.length} rules deleted`);
		// Read again (R): the deletions stay.
		controller.setPolicies({baseline: new PolicySet(baseline), note: 'policies: 5'});
		expect(latest().policyNote).toBe(`policies: 5 − ${1 + unused.length} rules deleted`);
		expect(latest().whatIf!.breaks).toBe(whatIf.breaks);
		// With a title of its own (the demo's next stage), the edits follow it as its set's.
		controller.setPolicies({baseline: new PolicySet(baseline), candidate: new PolicySet(baseline), note: 'policies: 5', whatIfTitle: 'what stage 1/5 would change, against stage 5/5'});
		expect(latest().whatIf!.title).toBe(`what stage 1/5 would change, against stage 5/5; its set − ${1 + unused.length} rules deleted`);
	});

	test('denied flows that the policies in force now allow (the demo back at stage 1): the suggestion says so', () => {
		const {controller} = controllerWithLab();
		pushResponses(controller.store, stages[4]!);
		controller.setPolicies({baseline: new PolicySet(loadPolicyFiles('zero-trust/stage1').policies), note: 'policies: 1'});
		expect(controller.applyFilter('type:policy-verdict verdict:denied')).toBeUndefined();
		const suggestion = controller.suggest(undefined);
		expect(suggestion.hasPolicies).toBe(false);
		expect(suggestion.verdict).toMatch(/^Nothing to suggest: [1-9]\d* connections were denied when observed, and the policies now allow them \(they changed since\)$/);
		expect(suggestion.yaml).toContain('allowed by the policies now');
	});
});

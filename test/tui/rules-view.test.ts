/**
The rules view (r) in a real terminal over the lab's capture with its stage 5 policies: every rule by
address with what it decided, the rejected default-deny, one policy's rules from the policies pane, and
Enter showing the flows a rule decided.
*/
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeAll, expect, test} from 'vitest';
import {labStages} from '../helpers/lab-flows.js';
import {policiesDirectory} from '../helpers/lab-policies.js';
import {TmuxTerminal} from '../helpers/tmux-terminal.js';

let terminal: TmuxTerminal | undefined;
let lab: string;

afterEach(() => {
	terminal?.kill();
	terminal = undefined;
});

beforeAll(() => {
	lab = path.join(mkdtempSync(path.join(tmpdir(), 'ztop-rules-view-')), 'lab.json');
	writeFileSync(lab, labStages().flat().filter(each => each.flow).map(each => JSON.stringify(each)).join('\n') + '\n');
});

const allowed = (screen: string, rule: RegExp) => Number(new RegExp(`^ *${rule.source} +([\\d,]+) `, 'm').exec(screen)?.[1]?.replaceAll(',', ''));

test('120×40: every rule with its counts, the rejected policy, one policy\'s rules, and a rule\'s flows', async () => {
	const tmux = (terminal = new TmuxTerminal(120, 40));
	tmux.start(['--input-file', lab, '--policies', path.join(policiesDirectory, 'zero-trust', 'stage5')]);
	await tmux.waitFor(text => /end of input/.test(text), 'the capture read');
	tmux.keys('r');
	let screen = await tmux.waitFor(text => /^RULES of all policies — \d+ rules/m.test(text), 'the rules view');
	expect(screen).toMatch(/^RULE +ALLOWED +DENIED +LAST +STATUS +TEXT/m);
	// The view's keys on its last line.
	expect(screen.trimEnd().split('\n').at(-1)).toMatch(/^Esc back {2}⏎ flows {2}d delete {2}D delete unused {2}w what-if/);
	expect(allowed(screen, /shop\/allow-frontend-l7 ingress\[0\]/)).toBeGreaterThan(0);
	// Port and L7 rules under their rule, by their own part.
	expect(screen).toMatch(/^shop\/allow-dns egress\[0\] .*\n {2}toPorts\[0\] .*\n {4}rules\.dns\[0\] +[1-9]/m);
	expect(allowed(screen, /rules\.http\[0\]/)).toBeGreaterThan(0);
	expect(screen).toMatch(/shop\/default-deny: rejected by Cilium \(rule must have at least one of Ingress/);

	// One policy's rules, from the policies pane. (Esc then another key at once would read as Alt+key: wait for the main screen.)
	tmux.keys('Escape');
	await tmux.waitFor(text => /^[ ▸] FLOWS/m.test(text), 'the main screen');
	// The pane lists the policies Hubble named (allow-all from the capture's earlier stages too): down to allow-frontend-l7.
	tmux.keys('Tab', 'r');
	for (let row = 0; row < 8; row++) {
		screen = await tmux.waitFor(text => /^RULES of /m.test(text), 'a policy\'s rules');
		if (/^RULES of shop\/allow-frontend-l7 — 3 rules/m.test(screen)) {
			break;
		}

		tmux.keys('Escape');
		await tmux.waitFor(text => /^[ ▸] FLOWS/m.test(text), 'the main screen');
		tmux.keys('Down', 'r');
	}

	expect(screen).toMatch(/^RULES of shop\/allow-frontend-l7 — 3 rules/m);
	expect(screen).toMatch(/^ingress\[0\] +[\d,]+ +[\d,]+ .*\n {2}toPorts\[0\] .*\n {4}rules\.http\[0\] /m);
	expect(screen).not.toMatch(/default-deny: rejected by Cilium/);
	tmux.keys('Escape');
	await tmux.waitFor(text => /^[ ▸] FLOWS/m.test(text), 'the main screen');

	// The flows allow-frontend-l7's rule decided: policy verdicts and requests at the backend's ingress.
	tmux.keys('Tab', 'r');
	screen = await tmux.waitFor(text => /^RULES of all policies/m.test(text), 'all rules again');
	const lines = screen.split('\n');
	const first = lines.findIndex(line => /^RULE +ALLOWED/.test(line)) + 1;
	const target = lines.findIndex(line => /^shop\/allow-frontend-l7 ingress\[0\] /.test(line));
	expect(target).toBeGreaterThan(first);
	// j moves down; several j read at once are taken one by one.
	tmux.type('j'.repeat(target - first));

	tmux.keys('Enter');
	screen = await tmux.waitFor(text => /^filter: the flows shop\/allow-frontend-l7 ingress\[0\] decided/m.test(text), 'the rule\'s flows');
	const flowRows = screen.split('\n').filter(line => / → /.test(line) && /\d\d:\d\d:\d\d/.test(line));
	expect(flowRows.length).toBeGreaterThan(3);
	expect(flowRows.every(line => /frontend +→ shop\/backend +(pv:\S+ in|http-request)/.test(line))).toBe(true);
	tmux.keys('Escape');
	await tmux.waitFor(text => /^filter: \(none\)/m.test(text), 'the selection cleared');

	// d deletes the selected rule in the what-if set; w shows what that breaks: the DNS queries only allow-dns admits.
	tmux.keys('r');
	screen = await tmux.waitFor(text => /^RULES of all policies/m.test(text), 'all rules again');
	const rows = screen.split('\n');
	tmux.type('j'.repeat(rows.findIndex(line => /^shop\/allow-dns egress\[0\] /.test(line)) - (rows.findIndex(line => /^RULE +ALLOWED/.test(line)) + 1)));
	tmux.keys('d');
	screen = await tmux.waitFor(text => text.includes('deleted shop/allow-dns egress[0] in the what-if set'), 'the deletion said');
	// The rule and its port and DNS rules read deleted; the others do not.
	expect(screen).toMatch(/^shop\/allow-dns egress\[0\] .* deleted .*\n {2}toPorts\[0\] .* deleted .*\n {4}rules\.dns\[0\] .* deleted /m);
	expect(screen.split('\n').filter(line => /^ *(shop\/|toPorts|rules\.)/.test(line) && / deleted /.test(line))).toHaveLength(3);
	tmux.keys('w');
	screen = await tmux.waitFor(text => /^WHAT-IF: the policies − 1 rule deleted/m.test(text) && /^breaks +[\d,]+ +shop\/frontend → kube-system\/kube-dn/m.test(text), 'the what-if of the deletion');
	expect(screen).toMatch(/ [1-9][\d,]* would change: [\d,]+ break, 0 fixed/);
	expect(screen).toMatch(/^policies: 4 \(1 rejected by Cilium\) − 1 rule deleted|│ policies: 4 \(1 rejected by Cilium\) − 1 rule deleted/m);
	const changes = screen.split('\n').filter(line => /^(breaks|fixes) /.test(line));
	expect(changes).toHaveLength(1);
	expect(changes[0]).toMatch(/^breaks +[\d,]+ +shop\/frontend → kube-system\/kube-dn/);

	// g goes to the first rule (not the hidden flows' cursor): Enter then filters by it.
	tmux.keys('Escape');
	await tmux.waitFor(text => /^[ ▸] FLOWS/m.test(text), 'the main screen');
	tmux.keys('r');
	screen = await tmux.waitFor(text => /^RULES of all policies/m.test(text), 'all rules again');
	const listed = screen.split('\n');
	const firstRule = listed[listed.findIndex(line => /^RULE +ALLOWED/.test(line)) + 1]!.split(/ {2,}/)[0]!.replace(/ …$/, '');
	tmux.type('jjj');
	tmux.keys('g', 'Enter');
	await tmux.waitFor(text => text.includes(`filter: the flows ${firstRule} decided`), 'the first rule\'s flows');
});

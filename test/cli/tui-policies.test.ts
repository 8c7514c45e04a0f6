/**
The TUI's policies (`--policies`, read again by `R`, every 30 s for `cluster`, and on each demo stage): a
re-read that meets a document that is not YAML at all keeps the policies read before and says why, instead
of losing the policies that document held.
*/
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {expect, test} from 'vitest';
import {tuiPolicies} from '../../src/cli/tui-command.js';
import type {TuiPolicies} from '../../src/cli/tui-controller.js';
import {policyKey} from '../../src/policy/policy-model.js';

const cnp = (name: string) => `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  endpointSelector: {}\n  ingress: [{}]\n`;
const bomb = (name: string) =>
	`apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: ${name}, namespace: shop}\nspec:\n${Array.from({length: 10}, (_, level) => `  a${level}: &a${level} [${Array.from({length: 10}, () => (level === 0 ? 'x' : `*a${level - 1}`)).join(', ')}]`).join('\n')}\n`;
const names = (policies: TuiPolicies | undefined) => policies?.baseline?.policies.map(policy => policyKey(policy.name)).sort();

test('a re-read meeting an alias bomb keeps the previous policies and says which file and document', async () => {
	const directory = mkdtempSync(path.join(tmpdir(), 'ztop-policies-'));
	const file = path.join(directory, 'policies.yaml');
	writeFileSync(file, [cnp('first'), cnp('second')].join('---\n'));
	const notices: string[] = [];
	let reloaded: TuiPolicies | undefined;
	const policies = await tuiPolicies({policies: [file]}, text => notices.push(text), next => (reloaded = next));
	expect(names(policies?.loaded)).toEqual(['shop/first', 'shop/second']);
	expect(notices).toEqual([]);

	// The second document turned into a bomb while being edited: it must not vanish from the evaluation.
	writeFileSync(file, [cnp('first'), bomb('second')].join('---\n'));
	const message = await policies!.reload();
	expect(message).toMatch(/^reading the policies again failed: .*policies\.yaml: document 2: not valid YAML or JSON \(Excessive alias count.*\); document skipped; the policies read before are kept$/);
	expect(names(reloaded)).toEqual(['shop/first', 'shop/second']);
	expect(reloaded?.note).toMatch(/reading them again failed/);

	// Mended: the re-read takes the file as it is now.
	writeFileSync(file, cnp('first'));
	expect(await policies!.reload()).toBe('policies read again: policies: 1');
	expect(names(reloaded)).toEqual(['shop/first']);
	policies!.stop();
});

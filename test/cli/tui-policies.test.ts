/**
The TUI's policies (`--policies`, read again by `R`, every 30 s for `cluster`, and on each demo stage): a
re-read that meets a document that is not YAML at all keeps the policies read before and says why, instead
of losing the policies that document held; the demo's own policies and next-stage what-if by default.
*/
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {expect, test} from 'vitest';
import {tuiPolicies} from '../../src/cli/tui-command.js';
import type {TuiPolicies} from '../../src/tui/tui-controller.js';
import {policyKey} from '../../src/policy/policy-model.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';

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

test('the demo opens with its stage\'s policies and, as the what-if, the next stage\'s; it follows the stage; --no-demo-policies leaves them out', async () => {
	let stage = 1;
	const scenario = zeroTrustScenario;
	const count = scenario.stages.length;
	const demo = {
		policies: () => scenario.policies!(stage - 1),
		stage: () => stage,
		next: () => ({policies: scenario.policies!(stage % count), title: `stage ${(stage % count) + 1} against stage ${stage}`}),
	};
	let reloaded: TuiPolicies | undefined;
	const policies = await tuiPolicies({}, () => undefined, next => (reloaded = next), demo);
	expect(names(policies?.loaded)).toEqual(['shop/allow-all']);
	expect(policies?.loaded.candidate?.policies.map(policy => policyKey(policy.name)).sort()).toEqual(['shop/allow-all', 'shop/allow-dns']);
	expect(policies?.loaded.whatIfTitle).toBe('stage 2 against stage 1');

	// The last stage's what-if is the first stage again: the lab loops.
	stage = 5;
	await policies!.reload();
	expect(names(reloaded)).toEqual(['shop/allow-dns', 'shop/allow-frontend-egress', 'shop/allow-frontend-l7', 'shop/default-deny']);
	expect(reloaded?.candidate?.policies.map(policy => policyKey(policy.name))).toEqual(['shop/allow-all']);
	expect(reloaded?.whatIfTitle).toBe('stage 1 against stage 5');
	policies!.stop();

	expect(await tuiPolicies({demoPolicies: false}, () => undefined, () => undefined, demo)).toBeUndefined();
	// Policy flags of the user's own replace the demo's defaults: no next-stage what-if then.
	const own = await tuiPolicies({policies: ['demo']}, () => undefined, () => undefined, demo);
	expect(own?.loaded.candidate).toBeUndefined();
	own!.stop();
});

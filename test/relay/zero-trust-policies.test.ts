import {readFileSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {zeroTrustPolicyFiles, zeroTrustStageFiles} from '../../src/relay/scenarios/zero-trust-policies.js';
import {zeroTrustScenario} from '../../src/relay/scenarios/zero-trust.js';
import {policiesDirectory} from '../helpers/lab-policies.js';

describe("the demo relay's lab policies", () => {
	test('are the lab\'s files, byte for byte, stage by stage', () => {
		for (const [index, files] of zeroTrustStageFiles.entries()) {
			const directory = path.join(policiesDirectory, 'zero-trust', `stage${index + 1}`);
			expect(readdirSync(directory).sort()).toEqual(files.map(file => `${file}.yaml`).sort());
			for (const file of files) {
				expect(zeroTrustPolicyFiles[file]).toBe(readFileSync(path.join(directory, `${file}.yaml`), 'utf8'));
			}
		}
	});

	test('--policies demo gives the stage\'s policies, the rejected default-deny included', () => {
		const stage5 = zeroTrustScenario.policies!(4);
		expect(stage5.policies.map(policy => policy.name.name).sort()).toEqual(['allow-dns', 'allow-frontend-egress', 'allow-frontend-l7', 'default-deny']);
		expect(stage5.policies.find(policy => policy.name.name === 'default-deny')!.rejected).toBeDefined();
	});
});

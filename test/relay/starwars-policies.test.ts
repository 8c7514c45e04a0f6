/**
The Star Wars demo's policies (`--demo starwars` with `--policies demo`): the L7 rule is the demo's file,
byte for byte, and ztop's evaluator, given each stage's policies, decides every policy verdict and HTTP
request of that stage as the demo (written by hand from Cilium's guide) says Cilium did, naming the same
policies.
*/
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {expect, test} from 'vitest';
import {dropReasonNames} from '../../src/flow/drop-reason.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {PolicySet} from '../../src/policy/policy-evaluator.js';
import {flowOf} from '../../src/relay/flow-builder.js';
import {SeededRandom} from '../../src/relay/random.js';
import {starWarsL7Policy} from '../../src/relay/scenarios/starwars-policies.js';
import {starWarsScenario} from '../../src/relay/scenarios/starwars.js';
import {response} from '../fixtures/flows.js';
import {policiesDirectory} from '../helpers/lab-policies.js';

test('the L7 policy is the demo\'s file; stage 1 has none, stages 2 and 3 rule1 in namespace default', () => {
	expect(starWarsL7Policy).toBe(readFileSync(path.join(policiesDirectory, 'examples', 'starwars.yaml'), 'utf8'));
	expect(starWarsScenario.policies!(0).policies).toEqual([]);
	for (const stage of [1, 2]) {
		const load = starWarsScenario.policies!(stage);
		expect(load.messages).toEqual([]);
		expect(load.policies.map(policy => `${policy.name.namespace}/${policy.name.name}`)).toEqual(['default/rule1']);
	}
});

test('every policy verdict and HTTP request of each stage is decided by the evaluator as the demo says', () => {
	const random = new SeededRandom(3);
	let port = 40_000;
	const lists = new RecordLists();
	const checked = {verdicts: 0, requests: 0, denied: 0};
	for (const [stage, name] of starWarsScenario.stages.entries()) {
		const set = new PolicySet(starWarsScenario.policies!(stage).policies);
		for (let round = 0; round < 20; round++) {
			for (const roundFlow of starWarsScenario.round({stage, random, ephemeralPort: () => port++})) {
				const flow = flowOf(roundFlow);
				const isVerdict = flow.event_type?.type === 5;
				const isRequest = flow.l7?.type === 'REQUEST' && flow.l7.http !== undefined;
				if (!isVerdict && !isRequest) {
					continue;
				}

				const record = toFlowRecord(response(flow), lists, dropReasonNames)!;
				const ingress = set.evaluate({record, fullFlow: () => flow}).ingress;
				const said = `${name}: ${flow.source?.pod_name} ${flow.l7?.http?.method ?? 'verdict'} ${flow.verdict}`;
				expect(flow.traffic_direction, said).toBe('INGRESS');
				const isAllowed = flow.verdict !== 'DROPPED';
				expect(ingress.verdict, said).toBe(isAllowed ? 'allowed' : 'denied');
				if (isVerdict) {
					checked.verdicts++;
					expect(ingress.proxy, said).toBe(flow.verdict === 'REDIRECTED');
					const names = [...(flow.ingress_allowed_by ?? []), ...(flow.ingress_denied_by ?? [])].map(policy => `${policy.namespace}/${policy.name}`);
					expect(ingress.named.map(policy => `${policy.namespace}/${policy.name}`), said).toEqual(names);
				} else {
					checked.requests++;
				}

				checked.denied += isAllowed ? 0 : 1;
			}
		}
	}

	// Stage 2 drops xwing's verdicts, stage 3 tiefighter's PUT /v1/exhaust-port: both kinds were checked.
	expect(checked.verdicts).toBeGreaterThan(10);
	expect(checked.requests).toBeGreaterThan(5);
	expect(checked.denied).toBeGreaterThan(5);
});

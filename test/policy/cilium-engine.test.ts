/**
ztop's evaluator against Cilium 1.17's own policy engine on 150 random policy sets × 360 lookups
(test/fixtures/cilium-engine, with provenance): the verdict, whether the connection is redirected to the
proxy, the match type of the winning key and the policies Hubble would name must all agree.
*/
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, test} from 'vitest';
import {dropReasonNames} from '../../src/flow/drop-reason.js';
import type {Endpoint, Flow} from '../../src/flow/flow.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {loadPolicyText} from '../../src/policy/policy-documents.js';
import {PolicySet, type DirectionEvaluation} from '../../src/policy/policy-evaluator.js';

type Identity = {id: number; labels: string[]; ip: string; namespace?: string; pod?: string};
type Fixture = {identities: Identity[]; subjects: number[]; lookups: Array<{protocol: 'TCP' | 'UDP'; port: number}>; sets: Array<{policies: string[]; answers: string}>};

const fixture = JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'cilium-engine', 'random-policy-sets.json'), 'utf8')) as Fixture;
const matchTypes = ['none', 'L3-Only', 'L3-L4', 'L4-Only', 'all', 'L3-Proto', 'Proto-Only'];
const lists = new RecordLists();
const endpoint = (identity: Identity): Endpoint => ({identity: identity.id, labels: identity.labels, ...(identity.pod ? {namespace: identity.namespace, pod_name: identity.pod} : {})});

/** ztop's answer in the fixture's notation. */
function code(result: DirectionEvaluation): string {
	if (result.verdict === 'not-enforced' || (result.verdict === 'allowed' && result.named.length === 0 && result.matchType === 1 && result.matched.length === 0)) {
		return 'n';
	}

	if (result.verdict === 'denied' && result.reason === 'default-deny') {
		return '-';
	}

	const kind = result.verdict === 'denied' ? 'd' : result.proxy ? 'r' : 'a';
	return `${kind}:${matchTypes[result.matchType]}:${result.named.map(name => name.name).sort().join(',')}`;
}

describe("the evaluator agrees with Cilium 1.17's policy engine", () => {
	test('on 150 random policy sets: verdict, proxy redirect, match type and names, lookup by lookup', () => {
		let compared = 0;
		for (const [setIndex, set] of fixture.sets.entries()) {
			const policies = set.policies.flatMap((yaml, index) => loadPolicyText(yaml, `p${index}`, 'shop').policies);
			const policySet = new PolicySet(policies);
			const answers = set.answers.split(' ');
			let index = 0;
			const mismatches: string[] = [];
			for (const subjectId of fixture.subjects) {
				const subject = fixture.identities.find(identity => identity.id === subjectId)!;
				for (const peer of fixture.identities) {
					for (const lookup of fixture.lookups) {
						for (const isIngress of [true, false]) {
							const expected = answers[index++]!;
							if (expected === '?') {
								continue;
							}

							const [source, destination] = isIngress ? [peer, subject] : [subject, peer];
							const ports = {source_port: 40_000, destination_port: lookup.port};
							const flow: Flow = {
								IP: {source: source.ip, destination: destination.ip, ipVersion: 'IPv4'},
								l4: lookup.protocol === 'TCP' ? {TCP: ports} : {UDP: ports},
								source: endpoint(source),
								destination: endpoint(destination),
								is_reply: false,
								event_type: {type: 4},
							};
							const result = policySet.evaluate({record: toFlowRecord({flow}, lists, dropReasonNames)!})[isIngress ? 'ingress' : 'egress'];
							compared++;
							if (code(result) !== expected) {
								mismatches.push(`${subject.labels[0]} ${isIngress ? 'ingress from' : 'egress to'} ${peer.labels[0]} ${lookup.protocol}/${lookup.port}: Cilium ${expected}, ztop ${code(result)}`);
							}
						}
					}
				}
			}

			expect(mismatches, `set ${setIndex}:\n${set.policies.join('---\n')}`).toEqual([]);
		}

		expect(compared).toBeGreaterThan(50_000);
	}, 60_000);
});

/**
Each cluster's own policies: every direction of a flow is judged by the set of its subject's cluster (the
destination for ingress, the source for egress), exactly as that set alone would judge it; a cluster whose
policies were not read gives `unknown`, never another cluster's answer.
*/
import {describe, expect, test} from 'vitest';
import {ClusterPolicySets} from '../../src/policy/cluster-policy-sets.js';
import {PolicySet} from '../../src/policy/policy-evaluator.js';
import {candidatePolicies} from '../../src/policy/what-if.js';
import {labStages} from '../helpers/lab-flows.js';
import {evaluationInput, loadPolicyFiles} from '../helpers/lab-policies.js';

const stage5 = loadPolicyFiles('zero-trust/stage5').policies;
const stage1 = loadPolicyFiles('zero-trust/stage1').policies;
const labFlows = labStages()
	.flat()
	.flatMap(response => (response.flow ? [response.flow] : []));
/** The lab's flows run within a cluster; the same flows with their destination moved to the other cluster cross it. */
const crossing = labFlows
	.filter(flow => flow.destination?.cluster_name === 'cluster1' && flow.source?.cluster_name === 'cluster1')
	.map(flow => ({
		...flow,
		destination: {
			...flow.destination,
			cluster_name: 'cluster2',
			labels: (flow.destination!.labels ?? []).map(label => label.replace('policy.cluster=cluster1', 'policy.cluster=cluster2')),
		},
	}));
const flows = [...labFlows, ...crossing];

describe('policies per cluster', () => {
	test('each direction is evaluated with its subject cluster\'s set, as that set alone would', () => {
		const sets = new ClusterPolicySets(
			new Map([
				['cluster1', stage5],
				['cluster2', stage1],
			]),
		);
		const alone = {cluster1: new PolicySet(stage5), cluster2: new PolicySet(stage1)};
		const seen = new Set<string>();
		for (const flow of flows) {
			const input = evaluationInput(flow);
			const evaluation = sets.evaluate(input);
			for (const [direction, subject] of [
				['ingress', input.record.destinationClusterName],
				['egress', input.record.sourceClusterName],
			] as const) {
				if (subject === 'cluster1' || subject === 'cluster2') {
					expect(evaluation[direction]).toEqual(alone[subject].evaluate(input)[direction]);
					seen.add(`${direction} ${subject} ${evaluation[direction].verdict}`);
				}
			}
		}

		// Both clusters' sets were used, and they answer differently (stage 5 denies what allow-all admits).
		expect(seen).toContain('egress cluster1 denied');
		expect(seen).toContain('egress cluster2 allowed');
		expect([...seen].some(entry => entry.startsWith('ingress cluster2'))).toBe(true);
		// Flows crossing from cluster1 to cluster2, where the two sets answer differently: egress by cluster1's, ingress by cluster2's.
		const differing = crossing.filter(flow => {
			const input = evaluationInput(flow);
			return JSON.stringify(alone.cluster1.evaluate(input)) !== JSON.stringify(alone.cluster2.evaluate(input));
		});
		expect(differing.length).toBeGreaterThan(0);
		for (const flow of differing) {
			const input = evaluationInput(flow);
			expect(sets.evaluate(input)).toEqual({ingress: alone.cluster2.evaluate(input).ingress, egress: alone.cluster1.evaluate(input).egress});
		}
	});

	test('a subject in a cluster whose policies were not read is unknown, with the reason', () => {
		const sets = new ClusterPolicySets(new Map([['cluster1', stage5]]));
		const flow = flows.find(each => each.source?.cluster_name === 'cluster2' && each.source.pod_name)!;
		const evaluation = sets.evaluate(evaluationInput(flow));
		expect(evaluation.egress.verdict).toBe('unknown');
		expect(evaluation.egress.unknownBecause).toBe('the policies of cluster cluster2 were not read (--policies cluster read cluster1)');
	});

	test('a what-if changes every cluster\'s set the same way; the union stands for the whole', () => {
		const sets = new ClusterPolicySets(
			new Map([
				['cluster1', stage5],
				['cluster2', stage1],
			]),
		);
		const stage4 = loadPolicyFiles('zero-trust/stage4').policies;
		const changed = sets.map(policies => candidatePolicies(policies, stage4, []));
		expect(changed).toBeInstanceOf(ClusterPolicySets);
		expect((changed as ClusterPolicySets).byCluster.get('cluster2')).toEqual(candidatePolicies(stage1, stage4, []));
		expect(sets.policies).toEqual([...stage5, ...stage1]);
	});
});

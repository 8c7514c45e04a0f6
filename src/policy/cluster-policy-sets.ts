/**
The policies of several clusters at once (`--policies cluster` with several `--kube-context`): Cilium applies
a cluster's policies to that cluster's own endpoints only (each cluster's agents import the policies of their
own Kubernetes API server; Cluster Mesh shares identities, not policies, and peers of other clusters are
matched by their labels, cilium-policy.md §3), so each
direction of a flow is evaluated with the set of its subject's cluster: the destination for ingress, the
source for egress, by Hubble's endpoint `cluster_name` (else the cluster of the node that observed the flow).
A subject in a cluster whose policies were not read is `unknown`, never judged by another cluster's set.
*/
import type {LoadedPolicy} from './policy-model.js';
import {emptyEvaluation, PolicySet, type DirectionEvaluation, type EvaluationInput, type FlowEvaluation} from './policy-evaluator.js';

export class ClusterPolicySets extends PolicySet {
	readonly sets: ReadonlyMap<string, PolicySet>;

	/** @param byCluster Each cluster's policies, by its Cilium cluster name. */
	constructor(readonly byCluster: ReadonlyMap<string, readonly LoadedPolicy[]>) {
		// The union stands for the whole where one list is asked for (counts, suggestions).
		super([...byCluster.values()].flat());
		this.sets = new Map([...byCluster].map(([cluster, policies]) => [cluster, new PolicySet(policies)]));
	}

	/** Every cluster's policies changed the same way (a file applied with kubectl to each cluster). */
	override map(change: (policies: readonly LoadedPolicy[]) => LoadedPolicy[]): ClusterPolicySets {
		return new ClusterPolicySets(new Map([...this.byCluster].map(([cluster, policies]) => [cluster, change(policies)])));
	}

	override evaluate(input: EvaluationInput): FlowEvaluation {
		const {record} = input;
		const nodeCluster = record.nodeName.includes('/') ? record.nodeName.slice(0, record.nodeName.indexOf('/')) : '';
		const ingressCluster = record.destinationClusterName || nodeCluster;
		const egressCluster = record.sourceClusterName || nodeCluster;
		const ingressSet = this.sets.get(ingressCluster);
		const egressSet = this.sets.get(egressCluster);
		const ingressEvaluation = ingressSet?.evaluate(input);
		const egressEvaluation = egressSet === ingressSet ? ingressEvaluation : egressSet?.evaluate(input);
		return {
			ingress: ingressEvaluation?.ingress ?? this.unread(ingressCluster),
			egress: egressEvaluation?.egress ?? this.unread(egressCluster),
		};
	}

	private unread(cluster: string): DirectionEvaluation {
		const known = [...this.sets.keys()].join(', ');
		return emptyEvaluation('unknown', {
			unknownBecause:
				cluster === ''
					? `Hubble names no cluster for the endpoint, so ztop cannot tell which cluster's policies (${known}) apply`
					: `the policies of cluster ${cluster} were not read (--policies cluster read ${known})`,
		});
	}
}

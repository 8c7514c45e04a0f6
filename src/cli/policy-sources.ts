/**
Where policies come from (the edge: files and kubectl; src/policy only parses): `--policies PATH` for files
and directories of YAML/JSON (a directory's *.yaml, *.yml and *.json files, not its subdirectories, as
`kubectl apply -f DIR` reads them), `--policies cluster` for what is applied now (`kubectl get
cnp,ccnp,netpol -A -o json`, with --kube-context/--kubeconfig), `--policies demo` for the demo's current
stage. Notes about the files go to `notice` (with the message they format, when they come from a file),
each through the one escaping function.
*/
import {readFileSync, readdirSync, statSync} from 'node:fs';
import path from 'node:path';
import {formatPolicyMessage, loadPolicyText, mergePolicies, type PolicyLoad, type PolicyMessage} from '../policy/policy-documents.js';
import {ClusterPolicySets} from '../policy/cluster-policy-sets.js';
import {PolicySet} from '../policy/policy-evaluator.js';
import {policyKey, type LoadedPolicy} from '../policy/policy-model.js';
import {candidatePolicies, WhatIfError} from '../policy/what-if.js';
import {KubectlError, runKubectl, unreachableAdvice} from '../stream/kubectl-command.js';
import {RunError, UsageError} from './usage-error.js';

type Flags = Record<string, unknown>;

export type PolicyNotice = (text: string, message?: PolicyMessage) => void;

const policyExtensions = new Set(['.yaml', '.yml', '.json']);

/** The policy files a path stands for, in name order for a directory. */
function policyFiles(source: string): string[] {
	let info;
	try {
		info = statSync(source);
	} catch (error) {
		throw new RunError(`cannot read policies from ${source}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`);
	}

	if (!info.isDirectory()) {
		return [source];
	}

	const files = readdirSync(source)
		.filter(name => policyExtensions.has(path.extname(name).toLowerCase()))
		.sort()
		.map(name => path.join(source, name));
	if (files.length === 0) {
		throw new RunError(`no policy files (*.yaml, *.yml, *.json) in ${source}`);
	}

	return files;
}

export function loadPolicyFile(file: string): PolicyLoad {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		throw new RunError(`cannot read ${file}: ${(error as Error).message}`);
	}

	return loadPolicyText(text, file);
}

/** `kubectl get` of every policy kind, as JSON; the cluster without Cilium's CRDs still gives its NetworkPolicies. */
export async function loadClusterPolicies(flags: Flags): Promise<PolicyLoad> {
	const common = [
		...(typeof flags['kubeContext'] === 'string' ? ['--context', flags['kubeContext']] : []),
		...(typeof flags['kubeconfig'] === 'string' ? ['--kubeconfig', flags['kubeconfig']] : []),
	];
	const kinds = ['ciliumnetworkpolicies.cilium.io', 'ciliumclusterwidenetworkpolicies.cilium.io', 'networkpolicies.networking.k8s.io'];
	const output = await runKubectl([...common, 'get', kinds.join(','), '--all-namespaces', '--output', 'json']).catch((error: unknown) => {
		throw clusterReadError(error);
	});
	return loadPolicyText(output, 'cluster');
}

/**
The Cilium cluster name of a kube context (cilium-config's `cluster-name`, which Hubble reports as each
endpoint's `cluster_name` and in node names): the key a flow's subject finds its cluster's policies by.
*/
export async function ciliumClusterName(flags: Flags, context: string): Promise<string> {
	const output = await runKubectl([
		'--context',
		context,
		...(typeof flags['kubeconfig'] === 'string' ? ['--kubeconfig', flags['kubeconfig']] : []),
		'get',
		'configmap',
		'cilium-config',
		'--namespace',
		(flags['kubeNamespace'] as string | undefined) ?? 'kube-system',
		'--output',
		'jsonpath={.data.cluster-name}',
	]).catch((error: unknown) => {
		const reason = clusterReadError(error);
		throw new RunError(`--kube-context ${context}: cannot read Cilium's cluster name (configmap cilium-config): ${(reason as Error).message}`);
	});
	// Cilium's default when the key is absent.
	return output.trim() || 'default';
}

/** kubectl's failure in --policies cluster's words. */
function clusterReadError(error: unknown): unknown {
	if (!(error instanceof KubectlError)) {
		return error;
	}

	switch (error.failure) {
		case 'missing': {
			return new RunError('--policies cluster needs kubectl, and it is not on PATH; or pass policy files: --policies DIR');
		}

		case 'no-resource-type': {
			return new RunError(`the cluster has no Cilium policy CRDs (is Cilium installed?) [${error.detail}]`);
		}

		case 'unreachable': {
			return new RunError(unreachableAdvice(error.detail));
		}

		default: {
			return new RunError(`cannot read the cluster's policies: ${error.message}`);
		}
	}
}

export type PolicySources = {
	/** The cluster as it is (`--policies`), or undefined without the flag. */
	baseline?: LoadedPolicy[];
	/**
	With `--policies cluster` and several --kube-context: each cluster's own policies, by Cilium cluster
	name (other --policies sources are in every cluster's); `baseline` is then all of them.
	*/
	clusters?: Map<string, LoadedPolicy[]>;
	/** `--what-if-apply` files. */
	apply: LoadedPolicy[];
	deletions: string[];
	hasWhatIf: boolean;
};

/**
Reads --policies, --what-if-apply and --what-if-delete. `demoPolicies` gives the demo's current stage for
`--policies demo`. Notes (skipped kinds, unknown fields, rejected policies) go to `notice`.
*/
export async function readPolicySources(flags: Flags, notice: PolicyNotice, demoPolicies?: () => PolicyLoad): Promise<PolicySources> {
	const list = (name: string) => (flags[name] as string[] | undefined) ?? [];
	const sources = list('policies');
	const applies = list('whatIfApply');
	const deletions = list('whatIfDelete');
	const loads: PolicyLoad[] = [];
	const contexts = (flags['kubeContexts'] as string[] | undefined) ?? [];
	const clusterLoads = new Map<string, {context: string; load: PolicyLoad}>();
	for (const source of sources) {
		if (source === 'cluster' && contexts.length > 1) {
			for (const context of contexts) {
				const policies = loadClusterPolicies({...flags, kubeContext: context}).catch((error: unknown) => {
					throw error instanceof RunError ? new RunError(`--kube-context ${context}: ${error.message}`) : error;
				});
				const [name, load] = await Promise.all([ciliumClusterName(flags, context), policies]);
				const same = clusterLoads.get(name);
				if (same) {
					throw new RunError(
						`--kube-context ${same.context} and ${context} are both Cilium cluster ${JSON.stringify(name)}: ztop tells clusters' flows apart by that name, so it cannot keep their policies apart; give each cluster's policies as files instead`,
					);
				}

				clusterLoads.set(name, {context, load});
			}
		} else if (source === 'cluster') {
			loads.push(await loadClusterPolicies(flags));
		} else if (source === 'demo') {
			if (!demoPolicies) {
				throw new UsageError('--policies demo reads the current stage of the demo\'s policies; it goes with the TUI on ztop --demo [SCENARIO], which reads them by default (for -o outputs give the policy files instead)');
			}

			loads.push(demoPolicies());
		} else {
			loads.push(...policyFiles(source).map(file => loadPolicyFile(file)));
		}
	}

	if (clusterLoads.size > 0) {
		// Each cluster: what kubectl returned there, then the other sources, as if applied to every cluster.
		const clusters = new Map([...clusterLoads].map(([name, {load}]) => [name, report(mergePolicies([load, ...loads]), (text, message) => notice(`cluster ${name}: ${text}`, message))]));
		const apply = report(mergePolicies(applies.flatMap(source => policyFiles(source).map(file => loadPolicyFile(file)))), notice);
		return {baseline: [...clusters.values()].flat(), clusters, apply, deletions, hasWhatIf: applies.length > 0 || deletions.length > 0};
	}

	const baseline = sources.length > 0 ? report(mergePolicies(loads), notice) : undefined;
	const apply = report(mergePolicies(applies.flatMap(source => policyFiles(source).map(file => loadPolicyFile(file)))), notice);
	return {...(baseline ? {baseline} : {}), apply, deletions, hasWhatIf: applies.length > 0 || deletions.length > 0};
}

function report(load: PolicyLoad, notice: PolicyNotice): LoadedPolicy[] {
	for (const message of load.messages) {
		notice(formatPolicyMessage(message), message);
	}

	for (const policy of load.policies) {
		if (policy.rejected !== undefined) {
			notice(`${policy.origin.file}: document ${policy.origin.document}: ${policy.name.kind} ${policyKey(policy.name)} is rejected by Cilium (${policy.rejected}); the agent ignores it, and so does ztop`);
		}
	}

	return load.policies;
}

/**
The sets to evaluate with: the baseline (what is in force) and, with --what-if-*, the candidate. With each
cluster's own policies (several --kube-context) both are per cluster: --what-if-apply files go to every
cluster, a --what-if-delete to the clusters that have that policy (an error when none has it).
*/
export function policySets(sources: PolicySources): {baseline?: PolicySet; candidate?: PolicySet} {
	try {
		if (sources.clusters) {
			const baseline = new ClusterPolicySets(sources.clusters);
			for (const reference of sources.deletions) {
				if (![...sources.clusters.values()].some(policies => deletes(policies, reference))) {
					// Said in the words of the whole set: which policies there are.
					candidatePolicies(baseline.policies, [], [reference]);
				}
			}

			const candidate = sources.hasWhatIf
				? baseline.map(policies => candidatePolicies(policies, sources.apply, sources.deletions.filter(reference => deletes(policies, reference))))
				: undefined;
			return {baseline, ...(candidate ? {candidate} : {})};
		}

		const candidate = sources.hasWhatIf ? new PolicySet(candidatePolicies(sources.baseline ?? [], sources.apply, sources.deletions)) : undefined;
		return {...(sources.baseline ? {baseline: new PolicySet(sources.baseline)} : {}), ...(candidate ? {candidate} : {})};
	} catch (error) {
		throw error instanceof WhatIfError ? new UsageError(error.message) : error;
	}
}

/** Whether `--what-if-delete reference` names a policy of `policies`. */
function deletes(policies: readonly LoadedPolicy[], reference: string): boolean {
	try {
		candidatePolicies(policies, [], [reference]);
		return true;
	} catch (error) {
		if (error instanceof WhatIfError) {
			return false;
		}

		throw error;
	}
}

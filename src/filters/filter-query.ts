/**
The one filter AST of ztop: hubble's allowlist and denylist of FlowFilters (what the flags build, and what
a server receives), where a filter may also carry two fields only ztop evaluates: policies by name and the
bare words of the TUI's filter prompt. The TUI's `/` filters are evaluated by the store only; the
command line's filters, which never carry these fields, are what a server receives.
*/
import type {FlowFilter} from '../flow/flow.js';
import {FilterError} from './filter-error.js';

export type LocalFlowFilter = FlowFilter & {
	/** Policies (`name` or `namespace/name`) in any of the flow's allowed-by or denied-by lists. */
	policy?: string[];
	/** Bare words, matched fuzzily against the values the store has seen (pods, labels, policies, names…). */
	text?: string[];
};

export type FilterQuery = {allowlist: LocalFlowFilter[]; denylist: LocalFlowFilter[]};

/** The part of a filter hubble's flow filter evaluates (everything but ztop's own fields). */
export function flowFilterPart(filter: LocalFlowFilter): FlowFilter {
	const {policy, text, ...rest} = filter;
	return rest;
}

export type PolicyName = {namespace: string; name: string};

/** Policy values: `name` matches that name in any namespace, `namespace/name` only there. */
export function policyMatcher<Item>(values: string[], read: (item: Item) => PolicyName): (item: Item) => boolean {
	const wanted = values.map(value => {
		if (value === '') {
			throw new FilterError('invalid policy filter: the policy name must not be empty');
		}

		const slash = value.indexOf('/');
		return slash === -1 ? {namespace: undefined, name: value} : {namespace: value.slice(0, slash), name: value.slice(slash + 1)};
	});
	return item => {
		const policy = read(item);
		return wanted.some(candidate => candidate.name === policy.name && (candidate.namespace === undefined || candidate.namespace === policy.namespace));
	};
}

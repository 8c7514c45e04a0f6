/**
The one filter AST of ztop: hubble's allowlist and denylist of FlowFilters (what the flags build, and what
a server receives), where a filter may also carry two fields only ztop evaluates: policies by name and the
bare words of the TUI's filter prompt. Both are local: they are removed before filters go to a server.
*/
import type {FlowFilter} from '../flow/flow.js';
import {FilterError} from './filter-error.js';
import type {FilterLists} from './observe-flags.js';

export type LocalFlowFilter = FlowFilter & {
	/** Policies (`name` or `namespace/name`) in any of the flow's allowed-by or denied-by lists. */
	policy?: string[];
	/** Bare words, matched fuzzily against the values the store has seen (pods, labels, policies, names…). */
	text?: string[];
};

export type FilterQuery = {allowlist: LocalFlowFilter[]; denylist: LocalFlowFilter[]};

export const localFields = ['policy', 'text'] as const;

function hasLocalField(filter: LocalFlowFilter): boolean {
	return localFields.some(field => (filter[field]?.length ?? 0) > 0);
}

function withoutLocalFields(filter: LocalFlowFilter): FlowFilter {
	const {policy, text, ...rest} = filter;
	return rest;
}

/**
What a server can be asked for: allowlist filters lose their local fields (the server then sends a superset
that ztop narrows), while a denylist filter with a local field is not sent at all (the server would
otherwise drop flows the full filter keeps).
*/
export function serverFilterLists(query: FilterQuery): FilterLists {
	const allowlist = query.allowlist.map(filter => withoutLocalFields(filter));
	return {
		// A filter left empty matches everything, and so does an empty allowlist.
		allowlist: allowlist.some(filter => Object.keys(filter).length === 0) ? [] : allowlist,
		denylist: query.denylist.filter(filter => !hasLocalField(filter)),
	};
}

/** Whether the query has a filter only ztop can evaluate. */
export function hasLocalFilters(query: FilterQuery): boolean {
	return [...query.allowlist, ...query.denylist].some(filter => hasLocalField(filter));
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

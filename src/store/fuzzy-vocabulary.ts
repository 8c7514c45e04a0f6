/**
Bare words of the filter prompt, matched with fuse.js against the vocabulary: the distinct pods,
workloads, labels, policies, DNS names and URLs the ring holds, read from the index keys (a few thousand
values, never every flow). A word becomes one clause: an OR of exact-key terms over the dimensions where
its matches live, resolved through the indexes like any other filter.
*/
import Fuse from 'fuse.js';
import type {WorkloadRecord} from '../flow/flow-record.js';
import type {DimensionName, FlowIndexes, IndexKey} from './flow-indexes.js';
import type {Term, TextResolver} from './flow-query.js';

type Facet = 'pod' | 'workload' | 'label' | 'policy' | 'dns' | 'url';

type Entry = {facet: Facet; value: string};

/** At most this many vocabulary matches per word (the best first), so a vague word stays a filter. */
const maximumMatches = 50;

/** How much worse than the best match a match may score (fuse.js scores: 0 exact … 1 nothing alike). */
const scoreMargin = 0.05;

function policyValue(key: string): string {
	// INGRESS|allowed|namespace/name → namespace/name
	return key.slice(key.indexOf('|', key.indexOf('|') + 1) + 1);
}

/**
A resolver for bare words over the indexes' vocabulary. The vocabulary and its fuse.js index are read on
the first word only, so a filter without words costs nothing here.
*/
export function fuzzyTextResolver(indexes: FlowIndexes): TextResolver {
	let fuse: Fuse<Entry> | undefined;
	return word => {
		fuse ??= new Fuse(vocabulary(indexes), {keys: ['value'], threshold: 0.3, ignoreLocation: true, includeScore: true});
		const results = fuse.search(word, {limit: maximumMatches});
		// Keep the best matches only: a word found exactly in a policy name should not also pull in every
		// pod that shares half of it, while a typo still finds its closest values.
		const best = results[0]?.score ?? 0;
		return termsFor(results.filter(result => (result.score ?? 0) <= best + scoreMargin).map(result => result.item));
	};
}

/** The distinct values of the indexes, by facet. */
function vocabulary(indexes: FlowIndexes): Entry[] {
	const values = new Map<string, Entry>();
	const add = (facet: Facet, value: string) => {
		if (value !== '') {
			values.set(`${facet}\u0000${value}`, {facet, value});
		}
	};

	for (const dimension of ['sourcePod', 'destinationPod'] as const) {
		for (const key of indexes.keys(dimension)) {
			add('pod', key as string);
		}
	}

	for (const dimension of ['sourceWorkloads', 'destinationWorkloads'] as const) {
		for (const key of indexes.keys(dimension)) {
			for (const workload of key as readonly WorkloadRecord[]) {
				add('workload', workload.name);
			}
		}
	}

	for (const dimension of ['sourceLabels', 'destinationLabels'] as const) {
		for (const key of indexes.keys(dimension)) {
			for (const label of key as readonly string[]) {
				add('label', label);
			}
		}
	}

	for (const key of indexes.keys('policy')) {
		add('policy', policyValue(key as string));
	}

	for (const dimension of ['sourceNames', 'destinationNames'] as const) {
		for (const key of indexes.keys(dimension)) {
			for (const name of key as readonly string[]) {
				add('dns', name);
			}
		}
	}

	for (const key of indexes.keys('dnsQuery')) {
		add('dns', key as string);
	}

	for (const key of indexes.keys('httpUrl')) {
		add('url', key as string);
	}

	return [...values.values()];
}

function termsFor(matches: Entry[]): Term[] {
	const byFacet = new Map<Facet, Set<string>>();
	for (const {facet, value} of matches) {
		let set = byFacet.get(facet);
		if (!set) {
			set = new Set();
			byFacet.set(facet, set);
		}

		set.add(value);
	}

	const terms: Term[] = [];
	const add = (dimensions: DimensionName[], accepts: (key: IndexKey) => boolean) => {
		for (const dimension of dimensions) {
			terms.push({dimension, accepts});
		}
	};

	for (const [facet, set] of byFacet) {
		switch (facet) {
			case 'pod': {
				add(['sourcePod', 'destinationPod'], key => set.has(key as string));
				break;
			}

			case 'workload': {
				add(['sourceWorkloads', 'destinationWorkloads'], key =>
					(key as readonly WorkloadRecord[]).some(workload => set.has(workload.name)),
				);
				break;
			}

			case 'label': {
				add(['sourceLabels', 'destinationLabels'], key => (key as readonly string[]).some(label => set.has(label)));
				break;
			}

			case 'policy': {
				add(['policy'], key => set.has(policyValue(key as string)));
				break;
			}

			case 'dns': {
				add(['sourceNames', 'destinationNames'], key => (key as readonly string[]).some(name => set.has(name)));
				add(['dnsQuery'], key => set.has(key as string));
				break;
			}

			case 'url': {
				add(['httpUrl'], key => set.has(key as string));
				break;
			}
		}
	}

	return terms;
}

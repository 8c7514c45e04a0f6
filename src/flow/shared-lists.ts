/**
One shared, frozen array per distinct list of values (an endpoint's labels, workloads, DNS names): a
stream repeats the same few hundred label sets for every flow, so records point at one copy each,
and the store can index flows by label set rather than by each label.
*/
export class SharedLists<Item> {
	private readonly lists = new Map<string, readonly Item[]>();

	constructor(
		private readonly keyOf: (item: Item) => string,
		private readonly maximumLists = 65_536,
	) {}

	share(items: readonly Item[]): readonly Item[] {
		if (items.length === 0) {
			return emptyList as readonly Item[];
		}

		const key = items.map(item => this.keyOf(item)).join('\u0000');
		let shared = this.lists.get(key);
		if (!shared) {
			if (this.lists.size >= this.maximumLists) {
				this.lists.clear();
			}

			shared = Object.freeze([...items]);
			this.lists.set(key, shared);
		}

		return shared;
	}
}

export const emptyList: readonly never[] = Object.freeze([]);

/**
Strings made once per pair of keys and kept: names and keys that the hot path needs for every flow (a
tally row's key, a port's name) would otherwise be new garbage each time. The first key's map may be a
WeakMap, so entries keyed by objects go with them. For keys that come and go (pods), `maximumPerFirst`
bounds each first key's strings: past it they are made again, not kept.
*/
type ByFirst<First, Second> = {get(key: First): Map<Second, string> | undefined; set(key: First, value: Map<Second, string>): unknown};

export class StringCache<First, Second> {
	constructor(
		private readonly make: (first: First, second: Second) => string,
		private readonly byFirst: ByFirst<First, Second> = new Map<First, Map<Second, string>>(),
		private readonly maximumPerFirst = Number.POSITIVE_INFINITY,
	) {}

	get(first: First, second: Second): string {
		let bySecond = this.byFirst.get(first);
		if (!bySecond) {
			bySecond = new Map();
			this.byFirst.set(first, bySecond);
		}

		let text = bySecond.get(second);
		if (text === undefined) {
			if (bySecond.size >= this.maximumPerFirst) {
				bySecond.clear();
			}

			text = this.make(first, second);
			bySecond.set(second, text);
		}

		return text;
	}
}

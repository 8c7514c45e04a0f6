/**
Tuples of values that travel together and repeat from flow to flow — an endpoint's namespace, pod,
cluster, labels and workloads; a flow's four policy lists — kept once, so the ring stores one reference per
tuple instead of one per field (8 bytes a field a slot: at 100,000 slots, 800 KB per column). The values
are already shared by the decoder (interned strings and lists), so a tuple is found by comparing them by
identity among the few candidates under a key the caller picks (a value that tells tuples apart: a pod's
name, else its labels); a value that is not shared only costs a new tuple. Tuples are never changed, and forgotten (not freed: slots may still hold them) when a key has more
candidates than it keeps.
*/
import {RecentMap} from '../flow/recent-map.js';

const candidatesPerKey = 8;

export class SharedTuples<Tuple extends readonly unknown[]> {
	private readonly byKey: RecentMap<unknown, Tuple[]>;

	constructor(keys = 16_384) {
		this.byKey = new RecentMap(keys);
	}

	/** The shared tuple equal (value by value, by identity) to `values`, looked for under `key`. */
	share(key: unknown, values: Tuple): Tuple {
		const candidates = this.byKey.get(key);
		if (candidates) {
			for (const candidate of candidates) {
				if (sameValues(candidate, values)) {
					return candidate;
				}
			}
		}

		const tuple = Object.freeze([...values]) as unknown as Tuple;
		if (candidates) {
			candidates.push(tuple);
			if (candidates.length > candidatesPerKey) {
				candidates.shift();
			}
		} else {
			this.byKey.set(key, [tuple]);
		}

		return tuple;
	}
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
	for (let index = 0; index < a.length; index++) {
		if (a[index] !== b[index]) {
			return false;
		}
	}

	return true;
}

/**
A small number per object, the same for the same object while it lives: cache keys made of objects'
identities without their contents (endpoint facts and name lists in the evaluator, workloads in the demo's
flow builder).
*/
const ids = new WeakMap<object, number>();
let nextId = 1;

export function objectId(value: object): number {
	let id = ids.get(value);
	if (id === undefined) {
		id = nextId++;
		ids.set(value, id);
	}

	return id;
}

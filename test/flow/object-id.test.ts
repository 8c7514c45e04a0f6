import {expect, test} from 'vitest';
import {objectId} from '../../src/flow/object-id.js';

test('an object keeps its number; another object gets another', () => {
	const a = {name: 'a'};
	const twin = {name: 'a'};
	expect(objectId(a)).toBe(objectId(a));
	expect(objectId(twin)).not.toBe(objectId(a));
	expect(objectId([])).not.toBe(objectId([]));
});

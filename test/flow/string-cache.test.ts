import {describe, expect, test} from 'vitest';
import {StringCache} from '../../src/flow/string-cache.js';

describe('strings made once per pair of keys', () => {
	test('each pair is made once; other pairs get their own string', () => {
		const made: string[] = [];
		const names = new StringCache<string, number>((protocol, port) => {
			made.push(`${port}/${protocol}`);
			return `${port}/${protocol}`;
		});
		expect(names.get('TCP', 80)).toBe('80/TCP');
		expect(names.get('TCP', 80)).toBe('80/TCP');
		expect(names.get('UDP', 80)).toBe('80/UDP');
		expect(names.get('TCP', 443)).toBe('443/TCP');
		expect(made).toEqual(['80/TCP', '80/UDP', '443/TCP']);
	});

	test('keyed by objects through a WeakMap: by identity, not by contents', () => {
		const keys = new StringCache<{name: string}, string>((policy, direction) => `${direction} ${policy.name}`, new WeakMap());
		const policy = {name: 'allow-dns'};
		expect(keys.get(policy, 'EGRESS')).toBe('EGRESS allow-dns');
		policy.name = 'renamed';
		expect(keys.get(policy, 'EGRESS')).toBe('EGRESS allow-dns');
		expect(keys.get({name: 'renamed'}, 'EGRESS')).toBe('EGRESS renamed');
	});
});

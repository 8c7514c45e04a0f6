import {describe, expect, test} from 'vitest';
import {FilterError} from '../../src/filters/filter-error.js';
import {FilterSyntaxError, parseFilterText, tokenize} from '../../src/filters/filter-language.js';
import {buildFilterLists} from '../../src/filters/observe-flags.js';

function syntaxError(text: string): FilterSyntaxError {
	try {
		parseFilterText(text);
	} catch (error) {
		if (error instanceof FilterSyntaxError) {
			return error;
		}

		throw error;
	}

	throw new Error(`${JSON.stringify(text)} parsed without an error`);
}

describe('the TUI filter language', () => {
	test('hubble flags pasted verbatim mean what they mean on the command line', () => {
		expect(parseFilterText('--from-label app=frontend --verdict DROPPED')).toEqual(
			buildFilterLists([
				{name: 'from-label', value: 'app=frontend'},
				{name: 'verdict', value: 'DROPPED'},
			]),
		);
		expect(parseFilterText('-n shop --not --type=trace -t l7')).toEqual(
			buildFilterLists([
				{name: 'namespace', value: 'shop'},
				{name: 'not'},
				{name: 'type', value: 'trace'},
				{name: 'type', value: 'l7'},
			]),
		);
	});

	test('short forms stand for the same flags', () => {
		const shortForm = parseFilterText('from:app=frontend to:shop/backend verdict:dropped port:80 dir:ingress type:policy-verdict !ns:kube-system');
		const flags = buildFilterLists([
			{name: 'from-label', value: 'app=frontend'},
			{name: 'to-pod', value: 'shop/backend'},
			{name: 'verdict', value: 'dropped'},
			{name: 'port', value: '80'},
			{name: 'traffic-direction', value: 'ingress'},
			{name: 'type', value: 'policy-verdict'},
			{name: 'not'},
			{name: 'namespace', value: 'kube-system'},
		]);
		expect(shortForm).toEqual(flags);
		// hubble's --not --namespace denies the namespace on either side: two denylist filters.
		expect(shortForm.denylist).toEqual([{source_pod: ['kube-system/']}, {destination_pod: ['kube-system/']}]);
	});

	test('from-ns: and to-ns: stand for hubble\'s --from-namespace and --to-namespace', () => {
		expect(parseFilterText('to-ns:kube-system from-ns:shop')).toEqual(buildFilterLists([
			{name: 'to-namespace', value: 'kube-system'},
			{name: 'from-namespace', value: 'shop'},
		]));
		expect(parseFilterText('to-ns:kube-system').allowlist).toEqual([{destination_pod: ['kube-system/']}]);
	});

	test('from: and to: read IPs and CIDRs as addresses, anything with = or : as a label, the rest as a pod', () => {
		expect(parseFilterText('from:10.0.0.0/8 to:fd00::1').allowlist).toEqual([{source_ip: ['10.0.0.0/8'], destination_ip: ['fd00::1']}]);
		expect(parseFilterText('to:reserved:world').allowlist).toEqual([{destination_label: ['reserved:world']}]);
		expect(parseFilterText('from:frontend').allowlist).toEqual([{source_pod: ['frontend']}]);
	});

	test('verdict:allowed and verdict:denied are the verdict groups the policies pane counts', () => {
		expect(parseFilterText('verdict:allowed').allowlist).toEqual([{verdict: ['FORWARDED', 'REDIRECTED']}]);
		expect(parseFilterText('!verdict:denied').denylist).toEqual([{verdict: ['DROPPED', 'ERROR']}]);
	});

	test('policy:, dns:, reply: and bare words are ztop\'s own fields, ANDed into every allowlist filter', () => {
		const query = parseFilterText('--pod shop/frontend policy:allow-dns dns:example backend !noise reply:false');
		expect(query.allowlist).toEqual([
			{source_pod: ['shop/frontend'], policy: ['allow-dns'], dns_query: ['example'], text: ['backend'], reply: [false]},
			{destination_pod: ['shop/frontend'], policy: ['allow-dns'], dns_query: ['example'], text: ['backend'], reply: [false]},
		]);
		expect(query.denylist).toEqual([{text: ['noise']}]);
	});

	test('a word with an unknown key, like a URL, is a fuzzy word; quotes keep spaces', () => {
		expect(parseFilterText('http://backend/get').allowlist).toEqual([{text: ['http://backend/get']}]);
		expect(parseFilterText('policy:"allow all"').allowlist).toEqual([{policy: ['allow all']}]);
		expect(tokenize(' a  "b c"d ')).toEqual([
			{text: 'a', position: 1},
			{text: 'b cd', position: 4},
		]);
	});

	test('empty text is the empty query', () => {
		expect(parseFilterText('   ')).toEqual({allowlist: [], denylist: []});
	});

	test.each([
		['verdict:dropped port:99999', 'invalid --port value "99999"', 21],
		['from:app=frontend verdict:maybe', 'invalid --verdict value "maybe"', 26],
		['--from-pod shop/a -n shop', '--from-pod cannot be combined', 18],
		['--frobnicate x', 'unknown filter flag --frobnicate', 0],
		['ns:shop --verdict', '--verdict needs a value', 17],
		['ns:shop !', '! must be followed by a filter', 8],
		['ns:shop --not', '--not (or !) must be followed by a filter', 8],
		['reply:maybe', 'reply: is true or false', 6],
		['dns:"(a"', 'invalid dns query regular expression', 4],
		['policy:"a', 'unterminated " quote', 7],
		['port:', 'port: needs a value', 5],
	])('%j fails at its position with a clear message', (text, message, position) => {
		const error = syntaxError(text);
		expect(error).toBeInstanceOf(FilterError);
		expect(error.message).toContain(message);
		expect(error.position).toBe(position);
	});
});

import {describe, expect, test} from 'vitest';
import {dropReasonNames} from '../../src/flow/drop-reason.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {flowTypeText} from '../../src/printer/flow-columns.js';
import {parseResponseLine} from '../../src/stream/jsonpb-reader.js';
import {computeLayout} from '../../src/views/layout.js';
import {attributionText, endpointText, fit, sparkline, typeText, typeTextFor} from '../../src/views/flow-text.js';
import {makeFlow, makePolicy, makePolicyVerdict, response, world} from '../fixtures/flows.js';
import {captureLines, captureNames} from '../helpers/real-flows.js';

const lists = new RecordLists();
const recordOf = (flow: Parameters<typeof response>[0]) => toFlowRecord(response(flow), lists, dropReasonNames)!;

describe('flows-pane text', () => {
	test('the TYPE of a record is hubble\'s TYPE column for every real capture flow (DNS without its observation source)', () => {
		let checked = 0;
		for (const name of captureNames) {
			for (const line of captureLines(name)) {
				const item = parseResponseLine(line);
				if (!item.flow) {
					continue;
				}

				const expected = flowTypeText(item.flow).replace(/^(dns-\w+) .*$/, '$1');
				expect(typeText(toFlowRecord(item, lists, dropReasonNames)!)).toBe(expected);
				checked++;
			}
		}

		expect(checked).toBeGreaterThan(800);
	});

	test('narrow TYPE columns shorten policy-verdict: to pv:', () => {
		const record = recordOf(makePolicyVerdict({traffic_direction: 'EGRESS', policy_match_type: 2}));
		expect(typeTextFor(record, 27)).toBe('policy-verdict:L3-L4 EGRESS');
		expect(typeTextFor(record, 16)).toBe('pv:L3-L4 EGRESS');
	});

	test('endpoints read as namespace/pod:port, or DNS name, or reserved identity and IP', () => {
		const flow = makeFlow({destination: world, IP: {source: '10.0.1.10', destination: '1.1.1.1'}});
		expect(endpointText(recordOf(flow), 'source')).toBe('shop/frontend-79f5dbfc6c-d6gb7:43512');
		expect(endpointText(recordOf(flow), 'destination')).toBe('world 1.1.1.1:80');
		expect(endpointText(recordOf({...flow, destination_names: ['example.com.']}), 'destination')).toBe('example.com:80');
		// Too narrow for the pod: its workload.
		expect(endpointText(recordOf(flow), 'source', 20)).toBe('shop/frontend:43512');
		expect(endpointText(recordOf(flow), 'source', 14)).toBe('shop/frontend');
	});

	test('attribution reads per side, with (default deny) for a denial without a policy', () => {
		expect(
			attributionText({
				ingress: {verdict: 5, policies: [{name: 'allow-frontend-l7', namespace: 'shop', kind: 'CiliumNetworkPolicy'}], isAllowed: true, policyMatchType: 2},
				egress: {verdict: 2, policies: [], isAllowed: false, policyMatchType: 0},
			}),
		).toBe('in allow-frontend-l7 · out (default deny)');
		expect(attributionText(undefined)).toBe('');
		expect(makePolicy('x').name).toBe('x');
	});

	test('fit pads and cuts to the exact width; sparklines scale to the maximum', () => {
		expect(fit('abc', 5)).toBe('abc  ');
		expect(fit('abcdef', 4)).toBe('abc…');
		expect(sparkline([0, 1, 2, 4])).toBe(' ▂▄█');
	});

	test.each([80, 100, 120, 160, 200])('flow columns add up to at most %i columns', columns => {
		const {flowColumns: widths} = computeLayout(columns, 40);
		const total = widths.time + widths.source + widths.destination + widths.type + widths.verdict + widths.policies + widths.summary + 8 + (widths.summary > 0 ? 1 : 0);
		expect(total).toBeLessThanOrEqual(columns);
		expect(widths.source).toBeGreaterThanOrEqual(12);
	});
});

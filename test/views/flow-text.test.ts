import {describe, expect, test} from 'vitest';
import {dropReasonNames} from '../../src/flow/drop-reason.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {flowTypeText} from '../../src/printer/flow-columns.js';
import {parseResponseLine} from '../../src/stream/jsonpb-reader.js';
import {computeLayout} from '../../src/views/layout.js';
import {attributionText, endpointText, policyCellText, sparkline, typeText, typeTextFor} from '../../src/views/flow-text.js';
import {fit} from '../../src/views/terminal-text.js';
import {makeFlow, makeHttpRequest, makePolicy, makePolicyVerdict, response, world} from '../fixtures/flows.js';
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

	test('narrow TYPE columns shorten policy-verdict:L3-L4 EGRESS to pv:L3-L4 out', () => {
		const record = recordOf(makePolicyVerdict({traffic_direction: 'EGRESS', policy_match_type: 2}));
		expect(typeTextFor(record, 27)).toBe('policy-verdict:L3-L4 EGRESS');
		expect(typeTextFor(record, 13)).toBe('pv:L3-L4 out');
		expect(typeTextFor(recordOf(makePolicyVerdict({traffic_direction: 'INGRESS', policy_match_type: 4})), 13)).toBe('pv:all in');
	});

	test('endpoints read as namespace/pod:port, or DNS name, or reserved identity and IP', () => {
		const flow = makeFlow({destination: world, IP: {source: '10.0.1.10', destination: '1.1.1.1'}});
		expect(endpointText(recordOf(flow), 'source')).toBe('shop/frontend-79f5dbfc6c-d6gb7:43512');
		expect(endpointText(recordOf(flow), 'destination')).toBe('world 1.1.1.1:80');
		expect(endpointText(recordOf({...flow, destination_names: ['example.com.']}), 'destination')).toBe('example.com:80');
		// Too narrow for the pod: its workload.
		expect(endpointText(recordOf(flow), 'source', 20)).toBe('shop/frontend:43512');
		expect(endpointText(recordOf(flow), 'source', 14)).toBe('shop/frontend');
		// Hubble before 1.16 names no workloads: the pod name less its hash stands in, then alone (a long
		// namespace left only "istio-system…").
		const prometheus = {...flow.source!, namespace: 'istio-system', pod_name: 'prometheus-6655946b9f-6xcpf', workloads: []};
		expect(endpointText(recordOf({...flow, source: prometheus}), 'source', 24)).toBe('istio-system/prometheus');
		expect(endpointText(recordOf({...flow, source: prometheus}), 'source', 13)).toBe('prometheus');
		expect(endpointText(recordOf({...flow, source: prometheus}), 'source')).toBe('istio-system/prometheus-6655946b9f-6xcpf:43512');
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

	describe('the POLICIES cell: the deciding policy first, whole', () => {
		const l7 = {name: 'allow-frontend-l7', namespace: 'shop', kind: 'CiliumNetworkPolicy'};
		const egress = {name: 'allow-frontend-egress', namespace: 'shop', kind: 'CiliumNetworkPolicy'};
		const connection = {
			ingress: {verdict: 5, policies: [l7], isAllowed: true, policyMatchType: 2},
			egress: {verdict: 1, policies: [egress], isAllowed: true, policyMatchType: 2},
		};

		test('a policy verdict names its own policies first, the other side after it', () => {
			const verdict = recordOf(
				makePolicyVerdict({traffic_direction: 'EGRESS', verdict: 'FORWARDED', egress_allowed_by: [makePolicy('allow-frontend-egress')]}),
			);
			expect(policyCellText(verdict, connection, 'deciding')).toBe('allow-frontend-egress');
			expect(policyCellText(verdict, connection, 'both')).toBe('out allow-frontend-egress · in allow-frontend-l7');
			expect(policyCellText(verdict, undefined, 'both')).toBe('out allow-frontend-egress');
		});

		test('a default-deny verdict names no policy and says so', () => {
			const denied = recordOf(makePolicyVerdict({traffic_direction: 'EGRESS', verdict: 'DROPPED', policy_match_type: 0}));
			expect(policyCellText(denied, undefined, 'deciding')).toBe('(default deny)');
		});

		test('other rows take the side of their traffic direction from the connection', () => {
			const request = recordOf(makeHttpRequest({traffic_direction: 'INGRESS'}));
			expect(policyCellText(request, connection, 'deciding')).toBe('allow-frontend-l7');
			expect(policyCellText(request, connection, 'both')).toBe('in allow-frontend-l7 · out allow-frontend-egress');
			const denied = {...connection, egress: {verdict: 2, policies: [], isAllowed: false, policyMatchType: 0}};
			const trace = recordOf(makeFlow({traffic_direction: 'TRAFFIC_DIRECTION_UNKNOWN'}));
			expect(policyCellText(trace, denied, 'deciding')).toBe('(default deny)');
			expect(policyCellText(trace, undefined, 'deciding')).toBe('');
		});
	});

	test('fit pads and cuts to the exact width; sparklines scale to the maximum', () => {
		expect(fit('abc', 5)).toBe('abc  ');
		expect(fit('abcdef', 4)).toBe('abc…');
		expect(sparkline([0, 1, 2, 4])).toBe(' ▂▄█');
	});

	test.each([80, 90, 100, 119, 120, 139, 140, 160, 180, 200, 300].flatMap(columns => [[columns, 1], [columns, 2]]))('flow columns at %i columns, %i clusters: they fit, and the policy column comes first', (columns, clusters) => {
		const {flowColumns: widths, policyForm} = computeLayout(columns, 40, undefined, clusters);
		// A CLUSTER column only when flows come from more than one cluster, and only where POLICIES keeps its room.
		expect(widths.cluster > 0).toBe(clusters > 1 && columns >= 140);
		const separators = (widths.time > 0 ? 1 : 0) + (widths.cluster > 0 ? 1 : 0) + ' → '.length + 3 + (widths.summary > 0 ? 1 : 0);
		const total = widths.time + widths.cluster + widths.source + widths.destination + widths.type + widths.verdict + widths.policies + widths.summary + separators;
		expect(total).toBe(columns);
		// Room for a workload and its port (`frontend:8080`) at the least.
		expect(widths.source).toBeGreaterThanOrEqual(12);
		// A 25-character policy name (allow-frontend-to-backend) reads whole; from 120 columns both sides of the connection do.
		expect(widths.policies).toBeGreaterThanOrEqual('allow-frontend-to-backend'.length);
		expect(policyForm).toBe(columns >= 120 ? 'both' : 'deciding');
		if (policyForm === 'both') {
			// Two names of 24 characters, and the lab's longest pair (stage 3's frontend → backend).
			expect(widths.policies).toBeGreaterThanOrEqual(`in ${'a'.repeat(24)} · out ${'b'.repeat(24)}`.length);
			expect(widths.policies).toBeGreaterThanOrEqual('in allow-frontend-to-backend · out allow-frontend-egress'.length);
		}
	});

	test('the policies pane takes only the rows it has, and the flows pane the rest', () => {
		const few = computeLayout(120, 40, 3);
		const many = computeLayout(120, 40, 50);
		expect(few.policyRows).toBe(3);
		expect(many.policyRows).toBe(many.policyRowLimit);
		expect(few.flowRows + few.policyRows).toBe(many.flowRows + many.policyRows);
		expect(computeLayout(120, 40, 0).policyRows).toBe(1);
	});
});

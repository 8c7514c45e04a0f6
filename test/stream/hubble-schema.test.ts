import {describe, expect, test} from 'vitest';
import {hubbleSchema, loadObserverPackageDefinition} from '../../src/stream/hubble-schema.js';

type DescriptorField = {name: string; number: number};
type MessageDefinition = {type: {field: DescriptorField[]}};

describe('the protos ztop speaks', () => {
	const definition = loadObserverPackageDefinition();
	const fieldNumbers = (message: string) =>
		Object.fromEntries((definition[message] as unknown as MessageDefinition).type.field.map(field => [field.name, field.number]));

	test('@grpc/proto-loader loads the Observer service with Hubble\'s RPC paths', () => {
		const service = definition['observer.Observer'] as unknown as Record<string, {path: string; responseStream: boolean}>;
		expect(service['GetFlows']).toMatchObject({path: '/observer.Observer/GetFlows', responseStream: true});
		expect(service['ServerStatus']).toMatchObject({path: '/observer.Observer/ServerStatus', responseStream: false});
		expect(service['GetNodes']?.path).toBe('/observer.Observer/GetNodes');
		expect(service['GetNamespaces']?.path).toBe('/observer.Observer/GetNamespaces');
	});

	test('policy attribution fields carry Hubble\'s numbers', () => {
		expect(fieldNumbers('flow.Flow')).toMatchObject({
			egress_allowed_by: 21_001,
			ingress_allowed_by: 21_002,
			egress_denied_by: 21_004,
			ingress_denied_by: 21_005,
			policy_log: 21_006,
			Summary: 100_000,
			is_reply: 26,
			uuid: 34,
			traffic_direction: 22,
			policy_match_type: 23,
			drop_reason_desc: 25,
		});
		expect(fieldNumbers('flow.Policy')).toEqual({name: 1, namespace: 2, labels: 3, revision: 4, kind: 5});
	});

	test('GetFlowsRequest and GetFlowsResponse match hubble-api.md §1.2-1.3', () => {
		expect(fieldNumbers('observer.GetFlowsRequest')).toMatchObject({
			number: 1, first: 9, follow: 3, blacklist: 5, whitelist: 6, since: 7, until: 8, field_mask: 10,
		});
		expect(fieldNumbers('observer.GetFlowsResponse')).toEqual({flow: 1, node_status: 2, lost_events: 3, node_name: 1000, time: 1001});
	});

	test('enums keep Hubble\'s values', () => {
		const {root} = hubbleSchema();
		expect(root.lookupEnum('flow.Verdict').values).toMatchObject({FORWARDED: 1, DROPPED: 2, AUDIT: 4, REDIRECTED: 5, TRANSLATED: 7});
		expect(root.lookupEnum('flow.TraceObservationPoint').values['TO_ENDPOINT']).toBe(101);
		expect(root.lookupEnum('flow.DropReason').values).toMatchObject({POLICY_DENIED: 133, POLICY_DENY: 181});
		expect(root.lookupEnum('flow.LostEventSource').values['HUBBLE_RING_BUFFER']).toBe(3);
		expect(root.lookupEnum('relay.NodeState').values).toMatchObject({NODE_CONNECTED: 1, NODE_ERROR: 4});
	});

	test('a flow survives a binary round trip through the loaded schema', () => {
		const {flow} = hubbleSchema();
		const message = flow.fromObject({
			verdict: 'DROPPED',
			drop_reason_desc: 'POLICY_DENY',
			ingress_denied_by: [{name: 'deny-world', namespace: 'shop', revision: 7}],
			is_reply: {value: false},
		});
		const decoded = flow.toObject(flow.decode(flow.encode(message).finish()), {enums: String, longs: String});
		expect(decoded).toMatchObject({verdict: 'DROPPED', drop_reason_desc: 'POLICY_DENY', ingress_denied_by: [{name: 'deny-world', revision: '7'}]});
	});
});

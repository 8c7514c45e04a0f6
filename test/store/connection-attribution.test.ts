import {describe, expect, test} from 'vitest';
import {newFlowRecord, type FlowRecord, type PolicyRecord} from '../../src/flow/flow-record.js';
import {ConnectionAttributions} from '../../src/store/connection-attribution.js';

type Connection = {protocol: string; sourceIp: string; sourcePort: number; destinationIp: string; destinationPort: number};

const policy = (name: string): readonly PolicyRecord[] => [{name, namespace: 'shop', kind: 'CiliumNetworkPolicy'}];

/** A trace event of the connection, or with `allowedBy` an ingress policy verdict that forwarded it. */
function record(connection: Connection, options: {isReply?: boolean; allowedBy?: readonly PolicyRecord[]} = {}): FlowRecord {
	const flow = newFlowRecord();
	const {protocol, sourceIp, sourcePort, destinationIp, destinationPort} = connection;
	Object.assign(
		flow,
		options.isReply
			? {protocol, sourceIp: destinationIp, sourcePort: destinationPort, destinationIp: sourceIp, destinationPort: sourcePort, isReply: 1}
			: {protocol, sourceIp, sourcePort, destinationIp, destinationPort, isReply: 0},
	);
	if (options.allowedBy) {
		Object.assign(flow, {eventType: 5, trafficDirection: 1, verdict: 1, ingressAllowedBy: options.allowedBy});
	} else {
		flow.eventType = 4;
	}

	return flow;
}

const web: Connection = {protocol: 'TCP', sourceIp: '10.0.1.15', sourcePort: 40_112, destinationIp: '10.0.2.7', destinationPort: 80};

describe('connection attribution', () => {
	test('a verdict shows on the connection\'s flows both ways, also on those that came before it', () => {
		const attributions = new ConnectionAttributions();
		const early = attributions.attribute(record(web))!;
		expect(early.ingress).toBeUndefined();
		attributions.attribute(record(web, {allowedBy: policy('allow-web')}));
		expect(early.ingress?.policies.map(item => item.name)).toEqual(['allow-web']);
		expect(attributions.attribute(record(web, {isReply: true}))).toBe(early);
	});

	test('connections whose verdicts are alike share one frozen side: no object per connection and verdict', () => {
		const attributions = new ConnectionAttributions();
		const allowed = policy('allow-web');
		const first = attributions.attribute(record(web, {allowedBy: allowed}))!;
		const second = attributions.attribute(record({...web, sourcePort: 40_113}, {allowedBy: allowed}))!;
		expect(second).not.toBe(first);
		expect(second.ingress).toBe(first.ingress);
		expect(first.ingress).toEqual({verdict: 1, policies: allowed, isAllowed: true, policyMatchType: 0});
		expect(Object.isFrozen(first.ingress)).toBe(true);
		// Another list, or another verdict, is another side.
		expect(attributions.attribute(record({...web, sourcePort: 40_114}, {allowedBy: policy('other')}))!.ingress).not.toBe(first.ingress);
	});

	test('another port, address or protocol is another connection', () => {
		const attributions = new ConnectionAttributions();
		const attribution = attributions.attribute(record(web, {allowedBy: policy('allow-web')}));
		for (const other of [
			{...web, sourcePort: 40_113},
			{...web, destinationPort: 8080},
			{...web, destinationIp: '10.0.2.8'},
			{...web, protocol: 'UDP'},
			// The same numbers with source and destination ports swapped between the addresses.
			{...web, sourcePort: 80, destinationPort: 40_112},
		]) {
			expect(attributions.attribute(record(other))).not.toBe(attribution);
		}

		expect(attributions.attribute({...record(web), sourceIp: ''})).toBeUndefined();
	});

	test('bounded memory never joins a flow to another connection\'s verdict (model check, 20,000 flows)', () => {
		// A tiny table over many addresses: connections and addresses are forgotten and come back all the time.
		const attributions = new ConnectionAttributions(8);
		let seed = 7;
		const next = (limit: number) => {
			seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
			return seed % limit;
		};

		const connectionName = ({protocol, sourceIp, sourcePort, destinationIp, destinationPort}: Connection) =>
			[protocol, ...[`${sourceIp}:${sourcePort}`, `${destinationIp}:${destinationPort}`].sort()].join(' ');
		let joined = 0;
		for (let index = 0; index < 20_000; index++) {
			const connection: Connection = {
				protocol: next(2) === 0 ? 'TCP' : 'UDP',
				sourceIp: `10.0.0.${next(40)}`,
				sourcePort: 1000 + next(3),
				destinationIp: `10.0.1.${next(40)}`,
				destinationPort: 80 + next(2),
			};
			const name = connectionName(connection);
			const isVerdict = next(3) === 0;
			const attribution = attributions.attribute(record(connection, {isReply: next(2) === 0, ...(isVerdict ? {allowedBy: policy(name)} : {})}))!;
			// Whatever verdict the attribution holds was taken for this very connection.
			if (attribution.ingress) {
				expect(attribution.ingress.policies[0]!.name).toBe(name);
				joined++;
			}
		}

		expect(joined).toBeGreaterThan(1000);
	});
});

import {describe, expect, test} from 'vitest';
import {Connection, flowOf, type Workload} from '../../src/relay/flow-builder.js';

const client: Workload = {endpoint: {identity: 1001, labels: ['k8s:app=client']}, ip: '10.0.0.1', node: 'cluster1/worker-1'};
const server: Workload = {endpoint: {identity: 1002, labels: ['k8s:app=server']}, ip: '10.0.0.2', node: 'cluster1/worker-2'};

function connection(sourcePort: number, destinationPort = 80): Connection {
	return new Connection({source: client, destination: server, protocol: 'TCP', sourcePort, destinationPort});
}

describe('Connection', () => {
	test('connections of one kind share each flow shape; each flow has its own client port, on its side', () => {
		const first = connection(40_001);
		const second = connection(40_002);
		const request = first.trace('to-endpoint', false, 'INGRESS');
		expect(second.trace('to-endpoint', false, 'INGRESS').shape).toBe(request.shape);
		expect(flowOf(request).l4).toEqual({TCP: {source_port: 40_001, destination_port: 80, flags: {SYN: true}}});
		expect(flowOf(second.trace('to-endpoint', false, 'INGRESS')).l4?.TCP?.source_port).toBe(40_002);
		// A reply travels back to the client: its port is the destination.
		const reply = second.trace('to-stack', true, 'EGRESS');
		expect(flowOf(reply).l4).toEqual({TCP: {source_port: 80, destination_port: 40_002, flags: {SYN: true, ACK: true}}});
		expect(flowOf(reply).source?.identity).toBe(1002);
	});

	test('what differs in a flow but the client port makes another shape', () => {
		const http = connection(40_001);
		expect(http.trace('to-endpoint', false, 'INGRESS').shape).not.toBe(http.trace('to-proxy', false, 'INGRESS').shape);
		expect(http.httpResponse('GET', 'http://a/', 200, 3).shape).not.toBe(http.httpResponse('GET', 'http://a/', 200, 4).shape);
		expect(connection(40_001, 8080).trace('to-endpoint', false, 'INGRESS').shape).not.toBe(http.trace('to-endpoint', false, 'INGRESS').shape);
		const dns = new Connection({source: client, destination: server, protocol: 'UDP', sourcePort: 40_003, destinationPort: 53});
		const allowed = flowOf(dns.dnsRequest('a.example.'));
		const dropped = flowOf(dns.dnsRequest('a.example.', 'DROPPED'));
		expect([allowed.verdict, dropped.verdict]).toEqual(['FORWARDED', 'DROPPED']);
		expect(dropped.l4).toEqual({UDP: {source_port: 40_003, destination_port: 53}});
	});

	test('a shared shape cannot be changed through one of its flows', () => {
		const shape = connection(40_001).policyVerdict('INGRESS', 'FORWARDED', 4).shape;
		expect(Object.isFrozen(shape.flow)).toBe(true);
		const flow = flowOf({shape, clientPort: 40_009});
		flow.verdict = 'DROPPED';
		flow.l4!.TCP!.source_port = 1;
		expect(shape.flow.verdict).toBe('FORWARDED');
		expect(flowOf({shape, clientPort: 40_010}).l4?.TCP?.source_port).toBe(40_010);
	});
});

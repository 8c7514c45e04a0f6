/**
The ledger's format: every real capture's connections survive a write and a read as they were (outcomes,
policies, requests, pods, samples), a ledger read back merges with new flows of its connections, and
anything that is not a whole, well-formed ledger of this version is refused saying what and where.
*/
import {describe, expect, test} from 'vitest';
import {dropReasonNames} from '../../src/flow/drop-reason.js';
import type {Flow} from '../../src/flow/flow.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {connectionJsonLine} from '../../src/printer/connections-printer.js';
import {ConnectionAttributions} from '../../src/store/connection-attribution.js';
import {decodeLedger, encodeLedger, LedgerError} from '../../src/store/connection-ledger.js';
import {ConnectionTable, type Connection} from '../../src/store/connection-table.js';
import {parseResponseLine} from '../../src/stream/jsonpb-reader.js';
import {makeFlow, makeHttpRequest, makePolicyVerdict, response, makeWorldDrop} from '../fixtures/flows.js';
import {captureLines, captureNames} from '../helpers/real-flows.js';

const lists = new RecordLists();

function fill(table: ConnectionTable, flows: Flow[]): ConnectionTable {
	const attributions = new ConnectionAttributions();
	for (const flow of flows) {
		const record = toFlowRecord(response(flow), lists, dropReasonNames)!;
		const icmp = flow.l4?.ICMPv4 ?? flow.l4?.ICMPv6;
		table.add(record, attributions.attribute(record), true, icmp ? (icmp.type ?? 0) : undefined);
	}

	return table;
}

/** A connection as everything it says: its JSON line and its samples' counts and kinds. */
function described(connection: Connection): string {
	const samples = connection.samples.map(sample => ({
		source: {...sample.source},
		destination: {...sample.destination},
		request: sample.request ?? null,
		counts: [sample.flows, sample.ingressAllowed, sample.ingressDenied, sample.egressAllowed, sample.egressDenied],
		deny: [sample.ingressDenyPolicies ?? null, sample.egressDenyPolicies ?? null],
	}));
	return `${connectionJsonLine(connection)}${JSON.stringify({icmpType: connection.icmpType ?? null, unsampled: connection.unsampledFlows, samples})}`;
}

const allCaptureFlows = captureNames.flatMap(name => captureLines(name).map(line => parseResponseLine(line).flow).filter((flow): flow is Flow => flow !== undefined));

describe('the ledger format', () => {
	test('every real capture, and flows of every kind ztop samples, read back as written', () => {
		const deny = makeWorldDrop({
			drop_reason: 181,
			drop_reason_desc: 'POLICY_DENY',
			egress_denied_by: [{name: 'no-world', namespace: 'shop', kind: 'CiliumNetworkPolicy'}],
		});
		const table = fill(new ConnectionTable(), [...allCaptureFlows, deny, makeHttpRequest({l7: {type: 'REQUEST', http: {method: 'POST', url: 'http://backend/cart?id=7'}}})]);
		expect(table.size).toBeGreaterThan(20);
		expect(table.all().some(connection => connection.icmpType !== undefined)).toBe(true);
		expect(table.all().some(connection => connection.samples.some(sample => sample.egressDenyPolicies !== undefined))).toBe(true);

		const text = encodeLedger(table.values(), new Date('2026-12-07T10:00:00Z'));
		const read = decodeLedger(text);
		expect(read.written).toBe('2026-12-07T10:00:00.000Z');
		const restored = new ConnectionTable();
		for (const connection of read.connections) {
			restored.restore(connection);
		}

		expect(restored.all().map(connection => described(connection))).toEqual(table.all().map(connection => described(connection)));
		// Written again, the same document: nothing is lost or invented on the way.
		expect(encodeLedger(restored.values(), new Date('2026-12-07T10:00:00Z'))).toBe(text);
	});

	test('a ledger read back merges with new flows of its connections, counts added and kinds kept once', () => {
		const flows = [makePolicyVerdict({traffic_direction: 'EGRESS'}), makeFlow(), makeHttpRequest()];
		const first = fill(new ConnectionTable(), flows);
		const table = new ConnectionTable();
		for (const connection of decodeLedger(encodeLedger(first.values(), new Date())).connections) {
			table.restore(connection);
		}

		fill(table, flows);
		const [connection] = table.all();
		expect(table.size).toBe(1);
		expect(connection!.flows).toBe(6);
		expect(connection!.egress.allowed).toBe(2);
		expect([...connection!.requests]).toEqual([['GET /get', 2]]);
		expect(connection!.samples.map(sample => [sample.request?.text ?? '(no request)', sample.flows]).sort()).toEqual([
			['(no request)', 4],
			['GET /get', 2],
		]);
	});

	test('what is not a whole ledger of this version is refused, saying what and where', () => {
		const good = encodeLedger(fill(new ConnectionTable(), [makeFlow()]).values(), new Date());
		const refusal = (text: string) => {
			try {
				decodeLedger(text);
			} catch (error) {
				expect(error).toBeInstanceOf(LedgerError);
				return (error as Error).message;
			}

			throw new Error('read without complaint');
		};

		expect(refusal(good.slice(0, good.length / 2))).toMatch(/^not a ztop ledger: it is not JSON/);
		expect(refusal('{"flow": {}}')).toMatch(/no "format": "ztop-ledger"/);
		expect(refusal(good.replace('"version":1', '"version":2'))).toMatch(/format version 2; this ztop reads version 1/);
		const document = JSON.parse(good) as {connections: unknown[][]; strings: unknown[]};
		document.connections[0]![0] = 99;
		expect(refusal(JSON.stringify(document))).toMatch(/corrupt ledger: connections\[0\]\.client refers to entry 99 of a table of \d+/);
		document.connections[0]![0] = 0;
		document.connections[0]![4] = -3;
		expect(refusal(JSON.stringify(document))).toMatch(/corrupt ledger: connections\[0\]\.flows should be a whole number/);
		document.connections[0]![4] = 1;
		document.strings[0] = {toString: 'x'};
		expect(refusal(JSON.stringify(document))).toMatch(/corrupt ledger: strings\[0\] should be a string, not object/);
	});
});

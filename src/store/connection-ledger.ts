/**
The ledger's format: the connection table as one JSON document, so that connections outlive the process
(`--ledger FILE`; the file's I/O, lock and timing are at the edge, src/cli/ledger-file.ts). Pure: text in,
connections out, and back.

What repeats is written once: label and DNS-name lists, workload lists, policy lists and endpoints go into
tables, and connections and their samples refer to them by position. A sample's endpoints (what the
evaluator reads of them, src/store/connection-samples.ts) are arrays of their fields in `endpointFields`
order, in a table of their own. Version 1:

    {"format": "ztop-ledger", "version": 1, "written": "2026-12-07T10:00:00.000Z",
     "stringLists": [[...]], "workloadLists": [[{name, kind}]], "policyLists": [[{name, namespace, kind}]],
     "strings": [...], "endpoints": [{text, namespace?, name?, kind?, reserved?, address?, labels?, cluster?}],
     "sampleEndpoints": [[ip, namespace, podName, identity, clusterName, labels, workloads, names]],
     "connections": [[client, server, port, protocol, flows, firstSeen, lastSeen, egress, ingress,
                      dropReasons, requests, clientPods, serverPods, icmpType | null, unsampledFlows,
                      [sample, ...]]]}

where egress and ingress are [allowed, denied, audited, l7Denied, counts of policies], a sample is
[source, destination, request | null, flows, ingressAllowed, ingressDenied, egressAllowed, egressDenied,
ingressDenyPolicies | null, egressDenyPolicies | null] with a request [l7Protocol, httpMethod, httpUrl,
dnsQuery, trafficDirection, text]. Strings that repeat from connection to connection (policy, pod and
namespace names, addresses, requests) are positions in `strings`; counts are [string, count, …]. Everything read is
checked (a ledger is outside input like any capture): a file that is not a ledger, of another version, or
with anything out of place is refused whole with what and where, never read in part.
*/
import type {PolicyRecord, WorkloadRecord} from '../flow/flow-record.js';
import type {ConnectionSample, SampleEndpoint, SampleRequest} from './connection-samples.js';
import type {Connection, ConnectionEndpoint, SideOutcomes} from './connection-table.js';
import {CountList, noCounts, SideCounts} from './count-list.js';

export const ledgerFormat = 'ztop-ledger';
export const ledgerVersion = 1;

export class LedgerError extends Error {}


/** Positions in a table for values that repeat, found by identity first and by content after. */
class Table<Value> {
	readonly values: Value[] = [];
	private readonly byObject = new Map<Value, number>();
	private readonly byText = new Map<string, number>();

	/** Without `text`, values are told apart by identity alone. */
	constructor(private readonly text?: (value: Value) => string) {}

	position(value: Value): number {
		const known = this.byObject.get(value);
		if (known !== undefined) {
			return known;
		}

		const text = this.text?.(value);
		let position = text === undefined ? undefined : this.byText.get(text);
		if (position === undefined) {
			position = this.values.length;
			this.values.push(value);
			if (text !== undefined) {
				this.byText.set(text, position);
			}
		}

		this.byObject.set(value, position);
		return position;
	}
}

const endpointFields = ['text', 'namespace', 'name', 'kind', 'reserved', 'address', 'labels', 'cluster'] as const;

/** The ledger document for `connections`, written at `written`. */
export function encodeLedger(connections: Iterable<Connection>, written: Date): string {
	const stringLists = new Table<readonly string[]>(list => JSON.stringify(list));
	const workloadLists = new Table<readonly WorkloadRecord[]>(list => JSON.stringify(list.map(each => [each.name, each.kind])));
	const policyLists = new Table<readonly PolicyRecord[]>(list => JSON.stringify(list.map(each => [each.name, each.namespace, each.kind])));
	const endpoints = new Table<ConnectionEndpoint>(endpoint => endpoint.text);
	const strings = new Table<string>(text => text);
	const counts = (list: CountList) => [...list].flatMap(([key, count]) => [strings.position(key), count]);
	const side = (outcomes: SideOutcomes) => [outcomes.allowed, outcomes.denied, outcomes.audited, outcomes.l7Denied, counts(outcomes.policies)];
	const endpointRow = (endpoint: SampleEndpoint) => [
		strings.position(endpoint.ip),
		strings.position(endpoint.namespace),
		strings.position(endpoint.podName),
		endpoint.identity,
		strings.position(endpoint.clusterName),
		stringLists.position(endpoint.labels),
		workloadLists.position(endpoint.workloads),
		stringLists.position(endpoint.names),
	];
	// Shared by identity (src/store/connection-samples.ts shares them); told apart by content they would cost more to write than they save.
	const sampleEndpoints = new Table<SampleEndpoint>();
	const policies = (list: readonly PolicyRecord[] | undefined) => (list === undefined ? null : policyLists.position(list));
	const request = (each: SampleRequest | undefined) =>
		each === undefined ? null : [strings.position(each.l7Protocol), strings.position(each.httpMethod), strings.position(each.httpUrl), strings.position(each.dnsQuery), each.trafficDirection, strings.position(each.text)];
	const sampleRow = (sample: ConnectionSample) => [
		sampleEndpoints.position(sample.source),
		sampleEndpoints.position(sample.destination),
		request(sample.request),
		sample.flows,
		sample.ingressAllowed,
		sample.ingressDenied,
		sample.egressAllowed,
		sample.egressDenied,
		policies(sample.ingressDenyPolicies),
		policies(sample.egressDenyPolicies),
	];
	const rows = [];
	for (const connection of connections) {
		rows.push([
			endpoints.position(connection.client),
			endpoints.position(connection.server),
			connection.port,
			connection.protocol,
			connection.flows,
			connection.firstSeen,
			connection.lastSeen,
			side(connection.egress),
			side(connection.ingress),
			counts(connection.dropReasons),
			counts(connection.requests),
			connection.clientPods.map(pod => strings.position(pod)),
			connection.serverPods.map(pod => strings.position(pod)),
			connection.icmpType ?? null,
			connection.unsampledFlows,
			connection.samples.map(sample => sampleRow(sample)),
		]);
	}

	return JSON.stringify({
		format: ledgerFormat,
		version: ledgerVersion,
		written: written.toISOString(),
		stringLists: stringLists.values,
		workloadLists: workloadLists.values,
		policyLists: policyLists.values,
		sampleEndpoints: sampleEndpoints.values.map(endpoint => endpointRow(endpoint)),
		strings: strings.values,
		endpoints: endpoints.values.map(endpoint => Object.fromEntries(endpointFields.filter(field => endpoint[field] !== undefined).map(field => [field, endpoint[field]]))),
		connections: rows,
	});
}

export type DecodedLedger = {written: string; connections: Connection[]};

/** Reads a ledger document; throws LedgerError saying what is wrong and where. */
export function decodeLedger(text: string): DecodedLedger {
	let document: unknown;
	try {
		document = JSON.parse(text);
	} catch (error) {
		throw new LedgerError(`not a ztop ledger: it is not JSON (${(error as Error).message})`);
	}

	if (!isObject(document) || document['format'] !== ledgerFormat) {
		throw new LedgerError('not a ztop ledger: it has no "format": "ztop-ledger"');
	}

	if (document['version'] !== ledgerVersion) {
		throw new LedgerError(`a ztop ledger of format version ${JSON.stringify(document['version'])}; this ztop reads version ${ledgerVersion}`);
	}

	const check = new Checker();
	const written = check.string(document['written'], 'written');
	const stringLists = check.array(document['stringLists'], 'stringLists').map((list, index) => Object.freeze(check.array(list, `stringLists[${index}]`).map((item, at) => check.string(item, `stringLists[${index}][${at}]`))));
	const workloadLists = check.array(document['workloadLists'], 'workloadLists').map((list, index) =>
		Object.freeze(
			check.array(list, `workloadLists[${index}]`).map((item, at) => {
				const where = `workloadLists[${index}][${at}]`;
				const workload = check.object(item, where);
				return {name: check.string(workload['name'], `${where}.name`), kind: check.string(workload['kind'], `${where}.kind`)};
			}),
		),
	);
	const policyLists = check.array(document['policyLists'], 'policyLists').map((list, index) =>
		Object.freeze(
			check.array(list, `policyLists[${index}]`).map((item, at) => {
				const where = `policyLists[${index}][${at}]`;
				const policy = check.object(item, where);
				return {name: check.string(policy['name'], `${where}.name`), namespace: check.string(policy['namespace'], `${where}.namespace`), kind: check.string(policy['kind'], `${where}.kind`)};
			}),
		),
	);
	const endpoints = check.array(document['endpoints'], 'endpoints').map((item, index) => check.endpoint(item, `endpoints[${index}]`));
	const strings = check.array(document['strings'], 'strings').map((item, index) => check.string(item, `strings[${index}]`));
	const pick = <Value>(table: readonly Value[], position: unknown, where: string): Value => {
		const at = check.number(position, where);
		if (!Number.isInteger(at) || at < 0 || at >= table.length) {
			throw new LedgerError(`corrupt ledger: ${where} refers to entry ${at} of a table of ${table.length}`);
		}

		return table[at]!;
	};

	const sampleEndpoints = check.array(document['sampleEndpoints'], 'sampleEndpoints').map((row, index): SampleEndpoint => {
		const where = `sampleEndpoints[${index}]`;
		const fields = check.tuple(row, 8, where);
		return {
			ip: pick(strings, fields[0], `${where}.ip`),
			namespace: pick(strings, fields[1], `${where}.namespace`),
			podName: pick(strings, fields[2], `${where}.podName`),
			identity: check.count(fields[3], `${where}.identity`),
			clusterName: pick(strings, fields[4], `${where}.clusterName`),
			labels: pick(stringLists, fields[5], `${where}.labels`),
			workloads: pick(workloadLists, fields[6], `${where}.workloads`),
			names: pick(stringLists, fields[7], `${where}.names`),
		};
	});
	const sample = (row: unknown, where: string): ConnectionSample => {
		const [source, destination, requestRow, flows, ingressAllowed, ingressDenied, egressAllowed, egressDenied, ingressDenyPolicies, egressDenyPolicies] = check.tuple(row, 10, where);
		let request: SampleRequest | undefined;
		if (requestRow !== null) {
			const fields = check.tuple(requestRow, 6, `${where}.request`);
			request = {
				l7Protocol: pick(strings, fields[0], `${where}.request.l7Protocol`),
				httpMethod: pick(strings, fields[1], `${where}.request.httpMethod`),
				httpUrl: pick(strings, fields[2], `${where}.request.httpUrl`),
				dnsQuery: pick(strings, fields[3], `${where}.request.dnsQuery`),
				trafficDirection: check.count(fields[4], `${where}.request.trafficDirection`),
				text: pick(strings, fields[5], `${where}.request.text`),
			};
		}

		const denyPolicies = (value: unknown, place: string) => (value === null ? undefined : pick(policyLists, value, place));
		return {
			source: pick(sampleEndpoints, source, `${where}.source`),
			destination: pick(sampleEndpoints, destination, `${where}.destination`),
			request,
			flows: check.count(flows, `${where}.flows`),
			ingressAllowed: check.count(ingressAllowed, `${where}.ingressAllowed`),
			ingressDenied: check.count(ingressDenied, `${where}.ingressDenied`),
			egressAllowed: check.count(egressAllowed, `${where}.egressAllowed`),
			egressDenied: check.count(egressDenied, `${where}.egressDenied`),
			ingressDenyPolicies: denyPolicies(ingressDenyPolicies, `${where}.ingressDenyPolicies`),
			egressDenyPolicies: denyPolicies(egressDenyPolicies, `${where}.egressDenyPolicies`),
		};
	};

	const counts = (value: unknown, where: string): CountList => {
		const items = check.array(value, where);
		if (items.length % 2 !== 0) {
			throw new LedgerError(`corrupt ledger: ${where} should hold pairs of name and count`);
		}

		if (items.length === 0) {
			return noCounts;
		}

		const list = new CountList();
		for (let index = 0; index < items.length; index += 2) {
			list.add(pick(strings, items[index], `${where}[${index}]`), check.count(items[index + 1], `${where}[${index + 1}]`));
		}

		return list;
	};

	const side = (value: unknown, where: string): SideOutcomes => {
		const parts = check.tuple(value, 5, where);
		const outcomes = new SideCounts();
		for (const [key, count] of counts(parts[4], `${where}.policies`)) {
			outcomes.add(key, count);
		}

		outcomes.allowed = check.count(parts[0], `${where}.allowed`);
		outcomes.denied = check.count(parts[1], `${where}.denied`);
		outcomes.audited = check.count(parts[2], `${where}.audited`);
		outcomes.l7Denied = check.count(parts[3], `${where}.l7Denied`);
		return outcomes;
	};

	const connections = check.array(document['connections'], 'connections').map((row, index): Connection => {
		const where = `connections[${index}]`;
		const parts = check.tuple(row, 16, where);
		const icmpType = parts[13] === null ? undefined : check.count(parts[13], `${where}.icmpType`);
		const samples = check.array(parts[15], `${where}.samples`).map((item, at) => sample(item, `${where}.samples[${at}]`));
		return {
			client: pick(endpoints, parts[0], `${where}.client`),
			server: pick(endpoints, parts[1], `${where}.server`),
			port: check.count(parts[2], `${where}.port`),
			protocol: check.string(parts[3], `${where}.protocol`),
			flows: check.count(parts[4], `${where}.flows`),
			firstSeen: check.number(parts[5], `${where}.firstSeen`),
			lastSeen: check.number(parts[6], `${where}.lastSeen`),
			egress: side(parts[7], `${where}.egress`),
			ingress: side(parts[8], `${where}.ingress`),
			dropReasons: counts(parts[9], `${where}.dropReasons`),
			requests: counts(parts[10], `${where}.requests`),
			clientPods: check.array(parts[11], `${where}.clientPods`).map((pod, at) => pick(strings, pod, `${where}.clientPods[${at}]`)),
			serverPods: check.array(parts[12], `${where}.serverPods`).map((pod, at) => pick(strings, pod, `${where}.serverPods[${at}]`)),
			...(icmpType === undefined ? {} : {icmpType}),
			unsampledFlows: check.count(parts[14], `${where}.unsampledFlows`),
			samples,
		};
	});
	return {written, connections};
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Type checks that name the place of what fails. */
class Checker {
	private fail(where: string, expected: string, value: unknown): never {
		const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
		throw new LedgerError(`corrupt ledger: ${where} should be ${expected}, not ${found}`);
	}

	string(value: unknown, where: string): string {
		return typeof value === 'string' ? value : this.fail(where, 'a string', value);
	}

	number(value: unknown, where: string): number {
		return typeof value === 'number' && Number.isFinite(value) ? value : this.fail(where, 'a number', value);
	}

	/** A whole number ≥ 0. */
	count(value: unknown, where: string): number {
		return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : this.fail(where, 'a whole number', value);
	}

	boolean(value: unknown, where: string): boolean {
		return typeof value === 'boolean' ? value : this.fail(where, 'true or false', value);
	}

	array(value: unknown, where: string): unknown[] {
		return Array.isArray(value) ? value : this.fail(where, 'an array', value);
	}

	tuple(value: unknown, length: number, where: string): unknown[] {
		const items = this.array(value, where);
		if (items.length !== length) {
			throw new LedgerError(`corrupt ledger: ${where} has ${items.length} parts, not ${length}`);
		}

		return items;
	}

	object(value: unknown, where: string): Record<string, unknown> {
		return isObject(value) ? value : this.fail(where, 'an object', value);
	}


	endpoint(value: unknown, where: string): ConnectionEndpoint {
		const object = this.object(value, where);
		const endpoint: ConnectionEndpoint = {text: this.string(object['text'], `${where}.text`)};
		for (const field of ['namespace', 'name', 'kind', 'reserved', 'address', 'cluster'] as const) {
			if (object[field] !== undefined) {
				endpoint[field] = this.string(object[field], `${where}.${field}`);
			}
		}

		if (object['labels'] !== undefined) {
			endpoint.labels = this.array(object['labels'], `${where}.labels`).map((label, index) => this.string(label, `${where}.labels[${index}]`));
		}

		return endpoint;
	}
}

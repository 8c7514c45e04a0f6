/**
One client run of bench/grpc-throughput.bench.ts, in its own process so that its peak RSS is its own:
receives every flow of a GetFlows stream and keeps the last 100k, as ztop's ring will.
Prints {"flowsPerSecond","peakRssMegabytes","flows"} as JSON.
*/
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {decodeFlowRecord} from '../src/stream/flow-record-decoder.js';
import {protoDirectory} from '../src/stream/hubble-schema.js';

const [mode, address] = process.argv.slice(2) as ['raw' | 'partial' | 'proto-loader', string];
const ringSize = 100_000;
// Columnar, as the store's ring: one array of raw bytes, one of decoded records.
const ring: unknown[] = Array.from({length: ringSize});
const records: unknown[] = Array.from({length: ringSize});
let count = 0;
let firstAt = 0;

function finish(): void {
	const seconds = (performance.now() - firstAt) / 1000;
	process.stdout.write(
		JSON.stringify({flowsPerSecond: Math.round(count / seconds), peakRssMegabytes: Math.round(process.resourceUsage().maxRSS / 1024), flows: count}) + '\n',
	);
	process.exit(0);
}

function received(item: unknown): void {
	if (count === 0) {
		firstAt = performance.now();
	}

	ring[count++ % ringSize] = item;
}

if (mode === 'raw' || mode === 'partial') {
	const client = new grpc.Client(address, grpc.credentials.createInsecure());
	const call = client.makeServerStreamRequest<Buffer, Buffer>('/observer.Observer/GetFlows', request => request, bytes => bytes, Buffer.alloc(0));
	call.on('data', (bytes: Buffer) => {
		if (mode === 'raw') {
			received(bytes);
			return;
		}

		const decoded = decodeFlowRecord(bytes);
		records[count % ringSize] = decoded;
		received(bytes);
	});
	call.on('end', finish);
	call.on('error', error => {
		throw error;
	});
} else {
	// proto-loader's object conversion, as grpc-js applies it by default to every message.
	const definition = protoLoader.loadSync('observer/observer.proto', {
		includeDirs: [protoDirectory()],
		keepCase: true,
		longs: String,
		enums: String,
		defaults: true,
		oneofs: true,
	});
	const observer = (grpc.loadPackageDefinition(definition) as unknown as {observer: {Observer: grpc.ServiceClientConstructor}}).observer.Observer;
	const client = new observer(address, grpc.credentials.createInsecure());
	const call = (client as unknown as {GetFlows(request: object): grpc.ClientReadableStream<object>}).GetFlows({});
	call.on('data', (message: object) => received(message));
	call.on('end', finish);
	call.on('error', error => {
		throw error;
	});
}

/**
The end-to-end benchmark's floor: the least a Node.js client can do with a GetFlows stream — ztop's own
gRPC connection (src/stream/grpc-connection.ts, node:http2) handing on each message's bytes, which are
only counted. Usage: node count-client.mjs ADDRESS; on SIGUSR2 it prints `{"received": N, "lostResponses": L}`
(L: lost_events responses among them) and exits (on
SIGUSR1 it prints it and goes on). It asks to follow (GetFlowsRequest field 3 = true, bytes 0x18 0x01),
so it also reads a live stream from `ztop demo-relay` or a real relay.
*/
import {GrpcConnection} from '../../src/stream/grpc-connection.js';

const connection = new GrpcConnection({
	target: process.argv[2]!,
	// As ztop's ObserverClient: 8 MiB windows, 16 MiB messages, a ping every 5 minutes.
	flowControlWindow: 8 * 1024 * 1024,
	maximumMessageLength: 16 * 1024 * 1024,
	keepaliveMilliseconds: 300_000,
	keepaliveTimeoutMilliseconds: 20_000,
});
let received = 0;
// lost_events responses (GetFlowsResponse field 3, the first field written: tag byte 0x1a), counted apart.
let lostResponses = 0;
connection.serverStream('/observer.Observer/GetFlows', Buffer.from([0x18, 0x01]), {
	onMessage(bytes) {
		received++;
		if (bytes[0] === 0x1a) {
			lostResponses++;
		}
	},
	onEnd: () => undefined,
	onError: () => undefined,
});
process.on('SIGUSR1', () => {
	process.stdout.write(JSON.stringify({received, lostResponses}) + '\n');
});
process.on('SIGUSR2', () => {
	process.stdout.write(JSON.stringify({received, lostResponses}) + '\n');
	process.exit(0);
});

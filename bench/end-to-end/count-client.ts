/**
The end-to-end benchmark's floor: the least a Node.js client can do with a GetFlows stream — grpc-js
receiving each message as bytes and counting it. Usage: node count-client.mjs ADDRESS; on SIGUSR2 it
prints `{"received": N}` and exits (on SIGUSR1 it prints it and goes on). It asks to follow (GetFlowsRequest field 3 = true, bytes 0x18 0x01), so
it also reads a live stream from `ztop demo-relay` or a real relay.
*/
import * as grpc from '@grpc/grpc-js';

const client = new grpc.Client(process.argv[2]!, grpc.credentials.createInsecure());
let received = 0;
const call = client.makeServerStreamRequest<Buffer, Buffer>(
	'/observer.Observer/GetFlows',
	request => request,
	bytes => bytes,
	Buffer.from([0x18, 0x01]),
);
call.on('data', () => received++);
call.on('error', () => undefined);
process.on('SIGUSR1', () => {
	process.stdout.write(JSON.stringify({received}) + '\n');
});
process.on('SIGUSR2', () => {
	process.stdout.write(JSON.stringify({received}) + '\n');
	process.exit(0);
});

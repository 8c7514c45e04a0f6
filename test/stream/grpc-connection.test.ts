/**
ztop's gRPC client against HTTP/2 servers on real sockets that answer as a gRPC server (or something
in front of one) may: statuses in trailers or trailers-only, messages split across DATA frames, HTTP
errors, resets, dropped connections, silence. The grpc-js server behind the demo relay is covered by the
live tests (test/cli/live-observe.test.ts).
*/
import http2 from 'node:http2';
import net from 'node:net';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {GrpcConnection, parseTarget, type ConnectionOptions} from '../../src/stream/grpc-connection.js';
import {CallError, statusCode} from '../../src/stream/grpc-status.js';

// Real sockets on a busy machine: wide limits, no assertion on durations.
const timeout = 30_000;

type Respond = (stream: http2.ServerHttp2Stream, request: Buffer, headers: http2.IncomingHttpHeaders) => void;

const servers: http2.Http2Server[] = [];
const connections: GrpcConnection[] = [];
const sockets = new Set<net.Socket>();

afterEach(async () => {
	for (const connection of connections.splice(0)) {
		connection.close();
	}

	const closed = Promise.all(servers.splice(0).map(server => new Promise(resolve => server.close(resolve))));
	// close() waits for open connections; a test's server may still hold one (a silent or dropped peer).
	for (const socket of sockets) {
		socket.destroy();
	}

	sockets.clear();
	await closed;
});

/** An HTTP/2 server whose every call is answered by `respond`, once the request body is in. */
async function serve(respond: Respond, listenOn: number | string = 0): Promise<{target: string; server: http2.Http2Server}> {
	const server = http2.createServer();
	servers.push(server);
	server.on('connection', (socket: net.Socket) => sockets.add(socket));
	server.on('stream', (stream, headers) => {
		const parts: Buffer[] = [];
		stream.on('data', (chunk: Buffer) => parts.push(chunk));
		stream.on('end', () => respond(stream, Buffer.concat(parts), headers));
		stream.on('error', () => undefined);
	});
	await new Promise<void>(resolve => (typeof listenOn === 'string' ? server.listen(listenOn, resolve) : server.listen(listenOn, '127.0.0.1', resolve)));
	const address = server.address();
	return {server, target: typeof address === 'string' ? `unix://${address}` : `127.0.0.1:${address!.port}`};
}

function connect(target: string, options: Partial<ConnectionOptions> = {}): GrpcConnection {
	const connection = new GrpcConnection({
		target,
		flowControlWindow: 1024 * 1024,
		maximumMessageLength: 1024,
		keepaliveMilliseconds: 300_000,
		keepaliveTimeoutMilliseconds: 20_000,
		...options,
	});
	connections.push(connection);
	return connection;
}

function framed(message: Buffer): Buffer {
	const prefix = Buffer.alloc(5);
	prefix.writeUInt32BE(message.length, 1);
	return Buffer.concat([prefix, message]);
}

type Outcome = {messages: string[]; error?: CallError};

function stream(connection: GrpcConnection, request = Buffer.from('request')): Promise<Outcome> {
	return new Promise(resolve => {
		const messages: string[] = [];
		connection.serverStream('/observer.Observer/GetFlows', request, {
			onMessage: bytes => messages.push(bytes.toString()),
			onEnd: () => resolve({messages}),
			onError: error => resolve({messages, error}),
		});
	});
}

const okHeaders = {':status': 200, 'content-type': 'application/grpc'};

describe('ztop\'s gRPC client over HTTP/2', () => {
	test('sends the framed request and reads messages split across DATA frames, then the OK status', {timeout}, async () => {
		let received: Buffer | undefined;
		const {target} = await serve((stream, request) => {
			received = request;
			stream.respond(okHeaders, {waitForTrailers: true});
			const body = Buffer.concat(['one', 'two', 'three'].map(text => framed(Buffer.from(text))));
			// Cut inside the second prefix and inside the third message.
			stream.write(body.subarray(0, 10));
			setTimeout(() => {
				stream.write(body.subarray(10, 20));
				setTimeout(() => stream.end(body.subarray(20)), 20);
			}, 20);
			stream.on('wantTrailers', () => stream.sendTrailers({'grpc-status': '0'}));
		});
		const outcome = await stream(connect(target));
		expect(outcome).toEqual({messages: ['one', 'two', 'three']});
		expect(received).toEqual(framed(Buffer.from('request')));
	});

	test('a status in the trailers, with its percent-encoded message', {timeout}, async () => {
		const {target} = await serve(stream => {
			stream.respond(okHeaders, {waitForTrailers: true});
			stream.end(framed(Buffer.from('only')));
			stream.on('wantTrailers', () => stream.sendTrailers({'grpc-status': String(statusCode.INVALID_ARGUMENT), 'grpc-message': 'bad%20filter%3A%20%1B[31m'}));
		});
		const outcome = await stream(connect(target));
		expect(outcome.messages).toEqual(['only']);
		expect(outcome.error?.code).toBe(statusCode.INVALID_ARGUMENT);
		// Decoded as it came, escape included: escaping is the printer's job (diagnostic()).
		expect(outcome.error?.details).toBe('bad filter: \u001B[31m');
		expect(outcome.error?.message).toBe('3 INVALID_ARGUMENT: bad filter: \u001B[31m');
	});

	test('a trailers-only response (grpc-js answers an unknown method so)', {timeout}, async () => {
		const {target} = await serve(stream => {
			stream.respond({...okHeaders, 'grpc-status': String(statusCode.UNIMPLEMENTED), 'grpc-message': 'no such method'}, {endStream: true});
		});
		const outcome = await stream(connect(target));
		expect(outcome.error?.code).toBe(statusCode.UNIMPLEMENTED);
		expect(outcome.error?.details).toBe('no such method');
	});

	test('an HTTP error from something that is not a gRPC server, e.g. a proxy', {timeout}, async () => {
		const {target} = await serve(stream => {
			stream.respond({':status': 404, 'content-type': 'text/html'});
			stream.end('<html>not found</html>');
		});
		const outcome = await stream(connect(target));
		expect(outcome.error?.code).toBe(statusCode.UNIMPLEMENTED);
		expect(outcome.error?.details).toBe('Received HTTP status code 404');
	});

	test('a message over the size limit ends the call with RESOURCE_EXHAUSTED and cancels it at the server', {timeout}, async () => {
		let serverSawClose: Promise<void> | undefined;
		const {target} = await serve(stream => {
			serverSawClose = new Promise(resolve => stream.on('close', resolve));
			stream.respond(okHeaders);
			stream.write(framed(Buffer.alloc(4096)));
		});
		const outcome = await stream(connect(target));
		expect(outcome.error?.code).toBe(statusCode.RESOURCE_EXHAUSTED);
		await serverSawClose;
	});

	test('a stream the server resets as refused is UNAVAILABLE (retried by a follower)', {timeout}, async () => {
		const {target} = await serve(stream => stream.close(http2.constants.NGHTTP2_REFUSED_STREAM));
		const outcome = await stream(connect(target));
		expect(outcome.error?.code).toBe(statusCode.UNAVAILABLE);
		expect(outcome.error?.details).toBe('Stream refused by server');
	});

	test('a connection dropped mid-stream is UNAVAILABLE, after the messages that came', {timeout}, async () => {
		const {target} = await serve(stream => {
			stream.respond(okHeaders);
			stream.write(framed(Buffer.from('before')), () => setTimeout(() => stream.session?.destroy(), 20));
		});
		const outcome = await stream(connect(target));
		expect(outcome.messages).toEqual(['before']);
		expect(outcome.error?.code).toBe(statusCode.UNAVAILABLE);
		expect(outcome.error?.details).toMatch(/^Connection dropped/);
	});

	test('nothing listening: UNAVAILABLE with the socket error, in grpc-js\'s words', {timeout}, async () => {
		const outcome = await stream(connect('127.0.0.1:1'));
		expect(outcome.error?.code).toBe(statusCode.UNAVAILABLE);
		expect(outcome.error?.details).toMatch(/^No connection established\. Last error: connect ECONNREFUSED 127\.0\.0\.1:1/);
	});

	test('a server that accepts the connection but never completes TLS: UNAVAILABLE after the connect timeout', {timeout}, async () => {
		const silent = net.createServer(() => undefined);
		await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
		try {
			const {port} = silent.address() as net.AddressInfo;
			const outcome = await stream(connect(`127.0.0.1:${port}`, {tls: {allowInsecure: true}, connectTimeoutMilliseconds: 300}));
			expect(outcome.error?.code).toBe(statusCode.UNAVAILABLE);
			expect(outcome.error?.details).toBe('No connection established. Last error: no answer within 0.3 s (connect timeout)');
		} finally {
			silent.close();
			for (const connection of connections.splice(0)) {
				connection.close();
			}
		}
	});

	test('a cancelled call hears nothing more and the server sees it cancelled', {timeout}, async () => {
		let serverStream: http2.ServerHttp2Stream | undefined;
		let serverClosed: Promise<unknown> | undefined;
		const {target} = await serve(stream => {
			serverStream = stream;
			serverClosed = new Promise(resolve => stream.on('close', resolve));
			stream.respond(okHeaders);
			stream.write(framed(Buffer.from('first')));
		});
		const heard: string[] = [];
		await new Promise<void>(resolve => {
			const call = connect(target).serverStream('/observer.Observer/GetFlows', Buffer.from('r'), {
				onMessage(bytes) {
					heard.push(bytes.toString());
					call.cancel();
					// After cancel, the server's next message and its status must not reach the caller.
					serverStream!.write(framed(Buffer.from('second')));
					resolve();
				},
				onEnd: () => heard.push('end'),
				onError: error => heard.push(`error ${error.code}`),
			});
		});
		await serverClosed;
		expect(serverStream!.rstCode).toBe(http2.constants.NGHTTP2_CANCEL);
		expect(heard).toEqual(['first']);
	});

	test('a unary call gets its one message; one that is not answered in time fails with DEADLINE_EXCEEDED', {timeout}, async () => {
		let timeoutHeader: unknown;
		const {target} = await serve((stream, request, headers) => {
			if (request.subarray(5).toString() === 'slow') {
				return;
			}

			timeoutHeader = headers['grpc-timeout'];
			stream.respond(okHeaders, {waitForTrailers: true});
			stream.end(framed(Buffer.from('status')));
			stream.on('wantTrailers', () => stream.sendTrailers({'grpc-status': '0'}));
		});
		const connection = connect(target);
		expect((await connection.unary('/observer.Observer/ServerStatus', Buffer.from('fast'), 10_000)).toString()).toBe('status');
		const error = await connection.unary('/observer.Observer/ServerStatus', Buffer.from('slow'), 200).catch((error: unknown) => error);
		expect(error).toBeInstanceOf(CallError);
		expect((error as CallError).code).toBe(statusCode.DEADLINE_EXCEEDED);
		// The server is told the deadline too (PROTOCOL-HTTP2.md's Timeout: an integer and a unit).
		expect(timeoutHeader).toBe('10000m');
	});

	test('a unix socket target (unix:///path)', {timeout}, async () => {
		const socket = path.join(mkdtempSync(path.join(tmpdir(), 'ztop-grpc-')), 'relay.sock');
		const {target} = await serve(stream => {
			stream.respond({...okHeaders, 'grpc-status': '0'}, {endStream: true});
		}, socket);
		expect(target).toBe(`unix://${socket}`);
		expect(await stream(connect(target))).toEqual({messages: []});
	});

	test('a connection whose session died is replaced for the next call', {timeout}, async () => {
		const {target} = await serve(stream => {
			stream.respond(okHeaders, {waitForTrailers: true});
			stream.end(framed(Buffer.from('hello')));
			stream.on('wantTrailers', () => {
				stream.sendTrailers({'grpc-status': '0'});
				// Then the server drops the connection (a relay restarting).
				setTimeout(() => stream.session?.destroy(), 10);
			});
		});
		const connection = connect(target);
		expect(await stream(connection)).toEqual({messages: ['hello']});
		await new Promise(resolve => setTimeout(resolve, 100));
		expect(await stream(connection)).toEqual({messages: ['hello']});
	});
});

describe('targets, as hubble\'s --server values', () => {
	test.each([
		['localhost:4245', {authority: 'localhost:4245', host: 'localhost', port: 4245}],
		['10.0.0.1:80', {authority: '10.0.0.1:80', host: '10.0.0.1', port: 80}],
		['[::1]:4245', {authority: '[::1]:4245', host: '::1', port: 4245}],
		['hubble-relay.kube-system', {authority: 'hubble-relay.kube-system:443', host: 'hubble-relay.kube-system', port: 443}],
		['::1', {authority: '[::1]:443', host: '::1', port: 443}],
		['unix:///var/run/cilium/hubble.sock', {authority: 'localhost', socketPath: '/var/run/cilium/hubble.sock'}],
		['unix:relative.sock', {authority: 'localhost', socketPath: 'relative.sock'}],
	])('%s', (target, expected) => {
		expect(parseTarget(target)).toEqual(expected);
	});
});

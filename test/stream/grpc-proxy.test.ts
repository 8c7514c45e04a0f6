/**
HTTP CONNECT proxies: which targets go through one (hubble's rules, from Go's ProxyFromEnvironment), and
gRPC calls tunnelled through a real proxy on a real socket, in plain text and in TLS.
*/
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {GrpcConnection} from '../../src/stream/grpc-connection.js';
import {proxyFor} from '../../src/stream/grpc-proxy.js';
import {statusCode, type CallError} from '../../src/stream/grpc-status.js';
import {makeTestCertificates} from '../helpers/test-certificates.js';

const timeout = 30_000;

describe('which targets go through HTTPS_PROXY', () => {
	const environment = {HTTPS_PROXY: 'proxy.corp:3128', NO_PROXY: '.svc.cluster.local, internal.example, 10.1.0.0/16, 192.168.1.5, relay.corp:4245'};
	test.each([
		['hubble.example.com', 4245, 'http://proxy.corp:3128/'],
		['localhost', 4245, undefined],
		['127.0.0.1', 4245, undefined],
		['127.3.2.1', 4245, undefined],
		['::1', 4245, undefined],
		['hubble-relay.kube-system.svc.cluster.local', 80, undefined],
		['internal.example', 80, undefined],
		['relay.internal.example', 80, undefined],
		['notinternal.example', 80, 'http://proxy.corp:3128/'],
		['10.1.200.7', 80, undefined],
		['10.2.0.1', 80, 'http://proxy.corp:3128/'],
		['192.168.1.5', 80, undefined],
		['relay.corp', 4245, undefined],
		['relay.corp', 443, 'http://proxy.corp:3128/'],
	])('%s:%d → %s', (host, port, expected) => {
		expect(proxyFor(host, port, environment)?.href).toBe(expected);
	});

	test('nothing set, or NO_PROXY=*: no proxy; lower-case names are read too', () => {
		expect(proxyFor('hubble.example.com', 443, {})).toBeUndefined();
		expect(proxyFor('hubble.example.com', 443, {HTTPS_PROXY: 'http://p:1', NO_PROXY: '*'})).toBeUndefined();
		expect(proxyFor('hubble.example.com', 443, {https_proxy: 'http://user:secret@p:1'})?.username).toBe('user');
		// HTTP_PROXY is for http:// URLs; grpc-go reads HTTPS_PROXY only.
		expect(proxyFor('hubble.example.com', 443, {HTTP_PROXY: 'http://p:1'})).toBeUndefined();
	});

	test('a proxy ztop cannot use is an error that says so', () => {
		expect(() => proxyFor('hubble.example.com', 443, {HTTPS_PROXY: 'socks5://p:1080'})).toThrow('socks5:// proxies are not supported');
	});
});

describe('gRPC calls through a CONNECT proxy', () => {
	const certificates = makeTestCertificates();
	const servers: net.Server[] = [];
	const connects: Array<{target: string; authorization?: string}> = [];
	let plainTarget = '';
	let tlsTarget = '';
	let proxyAddress = '';
	let refusingProxyAddress = '';

	const answer = (stream: http2.ServerHttp2Stream) => {
		stream.respond({':status': 200, 'content-type': 'application/grpc'}, {waitForTrailers: true});
		const message = Buffer.from('through the tunnel');
		const prefix = Buffer.alloc(5);
		prefix.writeUInt32BE(message.length, 1);
		stream.end(Buffer.concat([prefix, message]));
		stream.on('wantTrailers', () => stream.sendTrailers({'grpc-status': '0'}));
	};

	// Every socket the servers accept, destroyed at the end: close() alone waits for tunnels to wind down.
	const sockets = new Set<net.Socket>();
	const listen = async (server: net.Server): Promise<string> => {
		servers.push(server);
		server.on('connection', (socket: net.Socket) => {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
		});
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
	};

	beforeAll(async () => {
		const plain = http2.createServer();
		plain.on('stream', stream => stream.on('data', () => undefined).on('end', () => answer(stream)));
		plainTarget = await listen(plain);
		const secure = http2.createSecureServer({cert: certificates.read(certificates.serverCertificateFile), key: certificates.read(certificates.serverKeyFile)});
		secure.on('stream', stream => stream.on('data', () => undefined).on('end', () => answer(stream)));
		tlsTarget = await listen(secure);
		const proxy = http.createServer();
		proxy.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
			connects.push({target: request.url!, ...(request.headers['proxy-authorization'] ? {authorization: request.headers['proxy-authorization']} : {})});
			const [host, port] = [request.url!.slice(0, request.url!.lastIndexOf(':')), Number(request.url!.slice(request.url!.lastIndexOf(':') + 1))];
			const upstream = net.connect(port, host, () => {
				client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
				upstream.write(head);
				upstream.pipe(client);
				client.pipe(upstream);
			});
			upstream.on('error', () => client.destroy());
			client.on('error', () => upstream.destroy());
		});
		proxyAddress = await listen(proxy);
		const refusing = http.createServer();
		refusing.on('connect', (_request: http.IncomingMessage, client: net.Socket) => {
			client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
		});
		refusingProxyAddress = await listen(refusing);
	});

	afterAll(async () => {
		const closed = Promise.all(servers.map(server => new Promise<void>(resolve => server.close(() => resolve()))));
		for (const socket of sockets) {
			socket.destroy();
		}

		await closed;
	});

	const call = (connection: GrpcConnection) =>
		new Promise<{messages: string[]; error?: CallError}>(resolve => {
			const messages: string[] = [];
			connection.serverStream('/observer.Observer/GetFlows', Buffer.from('r'), {
				onMessage: bytes => messages.push(bytes.toString()),
				onEnd: () => resolve({messages}),
				onError: error => resolve({messages, error}),
			});
		});

	const connectionTo = (target: string, proxy: string, extra: {tls?: {allowInsecure: boolean; caCertificates?: Buffer; serverName?: string}} = {}) =>
		new GrpcConnection({
			target,
			proxy: new URL(proxy),
			flowControlWindow: 1024 * 1024,
			maximumMessageLength: 1024,
			keepaliveMilliseconds: 300_000,
			keepaliveTimeoutMilliseconds: 20_000,
			...extra,
		});

	test('plain text, with the proxy\'s credentials from its URL', {timeout}, async () => {
		const connection = connectionTo(plainTarget, `http://ztop:s%3Acret@${proxyAddress}`);
		try {
			expect(await call(connection)).toEqual({messages: ['through the tunnel']});
		} finally {
			connection.close();
		}

		expect(connects.at(-1)).toEqual({target: plainTarget, authorization: `Basic ${Buffer.from('ztop:s:cret').toString('base64')}`});
	});

	test('TLS inside the tunnel, the certificate checked against the target\'s name', {timeout}, async () => {
		const ca = certificates.read(certificates.caFile);
		for (const tls of [{allowInsecure: false, caCertificates: ca}, {allowInsecure: false, caCertificates: ca, serverName: 'hubble.hubble-relay.cilium.io'}]) {
			const connection = connectionTo(tlsTarget, `http://${proxyAddress}`, {tls});
			try {
				expect(await call(connection)).toEqual({messages: ['through the tunnel']});
			} finally {
				connection.close();
			}
		}

		const wrongCa = connectionTo(tlsTarget, `http://${proxyAddress}`, {tls: {allowInsecure: false, caCertificates: certificates.read(certificates.otherCaFile)}});
		try {
			const outcome = await call(wrongCa);
			expect(outcome.error?.code).toBe(statusCode.UNAVAILABLE);
			expect(outcome.error?.details).toMatch(/certificate/);
		} finally {
			wrongCa.close();
		}
	});

	test('a proxy that never answers CONNECT: UNAVAILABLE after the connect timeout', {timeout}, async () => {
		const silentAddress = await listen(net.createServer(() => undefined));
		const connection = new GrpcConnection({
			target: plainTarget,
			proxy: new URL(`http://${silentAddress}`),
			connectTimeoutMilliseconds: 300,
			flowControlWindow: 1024 * 1024,
			maximumMessageLength: 1024,
			keepaliveMilliseconds: 300_000,
			keepaliveTimeoutMilliseconds: 20_000,
		});
		try {
			const outcome = await call(connection);
			expect(outcome.error?.code).toBe(statusCode.UNAVAILABLE);
			expect(outcome.error?.details).toBe(`No connection established. Last error: proxy ${silentAddress} did not open a tunnel to ${plainTarget} within 0.3 s`);
		} finally {
			connection.close();
		}
	});

	test('a proxy that refuses the tunnel: UNAVAILABLE with its answer', {timeout}, async () => {
		const connection = connectionTo(plainTarget, `http://${refusingProxyAddress}`);
		try {
			const outcome = await call(connection);
			expect(outcome.error?.code).toBe(statusCode.UNAVAILABLE);
			expect(outcome.error?.details).toContain(`refused CONNECT ${plainTarget}: 407 Proxy Authentication Required`);
		} finally {
			connection.close();
		}
	});
});

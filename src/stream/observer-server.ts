/**
Serves `observer.Observer` (GetFlows, ServerStatus, GetNodes, GetNamespaces) and the standard
`grpc.health.v1.Health` over real gRPC, with messages encoded from the canonical shape. The demo relay
plugs its behaviour in; this module is where the relay meets the wire, so that src/stream stays the
only importer of gRPC.
*/
import * as grpc from '@grpc/grpc-js';
import type {GetFlowsResponse} from '../flow/flow.js';
import {decodeMessage, encodeMessage} from './binary-codec.js';
import {addHealthService} from './health-service.js';
import {hubbleSchema} from './hubble-schema.js';
import type {CanonicalMessage} from './protojson.js';

export type FlowStreamSink = {
	/** `bytes`, when given, are the response already encoded; they go to the wire as they are. */
	send(response: GetFlowsResponse, bytes?: Uint8Array): boolean;
	end(): void;
	onDrain(listener: () => void): void;
	onClose(listener: () => void): void;
};

export type ObserverImplementation = {
	/** Throws an error with `kind: 'invalid-argument'` for a request the server refuses. */
	getFlows(request: CanonicalMessage, stream: FlowStreamSink): void;
	serverStatus(): CanonicalMessage;
	getNodes(): CanonicalMessage;
	getNamespaces(): CanonicalMessage;
};

export type ServerTls = {
	certificate: Buffer;
	privateKey: Buffer;
	/** With a client CA, clients must present a certificate it signed (mTLS). */
	clientCa?: Buffer;
};

export type RunningObserverServer = {
	/** `host:port` as clients dial it. */
	address: string;
	port: number;
	/** Stops accepting calls and ends the open ones. */
	stop(): Promise<void>;
	/** Drops every connection at once, as a crashed relay would. */
	kill(): void;
};

/**
Responses queued in grpc-js for one GetFlows client before `send` asks the caller to wait for 'drain'.
Small: the demo relay keeps its own bounded, Hubble-like backlog per client (relay/stream-outbox.ts).
*/
const maximumQueuedResponses = 256;

/** The service names Hubble Relay marks SERVING (hubble-api.md §1.1). */
const healthServices = ['', 'hubble.server.Observer'];

export async function startObserverServer(
	implementation: ObserverImplementation,
	options: {host: string; port: number; tls?: ServerTls},
): Promise<RunningObserverServer> {
	const schema = hubbleSchema();
	const root = schema.root;
	const codec = (typeName: string) => {
		const type = root.lookupType(typeName);
		return {
			serialize: (message: CanonicalMessage) => Buffer.from(encodeMessage(type, message)),
			deserialize: (bytes: Buffer) => decodeMessage(type, bytes),
		};
	};

	const unary = (name: string, requestType: string, responseType: string) => {
		const request = codec(requestType);
		const response = codec(responseType);
		return {
			path: `/observer.Observer/${name}`,
			requestStream: false,
			responseStream: false,
			requestSerialize: request.serialize,
			requestDeserialize: request.deserialize,
			responseSerialize: response.serialize,
			responseDeserialize: response.deserialize,
		};
	};

	const flowsRequest = codec('observer.GetFlowsRequest');
	const flowsResponse = codec('observer.GetFlowsResponse');
	const serializeFlowsResponse = (message: CanonicalMessage | Uint8Array) =>
		message instanceof Uint8Array ? Buffer.from(message.buffer, message.byteOffset, message.byteLength) : flowsResponse.serialize(message);
	const service: grpc.ServiceDefinition = {
		GetFlows: {
			path: '/observer.Observer/GetFlows',
			requestStream: false,
			responseStream: true,
			requestSerialize: flowsRequest.serialize,
			requestDeserialize: flowsRequest.deserialize,
			responseSerialize: serializeFlowsResponse,
			responseDeserialize: flowsResponse.deserialize,
		},
		ServerStatus: unary('ServerStatus', 'observer.ServerStatusRequest', 'observer.ServerStatusResponse'),
		GetNodes: unary('GetNodes', 'observer.GetNodesRequest', 'observer.GetNodesResponse'),
		GetNamespaces: unary('GetNamespaces', 'observer.GetNamespacesRequest', 'observer.GetNamespacesResponse'),
	};

	const server = new grpc.Server();
	// A GetFlows response goes out as a message or as bytes already encoded (serializeFlowsResponse).
	type FlowsCall = grpc.ServerWritableStream<CanonicalMessage, CanonicalMessage | Uint8Array>;
	const openCalls = new Set<FlowsCall>();
	server.addService(service, {
		GetFlows(call: FlowsCall) {
			openCalls.add(call);
			const closeListeners: Array<() => void> = [];
			let isClosed = false;
			const close = () => {
				if (!isClosed) {
					isClosed = true;
					openCalls.delete(call);
					for (const listener of closeListeners) {
						listener();
					}
				}
			};

			call.on('cancelled', close);
			call.on('close', close);
			call.on('error', close);
			try {
				implementation.getFlows(call.request, {
					send(response, bytes) {
						if (isClosed) {
							return false;
						}

						// write() turns false past Node's small object high-water mark (16); a client is only
						// "not keeping up" once far more than that is waiting.
						call.write(bytes ?? response);
						return call.writableLength < maximumQueuedResponses;
					},
					end() {
						close();
						call.end();
					},
					onDrain: listener => call.on('drain', listener),
					onClose: listener => closeListeners.push(listener),
				});
			} catch (error) {
				close();
				const isInvalid = (error as {kind?: string}).kind === 'invalid-argument';
				call.emit('error', {code: isInvalid ? grpc.status.INVALID_ARGUMENT : grpc.status.INTERNAL, details: (error as Error).message});
			}
		},
		ServerStatus(_call: unknown, callback: grpc.sendUnaryData<CanonicalMessage>) {
			callback(null, implementation.serverStatus());
		},
		GetNodes(_call: unknown, callback: grpc.sendUnaryData<CanonicalMessage>) {
			callback(null, implementation.getNodes());
		},
		GetNamespaces(_call: unknown, callback: grpc.sendUnaryData<CanonicalMessage>) {
			callback(null, implementation.getNamespaces());
		},
	});
	addHealthService(server, root, healthServices);

	const credentials = options.tls
		? grpc.ServerCredentials.createSsl(
				options.tls.clientCa ?? null,
				[{private_key: options.tls.privateKey, cert_chain: options.tls.certificate}],
				options.tls.clientCa !== undefined,
			)
		: grpc.ServerCredentials.createInsecure();
	const port = await new Promise<number>((resolve, reject) => {
		server.bindAsync(`${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`, credentials, (error, boundPort) =>
			error ? reject(error) : resolve(boundPort),
		);
	});
	return {
		address: `${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
		port,
		stop: () =>
			new Promise<void>(resolve => {
				for (const call of openCalls) {
					call.end();
				}

				server.tryShutdown(() => resolve());
				// Streams that never finish must not keep the process alive.
				setTimeout(() => {
					server.forceShutdown();
					resolve();
				}, 1000).unref();
			}),
		kill() {
			server.forceShutdown();
		},
	};
}

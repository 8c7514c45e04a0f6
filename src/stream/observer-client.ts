/**
A gRPC client of `observer.Observer` (Hubble Relay, a Hubble agent, or ztop's demo relay). GetFlows
keeps every response's raw bytes: grpc-js gets an identity deserializer, so decoding is the caller's
choice (a full decode for printing; a partial one for the store's hot path). Connection options
follow `hubble observe` (hubble-api.md §3.3): --server, tls:// prefix, --tls*, --request-timeout.
*/
import * as grpc from '@grpc/grpc-js';
import type {GetFlowsResponse} from '../flow/flow.js';
import {decodeMessage, encodeMessage} from './binary-codec.js';
import {hubbleSchema} from './hubble-schema.js';
import type {CanonicalMessage} from './protojson.js';

export type ClientTls = {
	/** `--tls-allow-insecure`: accept any server certificate. */
	allowInsecure: boolean;
	/** `--tls-ca-cert-files`, concatenated PEM; the system roots when absent. */
	caCertificates?: Buffer;
	clientCertificate?: Buffer;
	clientKey?: Buffer;
	/** `--tls-server-name`: the name the server certificate must carry. */
	serverName?: string;
};

export type ClientOptions = {
	/** `host:port`, `tls://host:port` or `unix:///path`. */
	server: string;
	tls?: ClientTls;
	/** Deadline of unary calls (ServerStatus, GetNodes); hubble's default is 12 s. */
	requestTimeoutMilliseconds: number;
};

export type StreamHandlers = {
	onData(bytes: Buffer): void;
	onEnd(): void;
	onError(error: grpc.ServiceError): void;
};

export type FlowCall = {cancel(): void};

const identity = (bytes: Buffer) => bytes;

export class ObserverClient {
	readonly target: string;
	readonly isTls: boolean;
	private readonly client: grpc.Client;

	constructor(private readonly options: ClientOptions) {
		const isTlsPrefixed = options.server.startsWith('tls://');
		this.target = isTlsPrefixed ? options.server.slice('tls://'.length) : options.server;
		this.isTls = isTlsPrefixed || options.tls !== undefined;
		const channelOptions: grpc.ChannelOptions = {
			// Hubble messages are small, but a field-mask-free flow with many labels can pass 4 MiB in a burst.
			'grpc.max_receive_message_length': 16 * 1024 * 1024,
			// Relay and agents enforce a 5 min keepalive minimum (hubble-api.md §6.6): ping no more often.
			'grpc.keepalive_time_ms': 300_000,
			'grpc.keepalive_timeout_ms': 20_000,
			// HTTP/2's default 64 KiB window lets a busy relay send about 1.5 ms of a 50,000 flows/s stream
			// before it must wait for this process: a garbage collection or a frame would hold it back every
			// time. 8 MiB covers ~200 ms at that rate (grpc-go's clients grow theirs up to 16 MiB).
			'grpc-node.flow_control_window': 8 * 1024 * 1024,
		};
		if (options.tls?.serverName) {
			channelOptions['grpc.ssl_target_name_override'] = options.tls.serverName;
			channelOptions['grpc.default_authority'] = options.tls.serverName;
		}

		this.client = new grpc.Client(this.target, this.credentials(), channelOptions);
	}

	getFlows(request: CanonicalMessage, handlers: StreamHandlers): FlowCall {
		const type = hubbleSchema().getFlowsRequest;
		const call = this.client.makeServerStreamRequest<CanonicalMessage, Buffer>(
			'/observer.Observer/GetFlows',
			message => Buffer.from(encodeMessage(type, message)),
			identity,
			request,
		);
		let isFinished = false;
		call.on('data', (bytes: Buffer) => handlers.onData(bytes));
		call.on('error', (error: grpc.ServiceError) => {
			if (!isFinished) {
				isFinished = true;
				handlers.onError(error);
			}
		});
		call.on('end', () => {
			if (!isFinished) {
				isFinished = true;
				handlers.onEnd();
			}
		});
		return {
			cancel() {
				isFinished = true;
				call.cancel();
			},
		};
	}

	serverStatus(): Promise<CanonicalMessage> {
		return this.unary('ServerStatus', 'observer.ServerStatusRequest', 'observer.ServerStatusResponse');
	}

	getNodes(): Promise<CanonicalMessage> {
		return this.unary('GetNodes', 'observer.GetNodesRequest', 'observer.GetNodesResponse');
	}

	close(): void {
		this.client.close();
	}

	private unary(method: string, requestType: string, responseType: string): Promise<CanonicalMessage> {
		const root = hubbleSchema().root;
		const request = root.lookupType(requestType);
		const response = root.lookupType(responseType);
		return new Promise((resolve, reject) => {
			this.client.makeUnaryRequest<CanonicalMessage, CanonicalMessage>(
				`/observer.Observer/${method}`,
				message => Buffer.from(encodeMessage(request, message)),
				bytes => decodeMessage(response, bytes),
				{},
				{deadline: Date.now() + this.options.requestTimeoutMilliseconds},
				(error, value) => (error ? reject(error) : resolve(value!)),
			);
		});
	}

	private credentials(): grpc.ChannelCredentials {
		if (!this.isTls) {
			return grpc.credentials.createInsecure();
		}

		const tls = this.options.tls;
		return grpc.credentials.createSsl(tls?.caCertificates ?? null, tls?.clientKey ?? null, tls?.clientCertificate ?? null, {
			...(tls?.allowInsecure ? {rejectUnauthorized: false, checkServerIdentity: () => undefined} : {}),
		});
	}
}

/** The full, canonical response for raw GetFlows bytes. */
export function decodeFlowsResponse(bytes: Uint8Array): GetFlowsResponse {
	return decodeMessage(hubbleSchema().getFlowsResponse, bytes) as GetFlowsResponse;
}

/** gRPC status codes by name, for callers that must not import grpc-js. */
export const statusCode = grpc.status;

/** `UNAVAILABLE` for 14: the name gRPC users know a status by. */
export function statusName(code: number): string {
	return grpc.status[code] ?? String(code);
}

/**
What went wrong with a call, and what to do about it, in the words a Hubble user needs (the raw gRPC
text is kept at the end for the details).
*/
export function describeCallError(error: grpc.ServiceError, server: string, isTls: boolean): string {
	const details = error.details || error.message;
	const text = `${details} (${statusName(error.code)})`;
	if (error.code === grpc.status.UNAVAILABLE) {
		// A TLS failure also shows as "No connection established", so look for it first.
		if (isTls && /wrong version number|packet length too long|unknown protocol/i.test(details)) {
			return `${server} does not speak TLS: drop --tls (and the tls:// prefix). [${text}]`;
		}

		if (/certificate|self[- ]signed|unable to verify|SSL|TLS|handshake|wrong version number|packet length too long|alert/i.test(details)) {
			return isTls
				? `TLS with ${server} failed: the server's certificate is not signed by a CA ztop trusts, or names another host. Pass the relay's CA with --tls-ca-cert-files, the name in its certificate with --tls-server-name (e.g. hubble.hubble-relay.cilium.io), or --tls-allow-insecure to skip the check. [${text}]`
				: `${server} expects TLS, but ztop connected without it. Add --tls (and --tls-ca-cert-files if the relay uses its own CA). [${text}]`;
		}

		if (/ECONNREFUSED|connection refused/i.test(details)) {
			return `cannot reach Hubble Relay at ${server}: nothing is listening there. Is Hubble Relay port-forwarded? Try \`cilium hubble port-forward\` or \`ztop -P\`, or point --server at it. [${text}]`;
		}

		if (/ENOTFOUND|getaddrinfo|Name resolution/i.test(details)) {
			return `cannot resolve the host of ${server}; check --server. [${text}]`;
		}

		return `Hubble Relay at ${server} is unavailable: the connection failed or was dropped. If the relay uses TLS, add --tls. [${text}]`;
	}

	if (error.code === grpc.status.UNIMPLEMENTED) {
		return `${server} does not serve this call; is it Hubble Relay (usually port 4245, or 80 on the hubble-relay service)? [${text}]`;
	}

	if (error.code === grpc.status.DEADLINE_EXCEEDED) {
		return `${server} did not answer in time (--request-timeout). [${text}]`;
	}

	return `${server}: ${text}`;
}

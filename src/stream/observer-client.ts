/**
A gRPC client of `observer.Observer` (Hubble Relay, a Hubble agent, or ztop's demo relay), over
ztop's own gRPC connection on node:http2 (grpc-connection). GetFlows hands on every response's raw
bytes: decoding is the caller's choice (a full decode for printing; a partial one for the store's hot
path). Connection options follow `hubble observe` (hubble-api.md §3.3): --server, tls:// prefix,
--tls*, --request-timeout.
*/
import type {GetFlowsResponse} from '../flow/flow.js';
import {decodeMessage, encodeMessage} from './binary-codec.js';
import {GrpcConnection, type ConnectionTls} from './grpc-connection.js';
import {statusCode, statusName, type CallError} from './grpc-status.js';
import {hubbleSchema} from './hubble-schema.js';
import type {CanonicalMessage} from './protojson.js';

export type ClientTls = ConnectionTls;

export type ClientOptions = {
	/** `host:port`, `tls://host:port` or `unix:///path`. */
	server: string;
	tls?: ClientTls;
	/** Deadline of unary calls (ServerStatus, GetNodes); hubble's default is 12 s. */
	requestTimeoutMilliseconds: number;
	/** An HTTP CONNECT proxy, as hubble takes it from HTTPS_PROXY (grpc-proxy's proxyFor). */
	proxy?: URL;
};

export type StreamHandlers = {
	onData(bytes: Buffer): void;
	onEnd(): void;
	onError(error: CallError): void;
};

export type FlowCall = {cancel(): void};

export {CallError, statusCode, statusName} from './grpc-status.js';

export class ObserverClient {
	readonly target: string;
	readonly isTls: boolean;
	private readonly connection: GrpcConnection;

	constructor(private readonly options: ClientOptions) {
		const isTlsPrefixed = options.server.startsWith('tls://');
		this.target = isTlsPrefixed ? options.server.slice('tls://'.length) : options.server;
		this.isTls = isTlsPrefixed || options.tls !== undefined;
		this.connection = new GrpcConnection({
			target: this.target,
			...(this.isTls ? {tls: options.tls ?? {allowInsecure: false}} : {}),
			...(options.proxy ? {proxy: options.proxy} : {}),
			// Hubble messages are small, but a field-mask-free flow with many labels can pass 4 MiB in a burst.
			maximumMessageLength: 16 * 1024 * 1024,
			// HTTP/2's default 64 KiB window lets a busy relay send about 1.5 ms of a 50,000 flows/s stream
			// before it must wait for this process: a garbage collection or a frame would hold it back every
			// time. 8 MiB covers ~200 ms at that rate (grpc-go's clients grow theirs up to 16 MiB).
			flowControlWindow: 8 * 1024 * 1024,
			// Relay and agents enforce a 5 min keepalive minimum (hubble-api.md §6.6): ping no more often.
			keepaliveMilliseconds: 300_000,
			keepaliveTimeoutMilliseconds: 20_000,
		});
	}

	getFlows(request: CanonicalMessage, handlers: StreamHandlers): FlowCall {
		const bytes = encodeMessage(hubbleSchema().getFlowsRequest, request);
		return this.connection.serverStream('/observer.Observer/GetFlows', bytes, {
			onMessage: handlers.onData,
			onEnd: handlers.onEnd,
			onError: handlers.onError,
		});
	}

	serverStatus(): Promise<CanonicalMessage> {
		return this.unary('ServerStatus', 'observer.ServerStatusRequest', 'observer.ServerStatusResponse');
	}

	getNodes(): Promise<CanonicalMessage> {
		return this.unary('GetNodes', 'observer.GetNodesRequest', 'observer.GetNodesResponse');
	}

	close(): void {
		this.connection.close();
	}

	private async unary(method: string, requestType: string, responseType: string): Promise<CanonicalMessage> {
		const root = hubbleSchema().root;
		const bytes = await this.connection.unary(
			`/observer.Observer/${method}`,
			encodeMessage(root.lookupType(requestType), {}),
			this.options.requestTimeoutMilliseconds,
		);
		return decodeMessage(root.lookupType(responseType), bytes);
	}
}

/** The full, canonical response for raw GetFlows bytes. */
export function decodeFlowsResponse(bytes: Uint8Array): GetFlowsResponse {
	return decodeMessage(hubbleSchema().getFlowsResponse, bytes) as GetFlowsResponse;
}

/**
What went wrong with a call, and what to do about it, in the words a Hubble user needs (the raw gRPC
text is kept at the end for the details).
*/
export function describeCallError(error: CallError, server: string, isTls: boolean): string {
	const details = error.details || error.message;
	const text = `${details} (${statusName(error.code)})`;
	if (error.code === statusCode.UNAVAILABLE) {
		// A TLS failure also shows as "No connection established", so look for it first.
		if (isTls && /wrong version number|packet length too long|unknown protocol/i.test(details)) {
			return `${server} does not speak TLS: drop --tls (and the tls:// prefix). [${text}]`;
		}

		// The server refused ztop's side of mutual TLS (Go's relay: "remote error: tls: certificate required" in hubble).
		if (isTls && /alert certificate required/i.test(details)) {
			return `${server} requires a client certificate (mutual TLS) and ztop sent none; the server said "certificate required". Pass the relay's client certificate and key with --tls-client-cert-file and --tls-client-key-file. [${text}]`;
		}

		if (isTls && /alert (bad certificate|unknown ca|certificate unknown|unsupported certificate|certificate expired|certificate revoked)/i.test(details)) {
			return `${server} rejected ztop's client certificate (mutual TLS): it is not signed by a CA the relay trusts, has expired, or is not for client authentication. Check --tls-client-cert-file and --tls-client-key-file. [${text}]`;
		}

		if (/certificate|self[- ]signed|unable to verify|SSL|TLS|handshake|wrong version number|packet length too long|alert/i.test(details)) {
			return isTls
				? `TLS with ${server} failed: the server's certificate is not signed by a CA ztop trusts, or names another host. Pass the relay's CA with --tls-ca-cert-files, the name in its certificate with --tls-server-name (e.g. hubble.hubble-relay.cilium.io), or --tls-allow-insecure to skip the check. [${text}]`
				: `${server} expects TLS, but ztop connected without it. Add --tls (and --tls-ca-cert-files if the relay uses its own CA). [${text}]`;
		}

		if (/Last error: proxy /.test(details)) {
			return `cannot reach Hubble Relay at ${server} through the proxy in HTTPS_PROXY. Check HTTPS_PROXY, or list the relay's host in NO_PROXY to connect directly. [${text}]`;
		}

		if (/ECONNREFUSED|connection refused|connect ENOENT/i.test(details)) {
			return `cannot reach Hubble Relay at ${server}: nothing is listening there. Is Hubble Relay port-forwarded? Try \`cilium hubble port-forward\` or \`ztop -P\`, or point --server at it. [${text}]`;
		}

		if (/ENOTFOUND|getaddrinfo|Name resolution/i.test(details)) {
			return `cannot resolve the host of ${server}; check --server. [${text}]`;
		}

		return `Hubble Relay at ${server} is unavailable: the connection failed or was dropped. If the relay uses TLS, add --tls. [${text}]`;
	}

	if (error.code === statusCode.UNIMPLEMENTED) {
		return `${server} does not serve this call; is it Hubble Relay (usually port 4245, or 80 on the hubble-relay service)? [${text}]`;
	}

	if (error.code === statusCode.DEADLINE_EXCEEDED) {
		return `${server} did not answer in time (--request-timeout). [${text}]`;
	}

	return `${server}: ${text}`;
}

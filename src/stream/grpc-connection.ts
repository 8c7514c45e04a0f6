/**
A gRPC client connection written on node:http2 (grpc's PROTOCOL-HTTP2.md), for the calls ztop makes:
server streaming (GetFlows) and unary (ServerStatus, GetNodes). grpc-js cost the TUI more than the
rest of its ingest put together: each message went through its decoder's copy, an object-mode stream
and a microtask, and its allocations were ~45% of all the TUI allocated while following 5,000 flows/s.
Here a message is a view of the HTTP/2 chunk it came in (grpc-message-reader) handed straight to the
caller. One HTTP/2 session per connection, made when a call needs it and again after it dies; calls
fail fast (UNAVAILABLE) rather than wait for a relay, as grpc-js does without wait-for-ready.
*/
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as tls from 'node:tls';
import {GrpcMessageReader} from './grpc-message-reader.js';
import {tunnelThrough} from './grpc-proxy.js';
import {CallError, decodeStatusMessage, statusCode, statusOfHttp} from './grpc-status.js';

export type ConnectionTls = {
	/** `--tls-allow-insecure`: accept any server certificate. */
	allowInsecure: boolean;
	/** `--tls-ca-cert-files`, concatenated PEM; the system roots when absent. */
	caCertificates?: Buffer;
	/** `--tls-client-cert-file` and `--tls-client-key-file` (mTLS). */
	clientCertificate?: Buffer;
	clientKey?: Buffer;
	/** `--tls-server-name`: the name the server certificate must carry; also the calls' :authority (as grpc-js's ssl_target_name_override). */
	serverName?: string;
};

export type ConnectionOptions = {
	/** `host:port`, `[v6]:port`, `host` (port 443, as grpc-js and grpc-go), `unix:///path` or `unix:path`. */
	target: string;
	tls?: ConnectionTls;
	/** The HTTP/2 receive window of the connection and of each stream. */
	flowControlWindow: number;
	maximumMessageLength: number;
	/**
	How long a connection may take (TCP, then TLS): a relay behind a firewall that drops packets would
	otherwise leave a follower waiting minutes for the system's own timeout (grpc's connection backoff
	spec: a minimum connect timeout of 20 s).
	*/
	connectTimeoutMilliseconds?: number;
	/** An HTTP CONNECT proxy to reach the target through (grpc-proxy's proxyFor). */
	proxy?: URL;
	/** While calls are open, a ping this often; no answer within the timeout closes the connection. */
	keepaliveMilliseconds: number;
	keepaliveTimeoutMilliseconds: number;
};

export type StreamHandlers = {
	onMessage(bytes: Buffer): void;
	onEnd(): void;
	onError(error: CallError): void;
};

export type Call = {cancel(): void};

const defaultConnectTimeout = 20_000;

type Target = {authority: string; host: string; port: number} | {authority: string; socketPath: string};

/** What the calls on one HTTP/2 session need to know about it when they end without a status. */
type SessionState = {hasConnected: boolean; error?: string};

/** Parses a target the way grpc-js reads hubble's --server values. */
export function parseTarget(target: string): Target {
	if (target.startsWith('unix:')) {
		const path = target.startsWith('unix://') ? target.slice('unix://'.length) : target.slice('unix:'.length);
		return {authority: 'localhost', socketPath: path};
	}

	const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(target);
	if (bracketed) {
		return {authority: target, host: bracketed[1]!, port: Number(bracketed[2] ?? 443)};
	}

	const colon = target.lastIndexOf(':');
	if (colon > 0 && /^\d+$/.test(target.slice(colon + 1)) && !target.slice(0, colon).includes(':')) {
		return {authority: target, host: target.slice(0, colon), port: Number(target.slice(colon + 1))};
	}

	return {authority: net.isIPv6(target) ? `[${target}]:443` : `${target}:443`, host: target, port: 443};
}

const {
	HTTP2_HEADER_STATUS,
	HTTP2_HEADER_CONTENT_TYPE,
	NGHTTP2_CANCEL,
	NGHTTP2_REFUSED_STREAM,
	NGHTTP2_ENHANCE_YOUR_CALM,
	NGHTTP2_INADEQUATE_SECURITY,
	NGHTTP2_NO_ERROR,
} = http2.constants;

export class GrpcConnection {
	private session: http2.ClientHttp2Session | undefined;
	private sessionState: SessionState | undefined;
	private openCalls = 0;
	private isClosed = false;
	private readonly target: Target;

	constructor(private readonly options: ConnectionOptions) {
		this.target = parseTarget(options.target);
	}

	/** A server-streaming call: `request` is the encoded request message. */
	serverStream(path: string, request: Uint8Array, handlers: StreamHandlers): Call {
		return this.call(path, request, handlers, undefined);
	}

	/** A unary call with a deadline: the response message's bytes. */
	unary(path: string, request: Uint8Array, timeoutMilliseconds: number): Promise<Buffer> {
		return new Promise((resolve, reject) => {
			let response: Buffer | undefined;
			let count = 0;
			this.call(
				path,
				request,
				{
					onMessage(bytes) {
						count++;
						response = Buffer.from(bytes);
					},
					onEnd() {
						if (count === 1) {
							resolve(response!);
						} else {
							reject(new CallError(statusCode.UNIMPLEMENTED, `a unary call got ${count} response messages`));
						}
					},
					onError: reject,
				},
				timeoutMilliseconds,
			);
		});
	}

	close(): void {
		this.isClosed = true;
		this.session?.close();
		this.session = undefined;
	}

	private call(path: string, request: Uint8Array, handlers: StreamHandlers, timeoutMilliseconds: number | undefined): Call {
		if (this.isClosed) {
			queueMicrotask(() => handlers.onError(new CallError(statusCode.UNAVAILABLE, 'the client was closed')));
			return {cancel() {}};
		}

		const {session, state} = this.currentSession();
		const headers: http2.OutgoingHttpHeaders = {
			':method': 'POST',
			':path': path,
			':authority': this.options.tls?.serverName ?? this.target.authority,
			'content-type': 'application/grpc',
			te: 'trailers',
			'user-agent': 'ztop',
		};
		if (timeoutMilliseconds !== undefined) {
			headers['grpc-timeout'] = `${Math.max(1, Math.ceil(timeoutMilliseconds))}m`;
		}

		const stream = session.request(headers, {endStream: false});
		const body = Buffer.allocUnsafe(5 + request.length);
		body[0] = 0;
		body.writeUInt32BE(request.length, 1);
		body.set(request, 5);
		stream.end(body);

		this.openCalls++;
		session.ref();
		let isDone = false;
		let isCancelled = false;
		let status: {code: number; details: string} | undefined;
		let streamError: Error | undefined;
		let deadline: ReturnType<typeof setTimeout> | undefined;
		const reader = new GrpcMessageReader(this.options.maximumMessageLength);
		const finish = (error: CallError | undefined) => {
			if (isDone) {
				return;
			}

			isDone = true;
			clearTimeout(deadline);
			this.openCalls--;
			if (this.openCalls === 0 && !session.destroyed) {
				session.unref();
			}

			if (isCancelled) {
				return;
			}

			if (error) {
				handlers.onError(error);
			} else {
				handlers.onEnd();
			}
		};

		const fail = (code: number, details: string) => {
			finish(new CallError(code, details));
			if (!stream.closed) {
				stream.close(NGHTTP2_CANCEL);
			}
		};

		const readStatus = (fields: http2.IncomingHttpHeaders) => {
			const value = fields['grpc-status'];
			if (value !== undefined) {
				const code = Number(value);
				status = {code: Number.isInteger(code) ? code : statusCode.UNKNOWN, details: decodeStatusMessage(fields['grpc-message'] as string | undefined)};
			}
		};

		if (timeoutMilliseconds !== undefined) {
			deadline = setTimeout(() => fail(statusCode.DEADLINE_EXCEEDED, 'Deadline exceeded'), timeoutMilliseconds);
		}

		stream.on('response', responseHeaders => {
			readStatus(responseHeaders);
			const httpStatus = Number(responseHeaders[HTTP2_HEADER_STATUS]);
			if (status === undefined && httpStatus !== 200) {
				fail(statusOfHttp(httpStatus), `Received HTTP status code ${httpStatus}`);
				return;
			}

			const contentType = String(responseHeaders[HTTP2_HEADER_CONTENT_TYPE] ?? '');
			if (status === undefined && !contentType.startsWith('application/grpc')) {
				fail(statusCode.UNKNOWN, `Received a response that is not gRPC (content-type "${contentType}")`);
			}
		});
		stream.on('data', (chunk: Buffer) => {
			if (isDone) {
				return;
			}

			const problem = reader.read(chunk, handlers.onMessage);
			if (problem?.kind === 'compressed') {
				fail(statusCode.INTERNAL, 'Received a compressed message, which ztop did not ask for');
			} else if (problem?.kind === 'too-large') {
				fail(statusCode.RESOURCE_EXHAUSTED, `Received message larger than max (${problem.length} vs. ${this.options.maximumMessageLength})`);
			}
		});
		stream.on('trailers', readStatus);
		stream.on('error', error => {
			streamError = error;
		});
		stream.on('close', () => {
			if (isDone) {
				return;
			}

			if (status !== undefined) {
				if (status.code !== statusCode.OK) {
					finish(new CallError(status.code, status.details));
				} else if (reader.hasPartialMessage) {
					finish(new CallError(statusCode.INTERNAL, 'The stream ended in the middle of a message'));
				} else {
					finish(undefined);
				}

				return;
			}

			finish(closedWithoutStatus(session, state, stream.rstCode, streamError));
		});
		return {
			cancel() {
				// Like grpc-js's cancel(): the caller asked for it, so it hears nothing more.
				isCancelled = true;
				fail(statusCode.CANCELLED, 'Cancelled on client');
			},
		};
	}

	private currentSession(): {session: http2.ClientHttp2Session; state: SessionState} {
		if (this.session !== undefined && this.sessionState !== undefined && !this.session.closed && !this.session.destroyed) {
			return {session: this.session, state: this.sessionState};
		}

		const state: SessionState = {hasConnected: false};
		const session = this.connect(state);
		this.session = session;
		this.sessionState = state;
		let pingTimer: ReturnType<typeof setInterval> | undefined;
		const connectTimeout = this.options.connectTimeoutMilliseconds ?? defaultConnectTimeout;
		const connectTimer = setTimeout(() => {
			state.error = `No connection established. Last error: no answer within ${connectTimeout / 1000} s (connect timeout)`;
			session.destroy();
		}, connectTimeout);
		connectTimer.unref();
		session.on('connect', () => {
			clearTimeout(connectTimer);
			state.hasConnected = true;
			// The connection's window, beyond the per-stream one in the settings.
			session.setLocalWindowSize(this.options.flowControlWindow);
			pingTimer = setInterval(() => this.keepAlive(session, state), this.options.keepaliveMilliseconds);
			pingTimer.unref();
		});
		session.on('error', (error: Error) => {
			state.error ??= describeSessionError(state, error);
		});
		session.on('goaway', () => {
			// The server is going away: calls already open finish on it, new ones open another connection.
			if (this.session === session) {
				this.session = undefined;
			}
		});
		session.on('close', () => {
			clearTimeout(connectTimer);
			clearInterval(pingTimer);
			if (this.session === session) {
				this.session = undefined;
			}
		});
		return {session, state};
	}

	private keepAlive(session: http2.ClientHttp2Session, state: SessionState): void {
		if (this.openCalls === 0 || session.destroyed) {
			return;
		}

		const timeout = setTimeout(() => {
			state.error = `Connection dropped: keepalive ping not answered within ${this.options.keepaliveTimeoutMilliseconds / 1000} s`;
			session.destroy();
		}, this.options.keepaliveTimeoutMilliseconds);
		timeout.unref();
		session.ping(() => clearTimeout(timeout));
	}

	private connect(state: SessionState): http2.ClientHttp2Session {
		const target = this.target;
		const settings: http2.Settings = {initialWindowSize: this.options.flowControlWindow, enablePush: false};
		const tlsOptions = this.options.tls === undefined ? undefined : secureContextOptions(this.options.tls);
		if ('socketPath' in target) {
			return http2.connect(`http://${target.authority}`, {
				settings,
				createConnection: () =>
					tlsOptions === undefined ? net.connect(target.socketPath) : tls.connect({path: target.socketPath, ALPNProtocols: ['h2'], ...tlsOptions}),
			});
		}

		const host = net.isIPv6(target.host) ? `[${target.host}]` : target.host;
		const proxy = this.options.proxy;
		if (proxy !== undefined) {
			// With its own connection, http2 sets neither ALPN nor the name to check the certificate against.
			// http2 does not pass on the tunnel's errors: they are kept for the calls to report.
			const tunnel = () => {
				const opened = tunnelThrough(proxy, target.host, target.port, this.options.connectTimeoutMilliseconds ?? defaultConnectTimeout);
				opened.on('error', (error: Error) => {
					state.error ??= opened.isOpen ? `Connection dropped: ${error.message}` : `No connection established. Last error: ${error.message}`;
				});
				return opened;
			};
			return tlsOptions === undefined
				? http2.connect(`http://${host}:${target.port}`, {settings, createConnection: tunnel})
				: http2.connect(`https://${host}:${target.port}`, {
						settings,
						createConnection: () =>
							tls.connect({
								socket: tunnel(),
								host: target.host,
								ALPNProtocols: ['h2'],
								...(net.isIP(target.host) ? {} : {servername: target.host}),
								...tlsOptions,
							}),
					});
		}

		return tlsOptions === undefined
			? http2.connect(`http://${host}:${target.port}`, {settings})
			: http2.connect(`https://${host}:${target.port}`, {settings, ...tlsOptions});
	}
}

/** Why a call ended without a gRPC status: the connection failed or dropped, or the server reset the stream. */
function closedWithoutStatus(session: http2.ClientHttp2Session, state: SessionState, rstCode: number | undefined, streamError: Error | undefined): CallError {
	if (state.error !== undefined) {
		return new CallError(statusCode.UNAVAILABLE, state.error);
	}

	// A call queued on a session that then failed is cancelled with the session's error as its cause.
	const cause = (streamError as {cause?: unknown} | undefined)?.cause;
	if (cause instanceof Error) {
		return new CallError(statusCode.UNAVAILABLE, describeSessionError(state, cause));
	}

	if (session.destroyed || session.closed) {
		// The socket's error reaches the stream, not the session: a TLS 1.3 alert the server sends after the
		// handshake (mTLS without a client certificate: "tlsv13 alert certificate required") is kept.
		return new CallError(
			statusCode.UNAVAILABLE,
			state.hasConnected ? `Connection dropped${streamError ? `: ${streamError.message}` : ''}` : `No connection established${streamError ? `. Last error: ${streamError.message}` : ': the server closed the connection'}`,
		);
	}

	switch (rstCode) {
		case NGHTTP2_REFUSED_STREAM: {
			return new CallError(statusCode.UNAVAILABLE, 'Stream refused by server');
		}

		case NGHTTP2_CANCEL: {
			return new CallError(statusCode.CANCELLED, 'Call cancelled by the server');
		}

		case NGHTTP2_ENHANCE_YOUR_CALM: {
			return new CallError(statusCode.RESOURCE_EXHAUSTED, 'Bandwidth exhausted or memory limit exceeded');
		}

		case NGHTTP2_INADEQUATE_SECURITY: {
			return new CallError(statusCode.PERMISSION_DENIED, 'Protocol not secure enough');
		}

		case undefined:
		case NGHTTP2_NO_ERROR: {
			return new CallError(statusCode.UNAVAILABLE, `Connection dropped${streamError ? `: ${streamError.message}` : ''}`);
		}

		default: {
			return new CallError(statusCode.INTERNAL, `Received RST_STREAM with code ${rstCode}${streamError ? ` (${streamError.message})` : ''}`);
		}
	}
}

/** "No connection established. Last error: …" as grpc-js words it, which describeCallError reads. */
function describeSessionError(state: SessionState, error: Error): string {
	return state.hasConnected ? `Connection dropped: ${error.message}` : `No connection established. Last error: ${error.message}`;
}

function secureContextOptions(options: ConnectionTls): tls.ConnectionOptions {
	return {
		...(options.caCertificates ? {ca: options.caCertificates} : {}),
		...(options.clientCertificate ? {cert: options.clientCertificate} : {}),
		...(options.clientKey ? {key: options.clientKey} : {}),
		...(options.serverName ? {servername: options.serverName} : {}),
		...(options.allowInsecure ? {rejectUnauthorized: false, checkServerIdentity: () => undefined} : {}),
	};
}

/**
Connection settings from flags, then HUBBLE_* environment variables, then hubble's defaults
(hubble-api.md §3.3): server localhost:4245, request timeout 12 s, TLS off unless asked for; a proxy
from HTTPS_PROXY and NO_PROXY as hubble's gRPC client reads them.
*/
import {readFileSync} from 'node:fs';
import {parseGoDuration} from '../filters/time-bound.js';
import {parseTarget} from '../stream/grpc-connection.js';
import {proxyFor} from '../stream/grpc-proxy.js';
import type {ClientOptions, ClientTls} from '../stream/observer-client.js';
import {UsageError} from './usage-error.js';

type Flags = Record<string, unknown>;

const defaultServer = 'localhost:4245';

export function connectionOptions(flags: Flags, environment: Record<string, string | undefined>): ClientOptions {
	const fromEnvironment = (name: string) => {
		const value = environment[`HUBBLE_${name}`];
		return value === undefined || value === '' ? undefined : value;
	};
	const isTrue = (flag: string, variable: string) => flags[flag] === true || ['1', 'true'].includes(fromEnvironment(variable) ?? '');
	const server = (flags['server'] as string | undefined) ?? fromEnvironment('SERVER') ?? defaultServer;
	const timeoutText = (flags['requestTimeout'] as string | undefined) ?? fromEnvironment('REQUEST_TIMEOUT') ?? '12s';
	const timeout = parseGoDuration(timeoutText);
	if (timeout === undefined || timeout <= 0) {
		throw new UsageError(`invalid --request-timeout value ${JSON.stringify(timeoutText)}: use a duration such as 12s or 1m`);
	}

	const caFiles = (flags['tlsCaCertFiles'] as string[] | undefined) ?? fromEnvironment('TLS_CA_CERT_FILES')?.split(',') ?? [];
	const certificateFile = (flags['tlsClientCertFile'] as string | undefined) ?? fromEnvironment('TLS_CLIENT_CERT_FILE');
	const keyFile = (flags['tlsClientKeyFile'] as string | undefined) ?? fromEnvironment('TLS_CLIENT_KEY_FILE');
	if ((certificateFile === undefined) !== (keyFile === undefined)) {
		throw new UsageError('--tls-client-cert-file and --tls-client-key-file go together: give both or neither');
	}

	const serverName = (flags['tlsServerName'] as string | undefined) ?? fromEnvironment('TLS_SERVER_NAME');
	const isTls = isTrue('tls', 'TLS') || server.startsWith('tls://');
	const tls: ClientTls | undefined = isTls
		? {
				allowInsecure: isTrue('tlsAllowInsecure', 'TLS_ALLOW_INSECURE'),
				...(caFiles.length > 0 ? {caCertificates: Buffer.concat(caFiles.map(file => readPem('--tls-ca-cert-files', file)))} : {}),
				...(certificateFile ? {clientCertificate: readPem('--tls-client-cert-file', certificateFile)} : {}),
				...(keyFile ? {clientKey: readPem('--tls-client-key-file', keyFile)} : {}),
				...(serverName ? {serverName} : {}),
			}
		: undefined;
	// As hubble: HTTPS_PROXY unless NO_PROXY or a loopback target says otherwise; never for a unix socket.
	const target = parseTarget(server.startsWith('tls://') ? server.slice('tls://'.length) : server);
	let proxy: URL | undefined;
	try {
		proxy = 'socketPath' in target ? undefined : proxyFor(target.host, target.port, environment);
	} catch (error) {
		throw new UsageError((error as Error).message);
	}

	return {server, requestTimeoutMilliseconds: timeout, ...(tls ? {tls} : {}), ...(proxy ? {proxy} : {})};
}

function readPem(flag: string, file: string): Buffer {
	try {
		return readFileSync(file);
	} catch (error) {
		throw new UsageError(`cannot read ${flag} file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
	}
}

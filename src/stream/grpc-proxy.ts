/**
HTTP CONNECT proxies for the gRPC client, chosen as hubble's (grpc-go's) client chooses them: Go's
ProxyFromEnvironment for an https URL of the target — HTTPS_PROXY (or https_proxy), except for
localhost and loopback addresses and what NO_PROXY (or no_proxy) lists: `*`, host names (a name also
covers its subdomains, a leading dot only them), IP addresses and IPv4 CIDR ranges, each optionally
with `:port`. Only http:// proxies (a proxy without a scheme is one) are supported.
*/
import {Duplex} from 'node:stream';
import * as net from 'node:net';

export type ProxyEnvironment = Record<string, string | undefined>;

/** The proxy to reach `host:port` through, if any; throws a message for a proxy ztop cannot use. */
export function proxyFor(host: string, port: number, environment: ProxyEnvironment): URL | undefined {
	const setting = environment['HTTPS_PROXY'] || environment['https_proxy'];
	if (!setting || isLoopback(host) || isExcluded(host, port, environment['NO_PROXY'] || environment['no_proxy'] || '')) {
		return undefined;
	}

	let proxy: URL;
	try {
		proxy = new URL(/^[a-z][a-z\d+.-]*:\/\//i.test(setting) ? setting : `http://${setting}`);
	} catch {
		throw new Error(`HTTPS_PROXY is not a URL: "${setting}"`);
	}

	if (proxy.protocol !== 'http:') {
		throw new Error(`HTTPS_PROXY ${proxy.protocol}// proxies are not supported; ztop tunnels through http:// proxies (HTTP CONNECT)`);
	}

	return proxy;
}

/** `host` as parseTarget gives it: an IPv6 address without brackets. */
function isLoopback(host: string): boolean {
	return host === 'localhost' || host === '::1' || (net.isIPv4(host) && host.startsWith('127.'));
}

function isExcluded(host: string, port: number, noProxy: string): boolean {
	const bare = host.toLowerCase();
	return noProxy
		.split(/[\s,]+/)
		.filter(Boolean)
		.some(entry => {
			if (entry === '*') {
				return true;
			}

			const portMatch = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[(.*)\](:\d+)?$/, '$1$2'))!;
			const name = portMatch[1]!.toLowerCase();
			if (portMatch[2] !== undefined && Number(portMatch[2]) !== port) {
				return false;
			}

			if (name.includes('/')) {
				return isInCidr(bare, name);
			}

			if (net.isIP(name)) {
				return name === bare;
			}

			if (name.startsWith('.')) {
				return bare.endsWith(name);
			}

			return bare === name || bare.endsWith(`.${name}`);
		});
}

function isInCidr(address: string, cidr: string): boolean {
	const [base, bitsText] = cidr.split('/');
	const bits = Number(bitsText);
	if (!net.isIPv4(address) || !net.isIPv4(base!) || !Number.isInteger(bits) || bits < 0 || bits > 32) {
		return false;
	}

	const number = (ip: string) => ip.split('.').reduce((value, part) => value * 256 + Number(part), 0);
	const size = 2 ** (32 - bits);
	return Math.floor(number(address) / size) === Math.floor(number(base!) / size);
}

/**
A stream to `host:port` through the proxy's CONNECT tunnel, usable at once: what is written before the
proxy has answered waits, and a refusal destroys the stream with the proxy's answer.
*/
export type Tunnel = Duplex & {
	/** Whether the proxy has opened the tunnel (an error before that means no connection was made). */
	readonly isOpen: boolean;
};

export function tunnelThrough(proxy: URL, host: string, port: number, timeoutMilliseconds: number): Tunnel {
	const authority = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
	const socket = net.connect(Number(proxy.port || 80), proxy.hostname.replace(/^\[|\]$/g, ''));
	// http2 takes the tunnel as connected at once, so its own connect timeout would not cover a silent proxy.
	const timer = setTimeout(() => {
		tunnel.destroy(new Error(`proxy ${proxy.host} did not open a tunnel to ${authority} within ${timeoutMilliseconds / 1000} s`));
	}, timeoutMilliseconds);
	timer.unref();
	let isOpen = false;
	let waiting: Array<() => void> = [];
	let answer = Buffer.alloc(0);
	const tunnel = new Duplex({
		write(chunk: Buffer, _encoding, callback) {
			if (isOpen) {
				socket.write(chunk, callback);
			} else {
				waiting.push(() => socket.write(chunk, callback));
			}
		},
		read() {
			socket.resume();
		},
		final(callback) {
			socket.end();
			callback();
		},
		destroy(error, callback) {
			clearTimeout(timer);
			socket.destroy();
			callback(error);
		},
	});
	const credentials = proxy.username ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}\r\n` : '';
	socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${credentials}\r\n`);
	const onAnswer = (chunk: Buffer) => {
		answer = Buffer.concat([answer, chunk]);
		const end = answer.indexOf('\r\n\r\n');
		if (end < 0) {
			if (answer.length > 16_384) {
				tunnel.destroy(new Error(`proxy ${proxy.host} sent no answer to CONNECT ${authority} that ztop could read`));
			}

			return;
		}

		socket.off('data', onAnswer);
		const statusLine = answer.subarray(0, answer.indexOf('\r\n')).toString('latin1');
		if (!/^HTTP\/1\.[01] 2\d\d/.test(statusLine)) {
			tunnel.destroy(new Error(`proxy ${proxy.host} refused CONNECT ${authority}: ${statusLine.replace(/^HTTP\/1\.[01] /, '')}`));
			return;
		}

		isOpen = true;
		clearTimeout(timer);
		const rest = answer.subarray(end + 4);
		if (rest.length > 0) {
			tunnel.push(rest);
		}

		socket.on('data', (data: Buffer) => {
			if (!tunnel.push(data)) {
				socket.pause();
			}
		});
		for (const write of waiting) {
			write();
		}

		waiting = [];
	};

	socket.on('data', onAnswer);
	socket.on('end', () => {
		if (isOpen) {
			tunnel.push(null);
		} else {
			tunnel.destroy(new Error(`proxy ${proxy.host} closed the connection before it answered CONNECT ${authority}`));
		}
	});
	socket.on('error', error => tunnel.destroy(new Error(`proxy ${proxy.host}: ${error.message}`)));
	Object.defineProperty(tunnel, 'isOpen', {get: () => isOpen});
	return tunnel as Tunnel;
}

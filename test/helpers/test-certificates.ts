/** A throwaway CA, server and client certificates made with openssl, for TLS and mTLS tests. */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';

export type TestCertificates = {
	directory: string;
	caFile: string;
	otherCaFile: string;
	serverCertificateFile: string;
	serverKeyFile: string;
	clientCertificateFile: string;
	clientKeyFile: string;
	read(file: string): Buffer;
};

export function makeTestCertificates(): TestCertificates {
	const directory = mkdtempSync(path.join(tmpdir(), 'ztop-tls-'));
	const file = (name: string) => path.join(directory, name);
	const openssl = (...arguments_: string[]) => execFileSync('openssl', arguments_, {cwd: directory, stdio: 'pipe'});
	const makeCa = (name: string) => {
		openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`));
	};

	const makeSigned = (name: string, commonName: string, extensions: string) => {
		writeFileSync(file(`${name}.ext`), extensions);
		openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${commonName}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`));
		openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`));
	};

	makeCa('ca');
	makeCa('other-ca');
	// Relay's generated certificates name *.hubble-relay.cilium.io (hubble-api.md §3.3).
	makeSigned('server', 'hubble.hubble-relay.cilium.io', 'subjectAltName=DNS:hubble.hubble-relay.cilium.io,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
	makeSigned('client', 'ztop', 'extendedKeyUsage=clientAuth\n');
	return {
		directory,
		caFile: file('ca.pem'),
		otherCaFile: file('other-ca.pem'),
		serverCertificateFile: file('server.pem'),
		serverKeyFile: file('server.key'),
		clientCertificateFile: file('client.pem'),
		clientKeyFile: file('client.key'),
		read: name => readFileSync(name),
	};
}

/**
A call's failure in the words a Hubble user needs: each TLS mistake named with the flags that mend it.
The alerts are OpenSSL's words for what a Go relay sends (crypto/tls: "certificate required" when a client
certificate is missing, "bad certificate" when it is not trusted); a Node server closes without an alert,
so the live mTLS test (test/cli/live-observe) covers only the first.
*/
import {describe, expect, test} from 'vitest';
import {CallError, statusCode} from '../../src/stream/grpc-status.js';
import {describeCallError} from '../../src/stream/observer-client.js';

const unavailable = (details: string) => new CallError(statusCode.UNAVAILABLE, details);

describe('describeCallError', () => {
	test('mutual TLS: no client certificate, and one the relay does not trust, are told apart', () => {
		const missing = describeCallError(unavailable('Connection dropped: 40:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:SSL alert number 116'), 'relay:443', true);
		expect(missing).toMatch(/^relay:443 requires a client certificate \(mutual TLS\) and ztop sent none; .*--tls-client-cert-file and --tls-client-key-file/);
		for (const alert of ['sslv3 alert bad certificate', 'tlsv1 alert unknown ca', 'sslv3 alert certificate expired']) {
			const rejected = describeCallError(unavailable(`Connection dropped: SSL routines:ssl3_read_bytes:${alert}`), 'relay:443', true);
			expect(rejected).toMatch(/^relay:443 rejected ztop's client certificate \(mutual TLS\)/);
		}
	});

	test('the server certificate and plain-text mistakes keep their own advice', () => {
		expect(describeCallError(unavailable('No connection established. Last error: unable to verify the first certificate'), 'relay:443', true)).toMatch(/^TLS with relay:443 failed: the server's certificate is not signed by a CA ztop trusts/);
		expect(describeCallError(unavailable('No connection established. Last error: wrong version number'), 'relay:4245', true)).toMatch(/^relay:4245 does not speak TLS/);
		expect(describeCallError(unavailable('No connection established. Last error: tlsv13 alert certificate required'), 'relay:443', false)).toMatch(/expects TLS, but ztop connected without it/);
	});
});

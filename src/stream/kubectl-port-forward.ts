/**
`-P/--port-forward`: reach Hubble Relay through `kubectl port-forward` to `service/hubble-relay`, as
`hubble observe -P` does (hubble-api.md §3.4): the service's first port, the local port
--port-forward-port (0 picks a free one), ready once kubectl prints "Forwarding from". The kubectl
process is ended when ztop ends.
*/
import {spawn} from 'node:child_process';
import {KubectlError, runKubectl, spawnFailure, unreachableAdvice} from './kubectl-command.js';

export type PortForwardOptions = {
	namespace: string;
	localPort: number;
	context?: string;
	kubeconfig?: string;
	/** How long to wait for kubectl to say it is forwarding. */
	timeoutMilliseconds?: number;
};

export type PortForward = {
	/** `127.0.0.1:port` to dial. */
	address: string;
	/** The service port forwarded to (443 means Relay serves TLS). */
	servicePort: number;
	close(): void;
};

export class PortForwardError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PortForwardError';
	}
}

export async function startPortForward(options: PortForwardOptions): Promise<PortForward> {
	const common = [
		...(options.context ? ['--context', options.context] : []),
		...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []),
		'--namespace',
		options.namespace,
	];
	const servicePortText = await runKubectl([...common, 'get', 'service', 'hubble-relay', '--output', 'jsonpath={.spec.ports[0].port}']).catch((error: unknown) => {
		throw portForwardError(error, options.namespace);
	});
	const servicePort = Number(servicePortText.trim());
	if (!Number.isInteger(servicePort) || servicePort <= 0) {
		throw new PortForwardError(`service hubble-relay in namespace ${options.namespace} has no port (kubectl printed ${JSON.stringify(servicePortText.trim())})`);
	}

	const child = spawn('kubectl', [...common, 'port-forward', 'service/hubble-relay', `${options.localPort === 0 ? '' : options.localPort}:${servicePort}`], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const close = () => {
		if (child.exitCode === null) {
			child.kill('SIGTERM');
		}
	};

	process.once('exit', close);
	const address = await new Promise<string>((resolve, reject) => {
		let output = '';
		let errors = '';
		const timer = setTimeout(() => {
			close();
			reject(new PortForwardError(`kubectl port-forward to service/hubble-relay did not start within ${(options.timeoutMilliseconds ?? 15_000) / 1000} s${errors ? `: ${errors.trim()}` : ''}`));
		}, options.timeoutMilliseconds ?? 15_000);
		child.stdout.on('data', (chunk: Buffer) => {
			output += chunk.toString('utf8');
			const match = /Forwarding from (127\.0\.0\.1|\[::1\]):(\d+)/.exec(output);
			if (match) {
				clearTimeout(timer);
				resolve(`${match[1] === '[::1]' ? '[::1]' : '127.0.0.1'}:${match[2]}`);
			}
		});
		child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
		child.on('error', error => {
			clearTimeout(timer);
			reject(portForwardError(spawnFailure(error), options.namespace));
		});
		child.on('exit', code => {
			clearTimeout(timer);
			reject(new PortForwardError(`kubectl port-forward exited (code ${code})${errors ? `: ${errors.trim()}` : ''}`));
		});
	});
	return {address, servicePort, close};
}

/** kubectl's failure in -P's words. */
function portForwardError(error: unknown, namespace: string): unknown {
	if (!(error instanceof KubectlError)) {
		return error;
	}

	switch (error.failure) {
		case 'missing': {
			return new PortForwardError('-P needs kubectl, and it is not on PATH. Install kubectl, or port-forward Hubble Relay yourself and pass --server.');
		}

		case 'not-found': {
			return new PortForwardError(
				`there is no hubble-relay service in namespace ${namespace}. Is Hubble Relay enabled (\`cilium hubble enable\`)? If it runs elsewhere, set --kube-namespace. [${error.detail}]`,
			);
		}

		case 'unreachable': {
			return new PortForwardError(unreachableAdvice(error.detail));
		}

		default: {
			return new PortForwardError(error.message);
		}
	}
}

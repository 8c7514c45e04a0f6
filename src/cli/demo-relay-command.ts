/**
`ztop demo-relay`: a Hubble-compatible gRPC server (observer.Observer and grpc.health.v1.Health)
replaying the zero-trust lab or the Star Wars demo, for trying ztop — or the hubble CLI — without a
cluster. It listens on loopback unless --listen names another address.
*/
import {createReadStream, readFileSync} from 'node:fs';
import type {GetFlowsResponse} from '../flow/flow.js';
import {defaultDemoRelayOptions, scenarios, startDemoRelay} from '../relay/demo-relay-server.js';
import type {FlowSource} from '../relay/flow-source.js';
import {ReplaySource} from '../relay/replay-source.js';
import type {Scenario} from '../relay/scenario.js';
import {readCapture} from '../stream/jsonpb-reader.js';
import {formatWarning} from './capture-pipeline.js';
import {diagnostic} from './diagnostics.js';
import {parseCommandLine} from './parse-flags.js';
import {RunError, UsageError} from './usage-error.js';

const help = `
  Usage
    $ ztop demo-relay [--listen 127.0.0.1:4245] [--scenario zero-trust|starwars]
    $ ztop demo-relay --replay flows.json [--rate N] [--loop]

  Serves observer.Observer (GetFlows, ServerStatus, GetNodes, GetNamespaces) and grpc.health.v1.Health,
  like Hubble Relay, with flows from a scenario of the zero-trust lab or the Star Wars demo.

  Options
    --listen HOST:PORT     Address to listen on (default 127.0.0.1:4245; port 0 picks one)
    --scenario NAME        zero-trust (default) or starwars
    --rate N               Flows per second (default ${defaultDemoRelayOptions.rate})
    --stage-seconds N      Seconds per stage of the scenario (default ${defaultDemoRelayOptions.stageSeconds})
    --seed N               Seed of the scenario's random choices (default ${defaultDemoRelayOptions.seed})
    --lost-every N         Emit a lost_events response after every N flows
    --history N            Flows kept per node for --last and --since (default ${defaultDemoRelayOptions.historyPerNode})
    --cluster-name NAME    Serve only the flows observed in this cluster, as that cluster's own relay
                           would without Cluster Mesh (the zero-trust lab has cluster1 and cluster2)
    --replay FILE          Serve a capture of \`hubble observe -o jsonpb\` instead of a scenario: all of it as
                           history, and with --rate played again as live flows (--loop repeats it)
    --loop                 With --replay and --rate, start over at the end of the capture
    --tls-cert-file FILE   Serve TLS with this certificate (and --tls-key-file)
    --tls-key-file FILE
    --tls-client-ca-file FILE  Require client certificates signed by this CA (mTLS)

  Examples
    $ ztop demo-relay --listen 127.0.0.1:4245 &
    $ ztop --server localhost:4245 -n shop --type policy-verdict -f
    $ hubble observe --server localhost:4245 --last 20
`;

export async function runDemoRelay(argv: string[]): Promise<number> {
	const whole = (minimum: number) => ({type: 'number' as const, range: {minimum, isWhole: true}});
	const cli = parseCommandLine(help, argv, {
		listen: {type: 'string', default: '127.0.0.1:4245'},
		scenario: {type: 'string', default: 'zero-trust'},
		rate: whole(1),
		stageSeconds: whole(1),
		seed: whole(0),
		lostEvery: whole(0),
		history: whole(1),
		clusterName: {type: 'string'},
		tlsCertFile: {type: 'string'},
		tlsKeyFile: {type: 'string'},
		tlsClientCaFile: {type: 'string'},
		replay: {type: 'string'},
		loop: {type: 'boolean'},
	}, 'ztop demo-relay');
	const flags = cli.flags as {
		listen: string;
		scenario: string;
		rate?: number;
		stageSeconds?: number;
		seed?: number;
		lostEvery?: number;
		history?: number;
		clusterName?: string;
		tlsCertFile?: string;
		tlsKeyFile?: string;
		tlsClientCaFile?: string;
		replay?: string;
		loop?: boolean;
	};
	const scenario = scenarios.get(flags.scenario);
	if (!scenario) {
		throw new UsageError(`unknown --scenario ${JSON.stringify(flags.scenario)}: use ${[...scenarios.keys()].join(' or ')}`);
	}

	if (flags.loop && flags.replay === undefined) {
		throw new UsageError('--loop goes with --replay');
	}

	const match = /^(?:\[(?<ipv6>[^\]]+)\]|(?<host>[^:]+)):(?<port>\d+)$/.exec(flags.listen);
	if (!match?.groups || Number(match.groups['port']) > 65_535) {
		throw new UsageError(`invalid --listen value ${JSON.stringify(flags.listen)}: use HOST:PORT, e.g. 127.0.0.1:4245`);
	}

	if ((flags.tlsCertFile === undefined) !== (flags.tlsKeyFile === undefined)) {
		throw new UsageError('--tls-cert-file and --tls-key-file go together');
	}

	const read = (file: string) => {
		try {
			return readFileSync(file);
		} catch (error) {
			throw new RunError(`cannot read ${file}: ${(error as Error).message}`);
		}
	};

	const source: Scenario | FlowSource =
		flags.replay === undefined
			? scenario
			: new ReplaySource(`capture ${flags.replay}`, await readReplay(flags.replay), {
					rate: flags.rate ?? 0,
					loop: flags.loop === true,
					seed: flags.seed ?? defaultDemoRelayOptions.seed,
					startMilliseconds: Date.now(),
				});
	const relay = await startDemoRelay(source, {
		...defaultDemoRelayOptions,
		...(flags.rate === undefined ? {} : {rate: flags.rate}),
		...(flags.stageSeconds === undefined ? {} : {stageSeconds: flags.stageSeconds}),
		...(flags.seed === undefined ? {} : {seed: flags.seed}),
		...(flags.lostEvery === undefined ? {} : {lostEvery: flags.lostEvery}),
		...(flags.history === undefined ? {} : {historyPerNode: flags.history}),
		...(flags.clusterName === undefined ? {} : {clusterName: flags.clusterName}),
		host: match.groups['ipv6'] ?? match.groups['host']!,
		port: Number(match.groups['port']),
		...(flags.tlsCertFile && flags.tlsKeyFile
			? {
					tls: {
						certificate: read(flags.tlsCertFile),
						privateKey: read(flags.tlsKeyFile),
						...(flags.tlsClientCaFile ? {clientCa: read(flags.tlsClientCaFile)} : {}),
					},
				}
			: {}),
	}).catch((error: Error) => {
		throw new RunError(`cannot listen on ${flags.listen}: ${error.message}`);
	});
	process.stderr.write(diagnostic(`serving ${source.name} (${source.description}) on ${relay.address}`, 'ztop demo-relay'));
	// Say so when this machine cannot make flows at --rate (the relay skips what it cannot make).
	let skipped = 0;
	let seen = relay.relay.history.seenFlows;
	const slowWatch = setInterval(() => {
		const now = relay.relay.source.skippedMilliseconds ?? 0;
		const made = relay.relay.history.seenFlows - seen;
		seen = relay.relay.history.seenFlows;
		const rate = flags.rate ?? defaultDemoRelayOptions.rate;
		if (now > skipped && made < rate * 10 * 0.95) {
			process.stderr.write(diagnostic(`cannot make ${rate} flows/s on this machine: made ${Math.round(made / 10).toLocaleString('en-US')}/s in the last 10 s and skipped the rest`, 'ztop demo-relay'));
		}

		skipped = now;
	}, 10_000);
	slowWatch.unref();
	await new Promise<void>(resolve => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
	clearInterval(slowWatch);
	await relay.stop();
	return 0;
}

async function readReplay(file: string): Promise<GetFlowsResponse[]> {
	const input = createReadStream(file);
	const opened = new Promise<void>((resolve, reject) => {
		input.once('open', () => resolve());
		input.once('error', error => reject(new RunError(`cannot read --replay file ${file}: ${error.message}`)));
	});
	await opened;
	const responses: GetFlowsResponse[] = [];
	for await (const response of readCapture(input, {onWarning: warning => process.stderr.write(formatWarning(file, warning))})) {
		responses.push(response);
	}

	return responses;
}

/**
Loads ztop's Hubble protos (proto/) once: with protobufjs for reflection (protojson, binary decoding)
and with @grpc/proto-loader for gRPC service definitions. Both read the same files.
*/
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import protobuf from 'protobufjs';
import * as protoLoader from '@grpc/proto-loader';

const entryFile = 'observer/observer.proto';

/**
The proto/ folder. Found by walking up from this module, because it runs both from src/stream (tests)
and from the bundle in dist/.
*/
export function protoDirectory(): string {
	let directory = path.dirname(fileURLToPath(import.meta.url));
	for (;;) {
		const candidate = path.join(directory, 'proto');
		if (existsSync(path.join(candidate, entryFile))) {
			return candidate;
		}

		const parent = path.dirname(directory);
		if (parent === directory) {
			throw new Error(`ztop cannot find its proto files (${entryFile}); is the installation complete?`);
		}

		directory = parent;
	}
}

export type HubbleSchema = {
	root: protobuf.Root;
	flow: protobuf.Type;
	flowFilter: protobuf.Type;
	getFlowsRequest: protobuf.Type;
	getFlowsResponse: protobuf.Type;
	serverStatusResponse: protobuf.Type;
};

let cachedSchema: HubbleSchema | undefined;

export function hubbleSchema(): HubbleSchema {
	if (!cachedSchema) {
		const directory = protoDirectory();
		const root = new protobuf.Root();
		// The google/protobuf well-known types ship with protobufjs; everything else lives under proto/.
		root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : path.join(directory, target));
		root.loadSync(entryFile, {keepCase: true});
		root.resolveAll();
		cachedSchema = {
			root,
			flow: root.lookupType('flow.Flow'),
			flowFilter: root.lookupType('flow.FlowFilter'),
			getFlowsRequest: root.lookupType('observer.GetFlowsRequest'),
			getFlowsResponse: root.lookupType('observer.GetFlowsResponse'),
			serverStatusResponse: root.lookupType('observer.ServerStatusResponse'),
		};
	}

	return cachedSchema;
}

/** The package definition grpc-js needs for the Observer service (proto field names kept). */
export function loadObserverPackageDefinition(): protoLoader.PackageDefinition {
	return protoLoader.loadSync(entryFile, {
		includeDirs: [protoDirectory()],
		keepCase: true,
		longs: String,
		enums: String,
		oneofs: true,
	});
}

/**
Loads ztop's protos (proto/) once, with protobufjs for reflection (protojson, binary encoding and decoding):
the Hubble Observer API and gRPC's health service. They are read from proto/ next to the bundle, or, in the
single executable, from its assets (scripts/build-binary.mjs puts every file of proto/ there).
@grpc/proto-loader reads the same files for tests that want gRPC's own view of the service.
*/
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import * as sea from 'node:sea';
import protobuf from 'protobufjs';
import * as protoLoader from '@grpc/proto-loader';

const entryFile = 'observer/observer.proto';
const healthFile = 'grpc/health/v1/health.proto';

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

/** The text of a file of proto/, by its path there: an asset of the single executable, else the file. */
function protoText(file: string): string {
	return sea.isSea() ? sea.getAsset(file, 'utf8') : readFileSync(path.join(protoDirectory(), file), 'utf8');
}

/**
Parses `files` and what they import into one root. The google/protobuf well-known types ship with
protobufjs (as its loadSync finds them); everything else is a file of proto/.
*/
function loadProtos(files: readonly string[]): protobuf.Root {
	const root = new protobuf.Root();
	const loaded = new Set<string>();
	const load = (file: string) => {
		if (loaded.has(file)) {
			return;
		}

		loaded.add(file);
		const common = file.startsWith('google/protobuf/') ? protobuf.common.get(file) : null;
		if (common) {
			root.addJSON(common.nested ?? {});
			return;
		}

		const parsed = protobuf.parse(protoText(file), root, {keepCase: true});
		for (const imported of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
			load(imported);
		}
	};

	for (const file of files) {
		load(file);
	}

	root.resolveAll();
	return root;
}

export function hubbleSchema(): HubbleSchema {
	if (!cachedSchema) {
		const root = loadProtos([entryFile, healthFile]);
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

/** The package definition @grpc/proto-loader makes of the Observer service (proto field names kept), from the files. */
export function loadObserverPackageDefinition(): protoLoader.PackageDefinition {
	return protoLoader.loadSync(entryFile, {
		includeDirs: [protoDirectory()],
		keepCase: true,
		longs: String,
		enums: String,
		oneofs: true,
	});
}

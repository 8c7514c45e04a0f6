/**
gRPC's standard health service (grpc.health.v1.Health: Check, Watch, List) for servers whose services are
always SERVING while they run, as the demo relay's are. Follows gRPC's doc/health-checking.md: Check of a
service it does not know fails with NOT_FOUND; Watch sends the status at once (SERVICE_UNKNOWN for such a
service) and then only on a change, so the stream stays open until the client ends it.
*/
import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';

type HealthRequest = {service?: string};
type HealthStatus = 'SERVING' | 'SERVICE_UNKNOWN';

export function addHealthService(server: grpc.Server, root: protobuf.Root, services: readonly string[]): void {
	const codec = <Message extends object>(typeName: string) => {
		const type = root.lookupType(typeName);
		return {
			serialize: (message: Message) => Buffer.from(type.encode(type.fromObject(message)).finish()),
			deserialize: (bytes: Buffer) => type.toObject(type.decode(bytes), {enums: String, defaults: true}) as Message,
		};
	};

	const method = (name: string, requestType: string, responseType: string, responseStream: boolean) => {
		const request = codec<object>(requestType);
		const response = codec<object>(responseType);
		return {
			path: `/grpc.health.v1.Health/${name}`,
			requestStream: false,
			responseStream,
			requestSerialize: request.serialize,
			requestDeserialize: request.deserialize,
			responseSerialize: response.serialize,
			responseDeserialize: response.deserialize,
		};
	};

	const definition: grpc.ServiceDefinition = {
		Check: method('Check', 'grpc.health.v1.HealthCheckRequest', 'grpc.health.v1.HealthCheckResponse', false),
		Watch: method('Watch', 'grpc.health.v1.HealthCheckRequest', 'grpc.health.v1.HealthCheckResponse', true),
		List: method('List', 'grpc.health.v1.HealthListRequest', 'grpc.health.v1.HealthListResponse', false),
	};
	const known = new Set(services);
	server.addService(definition, {
		Check(call: grpc.ServerUnaryCall<HealthRequest, {status: HealthStatus}>, callback: grpc.sendUnaryData<{status: HealthStatus}>) {
			const service = call.request.service ?? '';
			if (known.has(service)) {
				callback(null, {status: 'SERVING'});
			} else {
				callback({code: grpc.status.NOT_FOUND, details: `unknown service ${JSON.stringify(service)}`});
			}
		},
		Watch(call: grpc.ServerWritableStream<HealthRequest, {status: HealthStatus}>) {
			call.write({status: known.has(call.request.service ?? '') ? 'SERVING' : 'SERVICE_UNKNOWN'});
		},
		List(_call: unknown, callback: grpc.sendUnaryData<{statuses: Record<string, {status: HealthStatus}>}>) {
			callback(null, {statuses: Object.fromEntries(services.map(service => [service, {status: 'SERVING' as const}]))});
		},
	});
}

/**
The filter that shows a connection's flows in the flows pane (Enter on a connection's drill-down), in
hubble's own flags so that it reads as the user would type it: the client's and server's pods by
`namespace/workload` prefix (hubble's --from-pod/--to-pod match a pod name prefix), a world peer by its DNS
name or address, a reserved identity by its label, then the server port and protocol. It selects the
connection's requests (client to server); replies run the other way.
*/
import type {Connection, ConnectionEndpoint} from '../store/connection-table.js';

/** A value as the filter language reads it: quoted when it has spaces or quotes. */
function quoted(value: string): string {
	return /[\s"']/.test(value) ? `"${value.replaceAll('"', '')}"` : value;
}

function endpointFlags(side: 'from' | 'to', endpoint: ConnectionEndpoint): string[] {
	if (endpoint.reserved === 'world' && endpoint.address !== undefined) {
		return [/^[\d.:a-fA-F]+$/.test(endpoint.address) ? `--${side}-ip ${quoted(endpoint.address)}` : `--${side}-fqdn ${quoted(endpoint.address)}`];
	}

	if (endpoint.reserved !== undefined) {
		return [`--${side}-label ${quoted(`reserved:${endpoint.reserved}`)}`];
	}

	if (endpoint.labels !== undefined) {
		const label = endpoint.labels.find(each => !each.startsWith('k8s:io.kubernetes.pod.namespace=')) ?? endpoint.labels[0];
		return [...(endpoint.namespace ? [`--${side}-namespace ${quoted(endpoint.namespace)}`] : []), ...(label ? [`--${side}-label ${quoted(label)}`] : [])];
	}

	if (endpoint.namespace !== undefined && endpoint.name !== undefined) {
		return [`--${side}-pod ${quoted(`${endpoint.namespace}/${endpoint.name}`)}`];
	}

	return endpoint.address ? [`--${side}-ip ${quoted(endpoint.address)}`] : [];
}

export function connectionFilterText(connection: Connection): string {
	return [
		...endpointFlags('from', connection.client),
		...endpointFlags('to', connection.server),
		...(connection.port > 0 ? [`--to-port ${connection.port}`] : []),
		...(connection.protocol ? [`--protocol ${connection.protocol.toLowerCase()}`] : []),
	].join(' ');
}

/**
The columns hubble's compact, dict and table outputs print for a flow, computed exactly as
hubble/pkg/printer/printer.go does (GetHostNames, fmtIdentity, GetFlowType, getVerdict, getSummary).
Remote text is escaped here, before colour is added, so it can never carry a live escape sequence.
*/
import path from 'node:path';
import {dropReasonText} from '../flow/drop-reason.js';
import {eventType, policyMatchTypeText, traceObservationPointText} from '../flow/event-type.js';
import type {Endpoint, Flow} from '../flow/flow.js';
import {reservedIdentityName} from '../flow/reserved-identity.js';
import {escapeForTerminal} from '../flow/terminal-safe.js';
import {verdictDisplay, type VerdictTone} from '../flow/verdict.js';
import type {Colors} from './colors.js';

export type HostOptions = {
	/** `--ip-translation` (default true); `--numeric` turns it off and prints bare IPs. */
	ipTranslation: boolean;
};

/** Source and destination as `ns/pod:port`, `ns/svc:port`, DNS names or the IP, like hubble. */
export function hostNames(flow: Flow, colors: Colors, options: HostOptions): [source: string, destination: string] {
	const ip = flow.IP;
	if (!ip) {
		const ethernet = flow.ethernet;
		return ethernet
			? [colors.host(escapeForTerminal(ethernet.source ?? '')), colors.host(escapeForTerminal(ethernet.destination ?? ''))]
			: ['', ''];
	}

	const [sourcePort, destinationPort] = ports(flow);
	const source = hostname(ip.source ?? '', sourcePort, flow.source, flow.source_service, flow.source_names, colors, options);
	const destination = hostname(
		ip.destination ?? '',
		destinationPort,
		flow.destination,
		flow.destination_service,
		flow.destination_names,
		colors,
		options,
	);
	return [colors.host(source), colors.host(destination)];
}

/** TCP, UDP and SCTP ports as strings; ICMP and others have none. */
export function ports(flow: Flow): [source: string, destination: string] {
	const l4 = flow.l4;
	const portPair = l4?.TCP ?? l4?.UDP ?? l4?.SCTP;
	return portPair ? [String(portPair.source_port ?? 0), String(portPair.destination_port ?? 0)] : ['', ''];
}

function hostname(
	ip: string,
	port: string,
	endpoint: Endpoint | undefined,
	service: Flow['source_service'],
	names: string[] | undefined,
	colors: Colors,
	options: HostOptions,
): string {
	let host = ip;
	if (options.ipTranslation) {
		// A service, when present, supplies the namespace even when the pod name is shown (GetHostNames).
		const namespace = service ? (service.namespace ?? '') : (endpoint?.namespace ?? '');
		const podName = endpoint?.pod_name ?? '';
		const serviceName = service?.name ?? '';
		if (podName !== '') {
			host = goPathJoin(namespace, podName);
		} else if (serviceName !== '') {
			host = goPathJoin(namespace, serviceName);
		} else if (names && names.length > 0) {
			host = names.join(',');
		}
	}

	host = escapeForTerminal(host);
	if (port !== '' && port !== '0') {
		// net.JoinHostPort: brackets around hosts that contain a colon (IPv6).
		return `${host.includes(':') ? `[${host}]` : host}:${colors.port(port)}`;
	}

	return host;
}

/** Go's path.Join: empty elements dropped, the result cleaned, no trailing slash. */
function goPathJoin(...elements: string[]): string {
	const joined = elements.filter(element => element !== '').join('/');
	if (joined === '') {
		return '';
	}

	const cleaned = path.posix.normalize(joined);
	return cleaned.length > 1 && cleaned.endsWith('/') ? cleaned.slice(0, -1) : cleaned;
}

/** `(ID:1234)`, or the reserved name such as `(world)`. */
export function identityText(endpoint: Endpoint | undefined, colors: Colors): string {
	const identity = endpoint?.identity ?? 0;
	const reserved = reservedIdentityName(identity);
	return colors.identity(reserved === undefined ? `(ID:${identity})` : `(${reserved})`);
}

/** Hubble's TYPE column: `http-request`, `dns-response proxy`, `to-endpoint`, `Policy denied`, `policy-verdict:L3-L4 INGRESS`… */
export function flowTypeText(flow: Flow): string {
	const l7 = flow.l7;
	if (l7) {
		let protocol = 'l7';
		let type = String(l7.type ?? 'UNKNOWN_L7_TYPE').toLowerCase();
		if (l7.http) {
			protocol = 'http';
		} else if (l7.dns) {
			protocol = 'dns';
			type += ' ' + escapeForTerminal(l7.dns.observation_source ?? '');
		} else if (l7.kafka) {
			protocol = 'kafka';
		}

		return `${protocol}-${type}`;
	}

	const subType = flow.event_type?.sub_type ?? 0;
	switch (flow.event_type?.type ?? 0) {
		case eventType.trace: {
			return traceObservationPointText(subType);
		}

		case eventType.drop: {
			return dropReasonText(subType);
		}

		case eventType.policyVerdict: {
			const direction = flow.traffic_direction ?? 'TRAFFIC_DIRECTION_UNKNOWN';
			return `policy-verdict:${policyMatchTypeText(flow.policy_match_type)} ${direction}`;
		}

		case eventType.capture: {
			return String(flow.debug_capture_point ?? 'DBG_CAPTURE_POINT_UNKNOWN');
		}

		case eventType.traceSock: {
			const point = flow.sock_xlate_point ?? 'SOCK_XLATE_POINT_UNKNOWN';
			const short: Record<string, string> = {
				SOCK_XLATE_POINT_POST_DIRECTION_FWD: 'post-xlate-fwd',
				SOCK_XLATE_POINT_POST_DIRECTION_REV: 'post-xlate-rev',
				SOCK_XLATE_POINT_PRE_DIRECTION_FWD: 'pre-xlate-fwd',
				SOCK_XLATE_POINT_PRE_DIRECTION_REV: 'pre-xlate-rev',
			};
			return short[String(point)] ?? String(point);
		}

		default: {
			return 'UNKNOWN';
		}
	}
}

export function verdictText(flow: Flow): {text: string; tone: VerdictTone} {
	return verdictDisplay(String(flow.verdict ?? 'VERDICT_UNKNOWN'), flow.event_type?.type === eventType.policyVerdict);
}

export function coloredVerdict(flow: Flow, colors: Colors): string {
	const {text, tone} = verdictText(flow);
	switch (tone) {
		case 'allowed': {
			return colors.green(text);
		}

		case 'denied': {
			return colors.red(text);
		}

		case 'other': {
			return text;
		}

		default: {
			return colors.yellow(text);
		}
	}
}

/** The compact and table SUMMARY: the flow's Summary, an `IP Trace ID` prefix and an `; Auth:` suffix when set. */
export function summaryText(flow: Flow, colors: Colors): string {
	let summary = escapeForTerminal(flow.Summary ?? '');
	const traceId = flow.ip_trace_id?.trace_id;
	if (traceId !== undefined && traceId !== '0') {
		summary = `IP Trace ID: ${traceId}; ${summary}`;
	}

	const auth = flow.auth_type ?? 'DISABLED';
	if (auth !== 'DISABLED') {
		const text = String(auth);
		summary += `; Auth: ${auth === 'TEST_ALWAYS_FAIL' ? colors.red(text) : colors.green(text)}`;
	}

	return summary;
}

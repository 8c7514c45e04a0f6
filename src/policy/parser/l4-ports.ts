/**
toPorts: port rules, their ports and protocols, and what sends a connection to the proxy (L7 rules, TLS
settings, server names, an Envoy listener), validated as PortRule.sanitize does (pkg/policy/api/l4.go).
*/
import type {Direction, L7Rules, PortMatch, PortRule, Protocol} from '../policy-model.js';
import {parseFqdnSelector} from './fqdn.js';
import {parseHttpRule} from './l7.js';
import {readList, readObject, readString, Rejection, type EntryContext, type RawObject, type Report} from './read-fields.js';

const maxPorts = 40;

const portRuleFields = ['ports', 'rules', 'terminatingTLS', 'originatingTLS', 'serverNames', 'listener'];

/** PortRule.sanitize (and PortDenyRule.sanitize for deny entries, which take ports only). */
export function parsePortRule(value: unknown, path: string, direction: Direction, isDeny: boolean, context: EntryContext): PortRule {
	const {report} = context;
	const rule = readObject(value, path, isDeny ? ['ports'] : portRuleFields, report) ?? {};
	const rawPorts = readList(rule['ports'], `${path}.ports`, report) ?? [];
	const l7Source = isDeny ? undefined : readObject(rule['rules'], `${path}.rules`, ['http', 'kafka', 'dns', 'l7proto', 'l7'], report);
	const http = readList(l7Source?.['http'], `${path}.rules.http`, report);
	const kafka = readList(l7Source?.['kafka'], `${path}.rules.kafka`, report);
	const dns = readList(l7Source?.['dns'], `${path}.rules.dns`, report);
	const l7proto = readString(l7Source?.['l7proto'], `${path}.rules.l7proto`, report) ?? '';
	const l7Generic = readList(l7Source?.['l7'], `${path}.rules.l7`, report);
	const hasDnsRules = (dns?.length ?? 0) > 0;
	// Rules.IsEmpty(): no HTTP, Kafka, DNS or L7 entries.
	const hasRules = (http?.length ?? 0) + (kafka?.length ?? 0) + (dns?.length ?? 0) + (l7Generic?.length ?? 0) > 0 || l7proto !== '';
	if (direction === 'ingress' && hasDnsRules) {
		throw new Rejection('DNS rules are not allowed on ingress');
	}

	const serverNames = readList(rule['serverNames'], `${path}.serverNames`, report) ?? [];
	if (serverNames.length > 0 && hasRules && rule['terminatingTLS'] === undefined) {
		throw new Rejection('ServerNames are not allowed with L7 rules without TLS termination');
	}

	if (serverNames.some(serverName => serverName === '')) {
		throw new Rejection('empty server name is not allowed');
	}

	if (rawPorts.length > maxPorts) {
		throw new Rejection(`too many ports, the max is ${maxPorts}`);
	}

	let hasZeroPort = false;
	const ports = rawPorts.map((rawPort, index) => {
		const port = parsePortProtocol(rawPort, `${path}.ports[${index}]`, hasDnsRules, report);
		hasZeroPort ||= port.isZero;
		if (hasRules && !hasDnsRules && port.protocolText !== 'TCP') {
			throw new Rejection(`L7 rules can only apply to TCP (not ${port.protocolText}) except for DNS rules`);
		}

		return port.match;
	});
	const listener = isDeny ? undefined : readObject(rule['listener'], `${path}.listener`, ['envoyConfig', 'name', 'priority'], report);
	if (listener) {
		if (direction === 'ingress') {
			throw new Rejection('Listener is not allowed on ingress');
		}

		if (hasRules) {
			throw new Rejection('Listener is not allowed with L7 rules');
		}
	}

	let l7: L7Rules | undefined;
	if (hasRules) {
		if (hasZeroPort) {
			throw new Rejection('L7 rules can not be used when a port is 0');
		}

		if (hasDnsRules && ports.length === 0) {
			throw new Rejection('port 53 must be specified for DNS rules');
		}

		if (l7Generic !== undefined && l7proto === '') {
			throw new Rejection("'l7' may only be specified when a 'l7proto' is also specified");
		}

		const types = [http, kafka, dns].filter(list => list !== undefined).length + (l7proto === '' ? 0 : 1);
		if (types > 1) {
			throw new Rejection('multiple L7 protocol rule types specified in single rule');
		}

		l7 = {
			...(http ? {http: http.map((item, index) => parseHttpRule(item, `${path}.rules.http[${index}]`, report))} : {}),
			...(dns ? {dns: dns.map((item, index) => parseFqdnSelector(item, `${path}.rules.dns[${index}]`, report))} : {}),
			...(kafka ? {other: 'kafka'} : l7proto === '' ? {} : {other: l7proto}),
		};
	} else if (listener) {
		l7 = {listener: listenerText(listener, `${path}.listener`, context)};
	} else if (rule['terminatingTLS'] !== undefined || rule['originatingTLS'] !== undefined || serverNames.length > 0) {
		// TLS interception or SNI also sends the connection to the proxy (cilium-policy.md §7.1).
		l7 = {other: 'TLS'};
	}

	return {ports, ...(l7 ? {l7} : {})};
}

/**
A listener reference (api.Listener): the Envoy config it lives in and its name. A clusterwide policy may only
name a clusterwide config (pkg/policy/l4.go createL4Filter: "Listener %q in CCNP can not use Kind
CiliumEnvoyConfig"), which the agent refuses at import.
*/
function listenerText(listener: RawObject, path: string, context: EntryContext): string {
	const {report} = context;
	const config = readObject(listener['envoyConfig'], `${path}.envoyConfig`, ['kind', 'name'], report) ?? {};
	const kind = readString(config['kind'], `${path}.envoyConfig.kind`, report) ?? '';
	const configName = readString(config['name'], `${path}.envoyConfig.name`, report) ?? '';
	const name = readString(listener['name'], `${path}.name`, report) ?? '';
	if (context.policy.kind === 'CiliumClusterwideNetworkPolicy' && kind === 'CiliumEnvoyConfig') {
		throw new Rejection(`Listener ${JSON.stringify(name)} in CCNP can not use Kind CiliumEnvoyConfig`);
	}

	return `${kind || 'CiliumEnvoyConfig'}/${configName} listener ${name}`;
}

function parsePortProtocol(
	value: unknown,
	path: string,
	hasDnsRules: boolean,
	report: Report,
): {match: PortMatch; isZero: boolean; protocolText: string} {
	const port = readObject(value, path, ['port', 'endPort', 'protocol'], report) ?? {};
	const portText = readString(port['port'], `${path}.port`, report) ?? '';
	if (portText === '') {
		throw new Rejection('Port must be specified');
	}

	const endPortValue = port['endPort'];
	const endPort = typeof endPortValue === 'number' ? endPortValue : endPortValue === undefined ? 0 : Number(readString(endPortValue, `${path}.endPort`, report));
	const protocolText = (readString(port['protocol'], `${path}.protocol`, report) ?? '').toUpperCase() || 'ANY';
	if (!['ANY', 'TCP', 'UDP', 'SCTP'].includes(protocolText)) {
		throw new Rejection(`invalid protocol ${JSON.stringify(protocolText)}, must be { tcp | udp | sctp | any }`);
	}

	const protocols: Protocol[] = protocolText === 'ANY' ? ['TCP', 'UDP', 'SCTP'] : [protocolText as Protocol];
	// Port names are IANA service names (letters required); anything else must be a 16-bit number.
	if (portText.length <= 15 && /^([a-zA-Z\d]-?)*[a-zA-Z](-?[a-zA-Z\d])*$/.test(portText)) {
		return {match: {protocols, port: 0, name: portText.toLowerCase()}, isZero: false, protocolText};
	}

	const number = /^0x[\da-f]+$/i.test(portText) ? Number.parseInt(portText.slice(2), 16) : /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
	if (!(number >= 0 && number <= 65_535)) {
		throw new Rejection(`unable to parse port: strconv.ParseUint: parsing ${JSON.stringify(portText)}: invalid syntax`);
	}

	if (hasDnsRules && endPort > number) {
		throw new Rejection('DNS rules do not support port ranges');
	}

	return {match: {protocols, port: number, ...(endPort > number ? {endPort} : {})}, isZero: number === 0, protocolText};
}

export function portsText(portRules: readonly PortRule[]): string {
	return portRules
		.flatMap(rule => rule.ports)
		.map(port => {
			const number = port.name ?? (port.port === 0 ? 'any' : String(port.port));
			const range = port.endPort ? `-${port.endPort}` : '';
			const protocol = port.protocols.length === 3 ? 'ANY' : port.protocols.join('+');
			return `${number}${range}/${protocol}`;
		})
		.join(', ');
}

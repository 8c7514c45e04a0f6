/**
Every rule of the loaded policies by address (src/policy/rule-address.ts), as `-o rules` lists them: each
ingress/egress (and *Deny) item, each of its port rules, each of their HTTP and DNS rules, with the text
that shows it. A policy Cilium rejects is listed with its reason and no rules: it imports none.
*/
import {ruleAddress} from './rule-address.js';
import type {Direction, LoadedPolicy, PolicyName, PortRule} from './policy-model.js';

export type CatalogRule = {
	address: string;
	policy: PolicyName;
	direction: Direction;
	isDeny: boolean;
	/** The entry itself, a port rule of it, or an L7 rule of a port rule. */
	level: 'entry' | 'port' | 'l7';
	text: string;
};

export type CatalogPolicy = {name: PolicyName; rejected?: string; rules: CatalogRule[]};

function portText(portRule: PortRule): string {
	const ports = portRule.ports.map(port => `${port.name ?? port.port}${port.endPort ? `-${port.endPort}` : ''}/${port.protocols.join('|') || 'ANY'}`).join(', ') || 'all ports';
	const l7 = portRule.l7;
	const rules = l7?.http ? ` · HTTP ${l7.http.length}` : l7?.dns ? ` · DNS ${l7.dns.length}` : l7?.other ? ` · ${l7.other}` : l7?.listener ? ` · ${l7.listener}` : '';
	return `ports: ${ports}${rules}`;
}

export function ruleCatalog(policies: readonly LoadedPolicy[]): CatalogPolicy[] {
	return policies.map(policy => {
		if (policy.rejected !== undefined) {
			return {name: policy.name, rejected: policy.rejected, rules: []};
		}

		const rules: CatalogRule[] = [];
		for (const rule of policy.rules) {
			for (const direction of ['ingress', 'egress'] as const) {
				for (const entry of rule[direction]?.entries ?? []) {
					const base = {policy: policy.name, direction, isDeny: entry.isDeny};
					rules.push({...base, address: ruleAddress({origin: entry.origin}), level: 'entry', text: entry.origin.text});
					for (const [portIndex, portRule] of (entry.toPorts ?? []).entries()) {
						rules.push({...base, address: ruleAddress({origin: entry.origin, portIndex}), level: 'port', text: portText(portRule)});
						for (const [index, http] of (portRule.l7?.http ?? []).entries()) {
							rules.push({...base, address: ruleAddress({origin: entry.origin, portIndex, l7: {protocol: 'http', index}}), level: 'l7', text: http.text});
						}

						for (const [index, dns] of (portRule.l7?.dns ?? []).entries()) {
							const text = dns.matchName === undefined ? `matchPattern: ${dns.matchPattern ?? ''}` : `matchName: ${dns.matchName}`;
							rules.push({...base, address: ruleAddress({origin: entry.origin, portIndex, l7: {protocol: 'dns', index}}), level: 'l7', text});
						}
					}
				}
			}
		}

		return {name: policy.name, rules};
	});
}

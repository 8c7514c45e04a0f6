/**
Deleting one rule (an ingress/egress item, or an *Deny one) from its policy, as editing the YAML would:
the item leaves its list. A list left empty counts as no section at all (cilium-policy.md §1: `ingress: []`
is no ingress section), so the direction is no longer enforced by that spec unless its other list (deny or
allow) still has items; a spec left with no section at all makes Cilium reject the whole policy, which
then imports nothing. Port and L7 rules are not deleted on their own: what an empty `toPorts` or HTTP list
would mean is not what a user deleting one of them means, so a deletion names a whole rule.
*/
import {WhatIfError} from './what-if-error.js';
import {entryAddress, policyAddress} from './rule-address.js';
import type {LoadedPolicy, PolicyRule} from './policy-model.js';

/** Whether a --what-if-delete reference names a rule (`shop/allow-dns egress[0]`) rather than a policy. */
export function isRuleReference(reference: string): boolean {
	return reference.trim().includes(' ');
}

/** The policies with the rule `address` deleted; throws WhatIfError when it names no rule of them. */
export function deleteRule(policies: readonly LoadedPolicy[], address: string): LoadedPolicy[] {
	const trimmed = address.trim().replaceAll(/\s+/g, ' ');
	const space = trimmed.indexOf(' ');
	const policyPart = trimmed.slice(0, space);
	const rulePart = trimmed.slice(space + 1);
	if (/ toPorts\[|rules\./.test(` ${rulePart}`)) {
		throw new WhatIfError(`--what-if-delete ${address}: a deletion names a whole rule (${policyPart} ${rulePart.split(' ')[0]}), not one of its port or L7 rules`);
	}

	const policy = policies.find(each => policyAddress(each.name) === policyPart);
	if (!policy) {
		throw new WhatIfError(`--what-if-delete ${address}: no policy ${policyPart} in the baseline`);
	}

	let found = false;
	const rules = policy.rules.flatMap((rule): PolicyRule[] => {
		const kept: PolicyRule = {...rule};
		for (const direction of ['ingress', 'egress'] as const) {
			const section = rule[direction];
			if (!section) {
				continue;
			}

			const entries = section.entries.filter(entry => entry.origin.specIndex !== rule.specIndex || entryAddress(entry.origin) !== rulePart);
			if (entries.length === section.entries.length) {
				continue;
			}

			found = true;
			if (entries.length === 0) {
				delete kept[direction];
			} else {
				kept[direction] = {...section, entries};
			}
		}

		return [kept];
	});
	if (!found) {
		const known = policy.rules.flatMap(rule => (['ingress', 'egress'] as const).flatMap(direction => rule[direction]?.entries.map(entry => entryAddress(entry.origin)) ?? []));
		throw new WhatIfError(`--what-if-delete ${address}: ${policyPart} has no rule ${rulePart} (it has ${known.join(', ') || 'none'})`);
	}

	const isEmpty = rules.every(rule => rule.ingress === undefined && rule.egress === undefined);
	const reduced: LoadedPolicy = isEmpty
		? {...policy, rules: [], rejected: 'rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny (its last rule deleted)'}
		: {...policy, rules};
	return policies.map(each => (each === policy ? reduced : each));
}

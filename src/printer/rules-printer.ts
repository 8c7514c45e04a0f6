/**
`-o rules` (a table aligned as hubble's `-o table`) and `-o rules-json` (one object per rule): every rule of
the --policies by address, with what it decided in the input (policy verdicts and L7 requests, as the
policies pane counts them), `unused` for a rule that decided nothing, what deleting a whole rule would break
(or which rules cover it, when nothing), and the policies Cilium rejects.
Outside strings are escaped for the terminal in the table; JSON escapes control characters itself.
*/
import {escapeForTerminal} from '../flow/terminal-safe.js';
import {formatTimestamp} from '../flow/timestamp.js';
import {policyKey} from '../policy/policy-model.js';
import type {CatalogPolicy} from '../policy/rule-catalog.js';
import type {RuleHits} from '../store/rule-hits.js';
import type {BulkDeletion, Deletion} from '../store/rule-deletions.js';
import {formatTable} from './table-layout.js';

const time = (seconds: number) => formatTimestamp({seconds, nanos: 0});
const maximumText = 60;

function shortened(text: string): string {
	return text.length <= maximumText ? text : `${text.slice(0, maximumText - 1)}…`;
}

/** Whether none of a policy's rules decided anything. */
function isPolicyUnused(policy: CatalogPolicy, hits: RuleHits, deletions: ReadonlyMap<string, Deletion>): boolean {
	return policy.rejected === undefined && policy.rules.every(rule => hits.of(rule.address) === undefined && !deletions.has(rule.address));
}

/** What the STATUS column says of a rule: unused, what deleting it breaks, or that it is redundant. */
function status(level: string, address: string, hits: RuleHits, deletions: ReadonlyMap<string, Deletion>): string {
	const deletion = level === 'entry' ? deletions.get(address) : undefined;
	if (hits.of(address) === undefined && !deletion) {
		return 'unused';
	}

	if (!deletion) {
		return '';
	}

	return deletion.breaks.length > 0 ? `breaks ${deletion.breaks.length}` : 'redundant';
}

/** The whole rules (ingress/egress items) that decided nothing, in the catalog's order: what a clean-up deletes. */
export function unusedRules(catalog: readonly CatalogPolicy[], hits: RuleHits, deletions: ReadonlyMap<string, Deletion>): string[] {
	return catalog.flatMap(policy => policy.rules).filter(rule => rule.level === 'entry' && hits.of(rule.address) === undefined && !deletions.has(rule.address)).map(rule => rule.address);
}

/** The table's closing words on deleting every unused rule at once, with the addresses --what-if-delete takes. */
function bulkText(bulk: BulkDeletion): string {
	if (bulk.rules.length === 0) {
		return '';
	}

	const list = (connections: readonly string[]) => connections.map(connection => `  ${escapeForTerminal(connection)}\n`).join('');
	const effect = bulk.breaks.length === 0 && bulk.opens.length === 0
		? ' changes nothing observed.\n'
		: `:\n${bulk.breaks.length > 0 ? ` breaks ${bulk.breaks.length}:\n${list(bulk.breaks)}` : ''}${bulk.opens.length > 0 ? ` opens ${bulk.opens.length} (a policy left with no rule is rejected and enforces nothing):\n${list(bulk.opens)}` : ''}`;
	return `\nDeleting ${bulk.rules.length === 1 ? 'the one unused whole rule' : `the ${bulk.rules.length} unused whole rules`} at once (${bulk.rules.map(rule => `--what-if-delete '${escapeForTerminal(rule)}'`).join(' ')})${effect}`;
}

export function formatRulesTable(catalog: readonly CatalogPolicy[], hits: RuleHits, deletions: ReadonlyMap<string, Deletion>, bulk: BulkDeletion): string {
	const header = ['POLICY', 'RULE', 'DIRECTION', 'ALLOWED', 'DENIED', 'CONNECTIONS', 'LAST MATCH', 'STATUS', 'TEXT'];
	const rows: string[][] = [];
	for (const policy of catalog) {
		const name = escapeForTerminal(policyKey(policy.name));
		if (policy.rejected !== undefined) {
			rows.push([name, '-', '-', '-', '-', '-', '-', 'rejected', escapeForTerminal(shortened(policy.rejected))]);
			continue;
		}

		for (const rule of policy.rules) {
			const counts = hits.of(rule.address);
			const place = rule.address.slice(rule.address.indexOf(' ') + 1);
			rows.push([
				name,
				escapeForTerminal(place),
				`${rule.direction}${rule.isDeny ? ' deny' : ''}`,
				String(counts?.allowed ?? 0),
				String(counts?.denied ?? 0),
				String(counts?.connections ?? 0),
				counts ? time(counts.lastMatch) : '-',
				status(rule.level, rule.address, hits, deletions),
				escapeForTerminal(shortened(rule.text)),
			]);
		}
	}

	const ruleCount = catalog.reduce((total, policy) => total + policy.rules.length, 0);
	const unused = catalog.flatMap(policy => policy.rules).filter(rule => hits.of(rule.address) === undefined && !deletions.has(rule.address)).length;
	const unusedPolicies = catalog.filter(policy => isPolicyUnused(policy, hits, deletions)).map(policy => escapeForTerminal(policyKey(policy.name)));
	const rejected = catalog.filter(policy => policy.rejected !== undefined).length;
	const body = rows.length > 0 ? formatTable([header, ...rows]) : 'No policies.\n';
	// Redundant rules, each with the rules that admit its flows without it.
	const redundant = [...deletions]
		.filter(([, deletion]) => deletion.breaks.length === 0)
		.map(([address, deletion]) => `  ${escapeForTerminal(address)}: ${deletion.coveredBy.length > 0 ? `covered by ${deletion.coveredBy.map(each => escapeForTerminal(each)).join(', ')}` : 'without it the direction is not enforced'}\n`);
	const redundantText = redundant.length > 0 ? `\nRedundant here (deleting them breaks nothing observed):\n${redundant.join('')}` : '';
	return `${body}${redundantText}${bulkText(bulk)}\n${ruleCount} rules in ${catalog.length} policies: ${unused} unused${unusedPolicies.length > 0 ? `; policies none of whose rules decided anything: ${unusedPolicies.join(', ')}` : ''}${rejected > 0 ? `; ${rejected} rejected by Cilium` : ''}\n`;
}

function deletionJson(deletion: Deletion | undefined, isUnusedRule: boolean): {breaksIfDeleted: string[] | null; redundantWith: string[] | null} {
	if (deletion) {
		return {breaksIfDeleted: deletion.breaks, redundantWith: deletion.breaks.length > 0 ? null : deletion.coveredBy};
	}

	// It decided nothing: deleting it breaks nothing observed. (Else: not judged.)
	return isUnusedRule ? {breaksIfDeleted: [], redundantWith: null} : {breaksIfDeleted: null, redundantWith: null};
}

/**
`-o rules-json`: one object per rule (and one per rejected policy, with `rejected` and no rule), then one
object for deleting every unused whole rule at once: `{"unusedRules": [...], "breaksIfDeleted": [...],
"opensIfDeleted": [...]}` (it has no `policy`).
*/
export function rulesJsonLines(catalog: readonly CatalogPolicy[], hits: RuleHits, deletions: ReadonlyMap<string, Deletion>, bulk: BulkDeletion): string {
	const lines: string[] = [];
	for (const policy of catalog) {
		const base = {policy: policyKey(policy.name), kind: policy.name.kind, namespace: policy.name.namespace};
		if (policy.rejected !== undefined) {
			lines.push(JSON.stringify({...base, rule: null, rejected: policy.rejected}));
			continue;
		}

		const policyUnused = isPolicyUnused(policy, hits, deletions);
		for (const rule of policy.rules) {
			const counts = hits.of(rule.address);
			const deletion = rule.level === 'entry' ? deletions.get(rule.address) : undefined;
			lines.push(
				JSON.stringify({
					...base,
					rule: rule.address,
					direction: rule.direction,
					deny: rule.isDeny,
					level: rule.level,
					text: rule.text,
					allowed: counts?.allowed ?? 0,
					denied: counts?.denied ?? 0,
					connections: counts?.connections ?? 0,
					firstMatch: counts ? time(counts.firstMatch) : null,
					lastMatch: counts ? time(counts.lastMatch) : null,
					// Nothing decided by it in this run's flows, nor admitted among the ledger's connections.
					unused: counts === undefined && deletion === undefined,
					policyUnused,
					// Judged for whole rules (an ingress/egress item) that allowed flows: the connections deleting it
					// would deny, and when none, the rules that admit them without it. Null where not judged.
					...deletionJson(deletion, counts === undefined && rule.level === 'entry'),
				}),
			);
		}
	}

	lines.push(JSON.stringify({unusedRules: bulk.rules, breaksIfDeleted: bulk.breaks, opensIfDeleted: bulk.opens}));
	return lines.map(line => `${line}\n`).join('');
}

import {escapeForTerminal} from '../../flow/terminal-safe.js';
import type {RulesSnapshot} from '../../store/frame.js';
import {count} from '../flow-text.js';
import {fit, line} from '../terminal-text.js';
import {seenAgo} from './connections-view.js';

/**
The rules view (r): the rules of the selected policy (or of all) by address, with what each decided since
start or since the mark, when it last matched, and `unused` for one that decided nothing; a policy Cilium
rejects says so. Enter shows the flows a rule decided.
*/
export function rulesViewLines({rules, columns, rows, cursor, now, color}: {rules: RulesSnapshot | undefined; columns: number; rows: number; cursor: number; now: number; color: boolean}): string[] {
	const lines: string[] = [];
	if (!rules?.isCounting) {
		lines.push(line('RULES (r or Esc to go back)', columns, {bold: true}), line('', columns), line('Rules are counted with --policies PATH|cluster (ztop --demo has the lab\'s).', columns));
		return Array.from({length: rows}, (_, index) => lines[index] ?? line('', columns));
	}

	const scope = rules.policy === undefined ? 'all policies' : escapeForTerminal(rules.policy);
	lines.push(
		line(`RULES of ${scope} — ${count(rules.total)} rules, counts ${rules.sinceMark ? 'since the mark' : 'since the policies were read'}`, columns, {bold: true}),
	);
	const widths = {allowed: 8, denied: 7, seen: 5, status: 7};
	const fixed = widths.allowed + widths.denied + widths.seen + widths.status + 5;
	const address = Math.max(20, Math.floor((columns - fixed) * (columns >= 120 ? 0.5 : 0.6)));
	const text = Math.max(0, columns - fixed - address);
	lines.push(
		line(
			[fit('RULE', address), 'ALLOWED'.padStart(widths.allowed - 1) + ' ', 'DENIED'.padStart(widths.denied - 1) + ' ', fit('LAST', widths.seen), fit('STATUS', widths.status), fit('TEXT', text)].join(' '),
			columns,
			color ? {color: 'cyan'} : undefined,
		),
	);
	if (rules.total === 0) {
		lines.push(line(rules.policy === undefined ? 'No policies.' : `${escapeForTerminal(rules.policy)} is not among the policies in force (--policies): Hubble named it, ztop has not read it.`, columns));
	}

	for (const [offset, row] of rules.rows.entries()) {
		const isSelected = rules.firstRow + offset === cursor;
		if (row.rejected !== undefined) {
			lines.push(line(`${escapeForTerminal(row.policy)}: rejected by Cilium (${escapeForTerminal(row.rejected)})`, columns, {inverse: isSelected, ...(color ? {color: 'yellow' as const} : {})}));
			continue;
		}

		const counts = row.counts;
		const indent = row.level === 'entry' ? '' : row.level === 'port' ? '  ' : '    ';
		// An entry by its address (less the policy when the view is one policy's); its port and L7 rules below it by their
		// own last part, indented: the row above says whose.
		const parts = row.address.split(' ');
		const place = row.level === 'entry' ? (rules.policy === undefined ? row.address : parts.slice(1).join(' ')) : parts.at(-1)!;
		lines.push(
			line(
				[
					fit(`${indent}${escapeForTerminal(place)}`, address),
					count(counts?.allowed ?? 0).padStart(widths.allowed - 1) + ' ',
					count(counts?.denied ?? 0).padStart(widths.denied - 1) + ' ',
					fit(counts ? seenAgo(counts.lastMatch, now) : '-', widths.seen),
					fit(row.isDeleted ? 'deleted' : counts ? '' : 'unused', widths.status),
					fit(escapeForTerminal(row.text), text),
				].join(' '),
				columns,
				{inverse: isSelected, ...(color && !counts ? {color: 'yellow' as const} : {})},
			),
		);
	}

	return Array.from({length: rows}, (_, index) => lines[index] ?? line('', columns));
}

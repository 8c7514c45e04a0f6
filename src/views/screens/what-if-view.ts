import {escapeForTerminal} from '../../flow/terminal-safe.js';
import type {WhatIfSnapshot} from '../../store/frame.js';
import {count} from '../flow-text.js';
import {fit, line, type Color} from '../terminal-text.js';

/** `denied (default deny)` → `default deny`, `denied (L7)` → `L7 deny`: the change already says it turns denied. */
function shortAfter(after: string): string {
	const reason = /^denied \((.+)\)$/.exec(after)?.[1];
	return reason === undefined ? after : reason === 'L7' ? 'L7 deny' : reason;
}

/**
The what-if view (w): connections whose verdict the candidate set would change, breaks first, with the
flows behind each, the verdict after, and the policy that would decide. Enter opens the newest flow of
the selected connection.
*/
export function whatIfViewLines({whatIf, columns, rows, cursor, color}: {whatIf: WhatIfSnapshot | undefined; columns: number; rows: number; cursor: number; color: boolean}): string[] {
	const lines: Array<{text: string; color?: Color; inverse?: boolean}> = [];
	if (!whatIf) {
		lines.push(
			{text: 'WHAT-IF (w or Esc to go back)'},
			{text: ''},
			{text: 'No what-if set. Start ztop with --what-if-apply FILE and/or --what-if-delete [KIND/][NS/]NAME,'},
			{text: 'on top of --policies PATH|cluster, to see which connections would break or be fixed;'},
			{text: 'or add a suggestion with s then a. (ztop --demo opens with the next stage as its what-if.)'},
		);
	} else {
		lines.push({
			text: `WHAT-IF${whatIf.title ? `: ${escapeForTerminal(whatIf.title)}` : ''} — ${count(whatIf.evaluated)} flows evaluated, ${count(whatIf.changedFlows)} would change: ${count(whatIf.breaks)} break, ${count(whatIf.fixes)} fixed`,
		});
		// Under 110 columns the connection takes the room of DECIDED BY (the drill-down says it): at 80 columns a
		// connection's server and port are what tells one change from another.
		const hasDecided = columns >= 110;
		const fixed = {change: 7, flows: 8, direction: 8, after: hasDecided ? 22 : 13};
		const rest = columns - fixed.change - fixed.flows - fixed.direction - fixed.after - 4;
		const widths = {...fixed, connection: hasDecided ? Math.max(20, Math.floor((columns - 40) * 0.45)) : Math.max(20, rest)};
		const decided = Math.max(10, rest - widths.connection - 1);
		const cells = (change: string, flows: string, connection: string, direction: string, after: string, decidedBy: string) =>
			[fit(change, widths.change), flows, fit(connection, widths.connection), fit(direction, widths.direction), fit(after, widths.after), ...(hasDecided ? [fit(decidedBy, decided)] : [])].join(' ');
		lines.push({
			text: cells('CHANGE', fit('FLOWS', widths.flows), 'CONNECTION', 'DIR', 'AFTER', 'DECIDED BY'),
			color: 'cyan' as const,
		});
		if (whatIf.rows.length === 0) {
			lines.push({text: 'No connection would change.'});
		}

		const visible = Math.max(1, rows - 2);
		const first = Math.max(0, Math.min(cursor - visible + 1, whatIf.rows.length - visible));
		for (const [offset, row] of whatIf.rows.slice(Math.max(0, first), Math.max(0, first) + visible).entries()) {
			const index = Math.max(0, first) + offset;
			const connection = `${row.source} → ${row.destination} ${row.port}`;
			lines.push({
				text: cells(row.change, count(row.flows).padStart(widths.flows - 1) + ' ', escapeForTerminal(connection), row.direction, hasDecided ? row.after : shortAfter(row.after), escapeForTerminal(row.decidedBy)),
				...(color ? {color: row.change === 'breaks' ? ('red' as const) : ('green' as const)} : {}),
				inverse: index === cursor,
			});
		}
	}

	return Array.from({length: rows}, (_, index) => {
		const whatIfLine = lines[index];
		return line(whatIfLine?.text ?? '', columns, {inverse: whatIfLine?.inverse ?? false, ...(color && whatIfLine?.color ? {color: whatIfLine.color} : {})});
	});
}

import {escapeForTerminal} from '../../flow/terminal-safe.js';
import {line, type Color} from '../terminal-text.js';

/** A suggestion as the TUI shows it (built by the controller from src/policy/suggest.ts). */
export type SuggestionView = {
	/** `3 denied connections of 12 flows` */
	subject: string;
	/** The YAML, comments included (what `e` writes and `c` copies). */
	yaml: string;
	/** One line on the evaluation: admitted, and what else changes. */
	verdict: string;
	/** Whether the evaluation admits every target (else the view says so in red). */
	isProven: boolean;
	hasPolicies: boolean;
};

/**
The suggestion view (s on a flow, S for the flows of the view): the policy YAML that admits the denied
connections, how the evaluator judged it, and the actions: e write it to a file, c copy it (OSC 52),
a add it to the what-if set. ↑↓ scroll.
*/
export function suggestViewLines({suggestion, columns, rows, scroll, color}: {suggestion: SuggestionView; columns: number; rows: number; scroll: number; color: boolean}): string[] {
	const head: Array<{text: string; color?: Color}> = [
		{text: `SUGGESTION for ${suggestion.subject} — ${suggestion.hasPolicies ? 'e write · c copy · a add to what-if · ' : ''}↑↓ scroll · Esc back`},
		{text: suggestion.verdict, ...(color ? {color: suggestion.isProven ? ('green' as const) : ('red' as const)} : {})},
	];
	const body = suggestion.yaml.replace(/\n$/, '').split('\n');
	const visible = Math.max(1, rows - head.length);
	const first = Math.max(0, Math.min(scroll, body.length - visible));
	const lines: Array<{text: string; color?: Color; dim?: boolean}> = [...head, ...body.slice(first, first + visible).map(text => ({text, dim: text.startsWith('#')}))];
	return Array.from({length: rows}, (_, index) => {
		const item = lines[index];
		return line(escapeForTerminal(item?.text ?? ''), columns, {...(color && item?.color ? {color: item.color} : {}), ...(color && item?.dim ? {dim: true} : {})});
	});
}

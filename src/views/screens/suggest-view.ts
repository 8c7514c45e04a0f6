import {escapeForTerminal} from '../../flow/terminal-safe.js';
import {displayWidth, line, wrapWords, type Color} from '../terminal-text.js';

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
	// The evaluation's verdict and the YAML's comments wrap (at 80 columns they said least where it mattered:
	// what else the policy allows); the YAML itself is shown as it is written.
	const verdictColor = color ? {color: suggestion.isProven ? ('green' as const) : ('red' as const)} : {};
	const head: Array<{text: string; color?: Color}> = [
		{text: `SUGGESTION for ${escapeForTerminal(suggestion.subject)} — ${suggestion.hasPolicies ? 'e write · c copy · a add to what-if · ' : ''}↑↓ scroll · Esc back`},
		...wrapWords(escapeForTerminal(suggestion.verdict), columns, 2).map(text => ({text, ...verdictColor})),
	];
	const body = suggestion.yaml
		.replace(/\n$/, '')
		.split('\n')
		.map(text => escapeForTerminal(text))
		.flatMap(text => (text.startsWith('#') && displayWidth(text) > columns ? wrapWords(text, columns, 4).map((part, index) => (index === 0 ? part : `#${part.slice(1)}`)) : [text]));
	const visible = Math.max(1, rows - head.length);
	const first = Math.max(0, Math.min(scroll, body.length - visible));
	const lines: Array<{text: string; color?: Color; dim?: boolean}> = [...head, ...body.slice(first, first + visible).map(text => ({text, dim: text.startsWith('#')}))];
	return Array.from({length: rows}, (_, index) => {
		const item = lines[index];
		return line(item?.text ?? '', columns, {...(color && item?.color ? {color: item.color} : {}), ...(color && item?.dim ? {dim: true} : {})});
	});
}

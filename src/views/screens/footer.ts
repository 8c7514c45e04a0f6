import {footerHints} from '../keymap.js';
import {line} from '../terminal-text.js';

export type Prompt = {text: string; error?: {message: string; position: number}};

/** The last line: key hints, a notice, or the filter prompt with its error under the offending position. */
export function footerLine(columns: number, prompt: Prompt | undefined, notice: string | undefined, color: boolean, hints = footerHints()): string {
	if (prompt) {
		if (prompt.error) {
			// The caret sits under the error's position in the text above (the prompt is "/ " + text).
			const caret = ' '.repeat(Math.min(columns - 1, 2 + prompt.error.position)) + '^';
			return line(`${caret} ${prompt.error.message}`, columns, color ? {color: 'red'} : undefined);
		}

		return line('Enter: apply   Esc: cancel   e.g. from:app=frontend verdict:dropped policy:allow-dns !ns:kube-system', columns);
	}

	if (notice) {
		return line(notice, columns, color ? {color: 'yellow'} : undefined);
	}

	return line(hints, columns, {dim: true});
}

/** The filter prompt line (replaces the pane title while typing). */
export function promptLine(columns: number, prompt: Prompt): string {
	return line(`/ ${prompt.text}█`, columns);
}

import {Text} from 'ink';
import {footerHints} from '../keymap.js';
import {fit} from '../flow-text.js';

export type Prompt = {text: string; error?: {message: string; position: number}};

/** The last line: key hints, a notice, or the filter prompt with its error under the offending position. */
export function Footer({columns, prompt, notice, color}: {columns: number; prompt: Prompt | undefined; notice: string | undefined; color: boolean}) {
	if (prompt) {
		if (prompt.error) {
			// The caret sits under the error's position in the text above (the prompt is "/ " + text).
			const caret = ' '.repeat(Math.min(columns - 1, 2 + prompt.error.position)) + '^';
			return (
				<Text wrap="truncate" {...(color ? {color: 'red'} : {})}>
					{fit(`${caret} ${prompt.error.message}`, columns)}
				</Text>
			);
		}

		return <Text wrap="truncate">{fit('Enter: apply   Esc: cancel   e.g. from:app=frontend verdict:dropped policy:allow-dns !ns:kube-system', columns)}</Text>;
	}

	if (notice) {
		return (
			<Text wrap="truncate" {...(color ? {color: 'yellow'} : {})}>
				{fit(notice, columns)}
			</Text>
		);
	}

	const hints = footerHints();
	return (
		<Text wrap="truncate" dimColor>
			{fit(hints, columns)}
		</Text>
	);
}

/** The filter prompt line (replaces the pane title while typing). */
export function PromptLine({columns, prompt}: {columns: number; prompt: Prompt}) {
	return <Text wrap="truncate">{fit(`/ ${prompt.text}█`, columns)}</Text>;
}

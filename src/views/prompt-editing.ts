/**
Editing the filter prompt's text from key events. A terminal may deliver several keys in one read (fast
typing, a paste, tmux send-keys), which Ink hands over as one `input` string; each character is applied
in turn, so a burst of DEL characters deletes rather than lands in the text. Readline's Ctrl-U (clear)
and Ctrl-W (delete a word) work as in a shell.
*/

export type PromptKey = {input: string; backspace?: boolean; delete?: boolean; ctrl?: boolean; meta?: boolean};

export function editPrompt(text: string, key: PromptKey): string {
	if (key.backspace || key.delete) {
		return Array.from(text).slice(0, -1).join('');
	}

	if (key.ctrl) {
		if (key.input === 'u') {
			return '';
		}

		if (key.input === 'w') {
			return text.replace(/\S*\s*$/, '');
		}

		return text;
	}

	if (key.meta) {
		return text;
	}

	let result = text;
	for (const character of key.input) {
		if (character === '\u007F' || character === '\b') {
			result = Array.from(result).slice(0, -1).join('');
		} else if (!/[\u0000-\u001F\u0080-\u009F]/.test(character)) {
			result += character;
		}
	}

	return result;
}

/**
The one path from network text to the screen. Pod names, labels, DNS names, URLs, headers and policy
names come from the cluster and may carry escape sequences (a title change `ESC ] 0 ;`, a clipboard
write `ESC ] 52`, `ESC [ 2 J`); hubble itself learned to escape them (cilium/cilium#37401). Every
remote string passes through escapeForTerminal just before display, and nowhere else, so indexes
and JSON keep the raw value.
*/

// C0 controls, DEL, C1 controls, and the Unicode bidirectional overrides and isolates that can make
// text read differently from what it is.
const unsafe = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/gu;

const named: Record<string, string> = {
	'\n': String.raw`\n`,
	'\r': String.raw`\r`,
	'\t': String.raw`\t`,
};

/**
Replaces every control character with a visible stand-in: `\n`, `\r` and `\t` as escapes, other C0
controls and DEL in caret notation (ESC becomes `^[`, as hubble prints it), C1 controls and
bidirectional formatting characters as `\u{…}`.
*/
export function escapeForTerminal(text: string): string {
	// Most strings are clean: test before allocating a new one.
	unsafe.lastIndex = 0;
	if (!unsafe.test(text)) {
		return text;
	}

	unsafe.lastIndex = 0;
	return text.replaceAll(unsafe, character => {
		const code = character.codePointAt(0)!;
		const escape = named[character];
		if (escape) {
			return escape;
		}

		if (code < 0x20) {
			return '^' + String.fromCodePoint(code + 0x40);
		}

		if (code === 0x7f) {
			return '^?';
		}

		return `\\u{${code.toString(16)}}`;
	});
}

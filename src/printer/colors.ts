/**
Hubble's output colours (hubble/pkg/printer/color.go): host cyan, port yellow, identity magenta,
FORWARDED/ALLOWED green, DROPPED/DENIED red, AUDIT/TRACED/TRANSLATED yellow. Each coloured piece is
wrapped as fatih/color does it: the SGR code, the text, then a full reset.
*/

export type Colors = {
	enabled: boolean;
	host(text: string): string;
	port(text: string): string;
	identity(text: string): string;
	green(text: string): string;
	red(text: string): string;
	yellow(text: string): string;
};

const sgr = (code: number) => (text: string) => `\u001B[${code}m${text}\u001B[0m`;
const plain = (text: string) => text;

export const colorsOn: Colors = {
	enabled: true,
	host: sgr(36),
	port: sgr(33),
	identity: sgr(35),
	green: sgr(32),
	red: sgr(31),
	yellow: sgr(33),
};

export const colorsOff: Colors = {
	enabled: false,
	host: plain,
	port: plain,
	identity: plain,
	green: plain,
	red: plain,
	yellow: plain,
};

export type ColorChoice = 'auto' | 'always' | 'never';

/**
Resolves `--color`: `auto` colours a terminal unless NO_COLOR is set (no-color.org), as hubble's
fatih/color does; `always` and `never` are unconditional.
*/
export function resolveColors(choice: ColorChoice, isTerminal: boolean, environment: Record<string, string | undefined>): Colors {
	if (choice === 'always') {
		return colorsOn;
	}

	if (choice === 'never') {
		return colorsOff;
	}

	const noColor = environment['NO_COLOR'] !== undefined && environment['NO_COLOR'] !== '';
	return isTerminal && !noColor && environment['TERM'] !== 'dumb' ? colorsOn : colorsOff;
}

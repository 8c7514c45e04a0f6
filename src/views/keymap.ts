/**
The keys of the TUI, in one table: the App dispatches on it, and the footer and the `?` help screen are
generated from it, so what the help says is what the keys do.
*/

export type Action =
	| 'up'
	| 'down'
	| 'pageUp'
	| 'pageDown'
	| 'top'
	| 'follow'
	| 'nextPane'
	| 'open'
	| 'back'
	| 'filter'
	| 'pause'
	| 'mark'
	| 'sinceMark'
	| 'splitClusters'
	| 'cycleVerdict'
	| 'overview'
	| 'connections'
	| 'rules'
	| 'whatIf'
	| 'suggest'
	| 'suggestView'
	| 'addSuggestion'
	| 'deleteRule'
	| 'deleteUnusedRules'
	| 'reloadPolicies'
	| 'json'
	| 'export'
	| 'copy'
	| 'help'
	| 'quit';

/** The named (non-character) keys Ink reports. */
type SpecialKey = 'upArrow' | 'downArrow' | 'pageUp' | 'pageDown' | 'return' | 'escape' | 'tab';

export type KeyBinding = {
	action: Action;
	/** How the keys are written in the help and the footer. */
	keys: string;
	/** What dispatches to the action: typed characters, named keys, and Ctrl+letter. */
	characters?: string[];
	special?: SpecialKey[];
	ctrl?: string;
	description: string;
	/** Shown in the footer of the main screen (short label). */
	footer?: string;
	/** Bindings of one group share a line in the help (↑↓, PgUp/PgDn). */
	helpGroup?: string;
};

export const keymap: readonly KeyBinding[] = [
	{action: 'up', keys: '↑ k', special: ['upArrow'], characters: ['k'], description: 'move up (stops following the tail)', helpGroup: 'move'},
	{action: 'down', keys: '↓ j', special: ['downArrow'], characters: ['j'], description: 'move down', helpGroup: 'move'},
	{action: 'pageUp', keys: 'PgUp', special: ['pageUp'], description: 'page up', helpGroup: 'page'},
	{action: 'pageDown', keys: 'PgDn', special: ['pageDown'], description: 'page down', helpGroup: 'page'},
	{action: 'top', keys: 'g', characters: ['g'], description: 'go to the oldest flow (in a view: its top)', helpGroup: 'ends'},
	{action: 'follow', keys: 'G', characters: ['G'], description: 'follow the tail and resume (in the rules: the last)', footer: 'G follow', helpGroup: 'ends'},
	{action: 'nextPane', keys: 'Tab', special: ['tab'], description: 'next pane (flows, policies)', footer: 'Tab pane'},
	{action: 'open', keys: 'Enter', special: ['return'], description: 'open: flow drill-down, or filter flows by the selected policy', footer: '⏎ open'},
	{action: 'back', keys: 'Esc', special: ['escape'], description: 'back; on the main screen, clear the filter'},
	{action: 'filter', keys: '/', characters: ['/'], description: 'filter (hubble flags or from: to: verdict: policy: port: dir: type: ns: and words)', footer: '/ filter'},
	{action: 'pause', keys: 'Space', characters: [' '], description: 'pause / resume the view (ingest goes on)', footer: '␣ pause'},
	{action: 'mark', keys: 'm', characters: ['m'], description: 'mark: count policies from now on', footer: 'm mark'},
	{action: 'sinceMark', keys: 't', characters: ['t'], description: 'policy counts: since start / since mark', helpGroup: 'counts'},
	{action: 'splitClusters', keys: 'C', characters: ['C'], description: 'all clusters / per cluster', helpGroup: 'counts'},
	{action: 'cycleVerdict', keys: 'v', characters: ['v'], description: 'verdicts shown: all, allowed, denied', footer: 'v verdict'},
	{action: 'overview', keys: 'o', characters: ['o'], description: 'overview (rates, drop reasons, ports, L7, lost events)', footer: 'o overview'},
	{
		action: 'connections',
		keys: 'n',
		characters: ['n'],
		description: 'connections: every one since start (and the ledger\'s) by client, server and port; n again sorts by last seen, flows, denied',
		footer: 'n conns',
	},
	{action: 'rules', keys: 'r', characters: ['r'], description: 'rules of the selected policy or of all: what each decided', helpGroup: 'rules'},
	{action: 'deleteRule', keys: 'd', characters: ['d'], description: 'in it: d delete the rule', helpGroup: 'rules'},
	{action: 'deleteUnusedRules', keys: 'D', characters: ['D'], description: 'D every unused one (in the what-if)', helpGroup: 'rules'},
	{action: 'whatIf', keys: 'w', characters: ['w'], description: 'what-if: connections the --what-if-* policies would break or fix; the drill-down shows the rule behind every verdict'},
	{action: 'suggest', keys: 's', characters: ['s'], description: 'suggest a policy admitting the selected denied flow (policies pane: its row\'s flows)', helpGroup: 'suggest'},
	{action: 'suggestView', keys: 'S', characters: ['S'], description: 'for all the view\'s flows', helpGroup: 'suggest'},
	{action: 'addSuggestion', keys: 'a', characters: ['a'], description: 'in it: e write, c copy, a add to what-if', helpGroup: 'suggest'},
	{action: 'reloadPolicies', keys: 'R', characters: ['R'], description: 'read --policies again (with --policies cluster, also every 30 s)'},
	{action: 'json', keys: 'J', characters: ['J'], description: 'in a drill-down: show the full flow JSON', helpGroup: 'share'},
	{action: 'export', keys: 'e', characters: ['e'], description: 'export the view\'s flows to a jsonpb file (hubble observe --input-file reads it)', helpGroup: 'share'},
	{action: 'copy', keys: 'c', characters: ['c'], description: 'copy the selected flow\'s JSON (OSC 52: works over SSH and tmux)', helpGroup: 'share'},
	{action: 'help', keys: '?', characters: ['?'], description: 'this help', footer: '? help'},
	{action: 'quit', keys: 'q Ctrl-C', characters: ['q'], ctrl: 'c', description: 'quit', footer: 'q quit'},
];

/** The help's lines: one per binding, bindings of a group joined. */
export function helpEntries(): Array<{keys: string; description: string}> {
	const entries: Array<{keys: string; description: string; group?: string}> = [];
	for (const binding of keymap) {
		const previous = entries.at(-1);
		if (binding.helpGroup !== undefined && previous?.group === binding.helpGroup) {
			previous.keys += ` ${binding.keys}`;
			previous.description += `, ${binding.description}`;
		} else {
			entries.push({keys: binding.keys, description: binding.description, ...(binding.helpGroup ? {group: binding.helpGroup} : {})});
		}
	}

	return entries.map(({keys, description}) => ({keys, description}));
}

/** The footer's hints, most needed first (help and quit must fit in 80 columns). */
export function footerHints(): string {
	const hints = keymap.filter(binding => binding.footer).map(binding => binding.footer!);
	const first = ['? help', 'q quit'];
	return [...first, ...hints.filter(hint => !first.includes(hint))].join('  ');
}

/**
The last line of a view over the main screen: the keys that act in it, first, since at 80 columns a
view's title has no room for them (k9s and htop keep a view's keys on its last line too).
*/
export const viewFooterHints = {
	connections: 'Esc back  ⏎ open  n sort  s suggest  / filter  ? help',
	rules: 'Esc back  ⏎ flows  d delete  D delete unused  w what-if  t since mark  ? help',
	whatif: 'Esc back  ⏎ drill-down  ? help',
} as const;

/** Key events as Ink reports them (the subset the keymap uses). */
export type KeyEvent = {
	input: string;
	upArrow?: boolean;
	downArrow?: boolean;
	pageUp?: boolean;
	pageDown?: boolean;
	return?: boolean;
	escape?: boolean;
	tab?: boolean;
	ctrl?: boolean;
};

/** The action of a key, or undefined: the first binding that lists it. */
export function actionOf(key: KeyEvent): Action | undefined {
	const binding = keymap.find(candidate =>
		key.ctrl
			? candidate.ctrl === key.input
			: (candidate.special?.some(name => key[name] === true) ?? false) || (candidate.characters?.includes(key.input) ?? false),
	);
	return binding?.action;
}

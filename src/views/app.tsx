/**
The one connected component: it owns the UI state (mode, focus, cursor, prompt, pause, mark), turns keys
into actions through the keymap, tells the controller which view to build frames for, and after each
commit draws the pure screen (finished lines, src/views/screens/screen.ts) with the latest Frame through
`draw`. Flows never reach React one by one: a new Frame arrives at most --fps times a second. Ink runs
the component, the state and the keyboard; it draws nothing itself (see run-tui.tsx), unless
`drawWithInk` asks for Ink's own renderer (the benchmark's baseline).
*/
import {Text, useApp, useInput, useStdout} from 'ink';
import {useEffect, useLayoutEffect, useMemo, useRef, useState} from 'react';
import type {Frame, ViewState} from '../store/frame.js';
import type {FlowDetail} from './detail-lines.js';
import {computeLayout} from './layout.js';
import type {ScrollRegion} from './line-renderer.js';
import {editPrompt} from './prompt-editing.js';
import {actionOf, type Action, type KeyEvent} from './keymap.js';
import {policyColumns} from './screens/policies-pane.js';
import {FlowRowCache, screenLines, type Mode} from './screens/screen.js';
import type {Prompt} from './screens/footer.js';
import type {SuggestionView} from './screens/suggest-view.js';
import type {ConnectionDetail} from './connection-detail-lines.js';
import {connectionSorts, type ConnectionSort} from '../store/connection-list.js';

export type FilterProblem = {message: string; position: number};

/** What the App needs from the running ztop (implemented in src/cli/tui-controller.ts). */
export type TuiController = {
	readonly color: boolean;
	/** Registers the frame listener (one frame right away); returns a function that unregisters it. */
	onFrame(listener: (frame: Frame) => void): () => void;
	/** The UI state frames are built for; a new frame follows right away. */
	setView(view: ViewState): void;
	/** Parses and applies filter text; on an error the previous filter stays and the error is returned. */
	applyFilter(text: string): FilterProblem | undefined;
	pause(): void;
	resume(): void;
	mark(): void;
	detail(sequence: number): FlowDetail;
	/** Writes the view's flows to a jsonpb file; returns what to tell the user. */
	exportView(): string;
	/** Copies a flow's JSON to the clipboard (OSC 52); returns what to tell the user. */
	copy(sequence: number): string;
	/** A suggestion for the denied flows among these (the view's flows when undefined). */
	suggest(sequences: readonly number[] | undefined): SuggestionView;
	/** Writes the last suggestion to a file; returns what to tell the user. */
	writeSuggestion(): string;
	/** Copies the last suggestion through OSC 52; returns what to tell the user. */
	copySuggestion(): string;
	/** Adds the last suggestion to the what-if set; returns what to tell the user. */
	addSuggestion(): string;
	/** Deletes whole rules (by address) in the what-if set; returns what to tell the user. */
	deleteRules(addresses: readonly string[]): string;
	/** Deletes every whole rule that decided nothing, at once, in the what-if set. */
	deleteUnusedRules(): string;
	/** Reads --policies again (R), when there are any; resolves to what to tell the user. */
	reloadPolicies?: (() => Promise<string>) | undefined;
	/** The drill-down of the connections view's row (by its key), if it is still there. */
	connectionDetail(key: string): ConnectionDetail | undefined;
	/** A suggestion admitting one connection. */
	suggestConnection(key: string): SuggestionView;
	/** Shows the flows a rule decided (on top of the filter); returns what to tell the user. */
	filterByRule(address: string): string;
};

type VerdictQuickFilter = 'all' | 'allowed' | 'denied';

const verdictSuffix: Record<VerdictQuickFilter, string> = {all: '', allowed: 'verdict:allowed', denied: 'verdict:denied'};

function effectiveFilter(text: string, verdict: VerdictQuickFilter): string {
	return [text.trim(), verdictSuffix[verdict]].filter(part => part !== '').join(' ');
}

/** Filter text that selects the flows of one policies-pane row. */
function policyFilterText(row: {name: string; namespace: string; direction: string; kind: string; cluster?: string}): string {
	const quote = (value: string) => (/[\s"']/.test(value) ? `"${value.replaceAll('"', '')}"` : value);
	// A row of the pane split by cluster: the flows observed on that cluster's nodes (hubble's --node-name
	// `cluster/` matches a whole cluster; --cluster would test the endpoints' clusters instead). A cluster
	// named after its relay (`east*`: Hubble named none) has no filter: it is left out.
	const cluster = row.cluster && !row.cluster.endsWith('*') ? ` --node-name ${quote(`${row.cluster}/`)}` : '';
	if (row.kind === '' && (row.name === '(default deny)' || row.name === '(unattributed)')) {
		const verdict = row.name === '(default deny)' ? 'verdict:denied' : 'verdict:allowed';
		const side = row.direction === 'EGRESS' ? '--from-namespace' : '--to-namespace';
		return ['type:policy-verdict', verdict, `dir:${row.direction.toLowerCase()}`, row.namespace ? `${side} ${row.namespace}` : ''].filter(Boolean).join(' ') + cluster;
	}

	return `policy:${quote(`${row.namespace}/${row.name}`)}${cluster}`;
}

/** Draws a screen of finished lines (columns × rows is the terminal's size). */
export type DrawScreen = (lines: readonly string[], columns: number, rows: number, scroll?: ScrollRegion) => void;

export function App({controller, draw, drawWithInk = false}: {controller: TuiController; draw: DrawScreen; drawWithInk?: boolean}) {
	const {exit} = useApp();
	const {stdout} = useStdout();
	const [size, setSize] = useState({columns: stdout.columns || 80, rows: stdout.rows || 24});
	const [frame, setFrame] = useState<Frame | undefined>();
	const [mode, setMode] = useState<Mode>('main');
	const [focus, setFocus] = useState<'flows' | 'policies'>('flows');
	// Undefined: follow the tail (the cursor is on the newest flow).
	const [cursorIndex, setCursorIndex] = useState<number | undefined>();
	const [scrollTop, setScrollTop] = useState(0);
	const [policyCursor, setPolicyCursor] = useState(0);
	const [whatIfCursor, setWhatIfCursor] = useState(0);
	const [prompt, setPrompt] = useState<Prompt | undefined>();
	const [filterText, setFilterText] = useState('');
	const [verdictQuick, setVerdictQuick] = useState<VerdictQuickFilter>('all');
	const [notice, setNotice] = useState<string | undefined>();
	const [sinceMark, setSinceMark] = useState(false);
	const [splitClusters, setSplitClusters] = useState(false);
	const [detail, setDetail] = useState<FlowDetail | undefined>();
	const [showJson, setShowJson] = useState(false);
	const [detailScroll, setDetailScroll] = useState(0);
	const [suggestion, setSuggestion] = useState<SuggestionView | undefined>();
	const [connectionCursor, setConnectionCursor] = useState(0);
	const [connectionScroll, setConnectionScroll] = useState(0);
	const [connectionSort, setConnectionSort] = useState<ConnectionSort>('last-seen');
	const [connectionDetail, setConnectionDetail] = useState<ConnectionDetail | undefined>();
	const [rulesCursor, setRulesCursor] = useState(0);
	const [rulesScroll, setRulesScroll] = useState(0);
	const [rulesPolicy, setRulesPolicy] = useState<string | undefined>();
	const noticeTimer = useRef<NodeJS.Timeout | undefined>(undefined);

	// The policies pane takes only the rows it has; the flows pane gets the rest.
	const policyCount = frame?.policyCount ?? 0;
	const clusterCount = frame?.clusterCount ?? 1;
	const layout = useMemo(() => computeLayout(size.columns, size.rows, policyCount, clusterCount), [size.columns, size.rows, policyCount, clusterCount]);
	const flowRows = prompt ? layout.flowRows - 1 : layout.flowRows;
	// The connections view: the body less its title and column header.
	const connectionRows = Math.max(1, layout.bodyRows + 1 - 2);

	useEffect(() => {
		const onResize = () => setSize({columns: stdout.columns || 80, rows: stdout.rows || 24});
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);

	useEffect(() => controller.onFrame(setFrame), [controller]);

	useEffect(() => {
		controller.setView({
			flowRows: Math.max(0, flowRows),
			scrollTop: cursorIndex === undefined ? undefined : scrollTop,
			policyRows: layout.policyRowLimit,
			// Each of the two sparklines takes half of the rate column.
			sparklineWidth: Math.max(5, Math.floor(policyColumns(layout.columns).spark / 2)),
			sinceMark,
			splitClusters,
			showOverview: mode === 'overview',
			showWhatIf: mode === 'whatif',
			filterText: effectiveFilter(filterText, verdictQuick),
			...(mode === 'connections' ? {connections: {rows: connectionRows, scrollTop: connectionScroll, sort: connectionSort}} : {}),
			...(mode === 'rules' ? {rules: {policy: rulesPolicy, rows: connectionRows, scrollTop: rulesScroll}} : {}),
		});
	}, [controller, flowRows, cursorIndex, scrollTop, layout.policyRowLimit, layout.columns, sinceMark, splitClusters, mode, filterText, verdictQuick, connectionRows, connectionScroll, connectionSort, rulesPolicy, rulesScroll]);

	useEffect(() => () => clearTimeout(noticeTimer.current), []);

	const say = (text: string) => {
		setNotice(text);
		clearTimeout(noticeTimer.current);
		noticeTimer.current = setTimeout(() => setNotice(undefined), 5000);
	};

	// The controller owns the pause; every pause and resume brings a new frame at once.
	const isPaused = frame?.paused ?? false;
	const matchCount = frame?.matchCount ?? 0;
	const rows = frame?.rows ?? [];
	const flowCursor = cursorIndex === undefined ? (rows.length > 0 ? rows.length - 1 : undefined) : cursorIndex - (frame?.firstRow ?? 0);

	const moveTo = (index: number) => {
		const target = Math.max(0, Math.min(matchCount - 1, index));
		if (!isPaused) {
			// Leaving the tail freezes the view, so that rows do not slide under the cursor.
			controller.pause();
		}

		setCursorIndex(target);
		setScrollTop(top => (target < top ? target : target >= top + flowRows ? target - flowRows + 1 : top));
	};

	const follow = () => {
		controller.resume();
		setCursorIndex(undefined);
	};

	const apply = (text: string, verdict: VerdictQuickFilter): FilterProblem | undefined => {
		const problem = controller.applyFilter(effectiveFilter(text, verdict));
		if (!problem) {
			setFilterText(text);
			setVerdictQuick(verdict);
			setPolicyCursor(0);
			if (cursorIndex !== undefined) {
				setCursorIndex(Math.max(0, Math.min(cursorIndex, matchCount - 1)));
			}
		}

		return problem;
	};

	const currentIndex = cursorIndex ?? matchCount - 1;

	const moveConnectionCursor = (index: number) => {
		const total = frame?.connections?.total ?? 0;
		const target = Math.max(0, Math.min(total - 1, index));
		setConnectionCursor(target);
		setConnectionScroll(top => (target < top ? target : target >= top + connectionRows ? target - connectionRows + 1 : top));
	};

	const run = (action: Action) => {
		switch (action) {
			case 'quit': {
				exit();
				break;
			}

			case 'help': {
				setMode(mode === 'help' ? 'main' : 'help');
				setDetailScroll(0);
				break;
			}

			case 'overview': {
				setMode(mode === 'overview' ? 'main' : 'overview');
				break;
			}

			case 'reloadPolicies': {
				if (controller.reloadPolicies) {
					say('reading the policies again…');
					void controller.reloadPolicies().then(message => say(message));
				} else {
					say('no --policies to read again');
				}

				break;
			}

			case 'suggest':
			case 'suggestView': {
				if (mode === 'connections' || mode === 'connection') {
					const key = mode === 'connection' ? connectionDetail?.key : frame?.connections?.rows[connectionCursor - (frame.connections.firstRow ?? 0)]?.key;
					if (key === undefined) {
						say('no connection selected');
						break;
					}

					setSuggestion(controller.suggestConnection(key));
					setDetailScroll(0);
					setMode('suggest');
					break;
				}

				if (mode !== 'main' && mode !== 'detail') {
					break;
				}

				let sequences: number[] | undefined;
				if (action === 'suggestView') {
					sequences = undefined;
				} else if (mode === 'detail' && detail) {
					sequences = [detail.sequence];
				} else if (focus === 'policies') {
					// The row's flows: filtered as Enter would, then the whole view.
					const row = frame?.policies[policyCursor];
					if (!row) {
						break;
					}

					const problem = apply(policyFilterText(row), verdictQuick);
					if (problem) {
						say(`cannot select this row's flows: ${problem.message}`);
						break;
					}

					sequences = undefined;
				} else {
					const row = flowCursor === undefined ? undefined : rows[flowCursor];
					if (!row) {
						say('no flow selected');
						break;
					}

					sequences = [row.sequence];
				}

				setSuggestion(controller.suggest(sequences));
				setDetailScroll(0);
				setMode('suggest');
				break;
			}

			case 'addSuggestion': {
				if (mode === 'suggest') {
					say(controller.addSuggestion());
				}

				break;
			}

			case 'deleteRule': {
				const row = mode === 'rules' ? frame?.rules?.rows[rulesCursor - frame.rules.firstRow] : undefined;
				if (row && row.address !== '') {
					say(controller.deleteRules([row.address]));
				}

				break;
			}

			case 'deleteUnusedRules': {
				if (mode === 'rules') {
					say(controller.deleteUnusedRules());
				}

				break;
			}

			case 'connections': {
				if (mode === 'connections') {
					const next = connectionSorts[(connectionSorts.indexOf(connectionSort) + 1) % connectionSorts.length]!;
					setConnectionSort(next);
					setConnectionCursor(0);
					setConnectionScroll(0);
					say(`connections by ${next === 'last-seen' ? 'last seen' : next === 'flows' ? 'flows' : 'denied first'}`);
				} else {
					setMode('connections');
					setConnectionCursor(0);
					setConnectionScroll(0);
				}

				break;
			}

			case 'rules': {
				if (mode === 'rules') {
					setMode('main');
					break;
				}

				// The selected policy's rules from the policies pane, else every policy's.
				const row = focus === 'policies' && mode === 'main' ? frame?.policies[policyCursor] : undefined;
				setRulesPolicy(row && row.kind !== '' ? (row.namespace ? `${row.kind === 'NetworkPolicy' ? 'netpol:' : ''}${row.namespace}/${row.name}` : row.name) : undefined);
				setRulesCursor(0);
				setRulesScroll(0);
				setMode('rules');
				break;
			}

			case 'whatIf': {
				setMode(mode === 'whatif' ? 'main' : 'whatif');
				setWhatIfCursor(0);
				break;
			}

			case 'back': {
				if (mode === 'connection') {
					setMode('connections');
				} else if (mode !== 'main') {
					setMode('main');
					setShowJson(false);
				} else if (filterText !== '' || verdictQuick !== 'all' || frame?.ruleFilter !== undefined) {
					apply('', 'all');
					say('filter cleared');
				}

				break;
			}

			case 'nextPane': {
				setFocus(focus === 'flows' ? 'policies' : 'flows');
				break;
			}

			case 'up':
			case 'down':
			case 'pageUp':
			case 'pageDown': {
				const step = {up: -1, down: 1, pageUp: -Math.max(1, flowRows - 1), pageDown: Math.max(1, flowRows - 1)}[action];
				if (mode === 'detail' || mode === 'suggest' || mode === 'connection' || mode === 'help') {
					setDetailScroll(scroll => Math.max(0, scroll + step));
				} else if (mode === 'rules') {
					const total = frame?.rules?.total ?? 0;
					const target = Math.max(0, Math.min(total - 1, rulesCursor + (action === 'pageUp' || action === 'pageDown' ? Math.sign(step) * Math.max(1, connectionRows - 1) : step)));
					setRulesCursor(target);
					setRulesScroll(top => (target < top ? target : target >= top + connectionRows ? target - connectionRows + 1 : top));
				} else if (mode === 'connections') {
					moveConnectionCursor(connectionCursor + (action === 'pageUp' || action === 'pageDown' ? Math.sign(step) * Math.max(1, connectionRows - 1) : step));
				} else if (mode === 'whatif') {
					setWhatIfCursor(cursor => Math.max(0, Math.min((frame?.whatIf?.rows.length ?? 1) - 1, cursor + step)));
				} else if (focus === 'policies') {
					setPolicyCursor(cursor => Math.max(0, Math.min((frame?.policies.length ?? 1) - 1, cursor + step)));
				} else if (matchCount > 0) {
					moveTo(currentIndex + step);
				}

				break;
			}

			case 'top': {
				// g goes to the top of what is shown; the flows' cursor moves (and the view pauses) only on the main screen.
				if (mode === 'connections') {
					moveConnectionCursor(0);
				} else if (mode === 'rules') {
					setRulesCursor(0);
					setRulesScroll(0);
				} else if (mode === 'whatif') {
					setWhatIfCursor(0);
				} else if (mode !== 'main') {
					setDetailScroll(0);
				} else if (focus === 'policies') {
					setPolicyCursor(0);
				} else if (matchCount > 0) {
					moveTo(0);
				}

				break;
			}

			case 'follow': {
				if (mode === 'rules') {
					// G: the last rule.
					const last = Math.max(0, (frame?.rules?.total ?? 1) - 1);
					setRulesCursor(last);
					setRulesScroll(Math.max(0, last - connectionRows + 1));
					break;
				}

				follow();
				break;
			}

			case 'open': {
				if (mode === 'rules') {
					const row = frame?.rules?.rows[rulesCursor - frame.rules.firstRow];
					if (row && row.address !== '') {
						say(controller.filterByRule(row.address));
						setFocus('flows');
						setMode('main');
					}

					break;
				}

				if (mode === 'connections') {
					const row = frame?.connections?.rows[connectionCursor - frame.connections.firstRow];
					const opened = row ? controller.connectionDetail(row.key) : undefined;
					if (opened) {
						setConnectionDetail(opened);
						setDetailScroll(0);
						setMode('connection');
					}

					break;
				}

				if (mode === 'connection' && connectionDetail) {
					const problem = apply(connectionDetail.filterText, verdictQuick);
					say(problem ? `cannot filter by this connection: ${problem.message}` : `filter: ${connectionDetail.filterText}`);
					setFocus('flows');
					setMode('main');
					break;
				}

				if (mode === 'whatif') {
					const row = frame?.whatIf?.rows[whatIfCursor];
					if (row) {
						setDetail(controller.detail(row.latestSequence));
						setDetailScroll(0);
						setShowJson(false);
						setMode('detail');
					}

					break;
				}

				if (mode !== 'main') {
					break;
				}

				if (focus === 'policies') {
					const row = frame?.policies[policyCursor];
					if (row) {
						const text = policyFilterText(row);
						const problem = apply(text, verdictQuick);
						say(problem ? `cannot filter by this policy: ${problem.message}` : `filter: ${text}`);
						setFocus('flows');
					}
				} else {
					const row = flowCursor === undefined ? undefined : rows[flowCursor];
					if (row) {
						setDetail(controller.detail(row.sequence));
						setDetailScroll(0);
						setShowJson(false);
						setMode('detail');
					}
				}

				break;
			}

			case 'json': {
				if (mode === 'detail') {
					setShowJson(!showJson);
					setDetailScroll(0);
				}

				break;
			}

			case 'filter': {
				updatePrompt({text: filterText});
				break;
			}

			case 'pause': {
				if (isPaused) {
					follow();
				} else {
					controller.pause();
				}

				break;
			}

			case 'mark': {
				controller.mark();
				setSinceMark(true);
				say('mark set: the policies pane now counts from here (t: totals)');
				break;
			}

			case 'sinceMark': {
				setSinceMark(!sinceMark);
				break;
			}

			case 'splitClusters': {
				if (!splitClusters && (frame?.clusterCount ?? 0) < 2) {
					say('the flows come from one cluster: there is nothing to split');
					break;
				}

				setSplitClusters(!splitClusters);
				setPolicyCursor(0);
				say(splitClusters ? 'policy counts: all clusters together' : 'policy counts: per cluster (C: together)');
				break;
			}

			case 'cycleVerdict': {
				const next: VerdictQuickFilter = verdictQuick === 'all' ? 'allowed' : verdictQuick === 'allowed' ? 'denied' : 'all';
				const problem = apply(filterText, next);
				say(problem ? problem.message : `verdicts: ${next}`);
				break;
			}

			case 'export': {
				say(mode === 'suggest' ? controller.writeSuggestion() : controller.exportView());
				break;
			}

			case 'copy': {
				if (mode === 'suggest') {
					say(controller.copySuggestion());
					break;
				}

				const sequence = mode === 'detail' ? detail?.sequence : flowCursor === undefined ? undefined : rows[flowCursor]?.sequence;
				say(sequence === undefined ? 'no flow selected' : controller.copy(sequence));
				break;
			}
		}
	};

	// Keys can arrive faster than React re-renders (typing right after `/`, a paste, tmux send-keys): the
	// prompt's latest state lives in a ref, so every key sees the state the previous key left.
	const promptRef = useRef<Prompt | undefined>(undefined);
	promptRef.current = prompt;
	const updatePrompt = (next: Prompt | undefined) => {
		promptRef.current = next;
		setPrompt(next);
	};

	const handleKey = (input: string, key: Omit<KeyEvent, 'input'> & {backspace?: boolean; delete?: boolean; meta?: boolean}) => {
		const current = promptRef.current;
		if (current) {
			if (key.escape) {
				updatePrompt(undefined);
			} else if (key.return) {
				const problem = apply(current.text, verdictQuick);
				updatePrompt(problem ? {text: current.text, error: problem} : undefined);
			} else {
				const text = editPrompt(current.text, {input, ...key});
				if (text !== current.text) {
					updatePrompt({text});
				}
			}

			return;
		}

		const action = actionOf({input, ...key});
		if (action) {
			run(action);
		}
	};

	// Keys that arrive together (a paste, fast typing, tmux send-keys) or in quick succession are handled one at a
	// time, each after the render the previous one caused, by the handler of that render: so every key sees the
	// state the previous key left behind (three j move three rows), however busy the machine is.
	type QueuedKey = [input: string, key: Parameters<typeof handleKey>[1]];
	const handleKeyRef = useRef(handleKey);
	handleKeyRef.current = handleKey;
	const pending = useRef<QueuedKey[]>([]);
	const awaitingRender = useRef(false);
	const [, setKeysHandled] = useState(0);
	const handleNextKey = () => {
		const next = pending.current.shift();
		if (next) {
			awaitingRender.current = true;
			// A render even when the key changed nothing, so that the next key is not held back.
			setKeysHandled(count => count + 1);
			handleKeyRef.current(...next);
		}
	};

	useEffect(() => {
		awaitingRender.current = false;
		handleNextKey();
	});

	useInput((input, key) => {
		const isBurst = input.length > 1 && !key.ctrl && !key.meta && !key.return && !key.escape && !key.tab;
		// Esc and a key pressed quickly after it arrive together and read as Alt+key: ztop binds no Alt key, so it is
		// the Esc, then the key (Esc, n: back to the main screen, then the connections).
		const isEscapeThenKey = key.meta && !key.escape && input.length === 1;
		const keys: QueuedKey[] = isEscapeThenKey
			? [
					['', {escape: true}],
					[input, {...key, meta: false}],
				]
			: isBurst
			? Array.from(input, character => [
					character,
					{
						...(character === '\r' || character === '\n' ? {return: true} : {}),
						...(character === '\t' ? {tab: true} : {}),
						...(character === '\u007F' || character === '\b' ? {backspace: true} : {}),
						...(character === '\u001B' ? {escape: true} : {}),
					},
				])
			: [[input, key]];
		pending.current.push(...keys);
		if (!awaitingRender.current) {
			handleNextKey();
		}
	});

	const rowCache = useRef<FlowRowCache | undefined>(undefined);
	rowCache.current ??= new FlowRowCache();
	const screen = screenLines(
		{frame, layout, color: controller.color, mode, focus, flowCursor, policyCursor, whatIfCursor, prompt, notice, detail, showJson, detailScroll, suggestion, connectionCursor, connectionDetail, rulesCursor},
		rowCache.current,
	);
	useLayoutEffect(() => {
		if (!drawWithInk) {
			draw(screen.lines, layout.columns, layout.rows, screen.scroll);
		}
	});

	return drawWithInk ? screen.lines.map((text, index) => <Text key={index}>{text}</Text>) : null;
}

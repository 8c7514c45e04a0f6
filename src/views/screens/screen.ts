/**
The whole screen as a pure function of its props: the App owns the state, this only lays it out, as
finished lines of exactly the terminal's width (styled with SGR codes), layout.height of them. The
renderer writes the ones that changed.
*/
import type {Frame} from '../../store/frame.js';
import type {FlowDetail} from '../detail-lines.js';
import type {Layout} from '../layout.js';
import {minimumColumns, minimumRows} from '../layout.js';
import type {ScrollRegion} from '../line-renderer.js';
import {line, wrapWords} from '../terminal-text.js';
import {connectionDetailLines, type ConnectionDetail} from '../connection-detail-lines.js';
import {connectionsViewLines} from './connections-view.js';
import {rulesViewLines} from './rules-view.js';
import {detailLinesView, detailViewLines} from './detail-view.js';
import {FlowRowCache, flowsPaneLines} from './flows-pane.js';
import {viewFooterHints} from '../keymap.js';
import {footerLine, promptLine, type Prompt} from './footer.js';
import {headerLines} from './header.js';
import {helpViewLines} from './help-view.js';
import {overviewViewLines} from './overview-view.js';
import {policiesPaneLines} from './policies-pane.js';
import {suggestViewLines, type SuggestionView} from './suggest-view.js';
import {whatIfViewLines} from './what-if-view.js';

export type Mode = 'main' | 'detail' | 'overview' | 'help' | 'whatif' | 'suggest' | 'connections' | 'connection' | 'rules';

export type ScreenProps = {
	frame: Frame | undefined;
	layout: Layout;
	color: boolean;
	mode: Mode;
	focus: 'flows' | 'policies';
	flowCursor: number | undefined;
	policyCursor: number;
	whatIfCursor: number;
	prompt: Prompt | undefined;
	notice: string | undefined;
	detail: FlowDetail | undefined;
	showJson: boolean;
	detailScroll: number;
	suggestion?: SuggestionView | undefined;
	connectionCursor?: number;
	rulesCursor?: number;
	connectionDetail?: ConnectionDetail | undefined;
};

/** A screen: its lines, and the region of flow rows that scrolls while following. */
export type ScreenLines = {lines: string[]; scroll?: ScrollRegion};

/** The screen's lines; `rowCache` keeps finished flow rows from one frame to the next. */
export function screenLines(props: ScreenProps, rowCache?: FlowRowCache): ScreenLines {
	const {layout, frame, color} = props;
	const {columns} = layout;
	if (layout.isTooSmall) {
		const message = `Terminal too small: ztop needs ${minimumColumns}×${minimumRows}, this one is ${layout.columns}×${layout.rows}. Enlarge it, or q to quit.`;
		// Wrapped at words, so that a narrow terminal shows all of it (what to do is at the end).
		return {lines: wrapWords(message, Math.max(1, columns)).slice(0, Math.max(1, layout.height)).map(text => line(text, Math.max(1, columns)))};
	}

	const header = headerLines(frame, columns, color);
	const footer = footerLine(columns, props.prompt, props.notice, color, props.mode in viewFooterHints ? viewFooterHints[props.mode as keyof typeof viewFooterHints] : undefined);
	const bodyRows = layout.bodyRows + 1;
	if (props.mode === 'help') {
		return {lines: [...header, ...helpViewLines(columns, bodyRows, props.detailScroll), footer]};
	}

	if (props.mode === 'overview') {
		return {lines: [...header, ...overviewViewLines({overview: frame?.overview, columns, rows: bodyRows, color}), footer]};
	}

	if (props.mode === 'whatif') {
		return {lines: [...header, ...whatIfViewLines({whatIf: frame?.whatIf, columns, rows: bodyRows, cursor: props.whatIfCursor, color}), footer]};
	}

	if (props.mode === 'connections') {
		// The / prompt takes the view's last row: the filter applies to connections too.
		const viewRows = props.prompt ? bodyRows - 1 : bodyRows;
		const view = connectionsViewLines({connections: frame?.connections, columns, rows: viewRows, cursor: props.connectionCursor ?? 0, now: frame?.builtAt ?? 0, color});
		return {lines: [...header, ...view, ...(props.prompt ? [promptLine(columns, props.prompt)] : []), footer]};
	}

	if (props.mode === 'rules') {
		return {lines: [...header, ...rulesViewLines({rules: frame?.rules, columns, rows: bodyRows, cursor: props.rulesCursor ?? 0, now: frame?.builtAt ?? 0, color}), footer]};
	}

	if (props.mode === 'connection' && props.connectionDetail) {
		return {lines: [...header, ...detailLinesView(connectionDetailLines(props.connectionDetail), props.detailScroll, columns, bodyRows, color), footer]};
	}

	if (props.mode === 'suggest' && props.suggestion) {
		return {lines: [...header, ...suggestViewLines({suggestion: props.suggestion, columns, rows: bodyRows, scroll: props.detailScroll, color}), footer]};
	}

	if (props.mode === 'detail' && props.detail) {
		return {lines: [...header, ...detailViewLines({detail: props.detail, showJson: props.showJson, scroll: props.detailScroll, columns, rows: bodyRows, color}), footer]};
	}

	// While the prompt is open it takes the flows pane's last row, so the screen keeps its height.
	const flowsLayout = props.prompt ? {...layout, flowRows: layout.flowRows - 1} : layout;
	const above = [...header, ...(props.prompt ? [promptLine(columns, props.prompt)] : [])];
	const flows = flowsPaneLines({frame, layout: flowsLayout, isFocused: props.focus === 'flows', cursor: props.flowCursor, color}, rowCache);
	// The flow rows (below the pane's title) scroll up as new flows arrive.
	const scroll = flowsLayout.flowRows > 1 ? {top: above.length + 1, bottom: above.length + flowsLayout.flowRows} : undefined;
	return {
		lines: [...above, ...flows, ...policiesPaneLines({frame, layout, isFocused: props.focus === 'policies', cursor: props.policyCursor, color}), footer],
		...(scroll ? {scroll} : {}),
	};
}

export {FlowRowCache};

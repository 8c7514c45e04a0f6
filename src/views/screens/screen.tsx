/**
The whole screen as a pure function of its props: the App owns the state, this only draws it. The
frame is exactly layout.height lines (one less than the terminal), so ink never clears the screen.
*/
import {Text} from 'ink';
import type {Frame} from '../../store/frame.js';
import type {FlowDetail} from '../detail-lines.js';
import type {Layout} from '../layout.js';
import {minimumColumns, minimumRows} from '../layout.js';
import {fit} from '../flow-text.js';
import {DetailView} from './detail-view.js';
import {FlowsPane} from './flows-pane.js';
import {Footer, PromptLine, type Prompt} from './footer.js';
import {Header} from './header.js';
import {HelpView} from './help-view.js';
import {OverviewView} from './overview-view.js';
import {PoliciesPane} from './policies-pane.js';
import {WhatIfView} from './what-if-view.js';

export type Mode = 'main' | 'detail' | 'overview' | 'help' | 'whatif';

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
};

export function Screen(props: ScreenProps) {
	const {layout, frame, color} = props;
	if (layout.isTooSmall) {
		const message = `Terminal too small: ztop needs ${minimumColumns}×${minimumRows}, this one is ${layout.columns}×${layout.rows}. Enlarge it, or q to quit.`;
		return <Text wrap="truncate">{fit(message, Math.max(1, layout.columns))}</Text>;
	}

	const footer = <Footer columns={layout.columns} prompt={props.prompt} notice={props.notice} color={color} />;
	const header = <Header frame={frame} columns={layout.columns} color={color} />;
	if (props.mode === 'help') {
		return (
			<>
				{header}
				<HelpView columns={layout.columns} rows={layout.bodyRows + 1} />
				{footer}
			</>
		);
	}

	if (props.mode === 'overview') {
		return (
			<>
				{header}
				<OverviewView overview={frame?.overview} columns={layout.columns} rows={layout.bodyRows + 1} color={color} />
				{footer}
			</>
		);
	}

	if (props.mode === 'whatif') {
		return (
			<>
				{header}
				<WhatIfView whatIf={frame?.whatIf} columns={layout.columns} rows={layout.bodyRows + 1} cursor={props.whatIfCursor} color={color} />
				{footer}
			</>
		);
	}

	if (props.mode === 'detail' && props.detail) {
		return (
			<>
				{header}
				<DetailView detail={props.detail} showJson={props.showJson} scroll={props.detailScroll} columns={layout.columns} rows={layout.bodyRows + 1} color={color} />
				{footer}
			</>
		);
	}

	return (
		<>
			{header}
			{props.prompt ? <PromptLine columns={layout.columns} prompt={props.prompt} /> : undefined}
			<FlowsPaneWithPrompt {...props} />
			<PoliciesPane frame={frame} layout={layout} isFocused={props.focus === 'policies'} cursor={props.policyCursor} color={color} />
			{footer}
		</>
	);
}

/** While the prompt is open it takes the flows pane's last row, so the frame keeps its height. */
function FlowsPaneWithPrompt(props: ScreenProps) {
	const layout = props.prompt ? {...props.layout, flowRows: props.layout.flowRows - 1} : props.layout;
	return <FlowsPane frame={props.frame} layout={layout} isFocused={props.focus === 'flows'} cursor={props.flowCursor} color={props.color} />;
}

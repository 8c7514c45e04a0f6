import type {Frame} from '../../store/frame.js';
import type {Layout} from '../layout.js';

/** What both panes of the main screen draw from. */
export type PaneProps = {
	frame: Frame | undefined;
	layout: Layout;
	isFocused: boolean;
	/** Row index of the cursor in the pane (undefined: none). */
	cursor: number | undefined;
	color: boolean;
};

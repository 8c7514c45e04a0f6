import {Text} from 'ink';
import {detailLines, type FlowDetail} from '../detail-lines.js';
import {fit} from '../flow-text.js';

const toneColors = {allowed: 'green', denied: 'red', audit: 'yellow', traced: 'yellow', translated: 'yellow', other: undefined, heading: 'cyan'} as const;

/** The drill-down of the selected flow, scrolled by `scroll` lines. */
export function DetailView({
	detail,
	showJson,
	scroll,
	columns,
	rows,
	color,
}: {
	detail: FlowDetail;
	showJson: boolean;
	scroll: number;
	columns: number;
	rows: number;
	color: boolean;
}) {
	const lines = detailLines(detail, showJson);
	const first = Math.max(0, Math.min(scroll, lines.length - rows));
	return (
		<>
			{Array.from({length: rows}, (_, index) => {
				const line = lines[first + index];
				const tone = line?.tone ? toneColors[line.tone] : undefined;
				return (
					<Text key={index} wrap="truncate" bold={line?.tone === 'heading'} {...(color && tone ? {color: tone} : {})}>
						{fit(line?.text ?? '', columns)}
					</Text>
				);
			})}
		</>
	);
}

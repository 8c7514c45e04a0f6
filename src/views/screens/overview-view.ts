import {escapeForTerminal} from '../../flow/terminal-safe.js';
import type {Count, OverviewSnapshot} from '../../store/overview.js';
import {count, sparkline} from '../flow-text.js';
import {fit, line, type Color} from '../terminal-text.js';

/** The overview: the lab's Grafana panels as text — series as sparklines, distributions as bars. */
export function overviewViewLines({overview, columns, rows, color}: {overview: OverviewSnapshot | undefined; columns: number; rows: number; color: boolean}): string[] {
	const lines: Array<{text: string; color?: Color}> = [];
	if (!overview) {
		lines.push({text: 'No flows yet.'});
	} else {
		const labelWidth = 22;
		const sparkWidth = Math.max(10, columns - labelWidth - 12);
		lines.push({text: `OVERVIEW — ${count(overview.flows)} flows since start (o or Esc to go back)`});
		lines.push({text: `forwarded ${overview.forwardedRate.toFixed(1)}/s   dropped ${overview.droppedRate.toFixed(1)}/s   (last 10 s)${overview.nodes ? `   nodes ${overview.nodes.connected}/${overview.nodes.total}` : ''}`});
		lines.push({text: 'Flows by verdict, per second', color: 'cyan'});
		for (const series of overview.verdictSeries) {
			const tone: Color | undefined = series.name === 'DROPPED' || series.name === 'ERROR' ? 'red' : series.name === 'FORWARDED' || series.name === 'REDIRECTED' ? 'green' : undefined;
			lines.push({text: `  ${fit(series.name, labelWidth)}${sparkline(series.series.slice(-sparkWidth))}`, ...(tone ? {color: tone} : {})});
		}

		lines.push({text: 'Flows by type, per second', color: 'cyan'});
		for (const series of overview.typeSeries) {
			lines.push({text: `  ${fit(series.name, labelWidth)}${sparkline(series.series.slice(-sparkWidth))}`});
		}

		const bars = (title: string, counts: Count[]) => {
			lines.push({text: title, color: 'cyan'});
			const maximum = Math.max(1, ...counts.map(entry => entry.count));
			if (counts.length === 0) {
				lines.push({text: '  -'});
			}

			for (const entry of counts) {
				const width = Math.max(1, Math.round((entry.count / maximum) * Math.max(5, columns - labelWidth - 16)));
				lines.push({text: `  ${fit(escapeForTerminal(entry.name), labelWidth)}${count(entry.count).padStart(10)} ${'█'.repeat(width)}`});
			}
		};

		bars('Drop reasons', overview.dropReasons);
		bars('Top destination ports', overview.destinationPorts);
		bars('L7 protocols', overview.l7);
		bars('HTTP status classes', overview.httpStatusClasses);
		bars('Lost events by source', overview.lostEvents);
	}

	return Array.from({length: rows}, (_, index) => {
		const overviewLine = lines[index];
		return line(overviewLine?.text ?? '', columns, {bold: index === 0, ...(color && overviewLine?.color ? {color: overviewLine.color} : {})});
	});
}

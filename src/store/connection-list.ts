/**
The connections view's list: the table's connections that pass the view's filter, in the chosen order.
Sorting and filtering up to 100,000 connections is a few tens of milliseconds, so the list is made again
at most once a second while flows arrive (and at once when the sort, filter or mark changes); frames in
between read the same list, and only the rows on screen are looked at further.
*/
import type {Connection, ConnectionTable} from './connection-table.js';

export type ConnectionSort = 'last-seen' | 'flows' | 'denied';

export const connectionSorts: readonly ConnectionSort[] = ['last-seen', 'flows', 'denied'];

export type ConnectionListOptions = {
	sort: ConnectionSort;
	/** Whether a connection passes the view's filter (undefined: every one does). */
	matches: ((connection: Connection) => boolean) | undefined;
	/** Something that changes whenever `matches` does (the filter text). */
	filterKey: string;
	/** Only connections seen at or after this (flow time, seconds): the mark. */
	sinceSeconds: number | undefined;
};

const rebuildMilliseconds = 1000;

const denied = (connection: Connection) => connection.egress.denied + connection.ingress.denied + connection.egress.l7Denied + connection.ingress.l7Denied;

const orders: Record<ConnectionSort, (a: Connection, b: Connection) => number> = {
	'last-seen': (a, b) => b.lastSeen - a.lastSeen || b.flows - a.flows,
	flows: (a, b) => b.flows - a.flows || b.lastSeen - a.lastSeen,
	denied: (a, b) => denied(b) - denied(a) || b.lastSeen - a.lastSeen,
};

export class ConnectionList {
	private list: Connection[] = [];
	private builtVersion = -1;
	private builtAt = Number.NEGATIVE_INFINITY;
	private builtFor = '';

	/** The list for `options`, made again when they changed, or when the table moved and a second has passed. */
	connections(table: ConnectionTable, options: ConnectionListOptions, now: number): readonly Connection[] {
		const key = `${options.sort}\u0000${options.filterKey}\u0000${options.sinceSeconds ?? ''}`;
		const isStale = table.version !== this.builtVersion && now - this.builtAt >= rebuildMilliseconds;
		if (key !== this.builtFor || isStale) {
			const list: Connection[] = [];
			for (const connection of table.values()) {
				if ((options.sinceSeconds === undefined || connection.lastSeen >= options.sinceSeconds) && (options.matches?.(connection) ?? true)) {
					list.push(connection);
				}
			}

			this.list = list.sort(orders[options.sort]);
			this.builtVersion = table.version;
			this.builtAt = now;
			this.builtFor = key;
		}

		return this.list;
	}
}

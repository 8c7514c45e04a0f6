/**
The connections of a headless run (`-o connections*`, `-o mermaid|dot`, `--ledger`): every response the run
reads, whatever it prints, counted into one connection table, which a ledger fills at start. It remembers
which connections this run's flows touched, so that what-if and suggest judge the others (the ledger's
alone) by their samples, and each connection once.
*/
import {dropReasonNames} from '../flow/drop-reason.js';
import type {GetFlowsResponse} from '../flow/flow.js';
import {RecordLists, toFlowRecord} from '../flow/to-flow-record.js';
import {ConnectionAttributions} from '../store/connection-attribution.js';
import {ConnectionTable, type Connection} from '../store/connection-table.js';

export class ConnectionRecorder {
	readonly table: ConnectionTable;
	/** Connections this run's flows counted toward. */
	readonly touched = new Set<Connection>();
	private readonly lists = new RecordLists();
	private readonly attributions = new ConnectionAttributions();

	constructor(capacity: number) {
		this.table = new ConnectionTable(capacity);
	}

	write(response: GetFlowsResponse): void {
		const record = toFlowRecord(response, this.lists, dropReasonNames);
		if (!record) {
			return;
		}

		const icmp = response.flow?.l4?.ICMPv4 ?? response.flow?.l4?.ICMPv6;
		const connection = this.table.add(record, this.attributions.attribute(record), true, icmp ? (icmp.type ?? 0) : undefined);
		if (connection) {
			this.touched.add(connection);
		}
	}

	/** The ledger's connections no flow of this run touched. */
	*untouched(): IterableIterator<Connection> {
		for (const connection of this.table.values()) {
			if (!this.touched.has(connection)) {
				yield connection;
			}
		}
	}
}

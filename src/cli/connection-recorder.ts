/**
The connections of a headless run (`-o connections*`, `-o mermaid|dot`, `--ledger`): every response the run
reads, whatever it prints, counted into one connection table, which a ledger fills at start. The table knows
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
		this.table.add(record, this.attributions.attribute(record), true, icmp ? (icmp.type ?? 0) : undefined);
	}

	/** The ledger's connections no flow of this run touched. */
	untouched(): IterableIterator<Connection> {
		return this.table.restoredOnlyValues();
	}
}

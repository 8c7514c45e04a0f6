/**
The ledger while ztop runs: a write that fails (here: the directory replaced by a file, as a disk that
fills or a mount gone read-only would fail it) is reported once, leaves the last good file as it was, and
is tried again until it works, which is reported too; a write that would hold fewer connections than the
file does is not made.
*/
import {mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {expect, test} from 'vitest';
import {dropReasonNames} from '../../src/flow/drop-reason.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {LedgerFile} from '../../src/cli/ledger-file.js';
import {LedgerKeeper} from '../../src/cli/ledger-keeper.js';
import {decodeLedger} from '../../src/store/connection-ledger.js';
import {ConnectionTable} from '../../src/store/connection-table.js';
import {makeFlow, response} from '../fixtures/flows.js';

const lists = new RecordLists();

function addFlow(table: ConnectionTable, port: number): void {
	table.add(toFlowRecord(response(makeFlow({l4: {TCP: {source_port: 40_000, destination_port: port}}})), lists, dropReasonNames)!, undefined, true);
}

test('a failed write is reported once, keeps the last good file, and is retried until it works', () => {
	const root = mkdtempSync(path.join(tmpdir(), 'ztop-keeper-'));
	const directory = path.join(root, 'ledgers');
	mkdirSync(directory);
	const file = path.join(directory, 'shop.ledger');
	const reports: string[] = [];
	const table = new ConnectionTable();
	const keeper = new LedgerKeeper(new LedgerFile(file), table, text => reports.push(text), 60_000);
	addFlow(table, 80);
	expect(keeper.writeIfMoved()).toMatchObject({written: true, connections: 1});
	const good = readFileSync(file, 'utf8');

	// The directory goes away under ztop: a file stands where it was.
	renameSync(directory, `${directory}.moved`);
	writeFileSync(directory, 'not a directory');
	addFlow(table, 443);
	expect(keeper.writeIfMoved()).toMatchObject({written: false});
	expect(keeper.writeIfMoved()).toMatchObject({written: false});
	expect(reports).toEqual([`ledger ${file} not written: a part of the path is not a directory; the file keeps what it held`]);
	expect(keeper.problem).toBe('a part of the path is not a directory');
	expect(readFileSync(path.join(`${directory}.moved`, 'shop.ledger'), 'utf8')).toBe(good);

	// Back: the next try writes (nothing new arrived, but the file is behind).
	rmSync(directory);
	renameSync(`${directory}.moved`, directory);
	expect(keeper.writeIfMoved()).toMatchObject({written: true, connections: 2});
	expect(reports.at(-1)).toBe(`ledger ${file}: written again (2 connections)`);
	expect(keeper.problem).toBeUndefined();
	expect(decodeLedger(readFileSync(file, 'utf8')).connections).toHaveLength(2);
	keeper.finish();
	rmSync(root, {recursive: true, force: true});
});

test('a ledger is never written over with fewer connections than it holds', () => {
	const directory = mkdtempSync(path.join(tmpdir(), 'ztop-keeper-'));
	const file = path.join(directory, 'shop.ledger');
	const table = new ConnectionTable();
	for (const port of [80, 443, 8080]) {
		addFlow(table, port);
	}

	const ledger = new LedgerFile(file);
	expect(ledger.write(table.values(), table.size)).toMatchObject({written: true, connections: 3});
	const smaller = new ConnectionTable();
	addFlow(smaller, 80);
	const refused = ledger.write(smaller.values(), smaller.size);
	expect(refused).toEqual({written: false, reason: 'it would hold 1 connection, fewer than the 3 it holds (older ones were forgotten over --max-connections); raise it'});
	expect(decodeLedger(readFileSync(file, 'utf8')).connections).toHaveLength(3);
	ledger.unlock();
	rmSync(directory, {recursive: true, force: true});
});

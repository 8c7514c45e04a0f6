/**
Writes a generated cluster world (bench/worlds/cluster-world.ts) as a `hubble observe -o jsonpb` capture,
for `ztop demo-relay --replay` and `ztop --input-file`.

Usage: tsx bench/worlds/write-capture.ts FILE [FLOWS] [CONNECTIONS] — FLOWS defaults to 7,800, CONNECTIONS to 3,000.
*/
import {writeFileSync} from 'node:fs';
import {ClusterWorld} from './cluster-world.js';

const [file, flows = '7800', connections = '3000'] = process.argv.slice(2);
if (!file) {
	process.stderr.write('usage: tsx bench/worlds/write-capture.ts FILE [FLOWS] [CONNECTIONS]\n');
	process.exit(2);
}

const world = new ClusterWorld({connections: Number(connections)});
const responses = world.responses(Number(flows), Date.parse('2026-12-01T10:00:00Z'));
writeFileSync(file, responses.map(response => JSON.stringify(response) + '\n').join(''));
const pods = world.pods.length;
process.stdout.write(`${responses.length} flows, ${world.connections.length} connections, ${pods} pods → ${file}\n`);

import {describe, expect, test} from 'vitest';
import {GrpcMessageReader} from '../../src/stream/grpc-message-reader.js';

/** A gRPC body: each message behind its flag byte and 4-byte length. */
function body(messages: Buffer[], flag = 0): Buffer {
	return Buffer.concat(messages.flatMap(message => {
		const prefix = Buffer.alloc(5);
		prefix[0] = flag;
		prefix.writeUInt32BE(message.length, 1);
		return [prefix, message];
	}));
}

const messages = [Buffer.from('first flow'), Buffer.alloc(0), Buffer.from('x'), Buffer.alloc(300, 7)];

function readAll(chunks: Buffer[], maximumLength = 1024): {read: string[]; reader: GrpcMessageReader; problems: unknown[]} {
	const reader = new GrpcMessageReader(maximumLength);
	const read: string[] = [];
	const problems: unknown[] = [];
	for (const chunk of chunks) {
		const problem = reader.read(chunk, message => read.push(message.toString('hex')));
		if (problem) {
			problems.push(problem);
		}
	}

	return {read, reader, problems};
}

describe('splitting a gRPC body into messages', () => {
	test('messages inside one chunk are handed on as views of it, not copies', () => {
		const chunk = body(messages);
		const views: Buffer[] = [];
		new GrpcMessageReader(1024).read(chunk, message => views.push(message));
		expect(views.map(view => view.toString('hex'))).toEqual(messages.map(message => message.toString('hex')));
		for (const view of views) {
			expect(view.buffer).toBe(chunk.buffer);
		}
	});

	test('the same messages however the body is cut into two or three chunks (every cut point)', () => {
		const whole = body(messages);
		const expected = messages.map(message => message.toString('hex'));
		let cuts = 0;
		for (let first = 0; first <= whole.length; first++) {
			// Every first cut, with a second cut at a few places after it (prefix bytes, message bytes, the end).
			for (const second of new Set([first, first + 1, first + 3, first + 5, first + 17, whole.length])) {
				if (second > whole.length) {
					continue;
				}

				const {read, reader, problems} = readAll([whole.subarray(0, first), whole.subarray(first, second), whole.subarray(second)]);
				expect(problems).toEqual([]);
				expect(read).toEqual(expected);
				expect(reader.hasPartialMessage).toBe(false);
				cuts++;
			}
		}

		expect(cuts).toBeGreaterThan(whole.length * 3);
	});

	test('one byte at a time', () => {
		const whole = body(messages);
		const {read} = readAll([...whole].map(byte => Buffer.from([byte])));
		expect(read).toEqual(messages.map(message => message.toString('hex')));
	});

	test('a body cut off inside a message is left partial', () => {
		const whole = body(messages);
		const {read, reader} = readAll([whole.subarray(0, whole.length - 1)]);
		expect(read).toHaveLength(messages.length - 1);
		expect(reader.hasPartialMessage).toBe(true);
	});

	test('a compressed message (ztop never asks for compression) and one over the size limit are refused', () => {
		expect(readAll([body([Buffer.from('z')], 1)]).problems).toEqual([{kind: 'compressed'}]);
		expect(readAll([body([Buffer.alloc(2000)])]).problems).toEqual([{kind: 'too-large', length: 2000}]);
		// Also when the prefix that says so arrives in pieces.
		const large = body([Buffer.alloc(2000)]);
		expect(readAll([large.subarray(0, 3), large.subarray(3)]).problems).toEqual([{kind: 'too-large', length: 2000}]);
	});
});

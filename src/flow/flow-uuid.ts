/**
A flow's uuid as four 32-bit words. Every flow Hubble sends has one (Flow.uuid, field 34, written by Go's
uuid package as 36 characters of lower-case hex, 8-4-4-4-12), and each is unique: kept as a string, it
was the one string per flow that the store and the de-duplication of reconnects held on to, 100,000 of
them for the garbage collector to copy, promote and mark. As words it lives in typed arrays.

A uuid in any other form (upper case, braces, a test's `uuid-5`) is kept as the text it came as, so what
is shown is always what was sent.
*/
import type {FlowRecord} from './flow-record.js';

/** The characters of a canonical uuid; the hyphens are at 8, 13, 18 and 23. */
export const canonicalUuidLength = 36;

const hexValue = new Int8Array(256).fill(-1);
for (let digit = 0; digit < 16; digit++) {
	hexValue['0123456789abcdef'.charCodeAt(digit)] = digit;
}

/** Eight hex digits from `start` as a word, or -1 if one of them is not a lower-case hex digit. */
function readWord(text: Uint8Array, start: number, hyphenAfter: number): number {
	let word = 0;
	for (let index = 0, at = start; index < 8; index++, at++) {
		if (index === hyphenAfter) {
			if (text[at] !== 0x2d) {
				return -1;
			}

			at++;
		}

		const digit = hexValue[text[at]!]!;
		if (digit < 0) {
			return -1;
		}

		word = (word << 4) | digit;
	}

	return word >>> 0;
}

/**
Reads the canonical uuid in `bytes[start, start + 36)` into `record`'s words; false (the record untouched)
when those bytes are not one.
*/
export function readUuidWords(bytes: Uint8Array, start: number, record: FlowRecord): boolean {
	// Words of 8 digits at 0, 9-17 (hyphen at 13), 19-27 (hyphen at 23) and 28; hyphens between at 8 and 18.
	if (bytes[start + 8] !== 0x2d || bytes[start + 18] !== 0x2d) {
		return false;
	}

	const first = readWord(bytes, start, -1);
	const second = readWord(bytes, start + 9, 4);
	const third = readWord(bytes, start + 19, 4);
	const fourth = readWord(bytes, start + 28, -1);
	if (first < 0 || second < 0 || third < 0 || fourth < 0) {
		return false;
	}

	record.isUuidInWords = true;
	record.uuidWord0 = first;
	record.uuidWord1 = second;
	record.uuidWord2 = third;
	record.uuidWord3 = fourth;
	record.uuid = '';
	return true;
}

const encoder = new TextEncoder();
const scratchText = new Uint8Array(canonicalUuidLength);

/** Sets `record`'s uuid from its text: as words when canonical, else as the text. */
export function setUuid(record: FlowRecord, text: string): void {
	record.isUuidInWords = false;
	record.uuidWord0 = 0;
	record.uuidWord1 = 0;
	record.uuidWord2 = 0;
	record.uuidWord3 = 0;
	record.uuid = text;
	// A canonical uuid is ASCII: 36 characters fill the scratch bytes exactly; anything longer is not one.
	if (text.length === canonicalUuidLength && encoder.encodeInto(text, scratchText).written === canonicalUuidLength) {
		readUuidWords(scratchText, 0, record);
	}
}

const hex = (word: number): string => word.toString(16).padStart(8, '0');

/** A uuid's words as Hubble writes them. */
export function uuidFromWords(word0: number, word1: number, word2: number, word3: number): string {
	const second = hex(word1);
	const third = hex(word2);
	return `${hex(word0)}-${second.slice(0, 4)}-${second.slice(4)}-${third.slice(0, 4)}-${third.slice(4)}${hex(word3)}`;
}

/** The uuid of a record as it was sent ('' when the flow had none). */
export function uuidText(record: FlowRecord): string {
	return record.isUuidInWords ? uuidFromWords(record.uuidWord0, record.uuidWord1, record.uuidWord2, record.uuidWord3) : record.uuid;
}

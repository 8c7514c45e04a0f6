/** Protobuf wire-format pieces ztop writes by hand (the flow splitter, the relay's templates, the bench server). */

/** The varint encoding of a non-negative integer (up to 2^53), least significant 7 bits first. */
export function varintBytes(value: number): number[] {
	const bytes: number[] = [];
	let rest = value;
	while (rest >= 0x80) {
		bytes.push((rest % 0x80) | 0x80);
		rest = Math.floor(rest / 0x80);
	}

	bytes.push(rest);
	return bytes;
}

/** How many bytes the varint encoding of `value` takes. */
export function varintLength(value: number): number {
	let length = 1;
	for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) {
		length++;
	}

	return length;
}

/** Writes the varint encoding of `value` at `target[at]`; returns where it ends. */
export function writeVarint(target: Uint8Array, at: number, value: number): number {
	let position = at;
	let rest = value;
	while (rest >= 0x80) {
		target[position++] = (rest % 0x80) | 0x80;
		rest = Math.floor(rest / 0x80);
	}

	target[position++] = rest;
	return position;
}

/**
Writes `value` as a varint of exactly `width` bytes, padded with continuation bytes: a value patched into
encoded bytes in place keeps their layout. Every protobuf decoder reads it as the plain value (the encoding
allows non-minimal varints; protobufjs, Go's protowire and ztop's decoder accept them).
*/
export function writePaddedVarint(target: Uint8Array, at: number, value: number, width: number): void {
	let rest = value;
	for (let index = 0; index < width; index++) {
		const low = rest % 128;
		rest = Math.floor(rest / 128);
		target[at + index] = index === width - 1 ? low : low | 0x80;
	}
}

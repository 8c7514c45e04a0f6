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

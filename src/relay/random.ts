/** A small seeded PRNG (mulberry32), so a scenario replays the same flows for the same --seed. */
export class SeededRandom {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** A float in [0, 1). */
	next(): number {
		this.state = (this.state + 0x6d_2b_79_f5) >>> 0;
		let value = this.state;
		value = Math.imul(value ^ (value >>> 15), value | 1);
		value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
		return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
	}

	integer(minimum: number, maximum: number): number {
		return minimum + Math.floor(this.next() * (maximum - minimum + 1));
	}

	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)]!;
	}

	/** A version-4 style UUID drawn from this generator. */
	uuid(): string {
		const hex = Array.from({length: 32}, () => Math.floor(this.next() * 16).toString(16));
		hex[12] = '4';
		hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
		const text = hex.join('');
		return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
	}
}

/** An invalid filter: names what was wrong so the CLI can say which flag and value to fix. */
export class FilterError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FilterError';
	}
}

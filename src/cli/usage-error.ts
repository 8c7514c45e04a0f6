/** Bad usage: reported as `ztop: <message>` with exit code 2, as meow does for unknown flags. */
export class UsageError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UsageError';
	}
}

/** A failure at run time (unreadable file, unreachable relay): exit code 1. */
export class RunError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'RunError';
	}
}

/**
gRPC status codes and the errors of ztop's own gRPC client (grpc-call), in the shape grpc-js gives
them (`code`, `details`, and a message `"14 UNAVAILABLE: …"`), so the words users see are unchanged.
Codes and the HTTP mapping follow grpc's doc/statuscodes.md and doc/http-grpc-status-mapping.md.
*/

export const statusCode = {
	OK: 0,
	CANCELLED: 1,
	UNKNOWN: 2,
	INVALID_ARGUMENT: 3,
	DEADLINE_EXCEEDED: 4,
	NOT_FOUND: 5,
	ALREADY_EXISTS: 6,
	PERMISSION_DENIED: 7,
	RESOURCE_EXHAUSTED: 8,
	FAILED_PRECONDITION: 9,
	ABORTED: 10,
	OUT_OF_RANGE: 11,
	UNIMPLEMENTED: 12,
	INTERNAL: 13,
	UNAVAILABLE: 14,
	DATA_LOSS: 15,
	UNAUTHENTICATED: 16,
} as const;

const names = new Map<number, string>(Object.entries(statusCode).map(([name, code]) => [code, name]));

/** `UNAVAILABLE` for 14: the name gRPC users know a status by. */
export function statusName(code: number): string {
	return names.get(code) ?? String(code);
}

export class CallError extends Error {
	constructor(
		readonly code: number,
		readonly details: string,
	) {
		super(`${code} ${statusName(code)}: ${details}`);
		this.name = 'CallError';
	}
}

/**
The status of a response that is not gRPC at all: an HTTP status other than 200, e.g. from a proxy or
an ingress in front of the relay (grpc's http-grpc-status-mapping.md).
*/
export function statusOfHttp(httpStatus: number): number {
	switch (httpStatus) {
		case 400: {
			return statusCode.INTERNAL;
		}

		case 401: {
			return statusCode.UNAUTHENTICATED;
		}

		case 403: {
			return statusCode.PERMISSION_DENIED;
		}

		case 404: {
			return statusCode.UNIMPLEMENTED;
		}

		case 429:
		case 502:
		case 503:
		case 504: {
			return statusCode.UNAVAILABLE;
		}

		default: {
			return statusCode.UNKNOWN;
		}
	}
}

/** `grpc-message` is percent-encoded (grpc's PROTOCOL-HTTP2.md); a malformed one is shown as it came. */
export function decodeStatusMessage(value: string | undefined): string {
	if (value === undefined) {
		return '';
	}

	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}

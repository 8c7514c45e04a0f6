/**
Reading a policy document's fields as the CRDs define them: an object's unknown fields, a wrong type and a
value read as a string are reported with their path (`spec.ingress[0].toPorts`) and the rest goes on; what
Cilium's Sanitize refuses is a Rejection, which rejects the whole object (pkg/policy/api/rule_validation.go).
*/
import type {PolicyName} from '../policy-model.js';

/** A problem with one field: where (`spec.ingress[0].toPorts`) and what. */
export type Report = (path: string, message: string) => void;

/** Sanitize's error: the agent refuses the whole object. */
export class Rejection extends Error {}

export type RawObject = Record<string, unknown>;

export function isObject(value: unknown): value is RawObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `path`, its fields outside `known` reported; undefined (reported) if it is not an object. */
export function readObject(value: unknown, path: string, known: readonly string[], report: Report): RawObject | undefined {
	if (value === undefined || value === null) {
		return undefined;
	}

	if (!isObject(value)) {
		report(path, `expected an object, found ${describe(value)}; ignored`);
		return undefined;
	}

	for (const key of Object.keys(value)) {
		if (!known.includes(key)) {
			report(`${path}.${key}`, 'unknown field, ignored (the CRD does not define it; kubectl apply --validate=strict refuses it)');
		}
	}

	return value;
}

/** A list at `path`: undefined when absent (absent and `[]` differ in Cilium: an empty list selects nothing). */
export function readList(value: unknown, path: string, report: Report): unknown[] | undefined {
	if (value === undefined || value === null) {
		return undefined;
	}

	if (!Array.isArray(value)) {
		report(path, `expected a list, found ${describe(value)}; ignored`);
		return undefined;
	}

	return value;
}

export function readString(value: unknown, path: string, report: Report): string | undefined {
	if (value === undefined || value === null) {
		return undefined;
	}

	if (typeof value === 'string') {
		return value;
	}

	if (typeof value === 'number' || typeof value === 'boolean') {
		report(path, `expected a string, found ${describe(value)}; read as ${JSON.stringify(String(value))} (the API server refuses it unquoted)`);
		return String(value);
	}

	report(path, `expected a string, found ${describe(value)}; ignored`);
	return undefined;
}

function describe(value: unknown): string {
	return Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** What the parts of one spec need to know of it: its policy and spec, and how its subject is selected. */
export type EntryContext = {policy: PolicyName; specIndex: number; report: Report; subjectMatchesInit: boolean; isHostPolicy: boolean};

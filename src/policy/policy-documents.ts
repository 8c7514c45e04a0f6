/**
Policy files as `kubectl apply -f` takes them: YAML or JSON, several documents separated by `---`, and
`List` objects (what `kubectl get … -o yaml|json` writes) whose items are the policies. Each document
becomes a LoadedPolicy, or a message saying why not; a bad document never stops the others. Parsing uses
the `yaml` package (YAML 1.2, of which JSON is a subset).
*/
import {parseAllDocuments} from 'yaml';
import {parsePolicyObject} from './parser/policy.js';
import {policyKey, type LoadedPolicy} from './policy-model.js';

/**
A note about a file: which document (1-based), which field, and what. `unreadable` marks a document that is
not valid YAML at all (not merely an invalid policy): a re-read keeps the policies it had rather than lose
the ones such a document held.
*/
export type PolicyMessage = {file: string; document?: number; path?: string; text: string; unreadable?: true};

export type PolicyLoad = {policies: LoadedPolicy[]; messages: PolicyMessage[]};

export function formatPolicyMessage(message: PolicyMessage): string {
	const where = [message.file, message.document === undefined ? undefined : `document ${message.document}`, message.path || undefined].filter(Boolean).join(': ');
	return `${where}: ${message.text}`;
}

/**
The policies of one file's text. `defaultNamespace` is where a namespaced policy without one lands
(kubectl's context namespace, `default` by default).
*/
export function loadPolicyText(text: string, file: string, defaultNamespace = 'default'): PolicyLoad {
	const policies: LoadedPolicy[] = [];
	const messages: PolicyMessage[] = [];
	const unreadable = (reason: string, document?: number) =>
		messages.push({file, ...(document === undefined ? {} : {document}), text: `not valid YAML or JSON (${firstLine(reason)}); ${document === undefined ? 'file' : 'document'} skipped`, unreadable: true});
	// Flow collections nested thousands deep make the yaml package's lexer exhaust V8's regular-expression
	// compiler, which ends the process however it is called (20,000 brackets did): refused before parsing.
	const depth = flowNestingDepth(text);
	if (depth > maximumNesting) {
		unreadable(`brackets nested ${depth} deep; ztop reads at most ${maximumNesting}`);
		return {policies, messages};
	}

	let documents;
	try {
		documents = parseAllDocuments(text, {prettyErrors: false, strict: true, uniqueKeys: true});
	} catch (error) {
		// The parser's own limits (nesting deep enough to exhaust the stack) end the file, not ztop.
		unreadable(errorText(error));
		return {policies, messages};
	}

	const list = Array.isArray(documents) ? documents : [documents];
	for (const [index, document] of list.entries()) {
		const number = index + 1;
		const note = (textOfNote: string, path?: string) => messages.push({file, document: number, ...(path ? {path} : {}), text: textOfNote});
		if (document.errors.length > 0) {
			unreadable(document.errors[0]!.message, number);
			continue;
		}

		let value: unknown;
		try {
			// An alias bomb (`a1: &a1 [*a0, *a0, …]` nested) expands past maxAliasCount: the yaml package throws
			// a ReferenceError ("Excessive alias count"), which is this document's problem alone.
			value = document.toJS({maxAliasCount: 100});
		} catch (error) {
			unreadable(errorText(error), number);
			continue;
		}

		if (value === null || value === undefined) {
			continue;
		}

		if (typeof value !== 'object' || Array.isArray(value)) {
			note('not a Kubernetes object (expected a mapping with apiVersion and kind); document skipped');
			continue;
		}

		const object = value as Record<string, unknown>;
		const items = isList(object) ? (object['items'] as unknown[]) : [object];
		for (const [itemIndex, item] of items.entries()) {
			const prefix = isList(object) ? `items[${itemIndex}]` : '';
			const at = (path: string) => [prefix, path].filter(Boolean).join('.');
			if (typeof item !== 'object' || item === null || Array.isArray(item)) {
				note('not a Kubernetes object; skipped', prefix || undefined);
				continue;
			}

			const policy = parsePolicyObject(item as Record<string, unknown>, {file, document: number}, (path, textOfNote) => note(textOfNote, at(path)), defaultNamespace);
			if (policy) {
				policies.push(policy);
			} else {
				const kind = (item as Record<string, unknown>)['kind'];
				if (typeof kind !== 'string' || !['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'NetworkPolicy'].includes(kind)) {
					note(`kind ${typeof kind === 'string' ? kind : '(none)'} is not a network policy ztop evaluates (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, NetworkPolicy); skipped`, prefix || undefined);
				}
			}
		}
	}

	return {policies, messages};
}

/** Deeper than any policy (a policy nests a dozen levels); kubectl's own JSON reader stops at 10,000. */
const maximumNesting = 1000;

/**
The deepest nesting of flow collections (`[`, `{`) in `text`, outside quoted strings and comments: an upper
bound of what the parser will recurse into.
*/
function flowNestingDepth(text: string): number {
	let depth = 0;
	let deepest = 0;
	let quote = '';
	let isComment = false;
	for (let index = 0; index < text.length; index++) {
		const character = text[index]!;
		if (isComment) {
			isComment = character !== '\n';
		} else if (quote !== '') {
			if (character === '\\' && quote === '"') {
				index++;
			} else if (character === quote) {
				quote = '';
			}
		} else if (character === '"' || character === "'") {
			quote = character;
		} else if (character === '#') {
			isComment = true;
		} else if (character === '[' || character === '{') {
			deepest = Math.max(deepest, ++depth);
		} else if (character === ']' || character === '}') {
			depth = Math.max(0, depth - 1);
		}
	}

	return deepest;
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function firstLine(text: string): string {
	return text.split('\n')[0]!;
}

function isList(object: Record<string, unknown>): boolean {
	return typeof object['kind'] === 'string' && object['kind'].endsWith('List') && Array.isArray(object['items']);
}

/**
Policies from several files as the cluster would hold them after applying each file in turn: a policy
with the kind, namespace and name of an earlier one replaces it (kubectl apply).
*/
export function mergePolicies(loads: readonly PolicyLoad[]): PolicyLoad {
	const byKey = new Map<string, LoadedPolicy>();
	const messages: PolicyMessage[] = [];
	for (const load of loads) {
		messages.push(...load.messages);
		for (const policy of load.policies) {
			const key = `${policy.name.kind}|${policyKey(policy.name)}`;
			const earlier = byKey.get(key);
			if (earlier) {
				messages.push({file: policy.origin.file, document: policy.origin.document, text: `${policyKey(policy.name)} replaces the one in ${earlier.origin.file} (document ${earlier.origin.document}), as kubectl apply would`});
				byKey.delete(key);
			}

			byKey.set(key, policy);
		}
	}

	return {policies: [...byKey.values()], messages};
}

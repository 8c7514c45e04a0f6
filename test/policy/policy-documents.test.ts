/**
Loading policy files: multi-document YAML and JSON, `List` objects, kinds ztop skips, malformed documents
and unknown fields reported with file, document and path while the rest loads, and the objects Cilium
1.17 rejects (cilium-policy.md §1, §15 #27), with its reason.
*/
import {describe, expect, test} from 'vitest';
import {formatPolicyMessage, loadPolicyText, mergePolicies} from '../../src/policy/policy-documents.js';
import {policyKey} from '../../src/policy/policy-model.js';
import {loadPolicyFiles} from '../helpers/lab-policies.js';

const cnp = (name: string, spec: string) => `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: ${name}, namespace: shop}\nspec:\n${spec}\n`;

describe('loading policy files', () => {
	test('several documents, a List as kubectl get -o yaml writes it, and kinds ztop skips', () => {
		const text = [
			cnp('a', '  endpointSelector: {}\n  egress: [{toEntities: [world]}]'),
			'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata: {name: b, namespace: shop}\n    spec: {podSelector: {}}\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: c}\n',
			'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n',
		].join('---\n');
		const load = loadPolicyText(text, 'mixed.yaml');
		expect(load.policies.map(policy => policyKey(policy.name))).toEqual(['shop/a', 'netpol:shop/b']);
		expect(load.messages.map(message => formatPolicyMessage(message))).toEqual([
			'mixed.yaml: document 2: items[1]: kind ConfigMap is not a network policy ztop evaluates (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, NetworkPolicy); skipped',
			'mixed.yaml: document 3: kind Deployment is not a network policy ztop evaluates (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, NetworkPolicy); skipped',
		]);
	});

	test('JSON as kubectl get -o json writes it', () => {
		const json = JSON.stringify({
			apiVersion: 'v1',
			kind: 'List',
			items: [{apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: {name: 'cw'}, spec: {endpointSelector: {}, ingress: [{fromEntities: ['cluster']}]}}],
		});
		expect(loadPolicyText(json, 'cluster.json').policies.map(policy => policyKey(policy.name))).toEqual(['cw']);
	});

	test('a malformed document and an unknown field are reported with their place; the rest still loads', () => {
		const text = [cnp('good', '  endpointSelector: {}\n  egress: [{toEntitiez: [world], toEntities: [world]}]'), 'spec: [unclosed\n', cnp('also-good', '  endpointSelector: {}\n  ingress: [{}]')].join('---\n');
		const load = loadPolicyText(text, 'p.yaml');
		expect(load.policies.map(policy => policy.name.name)).toEqual(['good', 'also-good']);
		const messages = load.messages.map(message => formatPolicyMessage(message));
		expect(messages[0]).toBe('p.yaml: document 1: spec.egress[0].toEntitiez: unknown field, ignored (the CRD does not define it; kubectl apply --validate=strict refuses it)');
		expect(messages[1]).toMatch(/^p\.yaml: document 2: not valid YAML or JSON \(.+\); document skipped$/);
	});

	test('a YAML alias bomb is one line naming its file and document, and only that document is skipped', () => {
		const levels = Array.from({length: 10}, (_, level) => `  a${level}: &a${level} [${Array.from({length: 10}, () => (level === 0 ? 'x' : `*a${level - 1}`)).join(', ')}]`);
		const bomb = `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: bomb, namespace: shop}\nspec:\n${levels.join('\n')}\n`;
		const text = [cnp('before', '  endpointSelector: {}\n  ingress: [{}]'), bomb, cnp('after', '  endpointSelector: {}\n  ingress: [{}]')].join('---\n');
		const load = loadPolicyText(text, 'bomb.yaml');
		expect(load.policies.map(policy => policy.name.name)).toEqual(['before', 'after']);
		expect(load.messages).toHaveLength(1);
		expect(load.messages[0]).toMatchObject({document: 2, unreadable: true});
		expect(formatPolicyMessage(load.messages[0]!)).toMatch(/^bomb\.yaml: document 2: not valid YAML or JSON \(Excessive alias count.*\); document skipped$/);
	});

	test('nesting deep enough to exhaust the parser ends that file with one line, not ztop', () => {
		// 20,000 brackets made the yaml package's lexer exhaust V8's regular-expression compiler: a fatal error
		// no catch can stop. 5,000 overflowed the stack (an error the parser returns).
		for (const depth of [1500, 5000, 20_000, 200_000]) {
			const load = loadPolicyText(`${'['.repeat(depth)}${']'.repeat(depth)}`, 'deep.yaml');
			expect(load.policies).toEqual([]);
			expect(load.messages).toHaveLength(1);
			expect(load.messages[0]).toMatchObject({unreadable: true});
			expect(formatPolicyMessage(load.messages[0]!)).toBe(`deep.yaml: not valid YAML or JSON (brackets nested ${depth} deep; ztop reads at most 1000); file skipped`);
		}

		// Brackets in quoted strings and comments do not count; a policy's own nesting is far below the bound.
		const quoted = `# ${'['.repeat(2000)}\n${cnp('quoted', `  endpointSelector: {matchLabels: {app: "${'['.repeat(2000)}"}}\n  ingress: [{}]`)}`;
		expect(loadPolicyText(quoted, 'quoted.yaml').messages.filter(message => message.unreadable)).toEqual([]);
	}, 30_000);

	test('a policy in a later file replaces one of the same kind, namespace and name, as kubectl apply does', () => {
		const first = loadPolicyText(cnp('x', '  endpointSelector: {}\n  ingress: [{}]'), 'one.yaml');
		const second = loadPolicyText(cnp('x', '  endpointSelector: {}\n  egress: [{}]'), 'two.yaml');
		const merged = mergePolicies([first, second]);
		expect(merged.policies).toHaveLength(1);
		expect(merged.policies[0]!.origin.file).toBe('two.yaml');
		expect(merged.messages.map(message => message.text)).toEqual(['shop/x replaces the one in one.yaml (document 1), as kubectl apply would']);
	});

	test('a CNP without a namespace lands in the default namespace; a clusterwide one has none', () => {
		const load = loadPolicyFiles('examples/starwars.yaml', 'examples/ccnp.yaml');
		expect(load.policies.map(policy => policyKey(policy.name)).sort()).toEqual(['allow-get-status', 'allow-get-status-tcp', 'default/rule1', 'deny-world-443-for-shop', 'shop/cidr-except', 'shop/non-default-deny']);
	});
});

describe('what Cilium 1.17 rejects (§1, §15 #27), with its reason', () => {
	test.each([
		['the lab\'s default-deny (empty lists)', '  endpointSelector: {}\n  ingress: []\n  egress: []', 'rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny'],
		['no selector', '  ingress: [{}]', 'rule must have one of EndpointSelector or NodeSelector'],
		['both selectors', '  endpointSelector: {}\n  nodeSelector: {}\n  ingress: [{}]', 'rule cannot have both EndpointSelector and NodeSelector'],
		['two peer kinds in one rule', '  endpointSelector: {}\n  ingress: [{fromEndpoints: [{}], fromEntities: [world]}]', 'combining FromEndpoints and FromEntities is not supported yet'],
		['HTTP rules on a port without protocol', '  endpointSelector: {}\n  ingress: [{toPorts: [{ports: [{port: "80"}], rules: {http: [{method: GET}]}}]}]', 'L7 rules can only apply to TCP (not ANY) except for DNS rules'],
		['DNS rules on ingress', '  endpointSelector: {}\n  ingress: [{toPorts: [{ports: [{port: "53", protocol: UDP}], rules: {dns: [{matchPattern: "*"}]}}]}]', 'DNS rules are not allowed on ingress'],
		['DNS rules without ports', '  endpointSelector: {}\n  egress: [{toPorts: [{rules: {dns: [{matchPattern: "*"}]}}]}]', 'port 53 must be specified for DNS rules'],
		['L7 rules on port 0', '  endpointSelector: {}\n  egress: [{toPorts: [{ports: [{port: "0", protocol: TCP}], rules: {http: [{}]}}]}]', 'L7 rules can not be used when a port is 0'],
		['an unknown entity', '  endpointSelector: {}\n  egress: [{toEntities: [internet]}]', 'unsupported entity: internet'],
		['except outside its CIDR', '  endpointSelector: {}\n  egress: [{toCIDRSet: [{cidr: 10.0.0.0/8, except: [11.0.0.0/8]}]}]', 'allow CIDR prefix 10.0.0.0/8 does not contain exclude CIDR prefix 11.0.0.0/8'],
		['icmps with toPorts', '  endpointSelector: {}\n  egress: [{icmps: [{fields: [{type: 8}]}], toPorts: [{ports: [{port: "80"}]}]}]', 'the ICMPs block may only be present without ToPorts. Define a separate rule to use ToPorts'],
		['bad characters in a DNS name', '  endpointSelector: {}\n  egress: [{toFQDNs: [{matchName: "exa mple.com"}]}]', 'Invalid characters in MatchName: "exa mple.com". Only 0-9, a-z, A-Z and . and - characters are allowed'],
	])('%s', (_name, spec, reason) => {
		const [policy] = loadPolicyText(cnp('p', spec), 'p.yaml').policies;
		expect(policy!.rejected).toBe(reason);
		expect(policy!.rules).toEqual([]);
	});

	test('the clusterwide example as written (HTTP on a port without protocol) is rejected, its TCP twin is not', () => {
		const load = loadPolicyFiles('examples/ccnp.yaml');
		const byName = new Map(load.policies.map(policy => [policy.name.name, policy]));
		expect(byName.get('allow-get-status')!.rejected).toBe('L7 rules can only apply to TCP (not ANY) except for DNS rules');
		expect(byName.get('allow-get-status-tcp')!.rejected).toBeUndefined();
	});
});

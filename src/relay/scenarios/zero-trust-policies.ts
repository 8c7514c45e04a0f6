/**
The zero-trust lab's policies, as the lab applies them with `kubectl apply -f` (shared/scenarios/policies,
copied byte for byte; test/relay/zero-trust-policies.test.ts checks them against the test fixtures, which
are copies of the same files). The demo relay decides the lab's verdicts from these through ztop's policy
evaluator, so the demo, `--policies demo` and the evaluator cannot disagree.
*/

/** The policy files by name (without `.yaml`). */
export const zeroTrustPolicyFiles: Readonly<Record<string, string>> = {
	'allow-all': '# allow-all.yaml\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: allow-all\n  namespace: shop\nspec:\n  endpointSelector: {}\n  ingress:\n    - fromEntities: [all]\n  egress:\n    - toEntities: [all]\n',
	'allow-dns': '# allow-dns.yaml\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: allow-dns\n  namespace: shop\nspec:\n  endpointSelector: {}\n  egress:\n    - toEndpoints:\n        - matchLabels:\n            io.kubernetes.pod.namespace: kube-system\n            k8s-app: kube-dns\n      toPorts:\n        - ports:\n            - port: "53"\n              protocol: UDP\n            - port: "53"\n              protocol: TCP\n          rules:\n            dns:\n              - matchPattern: "*" \n',
	'allow-frontend-to-backend': '# allow-frontend-to-backend.yaml\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: allow-frontend-to-backend\n  namespace: shop\nspec:\n  endpointSelector:\n    matchLabels: { app: backend }\n  ingress:\n    - fromEndpoints:\n        - matchLabels: { app: frontend }\n      toPorts:\n        - ports:\n            - port: "80"\n              protocol: TCP\n',
	'allow-frontend-egress': '# allow-frontend-egress.yaml\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: allow-frontend-egress\n  namespace: shop\nspec:\n  endpointSelector:\n    matchLabels: { app: frontend }\n  egress:\n    - toEndpoints:\n        - matchLabels: { app: backend }\n      toPorts:\n        - ports:\n            - port: "80"\n              protocol: TCP\n',
	'allow-frontend-l7': '# allow-frontend-l7.yaml\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: allow-frontend-l7\n  namespace: shop\nspec:\n  endpointSelector:\n    matchLabels: { app: backend }\n  ingress:\n    - fromEndpoints:\n        - matchLabels: { app: frontend }\n      toPorts:\n        - ports:\n            - port: "80"\n              protocol: TCP\n          rules:\n            http:\n              - method: GET\n                path: "^/status/200$"\n',
	'default-deny': '# default-deny.yaml\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: shop\nspec:\n  endpointSelector: {}\n  ingress: []\n  egress: []\n',
};

/** The files present at each of the five stages (stage 1 first). */
export const zeroTrustStageFiles: ReadonlyArray<readonly string[]> = [
	['allow-all'],
	['allow-all', 'allow-dns'],
	['allow-all', 'allow-dns', 'allow-frontend-egress', 'allow-frontend-to-backend'],
	['allow-all', 'allow-dns', 'allow-frontend-egress', 'allow-frontend-l7'],
	['allow-dns', 'allow-frontend-egress', 'allow-frontend-l7', 'default-deny'],
];

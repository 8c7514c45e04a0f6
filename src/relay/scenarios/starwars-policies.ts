/**
The Star Wars demo's policy as the demo applies it with `kubectl apply -f`: at stage 3 rule1 with its HTTP
rule (shared/scenarios/policies/examples/starwars.yaml, copied byte for byte), at stage 2 its L3/L4 form
(the same rule without the HTTP rule, as Cilium's guide applies it first); stage 1 has none. The demo's
verdicts are written by hand (starwars.ts); test/relay/starwars-policies.test.ts checks that ztop's
evaluator decides every flow of each stage as the demo says.
*/

export const starWarsL7Policy =
	'apiVersion: "cilium.io/v2"\nkind: CiliumNetworkPolicy\nmetadata:\n  name: "rule1"\nspec:\n  description: "L7 policy to restrict access to specific HTTP call"\n  endpointSelector:\n    matchLabels:\n      org: empire\n      class: deathstar\n  ingress:\n  - fromEndpoints:\n    - matchLabels:\n        org: empire\n    toPorts:\n    - ports:\n      - port: "80"\n        protocol: TCP\n      rules:\n        http:\n        - method: "POST"\n          path: "/v1/request-landing"\n';

export const starWarsL3L4Policy =
	'apiVersion: "cilium.io/v2"\nkind: CiliumNetworkPolicy\nmetadata:\n  name: "rule1"\nspec:\n  description: "L3-L4 policy to restrict deathstar access to empire ships only"\n  endpointSelector:\n    matchLabels:\n      org: empire\n      class: deathstar\n  ingress:\n  - fromEndpoints:\n    - matchLabels:\n        org: empire\n    toPorts:\n    - ports:\n      - port: "80"\n        protocol: TCP\n';

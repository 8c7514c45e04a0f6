/** Cilium's reserved security identities (pkg/identity/numericidentity.go, hubble-api.md §3.1). */

export const reservedIdentityNames: readonly string[] = [
	'unknown',
	'host',
	'world',
	'unmanaged',
	'health',
	'init',
	'remote-node',
	'kube-apiserver',
	'ingress',
	'world-ipv4',
	'world-ipv6',
];

/** The reserved name of an identity, or undefined for an allocated one. */
export function reservedIdentityName(identity: number): string | undefined {
	return reservedIdentityNames[identity];
}

/** The identity number of a reserved name (`world` → 2), or undefined. */
export function reservedIdentityNumber(name: string): number | undefined {
	const index = reservedIdentityNames.indexOf(name);
	return index === -1 ? undefined : index;
}

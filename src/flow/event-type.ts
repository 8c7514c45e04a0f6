/**
Cilium monitor event types (`event_type.type`) and the names hubble gives them and their sub-types
(hubble-api.md §1.7-§1.8; pkg/monitor/api/types.go).
*/

export const eventType = {
	drop: 1,
	debug: 2,
	capture: 3,
	trace: 4,
	policyVerdict: 5,
	traceSock: 7,
	l7: 129,
	agent: 130,
} as const;

/** The names `hubble observe --type` accepts, with their event type numbers. */
export const eventTypeNames: ReadonlyMap<string, number> = new Map([
	['drop', eventType.drop],
	['debug', eventType.debug],
	['capture', eventType.capture],
	['trace', eventType.trace],
	['policy-verdict', eventType.policyVerdict],
	['trace-sock', eventType.traceSock],
	['l7', eventType.l7],
	['agent', eventType.agent],
]);

/** Trace observation points by `event_type.sub_type` of a trace event (type 4). */
export const traceObservationPointNames: readonly string[] = [
	'to-endpoint',
	'to-proxy',
	'to-host',
	'to-stack',
	'to-overlay',
	'from-endpoint',
	'from-proxy',
	'from-host',
	'from-stack',
	'from-overlay',
	'from-network',
	'to-network',
	'from-crypto',
	'to-crypto',
];

/**
The TYPE column text of a trace event. Hubble converts the sub-type to uint8 and prints the bare number
for a point it does not name; 12 and 13 (crypto) are unnamed in hubble 1.17.0, whose output ztop matches.
*/
export function traceObservationPointText(subType: number): string {
	const point = subType & 0xff;
	return point <= 11 ? traceObservationPointNames[point]! : String(point);
}

/** `policy_match_type` as hubble prints it in `policy-verdict:<match> <DIRECTION>`. */
export function policyMatchTypeText(matchType: number | undefined): string {
	return ['none', 'L3-Only', 'L3-L4', 'L4-Only', 'all', 'L3-Proto', 'Proto-Only'][matchType ?? 0] ?? 'unknown';
}

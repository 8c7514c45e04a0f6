/**
How a verdict reads, independent of colour (so that a monochrome terminal still tells them apart):
policy-verdict events read ALLOWED, DENIED or AUDITED, as hubble prints them; other events show the
verdict's name. The tone picks the colour where there is one.
*/

export type VerdictTone = 'allowed' | 'denied' | 'audit' | 'traced' | 'translated' | 'other';

/** The `Verdict` enum of flow.proto, by number. */
export const verdictNames: readonly string[] = ['VERDICT_UNKNOWN', 'FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED'];

export function verdictDisplay(verdict: string, isPolicyVerdict: boolean): {text: string; tone: VerdictTone} {
	switch (verdict) {
		case 'FORWARDED':
		case 'REDIRECTED': {
			return {text: isPolicyVerdict ? 'ALLOWED' : verdict, tone: 'allowed'};
		}

		case 'DROPPED':
		case 'ERROR': {
			return {text: isPolicyVerdict ? 'DENIED' : verdict, tone: 'denied'};
		}

		case 'AUDIT': {
			return {text: isPolicyVerdict ? 'AUDITED' : verdict, tone: 'audit'};
		}

		case 'TRACED': {
			return {text: verdict, tone: 'traced'};
		}

		case 'TRANSLATED': {
			return {text: verdict, tone: 'translated'};
		}

		default: {
			return {text: verdict, tone: 'other'};
		}
	}
}

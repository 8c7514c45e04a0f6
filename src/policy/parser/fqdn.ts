/** FQDN selectors (toFQDNs, DNS rules) and their validation (pkg/policy/api/fqdn.go). */
import {readObject, readString, Rejection, type Report} from './read-fields.js';

export function parseFqdnSelector(value: unknown, path: string, report: Report): {matchName?: string; matchPattern?: string} {
	const selector = readObject(value, path, ['matchName', 'matchPattern'], report) ?? {};
	const matchName = readString(selector['matchName'], `${path}.matchName`, report) ?? '';
	const matchPattern = readString(selector['matchPattern'], `${path}.matchPattern`, report) ?? '';
	validateFqdn(matchName, matchPattern);
	return {...(matchName ? {matchName} : {}), ...(matchPattern ? {matchPattern} : {})};
}

/** FQDNSelector.sanitize and PortRuleDNS.Sanitize (pkg/policy/api/fqdn.go, pkg/fqdn/matchpattern). */
function validateFqdn(matchName: string, matchPattern: string): void {
	if (matchName !== '' && matchPattern !== '') {
		throw new Rejection('only one of MatchName or MatchPattern is allowed in an FQDNSelector');
	}

	if (matchName !== '' && !/^[-a-zA-Z0-9_.]+$/.test(matchName)) {
		throw new Rejection(`Invalid characters in MatchName: ${JSON.stringify(matchName)}. Only 0-9, a-z, A-Z and . and - characters are allowed`);
	}

	if (matchPattern !== '' && !/^[-a-zA-Z0-9_.*]+$/.test(matchPattern)) {
		throw new Rejection(`Invalid characters in MatchPattern: ${JSON.stringify(matchPattern)}. Only 0-9, a-z, A-Z and ., - and * characters are allowed`);
	}
}

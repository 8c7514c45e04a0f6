/** Label selectors of subjects and peers (api.EndpointSelector), with Kubernetes' validation of them. */
import {extendedKey, selectorText, type ExtendedRequirement} from '../endpoint-selector.js';
import {isObject, readList, readObject, readString, Rejection, type Report} from './read-fields.js';

type ReadSelector = {requirements: Array<ExtendedRequirement & {fromMatchLabels?: boolean}>; text: string};

/**
A label selector in Cilium's reading: keys through GetExtendedKeyFrom, values and operators validated as
Kubernetes validates selectors (EndpointSelector.sanitize).
*/
export function readSelector(value: unknown, path: string, report: Report, defaultSource = 'any'): ReadSelector {
	const selector = readObject(value, path, ['matchLabels', 'matchExpressions'], report) ?? {};
	const requirements: ReadSelector['requirements'] = [];
	const matchLabels = readObject(selector['matchLabels'], `${path}.matchLabels`, Object.keys(isObject(selector['matchLabels']) ? selector['matchLabels'] : {}), report) ?? {};
	for (const [key, rawValue] of Object.entries(matchLabels)) {
		const labelValue = readString(rawValue, `${path}.matchLabels.${key}`, report) ?? '';
		validateLabel(key, labelValue);
		requirements.push({...extendedKey(key, defaultSource), operator: 'In', values: [labelValue], fromMatchLabels: true});
	}

	for (const [index, item] of (readList(selector['matchExpressions'], `${path}.matchExpressions`, report) ?? []).entries()) {
		const expression = readObject(item, `${path}.matchExpressions[${index}]`, ['key', 'operator', 'values'], report) ?? {};
		const key = readString(expression['key'], `${path}.matchExpressions[${index}].key`, report) ?? '';
		const operator = readString(expression['operator'], `${path}.matchExpressions[${index}].operator`, report) ?? '';
		const values = (readList(expression['values'], `${path}.matchExpressions[${index}].values`, report) ?? []).map(item => String(item));
		if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(operator)) {
			throw new Rejection(`invalid label selector: ${path}.matchExpressions[${index}].operator: Invalid value: ${JSON.stringify(operator)}: not a valid selector operator`);
		}

		if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
			throw new Rejection(`invalid label selector: ${path}.matchExpressions[${index}].values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`);
		}

		if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
			throw new Rejection(`invalid label selector: ${path}.matchExpressions[${index}].values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`);
		}

		for (const item of values) {
			validateLabel(key, item);
		}

		requirements.push({...extendedKey(key, defaultSource), operator: operator as ExtendedRequirement['operator'], values});
	}

	return {requirements, text: selectorText(requirements)};
}

function validateLabel(key: string, value: string): void {
	if (value.length > 63 || !/^(?:[A-Za-z\d](?:[-A-Za-z\d_.]*[A-Za-z\d])?)?$/.test(value)) {
		throw new Rejection(`invalid label selector: values[0][${key}]: Invalid value: ${JSON.stringify(value)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
	}
}

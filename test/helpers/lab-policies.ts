/** The zero-trust lab's policies (test/fixtures/policies, from shared/scenarios/policies) loaded as ztop loads files. */
import {readFileSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {dropReasonNames} from '../../src/flow/drop-reason.js';
import type {Flow} from '../../src/flow/flow.js';
import {RecordLists, toFlowRecord} from '../../src/flow/to-flow-record.js';
import {loadPolicyText, mergePolicies, type PolicyLoad} from '../../src/policy/policy-documents.js';
import {PolicySet, type EvaluationInput} from '../../src/policy/policy-evaluator.js';
import {response} from '../fixtures/flows.js';

export const policiesDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'policies');

export function loadPolicyFiles(...relativePaths: string[]): PolicyLoad {
	const files = relativePaths.flatMap(relative => {
		const full = path.join(policiesDirectory, relative);
		return relative.endsWith('.yaml') ? [full] : readdirSync(full).sort().map(name => path.join(full, name));
	});
	return mergePolicies(files.map(file => loadPolicyText(readFileSync(file, 'utf8'), path.relative(policiesDirectory, file))));
}

export function labStagePolicies(stage: number): PolicySet {
	return new PolicySet(loadPolicyFiles(`zero-trust/stage${stage}`).policies);
}

const lists = new RecordLists();

export function evaluationInput(flow: Flow): EvaluationInput {
	return {record: toFlowRecord(response(flow), lists, dropReasonNames)!, fullFlow: () => flow};
}

import {describe, expect, test} from 'vitest';
import {flagDefinitions} from '../../src/cli/flag-definitions.js';
import {parseCommandLine} from '../../src/cli/parse-flags.js';
import {UsageError} from '../../src/cli/usage-error.js';

const parse = (argv: string[]) => parseCommandLine('help', argv, flagDefinitions).flags;
const refusal = (argv: string[]) => {
	try {
		parse(argv);
	} catch (error) {
		expect(error).toBeInstanceOf(UsageError);
		return (error as Error).message;
	}

	throw new Error(`${argv.join(' ')} was accepted`);
};

describe('reading the command line', () => {
	test('single values are unwrapped, numbers read, defaults applied, filter flags stay lists', () => {
		expect(parse(['--last', '5', '-o', 'dict', '-n', 'shop', '-n', 'kube-system'])).toMatchObject({
			last: 5,
			output: 'dict',
			namespace: ['shop', 'kube-system'],
			color: 'auto',
		});
		expect(parse([])).toMatchObject({output: 'compact', last: undefined});
	});

	test('the forms yargs reads are not taken for unknown flags', () => {
		expect(parse(['-fD', '--no-ip-translation', '--since=5m', '-ojsonpb', '-nshop', '-n=default', '--first', '0'])).toMatchObject({
			follow: true,
			debug: true,
			ipTranslation: false,
			since: '5m',
			output: 'jsonpb',
			namespace: ['shop', 'default'],
			first: 0,
		});
		// A token that looks like a flag is not a value (a negative number is one).
		expect(refusal(['--from-label', '-n', 'shop'])).toBe('--from-label needs a value; see ztop --help');
		expect(refusal(['-o'])).toBe('-o needs a value; see ztop --help');
		expect(refusal(['--fps', '-1'])).toBe('invalid --fps value "-1": a whole number from 1 to 60');
	});

	test.each([
		[['--output', 'compact', '--output', 'dict'], '--output was given twice ("compact", "dict"): it takes one value'],
		[['-o', 'a', '-o', 'b', '--output=c'], '--output was given 3 times ("a", "b", "c"): it takes one value'],
		[['--last', 'abc'], 'invalid --last value "abc": a whole number from 0 up'],
		[['--last', '1e3'], 'invalid --last value "1e3": a whole number from 0 up'],
		[['--fps', '61'], 'invalid --fps value "61": a whole number from 1 to 60'],
		[['--buffer', '99'], 'invalid --buffer value "99": a whole number from 100 to 10,000,000'],
		[['--port-forward-port', '65536'], 'invalid --port-forward-port value "65536": a whole number from 0 to 65,535'],
		[['--stage-seconds', '0'], 'invalid --stage-seconds value "0": a whole number from 1 up'],
		[['--frobnicate'], 'unknown flag "--frobnicate"; see ztop --help'],
		[['-fZ'], 'unknown flag "-fZ"; see ztop --help'],
		[['--no-output'], 'unknown flag "--no-output"; see ztop --help'],
		// A flag a typo or two away is named; other tools' words get ztop's.
		[['--polcies', 'p.yaml'], 'unknown flag "--polcies" (did you mean --policies?); see ztop --help'],
		[['--namespce', 'shop'], 'unknown flag "--namespce" (did you mean --namespace?); see ztop --help'],
		[['--scenario', 'starwars'], 'unknown flag "--scenario" (the demo\'s scenario follows --demo: --demo starwars); see ztop --help'],
		[['--context', 'prod'], 'unknown flag "--context" (with -P, --kube-context); see ztop --help'],
	])('%j → %s', (argv, message) => {
		expect(refusal(argv)).toBe(message);
	});
});

import {availableParallelism} from 'node:os';
import {defineConfig} from 'vitest/config';

// Tests that start processes (ztop, the demo relay, kubectl, tmux) take seconds each on a slow,
// busy 2-vCPU machine (a process start alone is ~0.5 s there), so they get a wide explicit time
// limit; no test asserts on a duration. Pure tests get a wide one too: with a core kept busy and a
// `ztop --demo` TUI beside the suite, tests that feed the store thousands of flows took 1-2.5 s here
// against vitest's 5 s default (one of them failed a fresh clone's run on a loaded machine), and a time
// limit is a verdict that depends on speed. Slowness is the benchmarks' to measure.
const integrationTests = ['test/cli/**/*.test.{ts,tsx}', 'test/tui/**/*.test.{ts,tsx}'];
const integrationTimeout = 120_000;
const unitTimeout = 60_000;

export default defineConfig({
	test: {
		pool: 'forks',
		// Most integration time is spent waiting on other processes (ztop, relays, tmux), so two files run at
		// once even on a 2-vCPU machine, where vitest's default would run them one after another.
		maxWorkers: Math.max(2, availableParallelism() - 1),
		projects: [
			{
				extends: true,
				test: {name: 'unit', include: ['test/**/*.test.{ts,tsx}'], exclude: integrationTests, testTimeout: unitTimeout, hookTimeout: unitTimeout},
			},
			{
				extends: true,
				test: {name: 'integration', include: integrationTests, testTimeout: integrationTimeout, hookTimeout: integrationTimeout},
			},
		],
	},
});

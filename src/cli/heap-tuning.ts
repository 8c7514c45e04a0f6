/**
V8 settings for the ztop process, set before the CLI loads (src/cli/entry.ts), in the npm package's bundle
and in the single executable alike.
*/
import {clearInterval, setInterval} from 'node:timers';
import v8 from 'node:v8';

/**
The old generation grows by 20% past what a collection leaves instead of V8's default (up to 2x), so
a ring that is full stays near its size. Measured with the TUI following 5,000 flows/s (100k flows
held, 50 s, 2 vCPU): RSS peak 262 -> 198 MB, CPU 20.1% -> 16.0% of a core; at 50,000 flows/s it
costs CPU (84% -> 95%) but holds 210 MB instead of 336. V8 reads this flag at each collection, so
setting it before the CLI loads takes effect. Not for the demo relay: it holds little and allocates a
lot, and collecting that often cut what it could make at --rate 20000 by 4x.
*/
export function tuneHeap(command: string | undefined): void {
	if (command !== 'demo-relay') {
		v8.setFlagsFromString('--heap-growing-percent=20');
		limitYoungGeneration(8 * 1024 * 1024);
	}
}

/**
Stops the young generation from growing once it is `bytes` (two semi-spaces of 4 MB) instead of V8's 32 MB.
Measured with the TUI following the paced bench server (2 vCPU, 30 s runs, interleaved): at 50,000 flows/s
63-69% of a core instead of 85-88% (what a scavenge touches stays in the processor's caches; 2 MB was
slower, 1 MB fell behind) and RSS 168 MB instead of 199; at 5,000 flows/s the same CPU and 162 MB instead
of 184. --max-semi-space-size=4 does this, but only on node's command line (V8 reads it when it makes the
heap); the growth factor it reads at every growth, so once the young generation has grown to `bytes` a
factor of 1 keeps it there. It grows in the first seconds of a busy stream, one doubling per scavenge that
finds it too small, so a look every 100 ms catches it at that size.
*/
function limitYoungGeneration(bytes: number): void {
	const youngGeneration = () => v8.getHeapSpaceStatistics().find(space => space.space_name === 'new_space')?.space_size ?? 0;
	const watch = setInterval(() => {
		if (youngGeneration() >= bytes) {
			v8.setFlagsFromString('--semi-space-growth-factor=1');
			clearInterval(watch);
		}
	}, 100);
	watch.unref();
}

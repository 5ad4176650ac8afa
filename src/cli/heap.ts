import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/**
 * How far V8 lets the heap grow past what the last full collection left alive. Its default
 * factor (up to 4×) made a 100,000-user sync peak at 400 MB of RSS for about 80 MB of live data:
 * a sync allocates fast and V8 reads that as "grow". At 1.5× the same sync peaks near 260 MB for
 * a few percent more CPU (bench/results-large.md). The flag is read at every collection, so it can
 * be set here at start-up, before the work begins, rather than on node's command line.
 */
v8.setFlagsFromString('--heap-growing-percent=50');

/**
 * The young generation, capped at 8 MiB per semi-space (V8's default on 64-bit: 16 MiB). A sync
 * keeps adding long-lived objects (the group graph, the user index), and V8 answers each batch of
 * survivors by doubling the new space until it reaches its maximum: 32 MiB of RSS for two
 * semi-spaces that a scavenge fills and empties in turn. Capped at 8 MiB, peak RSS of a
 * 100,000-user sync fell by about 20 MB (first sync and re-sync) for no measurable CPU (bench/ab.ts;
 * 4 MiB saved a few MB more for about 10 % more CPU, and no growth at all 30 % more).
 *
 * `--max-semi-space-size` is read once, when the heap is set up, so from here it would come too
 * late and only node's command line could pass it. The growth factor is read at every growth:
 * after each collection, the factor is 1 (no growth) once the new space is at the cap and 2
 * (V8's default) below it, so a new space V8 shrank while idle (serve) can grow back to the cap.
 * A growth that happens before this callback runs (collections inside one long synchronous
 * stretch) can overshoot the cap once, to V8's own maximum, where it was before.
 * Not applied when node was given a semi-space size of its own.
 */
const NEW_SPACE_CAP = 2 * 8 * 2 ** 20; // both semi-spaces
const ownSize = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('semi-space'));
if (!ownSize) {
  let growing = true;
  const governor = new PerformanceObserver(() => {
    const size = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
    const grow = size < NEW_SPACE_CAP;
    if (grow !== growing) {
      growing = grow;
      v8.setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`);
    }
  });
  governor.observe({ entryTypes: ['gc'] });
}

import v8 from 'node:v8';

/**
 * How far V8 lets the heap grow past what the last full collection left alive. Its default
 * factor (up to 4×) made a 100,000-user sync peak at 400 MB of RSS for about 80 MB of live data:
 * a sync allocates fast and V8 reads that as "grow". At 1.5× the same sync peaks near 260 MB for
 * a few percent more CPU (bench/results-large.md). The flag is read at every collection, so it can
 * be set here at start-up, before the work begins, rather than on node's command line.
 */
v8.setFlagsFromString('--heap-growing-percent=50');

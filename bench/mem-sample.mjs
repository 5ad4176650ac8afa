// Preloaded into idsync by bench/ab.ts --mem: samples process.memoryUsage() every 20 ms and writes
// the peaks (and the breakdown at the peak RSS) to $IDSYNC_MEM_FILE at exit.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const MB = (x) => (x / 2 ** 20).toFixed(0);
const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
let atPeak;
const t0 = performance.now();
const sample = () => {
  const m = process.memoryUsage();
  for (const k of Object.keys(peak)) if (m[k] > peak[k]) peak[k] = m[k];
  if (m.rss >= peak.rss) atPeak = { ...m, t: (performance.now() - t0) / 1000 };
};
setInterval(sample, 20).unref();
process.on('exit', () => {
  sample();
  const file = process.env.IDSYNC_MEM_FILE;
  const native = atPeak.rss - atPeak.heapTotal - atPeak.external;
  const text =
    `peaks MB: rss ${MB(peak.rss)} heapTotal ${MB(peak.heapTotal)} heapUsed ${MB(peak.heapUsed)} ` +
    `external ${MB(peak.external)} arrayBuffers ${MB(peak.arrayBuffers)}; ` +
    `at peak rss (t=${atPeak.t.toFixed(1)} s): heapTotal ${MB(atPeak.heapTotal)} heapUsed ${MB(atPeak.heapUsed)} external ${MB(atPeak.external)} ` +
    `arrayBuffers ${MB(atPeak.arrayBuffers)} rest (code, native, sqlite) ${MB(native)}`;
  // CPU by thread (main, the store writer, V8's GC helpers, libuv's pool), from /proc: the main
  // thread's is the critical path when another thread does part of the work.
  const byName = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const key = tid === String(process.pid) ? 'main' : name;
      byName.set(key, (byName.get(key) ?? 0) + (Number(f[11]) + Number(f[12])) / 100);
    } catch {}
  }
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const total = (Number(f[11]) + Number(f[12])) / 100;
  byName.set('ended threads (the store writer)', total - [...byName.values()].reduce((a, b) => a + b, 0));
  const threads = [...byName].map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
  if (file) writeFileSync(file, `${text}\n    CPU s by thread: ${threads}`);
});

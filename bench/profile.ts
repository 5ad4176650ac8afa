// Summarises a V8 .cpuprofile (from `node --cpu-prof`) into the three views that answer "where
// does a sync spend its time": self time by component (our code vs ldapts vs SQLite vs GC),
// self time by function, and inclusive time of idsync's own functions (≈ phases).
//
//   npx tsx bench/profile.ts FILE.cpuprofile [TOP]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const SPECIAL = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const d = url.search(/\/(dist|src|bench)\//);
  if (d >= 0) return url.slice(d + 1);
  return url.replace(/^file:\/\//, '');
}

/** Which part of the stack a frame belongs to; the buckets the suggestions are about. */
function componentOf(f: CallFrame): string | undefined {
  const url = f.url;
  if (!url) return undefined;
  // better-sqlite3's statement methods are native and get no frame of their own: their time is
  // the self time of kysely's executeQuery (run/all) and of better-sqlite3's prepare wrapper.
  if (f.functionName === 'executeQuery' && url.includes('sqlite-driver')) return 'SQLite: executing statements (self time of kysely executeQuery)';
  if (f.functionName === 'prepare' && url.includes('better-sqlite3')) return 'SQLite: preparing statements (better-sqlite3 prepare)';
  // src/store/sqlite-fast-path.ts calls cached better-sqlite3 statements directly: same story.
  if (url.includes('sqlite-fast-path')) return 'SQLite: executing statements (self time of store/sqlite-fast-path)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) {
    if (m[1] === 'asn1' || m[1] === 'ldapts') return 'ldapts + asn1 (LDAP/BER decoding)';
    if (m[1] === 'better-sqlite3') return 'better-sqlite3 (JS wrapper)';
    if (m[1] === 'kysely') return 'kysely (query building/compiling, not execution)';
    if (m[1] === 'libphonenumber-js') return 'libphonenumber-js';
    return `other deps (${m[1]})`;
  }
  const d = /\/(?:dist|src)\/(.+?)\.(?:js|ts)$/.exec(url);
  if (d) return `idsync ${d[1]}`;
  if (/^node:internal\/(modules|bootstrap|deps\/cjs-module-lexer)/.test(url)) return 'node start-up (module loading/compiling)';
  if (url.startsWith('node:')) return 'node core (streams, net, buffers)';
  return `other (${shortUrl(url)})`;
}

// Functions that mark the sync's phases (src/sync/engine.ts, read.ts, groups.ts): the span from
// their first to their last sample is the phase's wall time, which self/inclusive views cannot show.
const PHASES = ['loadConfig', 'loadGroups', 'userPages', 'syncUserPage', 'recordObjects', 'syncGroups', 'departures', 'applyRemovals', 'purgeTrash'];

export interface ProfileSummary {
  totalMs: number;
  phases: { name: string; fromMs: number; toMs: number; cpuMs: number }[];
  components: [string, number][];
  selfByFunction: [string, number][];
  inclusiveIdsync: [string, number][];
}

export function summarizeProfile(file: string): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // Native frames (no URL: a better-sqlite3 statement.run, a Buffer method) are charged to the
  // nearest JS caller's component, so SQLite's C time lands on "better-sqlite3", not "other".
  const compMemo = new Map<number, string>();
  const component = (id: number): string => {
    const hit = compMemo.get(id);
    if (hit) return hit;
    const f = byId.get(id)!.callFrame;
    let c: string;
    if (SPECIAL.has(f.functionName))
      c =
        f.functionName === '(garbage collector)' ? 'GC' : f.functionName === '(idle)' ? 'idle (waiting for slapd / I/O)' : 'program (V8/native, unattributed)';
    else c = componentOf(f) ?? (parent.has(id) ? component(parent.get(id)!) : 'native');
    compMemo.set(id, c);
    return c;
  };
  const fnKey = (f: CallFrame) => `${f.functionName || '(anonymous)'}${f.url ? ` ${shortUrl(f.url)}:${f.lineNumber + 1}` : ' [native]'}`;

  const self = new Map<number, number>();
  const phases = new Map<string, { name: string; fromMs: number; toMs: number; cpuMs: number }>();
  let at = 0;
  for (let i = 0; i < p.samples.length; i++) {
    // timeDeltas[i] is the time before sample i; charging it to sample i is the usual convention.
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    at += dt;
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + dt);
    const hit = new Set<string>();
    for (let cur: number | undefined = p.samples[i]; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      if (PHASES.includes(cf.functionName) && /\/(dist|src)\//.test(cf.url)) hit.add(cf.functionName);
    }
    for (const name of hit) {
      const ph = phases.get(name) ?? phases.set(name, { name, fromMs: at, toMs: at, cpuMs: 0 }).get(name)!;
      ph.toMs = at;
      ph.cpuMs += dt;
    }
  }
  const components = new Map<string, number>();
  const selfFn = new Map<string, number>();
  const incl = new Map<string, number>();
  for (const [id, ms] of self) {
    const f = byId.get(id)!.callFrame;
    components.set(component(id), (components.get(component(id)) ?? 0) + ms);
    selfFn.set(fnKey(f), (selfFn.get(fnKey(f)) ?? 0) + ms);
    // Inclusive time for idsync frames: each distinct function once per stack (recursion-safe).
    const onStack = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      if (/\/(dist|src)\//.test(cf.url) && !/node_modules/.test(cf.url)) onStack.add(fnKey(cf));
    }
    for (const k of onStack) incl.set(k, (incl.get(k) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: (p.endTime - p.startTime) / 1000,
    phases: [...phases.values()].sort((a, b) => a.fromMs - b.fromMs),
    components: sorted(components),
    selfByFunction: sorted(selfFn),
    inclusiveIdsync: sorted(incl),
  };
}

export function profileMarkdown(title: string, s: ProfileSummary, top = 20): string {
  const pct = (ms: number) => `${((100 * ms) / s.totalMs).toFixed(1)}%`;
  const rows = (list: [string, number][]) =>
    list
      .slice(0, top)
      .map(([k, ms]) => `| ${k.replace(/\|/g, '\\|')} | ${(ms / 1000).toFixed(2)} | ${pct(ms)} |`)
      .join('\n');
  return [
    `### ${title} (profile span ${(s.totalMs / 1000).toFixed(1)} s)`,
    '',
    'Phases: wall-clock span from the first to the last sample inside each function, and its on-CPU time:',
    '',
    '| phase function | from (s) | to (s) | on CPU (s) |',
    '|---|---:|---:|---:|',
    ...s.phases.map((ph) => `| ${ph.name} | ${(ph.fromMs / 1000).toFixed(2)} | ${(ph.toMs / 1000).toFixed(2)} | ${(ph.cpuMs / 1000).toFixed(2)} |`),
    '',
    'Self time by component (native frames charged to their JS caller):',
    '',
    '| component | s | share |',
    '|---|---:|---:|',
    rows(s.components),
    '',
    `Top ${top} functions by self time:`,
    '',
    '| function | s | share |',
    '|---|---:|---:|',
    rows(s.selfByFunction),
    '',
    `Top ${top} idsync functions by inclusive time (async functions only count while on the CPU stack, so these understate awaits):`,
    '',
    '| function | s | share |',
    '|---|---:|---:|',
    rows(s.inclusiveIdsync),
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx bench/profile.ts FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  process.stdout.write(profileMarkdown(file, summarizeProfile(file), top ? Number(top) : 20));
}

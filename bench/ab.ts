// A/B of idsync builds on the SQLite first sync and re-sync, back to back on one slapd: for tuning
// on a shared machine, where only runs interleaved with each other compare. Each repetition runs
// every build (the order alternates: A B, B A, ...) as first sync into an empty store, then a
// re-sync, and records wall, CPU (user + sys), peak RSS, slapd's CPU and the 1-minute load.
//
//   npx tsx bench/ab.ts --cli base=dist/ab-base/idsync.js --cli 'new=bin/idsync.js|--max-semi-space-size=32' [--reps 3] [--large]
//                       [--users N --groups M] [--mem] [--first-only]
//
// --mem preloads bench/mem-sample.mjs into idsync: peaks of rss, heap, external and array buffers.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { startSlapd } from '../test/harness/slapd.js';
import { BASE_DN, generateOrg } from './org.js';
import { median, slapdCpu } from './measure.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const { values: args } = parseArgs({
  options: {
    large: { type: 'boolean', default: false },
    users: { type: 'string' },
    groups: { type: 'string' },
    reps: { type: 'string', default: '3' },
    cli: { type: 'string', multiple: true },
    mem: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'first-only': { type: 'boolean', default: false },
    'node-flags': { type: 'string', default: '' },
  },
});
const users = Number(args.users ?? (args.large ? 100_000 : 10_000));
const groups = Number(args.groups ?? (args.large ? 10_000 : 1_000));
const clis = (args.cli ?? [`new=${path.join(ROOT, 'bin/idsync.js')}`]).map((s) => {
  // label=file or label=file|node flags (space-separated)
  const [label, rest] = [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)];
  const [file, flags = ''] = rest.split('|');
  return { label, file: path.resolve(ROOT, file), flags: flags.split(' ').filter(Boolean) };
});

interface M {
  wall: number;
  cpu: number;
  rss: number;
  slapd: number;
  load: number;
  mem?: string;
}

async function run(argv: string[], cwd: string, slapdPid: number): Promise<M> {
  const timeFile = path.join(tmpdir(), `idsync-ab-${process.pid}`);
  const memFile = path.join(tmpdir(), `idsync-ab-mem-${process.pid}`);
  const env: NodeJS.ProcessEnv = { ...process.env, IDSYNC_MEM_FILE: memFile };
  delete env.IDSYNC_NOW;
  const load = loadavg()[0];
  const c0 = slapdCpu(slapdPid);
  const t0 = performance.now();
  const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, process.execPath, ...argv], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, out }));
  });
  const wall = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`exit ${code}: ${out.slice(-3000)}`);
  const report = JSON.parse(out.slice(out.indexOf('{')));
  if (report.status !== 'succeeded') throw new Error(`status ${report.status}`);
  const [kb, u, s] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  let mem: string | undefined;
  try {
    mem = readFileSync(memFile, 'utf8').trim();
    rmSync(memFile);
  } catch {
    /* no --mem */
  }
  return { wall, cpu: u + s, rss: kb / 1024, slapd: slapdCpu(slapdPid) - c0, load, mem };
}

const f2 = (x: number) => x.toFixed(2);

const work = mkdtempSync(path.join(tmpdir(), 'idsync-ab-'));
const ldif = path.join(work, 'org.ldif');
const facts = generateOrg(ldif, { users, groups, seed: 20240601 });
const slapd = await startSlapd({ initialLdif: ldif, noBase: true, timeoutMs: 120_000 });
try {
  const config = path.join(work, 'idsync.yaml');
  writeFileSync(
    config,
    YAML.stringify({
      store: 'sqlite:./data/idsync.db',
      directories: [
        {
          name: 'bench',
          type: 'openldap',
          servers: [slapd.url],
          transport: 'clear',
          bind: { dn: slapd.bindDn, password: slapd.password },
          baseDn: BASE_DN,
          groups: facts.groupDns,
          importPhones: true,
          safeguard: { enabled: false },
        },
      ],
    }),
  );
  const flags = args['node-flags']!.split(' ').filter(Boolean);
  const pre = args.mem ? ['--import', path.join(HERE, 'mem-sample.mjs')] : [];
  const res = new Map(clis.map((c) => [c.label, { first: [] as M[], steady: [] as M[] }]));
  const reps = Number(args.reps);
  for (let i = 0; i < reps; i++) {
    const order = i % 2 ? [...clis].reverse() : clis;
    for (const c of order) {
      rmSync(path.join(work, 'data'), { recursive: true, force: true });
      const argv = [...flags, ...c.flags, ...pre, c.file, '--config', config, 'sync', '--json'];
      const a = await run(argv, work, slapd.pid);
      res.get(c.label)!.first.push(a);
      if (args.keep) cpSync(path.join(work, 'data'), path.join(work, `data-${c.label}-${i + 1}`), { recursive: true });
      const line = (k: string, m: M) =>
        `${c.label} ${k} #${i + 1}: wall ${f2(m.wall)} s, CPU ${f2(m.cpu)} s, RSS ${m.rss.toFixed(0)} MB, ` +
        `slapd ${f2(m.slapd)} s, load ${f2(m.load)}${m.mem ? `\n    ${m.mem}` : ''}`;
      console.log(line('first', a));
      if (!args['first-only']) {
        const b = await run(argv, work, slapd.pid);
        res.get(c.label)!.steady.push(b);
        console.log(line('steady', b));
      }
    }
  }
  console.log(`\n${users} users / ${groups} groups, ${reps} reps, medians:`);
  for (const [label, r] of res) {
    const s = (ms: M[]) =>
      ms.length ? `wall ${f2(median(ms.map((m) => m.wall)))} CPU ${f2(median(ms.map((m) => m.cpu)))} RSS ${median(ms.map((m) => m.rss)).toFixed(0)}` : '-';
    console.log(`${label}: first ${s(r.first)} | steady ${s(r.steady)} | load ${f2(median([...r.first, ...r.steady].map((m) => m.load)))}`);
  }
} finally {
  await slapd.dispose();
  if (args.keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

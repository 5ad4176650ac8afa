// End-to-end sync benchmark: a generated organisation in a private slapd, the raw LDAP read
// measured with ldapsearch (the floor no LDAP client can beat), then `idsync sync` as an operator
// runs it: first sync into an empty store, a steady-state re-sync, and a re-sync after 1% of
// users changed. Wall time and peak RSS of the idsync process go into bench/results-<scale>.md.
//
//   npx tsx bench/run.ts [--large] [--users N --groups M] [--reps R] [--profile] [--sql-trace]
//                        [--store sqlite|postgres|both] [--cli PATH] [--node-flags "--max-old-space-size=256"] [--keep]
//
// --store (default both) picks the stores idsync syncs into: SQLite (a file in a temporary
// workspace) and PostgreSQL (a fresh schema in the database at IDSYNC_BENCH_PG_URL, default
// postgres://postgres@127.0.0.1:5432/test; see bench/pg-store.ts). With both, the table has a row
// for each and the PostgreSQL / SQLite ratio of every column.
//
// --profile and --sql-trace each add an extra first + steady sync (instrumented, so not in the
// table) and append where the time went to the results file. --cli runs another build of idsync
// (e.g. a snapshot compiled elsewhere) instead of bin/idsync.js.
//
// Timings are wall clock on whatever else the machine is doing; the load average at each
// measurement is recorded so noisy numbers can be recognised, and each idsync measurement is
// repeated (--reps, default 3) and reported as the median plus every value.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { startSlapd, type SlapdDirectory } from '../test/harness/slapd.js';
import { BASE_DN, generateOrg, originalAttrs, pickChanged, userDn, type OrgFacts } from './org.js';
import { PgBenchStore } from './pg-store.js';
import { profileMarkdown, summarizeProfile } from './profile.js';
import { fmt, type Measure, measure, sec } from './measure.js';
import { type StoreKind, type StoreRuns, table } from './run-table.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
// Exactly what idsync asks for with importPhones on (see userAttributes() in src/sync/mapping.ts
// and the group attributes in src/sync/read.ts), so ldapsearch, ldapts and idsync move the same bytes.
const USER_ATTRS = ['entryUUID', 'uid', 'displayName', 'givenName', 'sn', 'mail', 'telephoneNumber', 'mobile'];
const GROUP_ATTRS = ['entryUUID', 'cn', 'member', 'uniqueMember'];
const USER_FILTER = '(objectClass=inetOrgPerson)';
const GROUP_FILTER = '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))';
// Issue 11's targets at 100,000 users: a re-sync within 1.5× the floor, a first sync into an empty store
// within 3×, peak RSS under 200 MB; PostgreSQL within 1.5× of SQLite (TARGET_PG_RATIO below).

const { values: args } = parseArgs({
  options: {
    large: { type: 'boolean', default: false },
    users: { type: 'string' },
    groups: { type: 'string' },
    seed: { type: 'string', default: '20240601' },
    reps: { type: 'string', default: '3' },
    'floor-reps': { type: 'string', default: '3' },
    profile: { type: 'boolean', default: false },
    'sql-trace': { type: 'boolean', default: false },
    cli: { type: 'string', default: path.join(ROOT, 'bin/idsync.js') },
    keep: { type: 'boolean', default: false },
    // V8 flags for the idsync process, e.g. "--max-old-space-size=256", to A/B heap settings.
    'node-flags': { type: 'string', default: '' },
    store: { type: 'string', default: 'both' },
  },
});
if (!['sqlite', 'postgres', 'both'].includes(args.store!)) throw new Error(`--store ${args.store}: sqlite, postgres or both`);
const STORES: StoreKind[] = args.store === 'both' ? ['sqlite', 'postgres'] : [args.store as StoreKind];
const users = Number(args.users ?? (args.large ? 100_000 : 10_000));
const groups = Number(args.groups ?? (args.large ? 10_000 : 1_000));
const scale = args.users || args.groups ? `u${users}-g${groups}` : args.large ? 'large' : 'default';
const reps = Math.max(1, Number(args.reps));
const nodeFlagsAll = args['node-flags']!.split(' ').filter(Boolean);
const cliLine = args.cli!.startsWith(ROOT)
  ? `${path.relative(ROOT, args.cli!)} (repository at ${gitState()})`
  : `${args.cli} (a build outside this repository)`;

function ldapsearchArgs(d: SlapdDirectory, filter: string, attrs: string[]): string[] {
  return ['-x', '-LLL', '-H', d.url, '-D', d.bindDn, '-w', d.password, '-b', BASE_DN, '-E', 'pr=1000/noprompt', '-o', 'ldif-wrap=no', filter, ...attrs];
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'idsync-bench-'));
  let slapd: SlapdDirectory | undefined;
  let pgStore: PgBenchStore | undefined;
  process.once('SIGINT', () => {
    // The harness kills slapd in its 'exit' hook; our temp dir is ours to remove.
    if (!args.keep) rmSync(work, { recursive: true, force: true });
    process.exit(130);
  });
  try {
    log(`# idsync sync benchmark, scale "${scale}" (${users} users, ${groups} groups, seed ${args.seed})`);
    log(
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB; node ${process.version}; load ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );

    let t = performance.now();
    const ldif = path.join(work, 'org.ldif');
    const facts = generateOrg(ldif, { users, groups, seed: Number(args.seed) });
    log(`generated ${(facts.ldifBytes / 2 ** 20).toFixed(1)} MB of LDIF in ${fmt(sec(performance.now() - t))} s`);
    printFacts(facts);

    t = performance.now();
    slapd = await startSlapd({ initialLdif: ldif, noBase: true, timeoutMs: 120_000 });
    log(`slapadd + slapd start: ${fmt(sec(performance.now() - t))} s (${slapd.url})`);
    const slapdPid = slapd.pid;
    await checkEntryUuid(slapd, facts);

    // Floor. One untimed pass into a file proves the command returns every entry (and warms
    // slapd's caches, as idsync's runs will find them); the timed passes go to /dev/null.
    const verify = path.join(work, 'verify.ldif');
    await measure('ldapsearch', ldapsearchArgs(slapd, GROUP_FILTER, GROUP_ATTRS), { slapdPid, stdoutFile: verify });
    const g = countDns(verify);
    await measure('ldapsearch', ldapsearchArgs(slapd, USER_FILTER, USER_ATTRS), { slapdPid, stdoutFile: verify });
    const u = countDns(verify);
    rmSync(verify);
    if (g !== groups || u !== users) throw new Error(`ldapsearch returned ${u} users and ${g} groups, expected ${users} and ${groups}`);
    const floor: Measure[] = [];
    const floorOnce = async () => {
      const a = await measure('ldapsearch', ldapsearchArgs(slapd!, GROUP_FILTER, GROUP_ATTRS), { slapdPid });
      const b = await measure('ldapsearch', ldapsearchArgs(slapd!, USER_FILTER, USER_ATTRS), { slapdPid });
      floor.push({
        ...b,
        wallS: a.wallS + b.wallS,
        cpuUserS: a.cpuUserS! + b.cpuUserS!,
        cpuSysS: a.cpuSysS! + b.cpuSysS!,
        slapdCpuS: a.slapdCpuS + b.slapdCpuS,
        rssMb: Math.max(a.rssMb!, b.rssMb!),
      });
      log(
        `floor ${floor.length}: ldapsearch groups ${fmt(a.wallS)} s + ` +
          `users ${fmt(b.wallS)} s = ${fmt(a.wallS + b.wallS)} s (slapd ` +
          `CPU ${fmt(a.slapdCpuS + b.slapdCpuS)} s, load ${a.load1.toFixed(2)})`,
      );
    };

    // The same reads through ldapts alone: separates the LDAP library's cost from idsync's own.
    const ldapts: Measure[] = [];
    const out = path.join(work, 'ldapts.json');
    const ldaptsOnce = async () => {
      const m = await measure(
        process.execPath,
        [path.join(HERE, 'ldapts-read.mjs'), slapd!.url, slapd!.bindDn, slapd!.password, BASE_DN, USER_ATTRS.join(','), GROUP_ATTRS.join(',')],
        { slapdPid, stdoutFile: out, cwd: ROOT },
      );
      const r = JSON.parse(m.stdout);
      if (r.users !== users || r.groups !== groups) throw new Error(`ldapts read ${r.users} users / ${r.groups} groups`);
      ldapts.push(m);
      log(
        `ldapts read ${ldapts.length}: ${fmt(m.wallS)} s, RSS ${m.rssMb!.toFixed(0)} ` +
          `MB, CPU ${fmt(m.cpuUserS! + m.cpuSysS!)} s, slapd CPU ${fmt(m.slapdCpuS)} ` +
          `s`,
      );
    };

    const ws = path.join(work, 'ws');
    mkdirSync(ws);
    pgStore = STORES.includes('postgres') ? await PgBenchStore.open() : undefined;
    if (pgStore) log(`PostgreSQL store: ${pgStore.version}, ${pgStore.url.replace(/\/\/[^@]*@/, '//…@')}`);
    const configFile = (kind: StoreKind) => path.join(ws, `idsync-${kind}.yaml`);
    for (const kind of STORES) {
      writeFileSync(
        configFile(kind),
        YAML.stringify({
          store: kind === 'sqlite' ? 'sqlite:./data/idsync.db' : pgStore!.url,
          directories: [
            {
              name: 'bench',
              type: 'openldap',
              servers: [slapd.url],
              transport: 'clear', // loopback; the same transport as the ldapsearch floor
              bind: { dn: slapd.bindDn, password: slapd.password },
              baseDn: BASE_DN,
              groups: facts.groupDns,
              importPhones: true,
              safeguard: { enabled: false },
            },
          ],
        }),
      );
    }
    const env = { ...process.env };
    delete env.IDSYNC_NOW;
    delete env.IDSYNC_LOG_LEVEL;
    const reportFile = path.join(work, 'report.json');
    const sync = async (kind: StoreKind, label: string, nodeFlags: string[] = [], cli = args.cli!) => {
      const pg = kind === 'postgres' ? pgStore : undefined;
      const m = await measure(process.execPath, [...nodeFlagsAll, ...nodeFlags, cli, '--config', configFile(kind), 'sync', '--json'], {
        slapdPid,
        cwd: ws,
        env,
        stdoutFile: reportFile,
        pg,
      });
      const report = JSON.parse(m.stdout);
      if (report.status !== 'succeeded') throw new Error(`${label}: status ${report.status}: ${JSON.stringify(report.error)}`);
      const server = m.pgCpuS === undefined ? '' : `, PostgreSQL CPU ${fmt(m.pgCpuS)} s`;
      log(
        `${label} [${kind}]: ${fmt(m.wallS)} s (idsync says ${fmt(report.durationMs / 1000)} ` +
          `s), RSS ${m.rssMb!.toFixed(0)} MB, CPU user ${fmt(m.cpuUserS!)} ` +
          `+ sys ${fmt(m.cpuSysS!)} s, slapd CPU ${fmt(m.slapdCpuS)} s${server}, ` +
          `load ${m.load1.toFixed(2)}; counts ${brief(report.counts)}`,
      );
      return { m, c: report.counts };
    };
    const expect = (label: string, c: Record<string, number>, want: Record<string, number>) => {
      const bad = Object.entries(want).filter(([k, v]) => c[k] !== v);
      if (bad.length) throw new Error(`${label}: ${bad.map(([k, v]) => `${k} = ${c[k]}, expected ${v}`).join('; ')}`);
    };
    const resetStore = async (kind: StoreKind) => {
      if (kind === 'sqlite') rmSync(path.join(ws, 'data'), { recursive: true, force: true });
      else await pgStore!.reset();
    };

    // Floor, ldapts and idsync measurements are interleaved, so that load from other work on the
    // machine (it changes by the minute) hits all of them alike and their ratio stays meaningful.
    const runs = Object.fromEntries(STORES.map((k) => [k, { first: [] as Measure[], steady: [] as Measure[], change: [] as Measure[] }])) as Record<
      StoreKind,
      StoreRuns
    >;
    for (let i = 1; i <= Math.max(reps, Number(args['floor-reps'])); i++) {
      await floorOnce();
      if (i > reps) continue;
      await ldaptsOnce();
      for (const kind of STORES) {
        await resetStore(kind);
        const a = await sync(kind, `idsync first sync #${i}`);
        expect('first sync', a.c, { created: facts.usersInScope, skipped: 0, conflict: 0, groupsCreated: groups, membersAdded: facts.flattenedMemberships });
        runs[kind].first.push(a.m);
        const b = await sync(kind, `idsync steady sync #${i}`);
        expect('steady sync', b.c, { created: 0, updated: 0, unchanged: facts.usersInScope, membersAdded: 0, membersRemoved: 0 });
        runs[kind].steady.push(b.m);
      }
    }

    // 1% of users change name and phone in the directory; only the in-scope ones count as updates.
    // SQLite: the store as it is now (after a steady sync) is kept as a file, so each repetition
    // starts from it. PostgreSQL: the change is undone in the directory and synced back (not timed)
    // between repetitions, which brings the store to the same state.
    const before = path.join(work, 'store-before-change');
    if (runs.sqlite) cpSync(path.join(ws, 'data'), before, { recursive: true });
    const changed = pickChanged(facts, Number(args.seed));
    const original = originalAttrs(facts, Number(args.seed), new Set(changed.all));
    const modify = async (text: string) => {
      const file = path.join(work, 'changes.ldif');
      writeFileSync(file, text);
      await measure('ldapmodify', ['-x', '-H', slapd!.url, '-D', slapd!.bindDn, '-w', slapd!.password, '-f', file], { slapdPid });
    };
    const replace = (i: number, displayName: string, phone: string) =>
      `dn: ${userDn(i)}\nchangetype: modify\nreplace: displayName\ndisplayName: ${displayName}\n-\nreplace: telephoneNumber\ntelephoneNumber: ${phone}\n-\n\n`;
    const change = () =>
      modify(changed.all.map((i) => replace(i, `Renamed User ${i}`, `+1 212 555 ${String((i * 31 + 17) % 10000).padStart(4, '0')}`)).join(''));
    const undo = () => modify(changed.all.map((i) => replace(i, original.get(i)!.displayName as string, original.get(i)!.telephoneNumber as string)).join(''));
    await change();
    const expectChange = (c: Record<string, number>) =>
      expect('1% change', c, { updated: changed.inScope, created: 0, unchanged: facts.usersInScope - changed.inScope });
    for (let i = 1; i <= reps; i++) {
      for (const kind of STORES) {
        if (kind === 'sqlite') {
          await resetStore(kind);
          cpSync(before, path.join(ws, 'data'), { recursive: true });
        } else if (i > 1) {
          await undo();
          expect('1% change undone', (await sync(kind, `idsync change undone (not in the table) #${i}`)).c, { updated: changed.inScope, created: 0 });
          await change();
        }
        const ch = await sync(kind, `idsync after 1% changed #${i}`);
        expectChange(ch.c);
        runs[kind].change.push(ch.m);
      }
    }

    // Instrumented runs, after the timed ones so their overhead never leaks into the table.
    let extraMd = '';
    // Profiles run the unbundled build (dist/cli/main.js: the same code, one file per module) so
    // that samples can be charged to modules; bin/idsync.js runs the esbuild bundle.
    const unbundled = args.cli === path.join(ROOT, 'bin/idsync.js') ? path.join(ROOT, 'dist/cli/main.js') : args.cli!;
    const instrumented = async (what: string, flags: (kind: string, store: StoreKind) => string[], after: (kind: string, store: StoreKind) => string) => {
      for (const store of STORES) {
        await resetStore(store);
        for (const kind of ['first', 'steady']) {
          await sync(store, `${what} ${kind} sync (not in the table)`, flags(kind, store), unbundled);
          extraMd += after(kind, store);
        }
      }
    };
    if (args.profile) {
      const dir = path.join(work, 'prof');
      await instrumented(
        'profiled',
        (k, s) => ['--cpu-prof', `--cpu-prof-dir=${path.join(dir, s, k)}`],
        (k, s) => {
          const file = path.join(dir, s, k, readdirSync(path.join(dir, s, k))[0]);
          if (args.keep) log(`profile kept: ${file}`);
          return `${profileMarkdown(`CPU profile: ${k} sync, ${s} store, scale ${scale}`, summarizeProfile(file))}\n`;
        },
      );
    }
    if (args['sql-trace']) {
      const traced = path.join(work, 'sql-trace.md');
      env.IDSYNC_SQL_TRACE = traced;
      await instrumented(
        'SQL-traced',
        () => ['--import', path.join(HERE, 'sql-trace.mjs')],
        (k, s) => `### SQL statements: ${k} sync, ${s} store, scale ${scale}\n\n${readFileSync(traced, 'utf8')}\n`,
      );
      delete env.IDSYNC_SQL_TRACE;
    }
    const md =
      table(facts, floor, ldapts, runs, { scale, stores: STORES, cliLine, nodeFlags: nodeFlagsAll, userAttrs: USER_ATTRS, groupAttrs: GROUP_ATTRS }) +
      (extraMd ? `\n${extraMd}` : '');
    const resultFile = path.join(HERE, `results-${scale}${args.store === 'postgres' ? '-postgres' : ''}.md`);
    writeFileSync(resultFile, md);
    log(`\n${md}\nwritten to ${path.relative(ROOT, resultFile)}`);
  } finally {
    await pgStore?.close();
    await slapd?.dispose();
    if (args.keep) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

function printFacts(f: OrgFacts): void {
  log(`organisation: ${f.users} users (${f.usersInScope} in at least one group), ${f.groups} groups`);
  log(
    `  member values ${f.memberValues} (${f.nestedGroupValues} of ` +
      `them nested groups); group size max ${f.maxGroupSize} (${((100 * f.maxGroupSize) / f.users).toFixed(0)}% ` +
      `of users), median ${f.medianGroupSize}`,
  );
  log(`  nesting depth ${f.nestingDepth}; cycles: ${f.cycles.join('; ') || 'none'}`);
  log(`  flattened memberships (group_members rows expected) ${f.flattenedMemberships}, largest flattened group ${f.maxFlattenedSize}`);
}

/** slapadd -q is supposed to add entryUUID/entryCSN to entries that lack them; make sure it did. */
async function checkEntryUuid(d: SlapdDirectory, f: OrgFacts): Promise<void> {
  const file = path.join(tmpdir(), `idsync-bench-uuid-${process.pid}`);
  await measure('ldapsearch', ['-x', '-LLL', '-H', d.url, '-D', d.bindDn, '-w', d.password, '-b', userDn(f.users - 1), '-s', 'base', 'entryUUID', 'entryCSN'], {
    slapdPid: d.pid,
    stdoutFile: file,
  });
  const text = readFileSync(file, 'utf8');
  rmSync(file);
  if (!/^entryUUID: [0-9a-f-]{36}$/m.test(text) || !/^entryCSN: /m.test(text)) throw new Error(`slapadd did not assign entryUUID/entryCSN:\n${text}`);
}

function countDns(file: string): number {
  return (readFileSync(file, 'utf8').match(/^dn:/gm) ?? []).length;
}

function brief(c: Record<string, number>): string {
  return (
    Object.entries(c)
      .filter(([, v]) => v)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'all zero'
  );
}

function gitState(): string {
  const git = (a: string[]) => spawnSync('git', ['-C', ROOT, ...a], { encoding: 'utf8' }).stdout?.trim() ?? '';
  return `${git(['rev-parse', '--short', 'HEAD']) || 'unknown commit'}${git(['status', '--porcelain', '--untracked-files=no', 'src']) ? ', src modified' : ''}`;
}

const log = (s: string) => process.stdout.write(`${s}\n`);

await main();

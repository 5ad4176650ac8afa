// Continuous-sync benchmark (`npm run bench`, after the full-sync one): how long a change made in
// the directory takes to show in idsync's store, and what an idle incremental cycle costs.
//
//   npx tsx bench/latency.ts [--large] [--changes 50] [--ad-users 1000[,20000]] [--mail-changes 20] [--only-ad] [--ad-mail-only]
//
// OpenLDAP: a generated organisation in a private slapd (10,000 users / 1,000 groups, or
// 100,000 / 10,000 with --large), `idsync serve` with RFC 4533 refreshAndPersist, then with
// refreshOnly polling (1 s). Active Directory: a Samba DC per --ad-users size (default 1,000; with
// --large 1,000 and 20,000), its users written offline and cached (test/harness/samba-seed.ts; build
// the cache first, without the Samba lock: `npx tsx bench/prepare-ad.ts 20000`). At every size,
// --mail-changes `mail` changes with notifications; at the largest, the mixed changes with
// notifications, then DirSync polling (1 s) without notifications, and the idle cycle.
// Latency: from the directory acknowledging a write to the change being visible in the store
// (a read-only SQLite connection polled every millisecond). Mixed kinds: attribute change,
// create + add to a chosen group, add to a nested group, removal from a group, rename, delete.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import YAML from 'yaml';
import { startSamba } from '../test/harness/samba.js';
import { seededUsers } from '../test/harness/samba-seed.js';
import { startSlapd } from '../test/harness/slapd.js';
import { parseConfig } from '../src/config/load.js';
import { DirectoryConnection } from '../src/directory/connection.js';
import { dirSyncRounds } from '../src/directory/ad/dirsync.js';
import { readDcIdentity } from '../src/directory/ad/dc-identity.js';
import { contentSync } from '../src/directory/stream/content-sync.js';
import { LdapStream } from '../src/directory/stream/ldap-stream.js';
import { highestCommittedUsn } from '../src/serve/sources/active-directory.js';
import { BASE_DN, generateOrg, GROUPS_DN, PEOPLE_DN } from './org.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(HERE, '../bin/idsync.js');
const { values: args } = parseArgs({
  options: {
    large: { type: 'boolean', default: false },
    changes: { type: 'string', default: '50' },
    'ad-users': { type: 'string' },
    'mail-changes': { type: 'string', default: '20' },
    'skip-ad': { type: 'boolean', default: false },
    'only-ad': { type: 'boolean', default: false },
    'ad-mail-only': { type: 'boolean', default: false },
  },
});
const CHANGES = Number(args.changes);
const MAIL_CHANGES = Number(args['mail-changes']);
const log = (s: string) => process.stdout.write(`${s}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;

interface Directory {
  cfg: Record<string, unknown>;
  /** A fresh sequence of changes: each call makes one and returns a predicate over the store for "visible". */
  changes(): (i: number) => Promise<(db: BetterSqlite3.Database) => boolean>;
}

function startServe(dir: string, configFile: string): { child: ChildProcess; stop: () => Promise<void> } {
  const child = spawn(process.execPath, [BIN, '--config', configFile, 'serve'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, IDSYNC_LOG_LEVEL: 'warn' },
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return {
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      if (err.trim()) log(`  (serve stderr: ${err.trim().split('\n').slice(-2).join(' | ').slice(0, 300)})`);
    },
  };
}

async function until(check: () => boolean, timeoutMs: number, label: string): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if (check()) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`${label}: not visible within ${timeoutMs} ms`);
}

async function latency(label: string, d: Directory, continuous: Record<string, unknown>, count = CHANGES): Promise<number[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'idsync-lat-'));
  const configFile = path.join(dir, 'idsync.yaml');
  writeFileSync(configFile, YAML.stringify({ store: 'sqlite:./data/idsync.db', directories: [{ ...d.cfg, continuous }] }));
  const serve = startServe(dir, configFile);
  try {
    const dbFile = path.join(dir, 'data', 'idsync.db');
    let db: BetterSqlite3.Database | undefined;
    const t0 = performance.now();
    await until(
      () => {
        try {
          db ??= new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
          const s = db.prepare('select connected, mode from sync_state').get() as { connected: number; mode: string } | undefined;
          return !!s?.connected && s.mode !== 'none';
        } catch {
          return false;
        }
      },
      900_000,
      `${label}: start`,
    );
    log(`  ${label}: initial full sync and stream ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // The source's first read (a DirSync, a Content Sync refresh) follows the status it writes:
    // let it finish, so the first change is not measured against the start-up.
    await new Promise((r) => setTimeout(r, 1000));
    const times: number[] = [];
    const change = d.changes();
    for (let i = 0; i < count; i++) {
      const visible = await change(i);
      times.push(await until(() => visible(db!), 30_000, `${label}: change ${i}`));
    }
    db!.close();
    log(
      `  ${label}: ${count} changes, median ${ms(pct(times, 50))}, p95 ${ms(pct(times, 95))}, max ${ms(Math.max(...times))} (change ` +
        `${times.indexOf(Math.max(...times))})`,
    );
    return times;
  } finally {
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

let runs = 0;

/** The six change kinds, in rotation, against users the benchmark creates (so removals have someone to remove). */
function mixedChanges(ops: {
  addUser(n: string): Promise<string>;
  addMember(group: string, dn: string): Promise<void>;
  removeMember(group: string, dn: string): Promise<void>;
  modify(dn: string, attr: string, value: string): Promise<void>;
  rename(dn: string, newName: string): Promise<string>;
  remove(dn: string): Promise<void>;
  chosen: string;
  nested: string;
  username(n: string): string;
}): (i: number) => Promise<(db: BetterSqlite3.Database) => boolean> {
  const run = (runs++).toString(36);
  const live: { n: string; dn: string }[] = [];
  const status = (db: BetterSqlite3.Database, n: string) =>
    (db.prepare('select status from users where username_key = ?').get(ops.username(n).toLowerCase()) as { status: string } | undefined)?.status;
  return async (i) => {
    const kind = live.length < 2 ? 1 : i % 6;
    if (kind === 0) {
      const u = live[live.length - 1];
      const mail = `m${i}@corp.example.test`;
      await ops.modify(u.dn, 'mail', mail);
      return (db) =>
        (db.prepare('select email from users where username_key = ?').get(ops.username(u.n).toLowerCase()) as { email: string } | undefined)?.email === mail;
    }
    if (kind === 1 || kind === 2) {
      const n = `lat${process.pid.toString(36)}r${run}x${i}`;
      const dn = await ops.addUser(n);
      await ops.addMember(kind === 1 ? ops.chosen : ops.nested, dn);
      live.push({ n, dn });
      return (db) => status(db, n) === 'active';
    }
    if (kind === 3) {
      const u = live.shift()!;
      await ops.removeMember(ops.chosen, u.dn).catch(() => ops.removeMember(ops.nested, u.dn));
      return (db) => status(db, u.n) === 'trashed';
    }
    if (kind === 4) {
      const u = live.pop()!;
      const n = `${u.n}r`;
      const dn = await ops.rename(u.dn, n);
      live.push({ n, dn });
      return (db) => status(db, n) === 'active';
    }
    const u = live.shift()!;
    await ops.remove(u.dn);
    return (db) => status(db, u.n) === 'trashed';
  };
}

async function idleCycle(label: string, run: () => Promise<void>): Promise<number> {
  // A cycle takes a fraction of a millisecond: many samples after a real warm-up, so that the median
  // (and the ratio between two sizes) is the cycle's cost and not the scheduler's.
  for (let i = 0; i < 30; i++) await run();
  const t: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    await run();
    t.push(performance.now() - t0);
  }
  log(`  ${label}: idle cycle median ${ms(pct(t, 50))}`);
  return pct(t, 50);
}

async function openldap(users: number, groups: number, withLatency: boolean) {
  const work = mkdtempSync(path.join(tmpdir(), 'idsync-latb-'));
  const ldif = path.join(work, 'org.ldif');
  const facts = generateOrg(ldif, { users, groups, seed: 20240601 });
  const slapd = await startSlapd({ initialLdif: ldif, noBase: true, timeoutMs: 120_000 });
  try {
    const admin = await slapd.ldap();
    const top = facts.groupDns[0];
    const cfg = {
      name: 'bench',
      type: 'openldap',
      servers: [slapd.url],
      transport: 'clear',
      bind: { dn: slapd.bindDn, password: slapd.password },
      baseDn: BASE_DN,
      groups: facts.groupDns,
      safeguard: { enabled: false },
    };
    // a nested group under a chosen one, so that "add to a nested group" goes through the closure
    const nested = `cn=latency-nested,${GROUPS_DN}`;
    const { Attribute, Change } = await import('ldapts');
    await admin.add(nested, [
      new Attribute({ type: 'objectClass', values: ['groupOfNames'] }),
      new Attribute({ type: 'cn', values: ['latency-nested'] }),
      new Attribute({ type: 'member', values: ['cn=nobody'] }),
    ]);
    await admin.modify(top, [new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [nested] }) })]);
    const d: Directory = {
      cfg,
      changes: () =>
        mixedChanges({
          chosen: top,
          nested,
          username: (n) => n,
          addUser: async (n) => {
            const dn = `uid=${n},${PEOPLE_DN}`;
            await admin.add(dn, [
              new Attribute({ type: 'objectClass', values: ['inetOrgPerson'] }),
              new Attribute({ type: 'uid', values: [n] }),
              new Attribute({ type: 'cn', values: [n] }),
              new Attribute({ type: 'sn', values: ['Latency'] }),
            ]);
            return dn;
          },
          addMember: (g, dn) => admin.modify(g, [new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dn] }) })]),
          removeMember: (g, dn) => admin.modify(g, [new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [dn] }) })]),
          modify: (dn, attr, v) => admin.modify(dn, [new Change({ operation: 'replace', modification: new Attribute({ type: attr, values: [v] }) })]),
          rename: async (dn, n) => {
            await admin.modifyDN(dn, `uid=${n}`);
            const newDn = `uid=${n},${PEOPLE_DN}`;
            // no refint overlay in the private slapd: keep group member values in step, as refint would
            for (const g of [top, nested]) {
              const e = (await admin.search(g, { scope: 'base', attributes: ['member'] })).searchEntries[0];
              const m = ([] as string[]).concat((e?.member as string[] | string | undefined) ?? []);
              if (m.some((x) => x.toLowerCase() === dn.toLowerCase())) {
                await admin.modify(g, [
                  new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [dn] }) }),
                  new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [newDn] }) }),
                ]);
              }
            }
            return newDn;
          },
          remove: (dn) => admin.del(dn),
        }),
    };
    const result: Record<string, number[] | number> = {};
    if (withLatency) {
      result.push = await latency(`OpenLDAP ${users} users, refreshAndPersist`, d, { changes: 'content-sync' });
      result.poll = await latency(`OpenLDAP ${users} users, refreshOnly every 1 s`, d, { changes: 'content-sync-poll', pollSeconds: 1 });
    }
    // Idle cycle: one refreshOnly round with a current cookie (what a poll costs when nothing changed).
    const dcfg = parseConfig({ directories: [{ ...cfg, groups: [top] }] }, { baseDir: work }).directories[0];
    const stream = await LdapStream.openFirst(dcfg);
    let cookie: Buffer | undefined;
    for await (const ev of contentSync(stream, {
      base: BASE_DN,
      filter: '(|(objectClass=inetOrgPerson)(objectClass=groupOfNames))',
      attributes: ['1.1'],
      mode: 'refreshOnly',
    }))
      if ('cookie' in ev && ev.cookie) cookie = ev.cookie;
    result.idle = await idleCycle(`OpenLDAP ${users} users, refreshOnly with a current cookie`, async () => {
      for await (const ev of contentSync(stream, {
        base: BASE_DN,
        filter: '(|(objectClass=inetOrgPerson)(objectClass=groupOfNames))',
        attributes: ['1.1'],
        mode: 'refreshOnly',
        cookie,
      }))
        if ('cookie' in ev && ev.cookie) cookie = ev.cookie;
    });
    await stream.close();
    await admin.unbind();
    return result;
  } finally {
    await slapd.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

/** `mail` changes only, on a user of the chosen group: the path the AD latency target is about. */
function mailChanges(
  dn: string,
  username: string,
  modify: (dn: string, a: string, v: string) => Promise<void>,
): () => (i: number) => Promise<(db: BetterSqlite3.Database) => boolean> {
  return () => {
    const run = (runs++).toString(36);
    return async (i) => {
      const mail = `m${run}x${i}@corp.example.test`;
      await modify(dn, 'mail', mail);
      return (db) =>
        (db.prepare('select email from users where username_key = ?').get(username.toLowerCase()) as { email: string } | undefined)?.email === mail;
    };
  };
}

async function activeDirectory(users: number, full: boolean) {
  const samba = await startSamba({ seedUsers: users, log, timeoutMs: 300_000 });
  try {
    const seeded = seededUsers(samba.baseDn, users);
    const ou = seeded.ou;
    const tag = process.pid.toString(36);
    const dns = Array.from({ length: users }, (_, i) => `CN=${seeded.prefix}${i + 1},${ou}`);
    const chosen = await samba.addGroup({ ou, name: 'Chosen', sam: `chosen${tag}`, members: dns.slice(0, Math.min(500, dns.length)) });
    const nested = await samba.addGroup({ ou, name: 'Nested', sam: `nested${tag}` });
    await samba.addMembers(chosen, [nested]);
    const cfg = {
      name: 'ad',
      type: 'active-directory',
      servers: [samba.url],
      caFile: samba.caFile,
      bind: { dn: samba.bindDn, password: samba.password },
      baseDn: ou,
      groups: [chosen],
      safeguard: { enabled: false },
    };
    const modify = async (dn: string, a: string, v: string) => void (await samba.modify(dn, a, v));
    const mail = await latency(
      `AD ${users} users, ${MAIL_CHANGES} mail changes, DirSync + notifications`,
      { cfg, changes: mailChanges(dns[0], `${seeded.prefix}1`, modify) },
      { changes: 'dirsync', notifications: true, pollSeconds: 30 },
      MAIL_CHANGES,
    );
    if (!full) return { mail };
    const d: Directory = {
      cfg,
      changes: () =>
        mixedChanges({
          chosen,
          nested,
          username: (n) => n,
          addUser: (n) => samba.addUser({ ou, sam: n, cn: n, sn: 'Latency' }),
          addMember: async (g, dn) => void (await samba.addMembers(g, [dn])),
          removeMember: async (g, dn) => void (await samba.removeMembers(g, [dn])),
          modify,
          rename: async (dn, n) => {
            await samba.modify(dn, 'sAMAccountName', n);
            return samba.rename(dn, `CN=${n}`);
          },
          remove: async (dn) => void (await samba.deleteEntry(dn)),
        }),
    };
    const push = await latency(`AD ${users} users, DirSync woken by notifications`, d, { changes: 'dirsync', notifications: true, pollSeconds: 30 });
    const poll = await latency(`AD ${users} users, DirSync polled every 1 s`, d, { changes: 'dirsync', notifications: false, pollSeconds: 1 });
    const dcfg = parseConfig({ directories: [cfg] }, { baseDir: tmpdir() }).directories[0];
    const conn = await DirectoryConnection.open(dcfg);
    const id = await readDcIdentity(conn);
    let cookie: Buffer | undefined;
    for await (const r of dirSyncRounds(conn, { ncRoot: id.defaultNamingContext!, filter: '(|(objectClass=user)(objectClass=group))', attributes: ['mail'] }))
      cookie = r.cookie;
    // What idsync's DirSync loop does when nothing changed: read the DC's highestCommittedUSN,
    // see it has not moved, and wait (the DirSync search itself is measured alongside).
    const idle = await idleCycle(`AD ${users} users, idle cycle (highestCommittedUSN unchanged)`, async () => {
      await highestCommittedUsn(conn);
    });
    const dirsync = await idleCycle(`AD ${users} users, DirSync with a current cookie (for comparison)`, async () => {
      for await (const r of dirSyncRounds(conn, {
        ncRoot: id.defaultNamingContext!,
        filter: '(|(objectClass=user)(objectClass=group))',
        attributes: ['mail'],
        cookie,
      }))
        cookie = r.cookie;
    });
    await conn.close();
    return { mail, push, poll, idle, dirsync };
  } finally {
    await samba.dispose();
  }
}

const large = args.large;
const U = large ? 100_000 : 10_000;
const G = large ? 10_000 : 1_000;
const adSizes = (args['ad-users'] ?? (large ? '1000,20000' : '1000')).split(',').map(Number);
const adLargest = Math.max(...adSizes);
log(`# continuous sync benchmark (${U} users / ${G} groups on OpenLDAP; ${adSizes.join(', ')} users on AD)`);
const adMail: { users: number; times: number[] }[] = [];
let ad: Awaited<ReturnType<typeof activeDirectory>> | undefined;
if (!args['skip-ad']) {
  for (const n of adSizes) {
    const r = await activeDirectory(n, n === adLargest && !args['ad-mail-only']);
    adMail.push({ users: n, times: r.mail });
    if (n === adLargest) ad = r;
  }
}
const row = (what: string, xs: number[], target: string) => `| ${what} | ${ms(pct(xs, 50))} | ${ms(pct(xs, 95))} | ${target} |`;
const adRows = [
  ...adMail.map((m) =>
    row(
      `AD (Samba) ${m.users.toLocaleString('en')} users, ${MAIL_CHANGES} \`mail\` changes, DirSync + change notifications`,
      m.times,
      m.users >= 20_000 ? 'p95 < 100 ms' : '',
    ),
  ),
  ...(ad?.push && ad.poll
    ? [
        row(`AD (Samba) ${adLargest.toLocaleString('en')} users, mixed changes, DirSync + change notifications`, ad.push, 'p95 < 1 s'),
        row(`AD (Samba) ${adLargest.toLocaleString('en')} users, mixed changes, DirSync polling every 1 s`, ad.poll, '(polling only)'),
      ]
    : []),
];
if (args['only-ad']) {
  log(`\n${['| path | median | p95 | target |', '|---|---:|---:|---|', ...adRows].join('\n')}`);
  process.exit(0);
}
const big = await openldap(U, G, true);
const small = large ? await openldap(10_000, 1_000, false) : await openldap(1_000, 100, false);
const table = [
  `## Continuous sync: propagation latency (${CHANGES} mixed changes) and idle cycle cost`,
  '',
  '| path | median | p95 | target |',
  '|---|---:|---:|---|',
  row(`OpenLDAP ${U.toLocaleString('en')} users, Content Sync refreshAndPersist`, big.push as number[], 'p95 < 200 ms'),
  row(`OpenLDAP ${U.toLocaleString('en')} users, refreshOnly polling every 1 s`, big.poll as number[], '(polling only)'),
  ...adRows,
  '',
  '| idle incremental cycle | time | target |',
  '|---|---:|---|',
  `| OpenLDAP ${U.toLocaleString('en')} users (refreshOnly, current cookie) | ${ms(big.idle as number)} | < 50 ms |`,
  `| OpenLDAP ${(large ? 10_000 : 1_000).toLocaleString('en')} users (same) | ${ms(small.idle as number)} | within 2× of the above: ` +
    `${((big.idle as number) / (small.idle as number)).toFixed(2)}× |`,
  ...(ad?.idle !== undefined && ad.dirsync !== undefined
    ? [
        `| AD (Samba) ${adLargest.toLocaleString('en')} users (highestCommittedUSN unchanged) | ${ms(ad.idle)} | < 50 ms |`,
        `| AD (Samba) ${adLargest.toLocaleString('en')} users, DirSync with a current cookie (what a notified change no longer waits for) | ` +
          `${ms(ad.dirsync)} | |`,
      ]
    : []),
].join('\n');
log(`\n${table}`);
writeFileSync(path.join(HERE, `results-latency-${large ? 'large' : 'default'}.md`), `${table}\n`);

// Outbound provisioning benchmark (issue 12, `npm run bench`): on the harness's slapd and Samba AD
// DC (LDAPS), in the same run,
//   1. the floor: `ldapadd` of N new users with their passwords (bench/provision-floor.ts);
//   2. `idsync provision`, the built CLI as an operator runs it, delivering the same N users with
//      their passwords from the store's outbox (wall time, process start-up included);
//      then the floor again with N other users, and the ratio is against the mean of the two
//      floors (a directory's adds cost more as it grows; a floor measured only first favours it);
//   3. the latency from an API call (PATCH a local user's mail) to the change being visible in the
//      directory, under `idsync serve`, over --changes changes: median and p95.
//
//   npx tsx bench/provision.ts [--users 5000] [--changes 50] [--skip-ad] [--cpu-prof DIR] [--sql-trace FILE]   (Samba: under flock /tmp/idsync-samba.lock)
//
// Setting up the store is not measured: N local users with their sealed passwords in the outbox,
// written in a few transactions as `idsync users add` + `users password` would (one argon2id
// verifier is shared: the verifier is the hub's copy, which provisioning never reads, and N
// separate derivations would take minutes of set-up).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from 'ldapts';
import YAML from 'yaml';
import { hashPassword } from '../src/auth/passwords.js';
import { createToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config/load.js';
import { secretBoxFor } from '../src/directories/secret-box.js';
import { recordChange } from '../src/provision/changes.js';
import { targetIds } from '../src/provision/service.js';
import { Store } from '../src/store/db.js';
import { freePort } from '../test/harness/proc.js';
import { startSamba } from '../test/harness/samba.js';
import { startSlapd } from '../test/harness/slapd.js';
import { floorUsers, ldapaddSeconds, type FloorUser } from './provision-floor.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(HERE, '../bin/idsync.js');
const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '5000' },
    changes: { type: 'string', default: '50' },
    'skip-ad': { type: 'boolean', default: false },
    // A CPU profile of each `idsync provision` run, written into this directory (node --cpu-prof).
    'cpu-prof': { type: 'string' },
    // Every store statement of each `idsync provision` run, timed, as a Markdown table in this file (bench/sql-trace.mjs).
    'sql-trace': { type: 'string' },
  },
});
const N = Number(args.users);
const CHANGES = Number(args.changes);
const TARGET_RATIO = 1.5;
const TARGET_P95_MS = 500;
const log = (s: string) => process.stdout.write(`${s}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

interface Server {
  kind: 'active-directory' | 'openldap';
  label: string;
  url: string;
  bindDn: string;
  password: string;
  caFile: string;
  baseDn: string;
  addOu(name: string, parent?: string): Promise<string>;
  stop(): Promise<void>;
  /** OpenLDAP: provisioning.serverHashesPasswords, with slapd hashing a clear userPassword (olcPPolicyHashCleartext) for the floor too. */
  serverHashesPasswords?: boolean;
}

interface Result {
  label: string;
  /** The mean of the floor measured before idsync's run and after it. */
  floorS: number;
  floorBeforeS: number;
  floorAfterS: number;
  idsyncS: number;
  load: number;
  latencies: number[];
}

async function client(s: Server, dn = s.bindDn, password = s.password): Promise<Client> {
  const c = new Client({ url: s.url, tlsOptions: { ca: readFileSync(s.caFile) }, timeout: 10_000 });
  await c.bind(dn, password);
  return c;
}

/** The workspace: a config with one provisioning-only directory, and the store holding N users to export. */
async function workspace(s: Server, userContainer: string, groupContainer: string, users: FloorUser[], port: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'idsync-bench-provision-'));
  const file = path.join(dir, 'idsync.yaml');
  writeFileSync(
    file,
    YAML.stringify({
      store: `sqlite:${path.join(dir, 'store.db')}`,
      api: { listen: `127.0.0.1:${port}`, secretsKey: 'b'.repeat(40) },
      directories: [
        {
          name: 'target',
          type: s.kind,
          servers: [s.url],
          caFile: s.caFile,
          bind: { dn: s.bindDn, password: s.password },
          baseDn: s.baseDn,
          provisioning: {
            userContainer,
            groupContainer,
            users: 'all-local',
            groups: [],
            passwords: true,
            ...(s.serverHashesPasswords ? { serverHashesPasswords: true } : {}),
          },
        },
      ],
    }),
    { mode: 0o600 },
  );
  const config = loadConfig(file, {});
  const store = await Store.open(config.store);
  const now = new Date();
  const [target] = await targetIds(store, config.directories, now);
  const box = secretBoxFor(config);
  const verifier = await hashPassword('bench-shared-verifier-only');
  for (let i = 0; i < users.length; i += 500) {
    await store.transact(async (q) => {
      for (const u of users.slice(i, i + 500)) {
        const row = await q.users.addLocal({ username: u.username, email: u.mail, fullName: `${u.givenName} ${u.sn}` }, now);
        await q.users.edit(u.username, { first_name: u.givenName, last_name: u.sn }, now);
        await q.userPasswords.set(row.id, verifier, now);
        await recordChange(q, [target], 'user', row.id, box.seal(u.password), now);
      }
    });
  }
  const { token } = await createToken(store, { name: 'bench', role: 'administrator', createdBy: null }, now);
  await store.close();
  return { dir, file, token };
}

function runCli(file: string, argv: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const prof = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [];
    const trace = args['sql-trace'] ? ['--import', path.join(HERE, 'sql-trace.mjs')] : [];
    const env = args['sql-trace'] ? { ...process.env, IDSYNC_SQL_TRACE: args['sql-trace'] } : process.env;
    const child = spawn(process.execPath, [...prof, ...trace, BIN, '--config', file, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`idsync ${argv.join(' ')} exited ${code}: ${err.slice(-3000)}`)),
    );
  });
}

/** Every user is in the container once, enabled, and a sample binds with its password. */
async function check(s: Server, container: string, users: FloorUser[]): Promise<void> {
  const c = await client(s);
  try {
    const idAttr = s.kind === 'active-directory' ? 'sAMAccountName' : 'uid';
    const { searchEntries } = await c.search(container, { scope: 'one', filter: '(objectClass=person)', attributes: [idAttr], paged: { pageSize: 1000 } });
    if (searchEntries.length !== users.length) throw new Error(`${s.label}: ${searchEntries.length} entries in ${container}, expected ${users.length}`);
  } finally {
    await c.unbind();
  }
  for (const u of users.filter((_, i) => i % Math.max(1, Math.floor(users.length / 10)) === 0)) {
    const dn = s.kind === 'active-directory' ? `${u.username}@corp.example.test` : `uid=${u.username},${container}`;
    const b = await client(s, dn, u.password);
    await b.unbind();
  }
}

/** Starts `idsync serve`, changes a user's mail CHANGES times through the API, and times each until the directory shows it. */
async function latencies(s: Server, file: string, token: string, port: number, container: string, users: FloorUser[]): Promise<number[]> {
  const serve = spawn(process.execPath, [BIN, '--config', file, 'serve'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  serve.stderr.on('data', (d) => (err += d));
  const base = `http://127.0.0.1:${port}`;
  const c = await client(s);
  try {
    for (let i = 0; ; i++) {
      if (serve.exitCode !== null) throw new Error(`idsync serve exited: ${err.slice(-3000)}`);
      if (
        await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 600) throw new Error('idsync serve did not answer within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const idAttr = s.kind === 'active-directory' ? 'sAMAccountName' : 'uid';
    const out: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const u = users[(i * 37) % users.length];
      const mail = `changed-${i}-${Date.now()}@corp.example.test`;
      const started = performance.now();
      const r = await fetch(`${base}/api/v1/users/${encodeURIComponent(u.username)}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: mail }),
      });
      if (!r.ok) throw new Error(`PATCH ${u.username}: ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
      for (;;) {
        const { searchEntries } = await c.search(container, { scope: 'one', filter: `(&(${idAttr}=${u.username})(mail=${mail}))`, attributes: ['1.1'] });
        if (searchEntries.length) break;
        if (performance.now() - started > 30_000) throw new Error(`${s.label}: ${u.username}'s mail not visible after 30 s`);
        await new Promise((r) => setTimeout(r, 2));
      }
      out.push(performance.now() - started);
    }
    return out;
  } finally {
    await c.unbind().catch(() => undefined);
    serve.kill('SIGTERM');
    await new Promise((r) => serve.once('exit', r));
  }
}

async function measure(s: Server): Promise<Result> {
  const ou = await s.addOu(`bench${Date.now()}`);
  const floorOu = await s.addOu('floor', ou);
  const usersOu = await s.addOu('users', ou);
  const groupsOu = await s.addOu('groups', ou);
  // Distinct per row: usernames are looked up in the whole directory, and an earlier row's users would be conflicts.
  const prefix = s.kind === 'active-directory' ? 'p' : s.serverHashesPasswords ? 'ph' : 'pr';
  const floorSet = floorUsers(`f${prefix}`, N);
  const idsyncSet = floorUsers(`i${prefix}`, N);
  const load = loadavg()[0];
  log(`${s.label}: ldapadd of ${N} users with passwords (floor)…`);
  const floorBeforeS = await ldapaddSeconds(
    { kind: s.kind, url: s.url, bindDn: s.bindDn, password: s.password, caFile: s.caFile, container: floorOu },
    floorSet,
  );
  log(`  ${floorBeforeS.toFixed(2)} s`);
  const port = await freePort();
  const ws = await workspace(s, usersOu, groupsOu, idsyncSet, port);
  try {
    log(`${s.label}: idsync provision of the same number of users…`);
    const idsyncS = await runCli(ws.file, ['provision', '--directory', 'target']);
    await check(s, usersOu, idsyncSet);
    // The floor again, now that the directory holds idsync's users too: an add costs more in a
    // larger database (Samba's grows from 5,000 to 10,000 users here), and a floor measured only
    // first would favour it. The ratio is against the mean of the two.
    log(`${s.label}: ldapadd of ${N} more users with passwords (floor, after)…`);
    const floorOu2 = await s.addOu('floor-after', ou);
    const floorAfterS = await ldapaddSeconds(
      { kind: s.kind, url: s.url, bindDn: s.bindDn, password: s.password, caFile: s.caFile, container: floorOu2 },
      floorUsers(`g${prefix}`, N),
    );
    const floorS = (floorBeforeS + floorAfterS) / 2;
    log(`  ${floorAfterS.toFixed(2)} s; idsync ${(idsyncS / floorS).toFixed(2)}× the mean floor`);
    log(`${s.label}: ${CHANGES} changes from the API to the directory under idsync serve…`);
    const lat = await latencies(s, ws.file, ws.token, port, usersOu, idsyncSet);
    log(`  median ${pct(lat, 50).toFixed(0)} ms, p95 ${pct(lat, 95).toFixed(0)} ms`);
    return { label: s.label, floorS, floorBeforeS, floorAfterS, idsyncS, load, latencies: lat };
  } finally {
    rmSync(ws.dir, { recursive: true, force: true });
  }
}

function report(results: Result[]): string {
  const ok = (b: boolean) => (b ? 'met' : '**missed**');
  const rows = results.map((r) => {
    const ratio = r.idsyncS / r.floorS;
    const p95 = pct(r.latencies, 95);
    return (
      `| ${r.label} | ${r.floorBeforeS.toFixed(2)} / ${r.floorAfterS.toFixed(2)} | ${r.idsyncS.toFixed(2)} | ` +
      `${ratio.toFixed(2)}× (${ok(ratio <= TARGET_RATIO)}) | ` +
      `${pct(r.latencies, 50).toFixed(0)} | ${p95.toFixed(0)} (${ok(p95 < TARGET_P95_MS)}) | ${r.load.toFixed(1)} |`
    );
  });
  return [
    `## Outbound provisioning (bench/provision.ts)`,
    '',
    `${new Date().toISOString()}; ${cpus().length} cores (${cpus()[0]?.model.trim()}), node ${process.version}. ${N} new users with their passwords; ` +
      `${CHANGES} mail changes through the API. Targets: provisioning within ${TARGET_RATIO}× of \`ldapadd\`, p95 API → directory under ${TARGET_P95_MS} ms.`,
    '',
    `| directory | floor: ldapadd before / after idsync (s) | idsync provision (s) | × mean floor | API → directory median (ms) | p95 (ms) | load |`,
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const results: Result[] = [];
  const slapd = await startSlapd();
  try {
    const onSlapd = (label: string, more: Partial<Server> = {}): Server => ({
      kind: 'openldap',
      label,
      url: slapd.ldapsUrl,
      bindDn: slapd.bindDn,
      password: slapd.password,
      caFile: slapd.caFile,
      baseDn: slapd.baseDn,
      addOu: (n, p) => slapd.addOu(n, p),
      stop: () => slapd.stop(),
      ...more,
    });
    results.push(await measure(onSlapd('OpenLDAP slapd (LDAPS)')));
    // The same with the server hashing a clear userPassword in an add (ppolicy
    // olcPPolicyHashCleartext), floor included: idsync then creates each user in one add.
    await slapd.modify('olcOverlay={2}ppolicy,olcDatabase={1}mdb,cn=config', 'olcPPolicyHashCleartext', 'TRUE');
    results.push(await measure(onSlapd('OpenLDAP slapd (LDAPS), serverHashesPasswords', { serverHashesPasswords: true })));
  } finally {
    await slapd.stop();
  }
  if (!args['skip-ad']) {
    const samba = await startSamba();
    try {
      results.push(
        await measure({
          kind: 'active-directory',
          label: 'Samba AD DC (LDAPS)',
          url: samba.url,
          bindDn: samba.bindDn,
          password: samba.password,
          caFile: samba.caFile,
          baseDn: samba.baseDn,
          addOu: (n, p) => samba.addOu(n, p),
          stop: () => samba.stop(),
        }),
      );
    } finally {
      await samba.stop();
    }
  }
  const md = report(results);
  log(`\n${md}`);
  writeFileSync(path.join(HERE, 'results-provision.md'), md);
}

await main();

// Second-factor verification latency (issue 15, "verify latency for TOTP (p50, p95) under
// concurrent load"): `npm run bench` runs it after the others.
//
//   npx tsx bench/second-factor.ts [--users 1000] [--concurrency 16]
//
// A real `idsync serve` (built CLI, SQLite store) with --users local users, each with a TOTP
// authenticator (the secret sealed with the store's key, as the enrollment page stores it). Then
// --concurrency clients, each with its own `verify` token (the per-client request limit is 100/s),
// send POST /api/v1/auth/verify with `secondFactor: { type: totp }`:
// every user once with the current code: allow (unseal, HMAC, the conditional step update), then
// at once again with the same code: deny replayed_code (a failure counted towards lockout).
// Latency is measured at the client, per request. `uptime` is recorded before and after: the
// machine is shared, and the load says how much of it the bench had.
import { spawn, execSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Secret, TOTP } from 'otpauth';
import { createToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config/load.js';
import { secretBoxFor } from '../src/directories/secret-box.js';
import { Store } from '../src/store/db.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(HERE, '../bin/idsync.js');
const { values: args } = parseArgs({ options: { users: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '16' } } });
const USERS = Number(args.users);
const CONCURRENCY = Number(args.concurrency);
const log = (s: string) => process.stdout.write(`${s}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'idsync-bench-mfa-'));
  const port = await freePort();
  const configFile = path.join(dir, 'idsync.yaml');
  writeFileSync(configFile, `store: sqlite:${path.join(dir, 'store.db')}\ndirectories: []\napi:\n  listen: 127.0.0.1:${port}\n`);
  const config = loadConfig(configFile);
  const store = await Store.open(config.store);
  const box = secretBoxFor(config);
  const secrets: string[] = [];
  const tokens: string[] = [];
  const t0 = performance.now();
  await store.transact(async (q) => {
    for (let i = 0; i < USERS; i++) {
      const u = await q.users.addLocal({ username: `user${i}` }, new Date());
      const secret = new Secret({ size: 20 }).base32;
      secrets.push(secret);
      await q.authenticators.add({ userId: u.id, kind: 'totp', label: 'bench', sealedSecret: box.seal(secret) }, new Date());
    }
  });
  for (let i = 0; i < CONCURRENCY; i++) tokens.push((await createToken(store, { name: `bench-${i}`, role: 'verify', createdBy: null }, new Date())).token);
  await store.close();
  log(`seeded ${USERS} users with a TOTP each in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const server = spawn(process.execPath, [BIN, '--config', configFile, 'serve'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr!.on('data', (d) => (stderr += d));
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        /* not yet */
      }
      if (i > 300) throw new Error(`idsync serve did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const times = { allow: [] as number[], replay: [] as number[] };
    const outcomes = { allow: new Map<string, number>(), replay: new Map<string, number>() };
    const one = async (token: string, i: number, code: string, kind: 'allow' | 'replay') => {
      const s = performance.now();
      const r = await fetch(`${base}/api/v1/auth/verify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ username: `user${i}`, secondFactor: { type: 'totp', code } }),
      });
      const body = (await r.json()) as { reason?: string; error?: { code: string } };
      times[kind].push(performance.now() - s);
      const key = body.reason ?? body.error?.code ?? String(r.status);
      outcomes[kind].set(key, (outcomes[kind].get(key) ?? 0) + 1);
    };
    const uptimeBefore = execSync('uptime').toString().trim();
    let next = 0;
    const started = performance.now();
    // Each user once with the code of the moment (allowed), then the same code again at once (refused: its step is used).
    await Promise.all(
      tokens.map(async (token) => {
        for (let i = next++; i < USERS; i = next++) {
          const code = TOTP.generate({ secret: Secret.fromBase32(secrets[i]!) });
          await one(token, i, code, 'allow');
          await one(token, i, code, 'replay');
        }
      }),
    );
    const wall = (performance.now() - started) / 1000;
    const uptimeAfter = execSync('uptime').toString().trim();
    const row = (label: string, kind: 'allow' | 'replay', expect: string) => {
      const t = times[kind].sort((x, y) => x - y);
      const o = outcomes[kind];
      const r = {
        label,
        n: t.length,
        p50: pct(t, 50),
        p95: pct(t, 95),
        max: t[t.length - 1]!,
        outcomes: [...o].map(([k, v]) => `${k} ${v}`).join(', '),
        expected: (o.get(expect) ?? 0) === t.length,
      };
      log(`${label}: ${r.n} verifications, p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(0)} ms (${r.outcomes})`);
      return r;
    };
    const allow = row('TOTP, allowed', 'allow', 'verified');
    const replay = row('TOTP replayed, denied', 'replay', 'replayed_code');
    const rate = (2 * USERS) / wall;
    log(`${(2 * USERS).toFixed(0)} verifications in ${wall.toFixed(1)} s: ${rate.toFixed(0)}/s`);
    log(`uptime before: ${uptimeBefore}\nuptime after: ${uptimeAfter}`);
    const lines = [
      '# Second-factor verification latency (bench/second-factor.ts)',
      '',
      `POST /api/v1/auth/verify with \`secondFactor: { type: totp }\` against a real \`idsync serve\` (SQLite store), ${USERS} users with a TOTP each, ` +
        `${CONCURRENCY} concurrent clients (each its own verify token), latency at the client. Measured ${new Date().toISOString()}.`,
      '',
      '| verification | n | p50 | p95 | max | outcomes |',
      '|---|---|---|---|---|---|',
      ...[allow, replay].map((r) => `| ${r.label} | ${r.n} | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.max.toFixed(0)} ms | ${r.outcomes} |`),
      '',
      `Throughput: ${rate.toFixed(0)} verifications/s over ${wall.toFixed(1)} s.`,
      '',
      `Load (\`uptime\`) before: \`${uptimeBefore}\``,
      '',
      `Load (\`uptime\`) after: \`${uptimeAfter}\``,
      '',
    ];
    writeFileSync(path.join(HERE, 'results-second-factor.md'), lines.join('\n'));
    if (!allow.expected || !replay.expected) throw new Error('some verifications did not get the expected decision; see the outcomes above');
  } finally {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});

// Login flood benchmark (`npm run bench`, last): what 100 parallel unauthenticated logins cost
// `idsync serve` in memory, and that the cost is bounded (issue 10 item 7: before the hash gate,
// 100 parallel logins took the server from 84 MB to 1.32 GB, and it kept that memory).
//
//   npx tsx bench/login.ts [--logins 100] [--max-growth-mb 200]
//
// A real `idsync serve` with no directory, an owner created by `idsync admin create`, and
// api.trustProxy so each login can come from its own address (X-Forwarded-For): otherwise the
// per-address limit (20) would refuse most of them before any hash, and the flood would measure
// nothing. Memory is the server's VmRSS and its peak VmHWM from /proc. Exits 1 when the peak grows
// by more than --max-growth-mb, so the bound is checked whenever the bench runs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(HERE, '../bin/idsync.js');
const { values: args } = parseArgs({ options: { logins: { type: 'string', default: '100' }, 'max-growth-mb': { type: 'string', default: '200' } } });
const LOGINS = Number(args.logins);
const MAX_GROWTH_MB = Number(args['max-growth-mb']);
const log = (s: string) => process.stdout.write(`${s}\n`);
const OWNER = { username: 'root', password: 'bench-owner-password-1' };

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

function memMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'idsync-bench-login-'));
  const port = await freePort();
  const config = path.join(dir, 'idsync.yaml');
  writeFileSync(config, `store: sqlite:${path.join(dir, 'store.db')}\ndirectories: []\napi:\n  listen: 127.0.0.1:${port}\n  trustProxy: true\n`);
  const created = spawnSync(process.execPath, [BIN, '--config', config, 'admin', 'create', '--username', OWNER.username, '--role', 'owner'], {
    env: { ...process.env, IDSYNC_ADMIN_PASSWORD: OWNER.password },
    encoding: 'utf8',
  });
  if (created.status !== 0) throw new Error(`idsync admin create failed: ${created.stderr}`);
  const server = spawn(process.execPath, [BIN, '--config', config, 'serve'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr!.on('data', (d) => (stderr += d));
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (server.exitCode !== null) throw new Error(`idsync serve exited: ${stderr}`);
      if (
        await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 300) throw new Error('idsync serve did not answer /healthz within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const login = (username: string, password: string, ip: string) =>
      fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ username, password }),
      }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
    // One real login first, so the start-up cost of argon2 (compiling its WASM) is in the baseline.
    if ((await login(OWNER.username, OWNER.password, '198.18.0.1')) !== 200) throw new Error('the owner cannot log in');
    const before = memMb(server.pid!);
    const started = performance.now();
    // Half for the owner (wrong passwords, locked after five), half for names that do not exist.
    const statuses = await Promise.all(
      Array.from({ length: LOGINS }, (_, i) => login(i % 2 ? OWNER.username : `ghost${i}`, `wrong-password-${i}`, `198.18.${1 + (i >> 8)}.${i & 255}`)),
    );
    const seconds = (performance.now() - started) / 1000;
    const during = memMb(server.pid!);
    await new Promise((r) => setTimeout(r, 2000));
    const after = memMb(server.pid!);
    const count = (s: number) => statuses.filter((x) => x === s).length;
    const growth = during.peak - before.rss;
    const rows = [
      `| ${LOGINS} parallel logins (${LOGINS / 2} to the owner with wrong passwords, ${LOGINS / 2} to unknown names, each from its own address) | |`,
      `|---|---|`,
      `| answers | ${count(401)} × 401, ${count(429)} × 429 (locked or queue full), ${statuses.length - count(401) - count(429)} other |`,
      `| wall time | ${seconds.toFixed(1)} s |`,
      `| server RSS before | ${before.rss.toFixed(0)} MB |`,
      `| server peak RSS (VmHWM) | ${during.peak.toFixed(0)} MB (+${growth.toFixed(0)} MB; bound ${MAX_GROWTH_MB} MB) |`,
      `| server RSS 2 s after | ${after.rss.toFixed(0)} MB |`,
    ];
    for (const r of rows) log(r);
    writeFileSync(
      path.join(HERE, 'results-login.md'),
      `# Login flood (bench/login.ts)\n\n${new Date().toISOString()}, Node ${process.version}\n\n${rows.join('\n')}\n`,
    );
    if (statuses.length - count(401) - count(429) !== 0) throw new Error(`unexpected answers: ${statuses.join(',')}`);
    if (growth > MAX_GROWTH_MB) {
      log(`FAIL: the server's peak RSS grew by ${growth.toFixed(0)} MB, more than ${MAX_GROWTH_MB} MB`);
      process.exitCode = 1;
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

// `npm run bench [-- --large] [-- --store sqlite|postgres|both]`: the full-sync benchmark (into
// both stores unless --store says otherwise; PostgreSQL at IDSYNC_BENCH_PG_URL), then the
// continuous-sync one, with the same scale, then the login flood (bench/login.ts, no arguments;
// it fails when 100 parallel logins grow the server's memory past its bound), then the agent one
// (bench/agent.ts: 100,000 users directly and through an idsync agent, full sync and change
// latency), then password hash sync (bench/password-sync.ts), then outbound provisioning
// (bench/provision.ts: 5,000 users with passwords against ldapadd, and API-to-directory latency),
// then second-factor verification latency (bench/second-factor.ts: TOTP p50/p95 under concurrent load),
// then several nodes on one PostgreSQL (bench/nodes.ts: takeover after SIGKILL over 10 kills, and
// 20 directories on 1 node against 3),
// then enrollment emails (bench/mail.ts: 10,000 newly synced users queued and sent to a local SMTP server).
// Each writes its table to bench/results-*.md; the README quotes them.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = path.resolve(here, '../node_modules/.bin/tsx');
const argv = process.argv.slice(2);
for (const script of ['run.ts', 'latency.ts', 'login.ts', 'agent.ts', 'password-sync.ts', 'provision.ts', 'second-factor.ts', 'nodes.ts', 'mail.ts']) {
  const own =
    script === 'run.ts'
      ? argv.filter((a) => !['--skip-ad'].includes(a))
      : ['login.ts', 'agent.ts', 'password-sync.ts', 'second-factor.ts', 'nodes.ts', 'mail.ts'].includes(script)
        ? []
        : script === 'provision.ts'
          ? argv.filter((a) => a === '--skip-ad')
          : argv.filter((a) => a === '--large' || a === '--skip-ad');
  const r = spawnSync(tsx, [path.join(here, script), ...own], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

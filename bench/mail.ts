// Enrollment email benchmark (issue 15, `npm run bench`): the time to queue and send enrollment
// emails for 10,000 newly synced users to a local SMTP server.
//
//   npx tsx bench/mail.ts [--users 10000] [--store sqlite|postgres]
//
// The users are written to the store as a sync's page writer leaves them (rows, a run and its
// `created` run log), then the two timed steps run as idsync serve runs them: `afterSync` (a link
// per user, each with its first email in the outbox) and the sender draining the outbox into the
// local SMTP server of the test harness (smtp-server, STARTTLS with the test CA verified; messages
// counted, not parsed). Writes bench/results-mail.md with the `uptime` load at the time.
import { execSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseConfig } from '../src/config/load.js';
import { SecretBox } from '../src/directories/secret-box.js';
import { afterSync } from '../src/enrollment/mailing.js';
import { MailDelivery } from '../src/mail/sender.js';
import { Store } from '../src/store/db.js';
import { generateCerts } from '../test/harness/certs.js';
import { TestSmtp } from '../test/harness/smtp.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({ options: { users: { type: 'string', default: '10000' }, store: { type: 'string', default: 'sqlite' } } });
const USERS = Number(args.users);
const log = (s: string) => process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'idsync-bench-mail-'));
  const certs = await generateCerts(path.join(dir, 'certs'));
  const smtp = new TestSmtp({ certs, countOnly: true });
  await smtp.start();
  const storeUrl =
    args.store === 'postgres'
      ? `${process.env.IDSYNC_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'}?schema=bench_mail_${process.pid}`
      : `sqlite:${path.join(dir, 'store.db')}`;
  const config = parseConfig(
    {
      store: storeUrl,
      smtp: smtp.config({ timeoutMs: 30_000 }),
      api: { publicUrl: 'https://idsync.bench.example' },
      directories: [
        { name: 'bench', type: 'openldap', servers: ['ldap://127.0.0.1:9'], baseDn: 'dc=bench', groups: ['cn=g,dc=bench'], enrollment: { email: true } },
      ],
    },
    { baseDir: dir, env: {} },
  );
  const store = await Store.open(config.store);
  const box = SecretBox.fromText('b'.repeat(40), 'bench');
  const now = new Date();
  const at = now.toISOString();
  const d = await store.db
    .insertInto('directories')
    .values({ name: 'bench', type: 'openldap', username_attribute: 'uid', first_synced_at: at, created_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  const run = await store.db
    .insertInto('runs')
    .values({
      directory_id: d.id,
      directory_name: 'bench',
      kind: 'full',
      dry_run: 0,
      status: 'succeeded',
      started_at: at,
      finished_at: at,
      duration_ms: 0,
      counts: '{}',
      error_code: null,
      error: null,
      server: null,
      attempts: '[]',
      warnings: '[]',
      pid: null,
      host: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (let i = 0; i < USERS; i += 500) {
    const rows = Array.from({ length: Math.min(500, USERS - i) }, (_, k) => {
      const n = i + k;
      return {
        username: `user${n}`,
        username_key: `user${n}`,
        directory_id: d.id,
        external_id: `ext-${n}`,
        dn: `uid=user${n},dc=bench`,
        dn_key: `uid=user${n},dc=bench`,
        aliases: '[]',
        full_name: `User ${n}`,
        first_name: 'User',
        last_name: String(n),
        email: `user${n}@bench.example`,
        phones: '[]',
        notes: null,
        status: 'active' as const,
        status_reason: null,
        sync_item: 'group cn=g,dc=bench',
        trashed_at: null,
        delete_after: null,
        created_at: at,
        updated_at: at,
      };
    });
    const ids = await store.db.insertInto('users').values(rows).returning('id').execute();
    await store.db
      .insertInto('run_objects')
      .values(
        ids.map((u, k) => ({
          run_id: run.id,
          object_type: 'user' as const,
          name: `user${i + k}`,
          external_id: null,
          user_id: u.id,
          outcome: 'created',
          detail: null,
        })),
      )
      .execute();
  }
  const report = {
    runId: run.id,
    directory: 'bench',
    kind: 'full' as const,
    dryRun: false,
    status: 'succeeded' as const,
    attempts: [],
    counts: {} as never,
    changes: [],
    warnings: [],
    durationMs: 0,
  };

  const t0 = performance.now();
  const issued = await afterSync({ store, box }, config.directories[0], report, now);
  const queuedMs = performance.now() - t0;
  const delivery = new MailDelivery({ store, box, smtp: config.smtp, publicUrl: config.api.publicUrl, now: () => new Date() });
  const t1 = performance.now();
  const r = await delivery.drain();
  const sendMs = performance.now() - t1;
  delivery.close();
  await smtp.waitFor(0);
  const uptime = execSync('uptime').toString().trim();
  log(`${issued} links issued and queued in ${(queuedMs / 1000).toFixed(1)} s; ${r.sent} sent in ${(sendMs / 1000).toFixed(1)} s (${smtp.count} received)`);
  log(uptime);
  if (r.sent !== USERS || smtp.count !== USERS) throw new Error(`expected ${USERS} emails, sent ${r.sent}, received ${smtp.count}`);
  const md = [
    '# Enrollment emails: queue and send (bench/mail.ts)',
    '',
    `${USERS.toLocaleString('en')} newly synced users, store ${store.dialect}, local SMTP server (smtp-server, STARTTLS, CA verified), ` +
      `${new Date().toISOString()}.`,
    '',
    '| step | time | rate |',
    '|---|---|---|',
    `| queue (afterSync: a link each, first email in the outbox) | ${(queuedMs / 1000).toFixed(1)} s | ${Math.round(USERS / (queuedMs / 1000))}/s |`,
    `| send (outbox drained: rendered at send time, SMTP, marked sent) | ${(sendMs / 1000).toFixed(1)} s | ${Math.round(USERS / (sendMs / 1000))}/s |`,
    `| total | ${((queuedMs + sendMs) / 1000).toFixed(1)} s | |`,
    '',
    `Load at the end: \`${uptime}\``,
    '',
  ].join('\n');
  writeFileSync(path.join(HERE, `results-mail${store.dialect === 'postgres' ? '-postgres' : ''}.md`), md);
  if (store.dialect === 'postgres') await store.db.schema.dropSchema(`bench_mail_${process.pid}`).ifExists().cascade().execute();
  await store.close();
  await smtp.stop();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});

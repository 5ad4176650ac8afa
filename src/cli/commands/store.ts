import type { Command } from 'commander';
import { IdsyncError } from '../../errors.js';
import { exportStore } from '../../store/export.js';
import { listRuns, showRun, userDetail } from '../../store/history.js';
import { LocalChanges } from '../../provision/local-changes.js';
import { DIRECTORY_OWNED_FIELDS, type EditableField } from '../../store/users.js';
import { USER_COLUMN_BY_NAME } from '../../store/user-fields.js';
import { auditCli } from '../audit.js';
import { clock, withStore, type Context, type GlobalOptions } from '../context.js';
import { readSecret } from '../secret-input.js';

function json(v: unknown): void {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
}

function countsLine(c: Record<string, number>): string {
  const keys = ['created', 'updated', 'unchanged', 'restored', 'disabled', 'trashed', 'deleted', 'skipped', 'conflict', 'held'];
  return (
    keys
      .filter((k) => c[k])
      .map((k) => `${c[k]} ${k}`)
      .join(', ') || 'no changes'
  );
}

/** Changes to store-owned users and groups, recorded for provisioning (issue 12). */
export function localChanges(ctx: Context): LocalChanges {
  return new LocalChanges({ store: ctx.store, config: ctx.config, now: clock() });
}

export function registerStoreCommands(program: Command): void {
  const g = () => program.opts() as GlobalOptions;

  program
    .command('export')
    .description('print the store (users and groups) as JSON')
    .action(async () => {
      await withStore(g(), async ({ store }) => json(await exportStore(store)));
    });

  const runs = program.command('runs').description('run history: `runs` lists, `runs show ID` details one run');
  runs
    .command('list', { isDefault: true })
    .description('recent runs, newest first')
    .option('-l, --limit <n>', 'how many', '20')
    .option('--json', 'print JSON')
    .action(async (o: { limit: string; json?: boolean }) => {
      await withStore(g(), async ({ store }) => {
        const list = await listRuns(store, Number(o.limit) || 20);
        if (o.json) return json(list);
        if (!list.length) return void process.stdout.write('No runs yet.\n');
        for (const r of list) {
          const dur = r.durationMs === null ? '' : ` ${(r.durationMs / 1000).toFixed(1)} s`;
          process.stdout.write(
            `${String(r.id).padStart(5)}  ${r.startedAt}  ${r.directory}  ${r.kind}  ` +
              `${r.status}${r.approval === 'pending' ? ' (removals held)' : ''}${dur}  ${r.error ?? countsLine(r.counts)}\n`,
          );
        }
      });
    });

  runs
    .command('show <id>')
    .description('one run with its per-object outcomes')
    .option('-o, --outcome <outcome>', 'only objects with this outcome (created, updated, disabled, trashed, restored, deleted, skipped, conflict, held)')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { outcome?: string; json?: boolean }) => {
      await withStore(g(), async ({ store }) => {
        const { run, objects } = await showRun(store, Number(id), o.outcome);
        if (o.json) return json({ run, objects });
        process.stdout.write(
          `Run ${run.id}: ${run.kind} sync of "${run.directory}", ${run.status}, started ${run.startedAt}${run.server ? ` on ${run.server}` : ''}\n`,
        );
        process.stdout.write(`  ${countsLine(run.counts)}\n`);
        if (run.error) process.stdout.write(`  error [${run.errorCode}]: ${run.error}\n`);
        for (const w of run.warnings) process.stdout.write(`  warning: ${w}\n`);
        for (const x of objects) {
          process.stdout.write(`  ${x.outcome.padEnd(9)} ${x.objectType} ${x.name}${x.reason ? ` — ${x.reason}` : ''}\n`);
          for (const [a, ch] of Object.entries(x.attributes ?? {}))
            process.stdout.write(`            ${a}: ${JSON.stringify(ch.before)} → ${JSON.stringify(ch.after)}\n`);
        }
      });
    });

  const users = program.command('users').description('users in the store');
  users
    .command('show <username>')
    .description('a user, the sync item that brought them in, and the runs that changed them')
    .option('--json', 'print JSON')
    .action(async (username: string, o: { json?: boolean }) => {
      await withStore(g(), async ({ store }) => {
        const d = await userDetail(store, username);
        // Issue 12: the local groups the user is in, and when idsync last set a local user's password (the API's user detail says the same).
        const row = await store.users.find(d.username);
        const localGroups = row ? (await store.localGroups.groupsOf(row.id)).map((x) => x.name) : [];
        const passwordSetAt = row ? ((await store.userPasswords.setAt(row.id)) ?? null) : null;
        // Issue 12: the user's export state at each provisioning target.
        const exports = row ? await store.provisioning.recordsOf('user', row.id) : [];
        if (o.json) return json({ ...d, localGroups, passwordSetAt, exports });
        const w = (s: string) => process.stdout.write(`${s}\n`);
        const held = d.heldRemoval;
        w(`${d.username} — ${d.status}${held ? `, removal held for approval (run ${held.runId})` : ''}${d.statusReason ? ` (${d.statusReason})` : ''}`);
        if (held) {
          const what = held.action === 'trash' ? 'move to the trash' : 'disable';
          w(
            `  ${what} held for approval by run ${held.runId} since ${held.since}: ${held.reason}; approve or reject run ${held.runId} (\`idsync approve ` +
              `${held.runId}\` or \`idsync reject ${held.runId}\`)`,
          );
        }
        if (d.deleteAfter) w(`  in the trash since ${d.trashedAt}; deleted after ${d.deleteAfter} unless back in scope`);
        w(`  directory: ${d.directory ?? '(none: a local user)'}${d.dn ? `, ${d.dn}` : ''}`);
        if (d.syncItem) w(`  brought in by: ${d.syncItem}`);
        w(`  groups: ${d.groups.join(', ') || '(none)'}`);
        if (localGroups.length) w(`  local groups: ${localGroups.join(', ')}`);
        if (d.directory === null) w(`  password: ${passwordSetAt ? `set ${passwordSetAt}` : 'not set in idsync'}`);
        for (const e of exports)
          w(`  exported to ${e.directory}: ${e.state}${e.targetDn ? ` ${e.targetDn}` : ''}${e.reason ? ` — ${e.code}: ${e.reason}` : ''}`);
        for (const [k, v] of Object.entries(d.attributes))
          w(`  ${k}: ${Array.isArray(v) ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : x)).join(', ') : (v ?? '')}`);
        if (d.history.length) w('  recent runs:');
        for (const h of d.history) w(`    run ${h.runId} ${h.startedAt}: ${h.outcome}${h.reason ? ` — ${h.reason}` : ''}`);
      });
    });

  users
    .command('add <username>')
    .description('create a local user (a directory syncing the same username adopts it)')
    .option('--email <email>')
    .option('--full-name <name>')
    .action(async (username: string, o: { email?: string; fullName?: string }) => {
      await withStore(g(), async (ctx) => {
        await localChanges(ctx).addUser({ username, email: o.email, fullName: o.fullName });
        await auditCli(ctx.store, 'users add', 'createLocalUser', `username=${username}`);
        process.stdout.write(`Created local user ${username}.\n`);
      });
    });

  users
    .command('edit <username>')
    .description('change attributes of a user; attributes a directory owns are refused')
    .option('--email <email>')
    .option('--full-name <name>')
    .option('--first-name <name>')
    .option('--last-name <name>')
    .option('--notes <text>')
    .option('--status <status>', 'active or disabled')
    .action(async (username: string, o: Record<string, string>) => {
      // The options are the API's field names (--full-name: fullName); each stands for its store column.
      const patch: Partial<Record<EditableField, string>> = {};
      for (const [k, v] of Object.entries(o)) {
        const col = (USER_COLUMN_BY_NAME as Record<string, string>)[k] as EditableField | undefined;
        if (col && DIRECTORY_OWNED_FIELDS.includes(col) && v !== undefined) patch[col] = v;
      }
      if (!Object.keys(patch).length) throw new IdsyncError('USAGE', 'say what to change, e.g. --email new@example.com');
      await withStore(g(), async (ctx) => {
        await localChanges(ctx).editUser(username, patch);
        await auditCli(ctx.store, 'users edit', 'updateUser', `username=${username}`, { fields: Object.keys(patch) });
        process.stdout.write(`Updated ${username}.\n`);
      });
    });

  users
    .command('password <username>')
    .description(
      "set a local user's password, read from standard input (or asked twice on a terminal), or from the environment variable named by " +
        '--from-env; never from an argument. The store keeps an argon2id verifier; provisioning targets receive it encrypted',
    )
    .option('--from-env <var>', 'read the password from this environment variable')
    .action(async (username: string, o: { fromEnv?: string }) => {
      const password = await readSecret('Password', o.fromEnv);
      await withStore(g(), async (ctx) => {
        const r = await localChanges(ctx).setPassword(username, password);
        await auditCli(ctx.store, 'users password', 'setUserPassword', `username=${r.username}`);
        process.stdout.write(`Password of ${r.username} set.\n`);
      });
    });
}

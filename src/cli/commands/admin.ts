import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { createAdmin, findAdmin, listAdmins, setPassword } from '../../auth/admins.js';
import { unlockAddress, unlockUsername } from '../../auth/rate-limit.js';
import { deleteOtherSessions } from '../../auth/sessions.js';
import { isRole, ROLES, type Role } from '../../auth/roles.js';
import { IdsyncError } from '../../errors.js';
import type { Store } from '../../store/db.js';
import { clock, withStore, type GlobalOptions } from '../context.js';
import { promptHidden, readAll } from '../secret-input.js';

/**
 * The password never comes from the command line (it would show in `ps` and the shell history):
 * IDSYNC_ADMIN_PASSWORD, else standard input, asked twice on a terminal.
 */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.IDSYNC_ADMIN_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY) return readAll(process.stdin);
  const first = await promptHidden('Password: ');
  const again = await promptHidden('Repeat the password: ');
  if (first !== again) throw new IdsyncError('USAGE', 'the passwords differ');
  return first;
}

async function audit(store: Store, action: string, target: string, detail?: Record<string, unknown>): Promise<void> {
  await store.auditLog.write({
    at: clock()().toISOString(),
    actorType: 'cli',
    actor: userInfo().username,
    ip: null,
    userAgent: 'idsync admin',
    action,
    method: 'CLI',
    path: `idsync admin ${action}`,
    target,
    status: 0,
    outcome: 'success',
    detail: detail ?? null,
  });
}

export function registerAdminCommands(program: Command): void {
  const g = () => program.opts() as GlobalOptions;
  const admin = program.command('admin').description('admin accounts of the admin API and panel');

  admin
    .command('create')
    .description('create an admin account (the first one: --role owner); the password is read from IDSYNC_ADMIN_PASSWORD or standard input')
    .requiredOption('-u, --username <name>', 'the login name')
    .option('-r, --role <role>', `one of ${ROLES.join(', ')}`, 'owner')
    .action(async (o: { username: string; role: string }) => {
      if (!isRole(o.role)) throw new IdsyncError('USAGE', `--role must be one of ${ROLES.join(', ')}, got "${o.role}"`);
      const password = await readPassword();
      await withStore(g(), async ({ store }) => {
        const a = await createAdmin(store, { username: o.username, role: o.role as Role, password }, clock()());
        await audit(store, 'createAdmin', `username=${a.username}`, { role: a.role });
        process.stdout.write(`Created ${a.role} "${a.username}". Log in at the admin panel, or create API tokens with it.\n`);
      });
    });

  admin
    .command('list')
    .description('list admin accounts')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withStore(g(), async ({ store }) => {
        const list = await listAdmins(store);
        if (o.json) return void process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        if (!list.length) return void process.stdout.write('No admins yet: create the first with `idsync admin create --username NAME --role owner`.\n');
        for (const a of list) process.stdout.write(`${a.username}\t${a.role}\tlast login ${a.lastLoginAt ?? 'never'}\n`);
      });
    });

  admin
    .command('set-password')
    .description("set an admin's password (recovery for a forgotten one), end their sessions and lift a login lockout; read like `create`")
    .requiredOption('-u, --username <name>', 'the login name')
    .action(async (o: { username: string }) => {
      const password = await readPassword();
      await withStore(g(), async ({ store }) => {
        const a = await findAdmin(store, o.username);
        if (!a) throw new IdsyncError('STORE_NOT_FOUND', `no admin named "${o.username}"`);
        const now = clock()();
        await setPassword(store, a.id, password, now, 'password');
        await deleteOtherSessions(store, a.id);
        // A new password is a way back in: the failures counted against the old one no longer matter.
        const wasLocked = await unlockUsername(store, a.username, now.getTime());
        await audit(store, 'setAdminPassword', `username=${a.username}`, wasLocked ? { unlocked: true } : undefined);
        process.stdout.write(`Password of "${a.username}" changed; their sessions have ended${wasLocked ? ' and the login lockout is lifted' : ''}.\n`);
      });
    });

  admin
    .command('unlock')
    .description('lift the login lockout of a username, or of a client address, after too many failed logins (on every idsync process using this store)')
    .option('-u, --username <name>', 'the login name')
    .option('--address <ip>', 'a client address locked for failures across usernames (as the audit log shows it)')
    .action(async (o: { username?: string; address?: string }) => {
      if (!o.username === !o.address) throw new IdsyncError('USAGE', 'say what to unlock: --username NAME or --address IP');
      await withStore(g(), async ({ store }) => {
        const now = clock()().getTime();
        // Any name may be locked, existing or not (unknown names are throttled too), so none is refused here.
        const what = o.username !== undefined ? `"${o.username}"` : `address ${o.address}`;
        const wasLocked = o.username !== undefined ? await unlockUsername(store, o.username, now) : await unlockAddress(store, o.address!, now);
        await audit(store, 'unlockLogin', o.username !== undefined ? `username=${o.username}` : `ip=${o.address}`, { wasLocked });
        process.stdout.write(wasLocked ? `${what} is unlocked; it can log in again.\n` : `${what} was not locked; its failed-login count is reset.\n`);
      });
    });
}

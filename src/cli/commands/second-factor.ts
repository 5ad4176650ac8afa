import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { IdsyncError } from '../../errors.js';
import type * as Admin from '../../second-factor/admin.js';
import { GROUP_FACTOR_STATUSES, USER_FACTOR_STATUSES } from '../../second-factor/statuses.js';
import type { GroupFactorStatus, UserFactorStatus } from '../../store/schema.js';
import { auditCli } from '../audit.js';
import { clock, withStore, type GlobalOptions } from '../context.js';

/**
 * The second factor from the command line (issue 15): `idsync users authenticators USER`,
 * `idsync users authenticators remove USER ID`, `idsync users factor-status USER [STATUS]`,
 * `idsync groups factor-status GROUP [STATUS]`. Changes are audited as the API's are. Never a
 * secret: kinds, labels, dates and counts.
 */
/** The second-factor code (WebAuthn, TOTP and their libraries), loaded only by these commands: see statuses.ts. */
const admin = () => import('../../second-factor/admin.js');

export function registerSecondFactorCommands(program: Command): void {
  const users = program.commands.find((c) => c.name() === 'users') ?? program.command('users');
  const authenticators = users.command('authenticators').description("a user's second factors (authenticator apps, passkeys, security keys)");
  authenticators
    .command('list <user>', { isDefault: true })
    .description("list a user's authenticators and second-factor status")
    .option('--json', 'print JSON')
    .action(async (user: string, o: { json?: boolean }) => {
      await withStore(program.opts() as GlobalOptions, async ({ store }) => {
        const v = await (await admin()).secondFactorView(store, user, clock()());
        if (o.json) return void process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
        process.stdout.write(`${v.username}: second factor ${v.status}${v.effectiveStatus !== v.status ? ` (in effect: ${v.effectiveStatus})` : ''}`);
        process.stdout.write(`${v.lockedUntil ? `, locked until ${v.lockedUntil}` : ''}; ${v.recoveryCodesLeft} recovery codes left\n`);
        if (!v.authenticators.length) process.stdout.write('  no authenticator enrolled\n');
        for (const a of v.authenticators) {
          process.stdout.write(
            `  ${a.id}  ${a.kind === 'totp' ? 'TOTP    ' : 'WebAuthn'}  ${a.label}  enrolled ${a.createdAt}, last used ${a.lastUsedAt ?? 'never'}\n`,
          );
        }
      });
    });
  authenticators
    .command('remove <user> <id>')
    .description("remove one of a user's authenticators (a lost phone or key); audited")
    .action(async (user: string, id: string) => {
      if (!/^\d{1,15}$/.test(id)) throw new IdsyncError('USAGE', `the authenticator id must be a number (see \`idsync users authenticators ${user}\`)`);
      await withStore(program.opts() as GlobalOptions, async ({ store }) => {
        const r = await (await admin()).removeAuthenticator(store, user, Number(id));
        await auditCli(store, `users authenticators remove ${r.user.username} ${id}`, 'removeAuthenticator', `username=${r.user.username} id=${id}`, {
          kind: r.kind,
          label: r.label,
        });
        process.stdout.write(`removed ${r.kind === 'totp' ? 'TOTP' : 'WebAuthn'} authenticator ${id} (${r.label}) of ${r.user.username}\n`);
      });
    });

  users
    .command('factor-status <user> [status]')
    .description(`show or set a user's second-factor status: ${USER_FACTOR_STATUSES.join(', ')} (active also unlocks)`)
    .option('--json', 'print JSON')
    .action(async (user: string, status: string | undefined, o: { json?: boolean }) => {
      if (status !== undefined && !(USER_FACTOR_STATUSES as readonly string[]).includes(status)) {
        throw new IdsyncError('USAGE', `the status must be one of ${USER_FACTOR_STATUSES.join(', ')}`);
      }
      await withStore(program.opts() as GlobalOptions, async ({ store }) => {
        const now = clock()();
        if (status) {
          const u = await (await admin()).setUserFactorStatus(store, user, status as UserFactorStatus, `cli:${userInfo().username}`, now);
          await auditCli(store, `users factor-status ${u.username} ${status}`, 'setUserFactorStatus', `username=${u.username}`, { status });
        }
        const v = await (await admin()).secondFactorView(store, user, now);
        if (o.json) return void process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
        process.stdout.write(`${v.username}: ${v.status} (in effect: ${v.effectiveStatus}); ${v.failures} failed attempts\n`);
      });
    });

  const groups = program.commands.find((c) => c.name() === 'groups') ?? program.command('groups');
  groups
    .command('factor-status <group> [status]')
    .description(`show or set a group's second-factor status: ${GROUP_FACTOR_STATUSES.join(', ')} (a local group; --synced for a synced one)`)
    .option('--synced', 'a group synced from a directory (by name; --id when several directories have one)')
    .option('--id <id>', "a synced group's id, as the API and the panel show it")
    .action(async (group: string, status: string | undefined, o: { synced?: boolean; id?: string }) => {
      if (status !== undefined && !(GROUP_FACTOR_STATUSES as readonly string[]).includes(status)) {
        throw new IdsyncError('USAGE', `the status must be one of ${GROUP_FACTOR_STATUSES.join(', ')}`);
      }
      await withStore(program.opts() as GlobalOptions, async ({ store }) => {
        let ref: Awaited<ReturnType<typeof Admin.groupRef>>;
        if (o.id) ref = await (await admin()).groupRef(store, { id: Number(o.id) });
        else if (o.synced) {
          const found = await store.secondFactor.syncedGroupsNamed(group);
          if (!found.length) throw new IdsyncError('STORE_NOT_FOUND', `no synced group "${group}"`, { where: group });
          if (found.length > 1)
            throw new IdsyncError('USAGE', `several directories have a group "${group}": ids ${found.map((g) => g.id).join(', ')}; use --id`);
          ref = await (await admin()).groupRef(store, { id: found[0]!.id });
        } else ref = await (await admin()).groupRef(store, { localName: group });
        if (status) {
          await store.secondFactor.setGroupStatus(ref, status as GroupFactorStatus, `cli:${userInfo().username}`, clock()());
          const action = ref.kind === 'synced' ? 'setGroupFactorStatus' : 'setLocalGroupFactorStatus';
          await auditCli(store, `groups factor-status ${ref.name} ${status}`, action, `group=${ref.name}`, { status, kind: ref.kind });
        }
        process.stdout.write(`${ref.kind} group ${ref.name}: ${await store.secondFactor.groupStatus(ref)}\n`);
      });
    });
}

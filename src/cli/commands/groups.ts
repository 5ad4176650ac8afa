import type { Command } from 'commander';
import { IdsyncError } from '../../errors.js';
import { auditCli } from '../audit.js';
import { withStore, type GlobalOptions } from '../context.js';
import { localChanges } from './store.js';

function json(v: unknown): void {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
}

/**
 * `idsync groups`: local groups (issue 12, "Store-owned identities"), made in idsync and exported by
 * provisioning; groups synced from a directory are read with `idsync export` and the API. Every
 * change is recorded for the provisioning targets and audited.
 */
export function registerGroupCommands(program: Command): void {
  const g = () => program.opts() as GlobalOptions;
  const groups = program.command('groups').description('local groups: made in idsync, any store user as a member, exported to provisioning targets');

  groups
    .command('list')
    .description('local groups by name, with member counts')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withStore(g(), async ({ store }) => {
        const list = await store.localGroups.list();
        if (o.json) return json(list);
        if (!list.length) return void process.stdout.write('No local groups yet: create one with `idsync groups add NAME`.\n');
        for (const x of list)
          process.stdout.write(`${x.name}\t${x.memberCount} member${x.memberCount === 1 ? '' : 's'}${x.description ? `\t${x.description}` : ''}\n`);
      });
    });

  groups
    .command('show <name>')
    .description('a local group, its members and its export state at each provisioning target')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      await withStore(g(), async ({ store }) => {
        const group = await store.localGroups.find(name);
        if (!group) throw new IdsyncError('STORE_NOT_FOUND', `no local group "${name}"`, { where: name });
        const members = await store.localGroups.members(group.id);
        const exports = await store.provisioning.recordsOf('group', group.id);
        if (o.json) return json({ ...group, members, exports });
        const w = (s: string) => process.stdout.write(`${s}\n`);
        w(`${group.name}${group.description ? ` — ${group.description}` : ''}`);
        w(`  created ${group.createdAt}, updated ${group.updatedAt}`);
        w(`  members (${members.length}): ${members.map((m) => (m.directory ? `${m.username} (${m.directory})` : m.username)).join(', ') || '(none)'}`);
        for (const e of exports) w(`  ${e.directory}: ${e.state}${e.targetDn ? ` ${e.targetDn}` : ''}${e.reason ? ` — ${e.code}: ${e.reason}` : ''}`);
      });
    });

  groups
    .command('add <name>')
    .description('create a local group')
    .option('--description <text>')
    .action(async (name: string, o: { description?: string }) => {
      await withStore(g(), async (ctx) => {
        const group = await localChanges(ctx).createGroup({ name, description: o.description });
        await auditCli(ctx.store, 'groups add', 'createLocalGroup', `name=${group.name}`);
        process.stdout.write(`Created local group ${group.name}.\n`);
      });
    });

  groups
    .command('edit <name>')
    .description('rename a local group or change its description')
    .option('--name <new>', 'the new name')
    .option('--description <text>', 'the new description ("" clears it)')
    .action(async (name: string, o: { name?: string; description?: string }) => {
      if (o.name === undefined && o.description === undefined) throw new IdsyncError('USAGE', 'say what to change: --name NEW or --description TEXT');
      await withStore(g(), async (ctx) => {
        const patch = { name: o.name, description: o.description === undefined ? undefined : o.description || null };
        const group = await localChanges(ctx).editGroup(name, patch);
        await auditCli(ctx.store, 'groups edit', 'updateLocalGroup', `name=${name}`, { fields: Object.keys(o), ...(o.name ? { newName: group.name } : {}) });
        process.stdout.write(`Updated local group ${group.name}.\n`);
      });
    });

  groups
    .command('remove <name>')
    .description('remove a local group (its members stay in the store)')
    .action(async (name: string) => {
      await withStore(g(), async (ctx) => {
        const { group, members } = await localChanges(ctx).removeGroup(name);
        await auditCli(ctx.store, 'groups remove', 'deleteLocalGroup', `name=${group.name}`, { members });
        process.stdout.write(`Removed local group ${group.name}.\n`);
      });
    });

  const members = groups.command('members').description('membership of a local group: any store user, local or synced');
  for (const op of ['add', 'remove'] as const) {
    members
      .command(`${op} <name> <usernames...>`)
      .description(op === 'add' ? 'add users to a local group' : 'remove users from a local group')
      .action(async (name: string, usernames: string[]) => {
        await withStore(g(), async (ctx) => {
          const changes = localChanges(ctx);
          const { group, changed } = op === 'add' ? await changes.addMembers(name, usernames) : await changes.removeMembers(name, usernames);
          await auditCli(ctx.store, `groups members ${op}`, op === 'add' ? 'addLocalGroupMembers' : 'removeLocalGroupMember', `name=${group.name}`, {
            usernames: changed,
          });
          const verb = op === 'add' ? 'Added' : 'Removed';
          process.stdout.write(
            changed.length
              ? `${verb} ${changed.join(', ')} ${op === 'add' ? 'to' : 'from'} ${group.name}.\n`
              : `Nothing to change: ${op === 'add' ? 'already members' : 'not members'}.\n`,
          );
        });
      });
  }
}

import { describe, expect, it } from 'vitest';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { parseConfig } from '../config/load.js';
import { DirectoryRegistry } from '../directories/registry.js';
import { SecretBox } from '../directories/secret-box.js';
import { createLogger } from '../log.js';
import type { Store } from '../store/db.js';
import { provisioningTargets } from './changes.js';
import { LocalChanges } from './local-changes.js';

/**
 * Issue 12, "Delivery": a change and its outbox rows commit together or not at all, and each
 * change records what a target needs (the user, the group, the users a membership change concerns).
 */
const backends = storeBackends('changes');
const t0 = new Date('2026-12-01T09:00:00Z');
const box = SecretBox.fromText('x'.repeat(40), 'test key');
const config = parseConfig({ store: 'sqlite::memory:', directories: [] }, { baseDir: '/tmp', env: {} });

async function target(store: Store, name: string): Promise<number> {
  return (
    await store.db
      .insertInto('directories')
      .values({ name, type: 'openldap', username_attribute: 'uid', first_synced_at: null, created_at: t0.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

const rows = async (store: Store) =>
  (await store.db.selectFrom('provision_outbox').selectAll().orderBy('directory_id').orderBy('kind', 'desc').orderBy('object_id').execute()).map(
    (r) => `${r.directory_id}/${r.kind}:${r.object_id}@${r.version}${r.sealed_password ? '+pw' : ''}`,
  );

describe.each(backends)('local changes on %s', (_name, url) => {
  it('the seam names no target until the engine fills it', async () => {
    const store = await openTestStore(url());
    expect(await provisioningTargets(store, config, t0)).toEqual([]);
    const changes = new LocalChanges({ store, config, now: () => t0 });
    await changes.addUser({ username: 'solo' });
    expect(await rows(store)).toEqual([]);
  });

  it('a change and its outbox rows commit together: a failing enqueue leaves no user behind', async () => {
    const store = await openTestStore(url());
    // A target id with no directories row: the outbox's foreign key refuses it, after the user was inserted.
    const woken: (readonly number[])[] = [];
    const broken = new LocalChanges({ store, config, now: () => t0, targets: async () => [987654], recorded: (t) => woken.push(t) });
    await expect(broken.addUser({ username: 'ghost' })).rejects.toThrow();
    expect(woken).toEqual([]);
    expect(await store.users.find('ghost')).toBeUndefined();
    await expect(broken.createGroup({ name: 'ghosts' })).rejects.toThrow();
    expect(await store.localGroups.find('ghosts')).toBeUndefined();
  });

  it('records every change for every target: users, passwords (sealed once per change), groups and the users a membership concerns', async () => {
    const store = await openTestStore(url());
    const a = await target(store, 'ad');
    const b = await target(store, 'ldap');
    const woken: (readonly number[])[] = [];
    const changes = new LocalChanges({ store, config, now: () => t0, targets: async () => [a, b], seal: (p) => box.seal(p), recorded: (t) => woken.push(t) });
    const alice = await changes.addUser({ username: 'alice' });
    // The engine's delivery is woken after the commit, for the targets recorded.
    expect(woken).toEqual([[a, b]]);
    await changes.editUser('alice', { status: 'disabled' });
    expect(await rows(store)).toEqual([`${a}/user:${alice.id}@2`, `${b}/user:${alice.id}@2`]);
    await changes.setPassword('alice', 'A-Long-Password-1');
    expect(await rows(store)).toEqual([`${a}/user:${alice.id}@3+pw`, `${b}/user:${alice.id}@3+pw`]);
    for (const r of await store.db.selectFrom('provision_outbox').select('sealed_password').execute()) {
      expect(box.open(r.sealed_password!, 'test')).toBe('A-Long-Password-1');
    }
    await store.db.deleteFrom('provision_outbox').execute();

    const g = await changes.createGroup({ name: 'eng' });
    const bob = await changes.addUser({ username: 'bob' });
    await store.db.deleteFrom('provision_outbox').execute();
    await changes.addMembers('eng', ['alice', 'bob']);
    expect(await rows(store)).toEqual([
      `${a}/user:${alice.id}@1`,
      `${a}/user:${bob.id}@1`,
      `${a}/group:${g.id}@1`,
      `${b}/user:${alice.id}@1`,
      `${b}/user:${bob.id}@1`,
      `${b}/group:${g.id}@1`,
    ]);
    await store.db.deleteFrom('provision_outbox').execute();
    // No change, nothing recorded.
    expect((await changes.addMembers('eng', ['alice'])).changed).toEqual([]);
    expect(await rows(store)).toEqual([]);
    await changes.removeGroup('eng');
    expect((await rows(store)).filter((r) => r.startsWith(`${a}/`))).toEqual([`${a}/user:${alice.id}@1`, `${a}/user:${bob.id}@1`, `${a}/group:${g.id}@1`]);
  });

  it('a user restored from the trash (now local) and a purged local user are recorded; a purge records the groups they left', async () => {
    const store = await openTestStore(url());
    const a = await target(store, 'ad');
    const changes = new LocalChanges({ store, config, now: () => t0, targets: async () => [a] });
    const gone = await target(store, 'gone');
    const u = await store.users.addLocal({ username: 'erin' }, t0);
    await store.db
      .updateTable('users')
      .set({ directory_id: gone, external_id: 'x', status: 'trashed', trashed_at: t0.toISOString() })
      .where('id', '=', u.id)
      .execute();
    await changes.restoreUser(u.id);
    expect((await store.users.find('erin'))?.directory_id).toBeNull();
    expect(await rows(store)).toEqual([`${a}/user:${u.id}@1`]);
    const g = await changes.createGroup({ name: 'ops' });
    await changes.addMembers('ops', ['erin']);
    await store.db.deleteFrom('provision_outbox').execute();
    await changes.purgeUser(u.id, true);
    expect(await store.users.find('erin')).toBeUndefined();
    expect(await rows(store)).toEqual([`${a}/user:${u.id}@1`, `${a}/group:${g.id}@1`]);
  });

  it('the CLI records a change for every target: those of the configuration file and those created through the admin API', async () => {
    const store = await openTestStore(url());
    const withKey = parseConfig(
      {
        store: 'sqlite::memory:',
        api: { secretsKey: 'k'.repeat(40) },
        directories: [
          {
            name: 'file-ldap',
            type: 'openldap',
            servers: ['ldap://127.0.0.1:9'],
            baseDn: 'dc=file,dc=test',
            provisioning: { userContainer: 'ou=people,dc=file,dc=test', groupContainer: 'ou=groups,dc=file,dc=test' },
          },
        ],
      },
      { baseDir: '/tmp', env: {} },
    );
    const input = {
      name: 'api-ldap',
      type: 'openldap',
      servers: ['ldap://127.0.0.1:9'],
      transport: 'clear',
      bind: { dn: 'cn=svc,dc=api,dc=test', password: 'stored-through-the-api' },
      baseDn: 'dc=api,dc=test',
      provisioning: { userContainer: 'ou=people,dc=api,dc=test', groupContainer: 'ou=groups,dc=api,dc=test' },
      continuous: { changes: 'off' },
    };
    await DirectoryRegistry.forCommands(store, withKey, createLogger('silent')).create(input as never, 'test', t0);
    const ids = await provisioningTargets(store, withKey, t0);
    const names = await store.db.selectFrom('directories').select(['id', 'name']).where('id', 'in', ids).orderBy('name').execute();
    expect(names.map((d) => d.name)).toEqual(['api-ldap', 'file-ldap']);
    // The default seam (no `targets`) is the one the CLI uses: the user's change reaches both.
    const changes = new LocalChanges({ store, config: withKey, now: () => t0 });
    const u = await changes.addUser({ username: 'cli-user' });
    expect(await rows(store)).toEqual(ids.sort((x, y) => x - y).map((id) => `${id}/user:${u.id}@1`));
  });
});

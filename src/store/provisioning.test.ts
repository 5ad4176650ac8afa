import { describe, expect, it } from 'vitest';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { SecretBox } from '../directories/secret-box.js';
import type { Store } from './db.js';
import { syncedUserRow } from '../../test/support/user-rows.js';

/**
 * Issue 12's store: local groups, password verifiers, the provisioning outbox and export state,
 * over every backend.
 */
const backends = storeBackends('prov');

const t0 = new Date('2026-12-01T10:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const box = SecretBox.fromText('k'.repeat(40), 'test key');

async function directory(store: Store, name: string): Promise<number> {
  return (
    await store.db
      .insertInto('directories')
      .values({ name, type: 'active-directory', username_attribute: 'sAMAccountName', first_synced_at: null, created_at: t0.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

/** Every text column of the outbox and the password table, as one string. */
async function everythingStored(store: Store): Promise<string> {
  const rows = [
    ...(await store.db.selectFrom('provision_outbox').selectAll().execute()),
    ...(await store.db.selectFrom('user_passwords').selectAll().execute()),
    ...(await store.db.selectFrom('provision_exports').selectAll().execute()),
  ];
  return JSON.stringify(rows);
}

describe.each(backends)('provisioning store on %s', (_name, url) => {
  it('LocalGroups: create, find in any case, rename, describe, members of any user, groupsOf, remove cascades', async () => {
    const store = await openTestStore(url());
    const dir = await directory(store, 'corp');
    const alice = await store.users.addLocal({ username: 'alice' }, t0);
    const bob = await store.users.addLocal({ username: 'Bob' }, t0);
    // A synced user may be a member too.
    const carol = await store.db
      .insertInto('users')
      .values(syncedUserRow(dir, 'carol', t0, { external_id: 'g-carol', dn: 'CN=carol,DC=x', dn_key: 'cn=carol,dc=x' }))
      .returning('id')
      .executeTakeFirstOrThrow();

    const g = await store.localGroups.create({ name: 'Engineering', description: 'builders' }, t0);
    expect(await store.localGroups.find('engineering')).toMatchObject({ id: g.id, name: 'Engineering', description: 'builders' });
    await expect(store.localGroups.create({ name: 'ENGINEERING' }, t0)).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    await expect(store.localGroups.create({ name: 'a/b' }, t0)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const ops = await store.localGroups.create({ name: 'ops' }, t0);
    await expect(store.localGroups.edit(ops.id, { name: 'engineering' }, t0)).rejects.toMatchObject({ code: 'STORE_CONFLICT' });

    expect(await store.localGroups.addMembers(g.id, [alice.id, carol.id, alice.id], at(1))).toEqual([alice.id, carol.id]);
    expect(await store.localGroups.addMembers(g.id, [alice.id, bob.id], at(2))).toEqual([bob.id]);
    expect((await store.localGroups.members(g.id)).map((m) => [m.username, m.directory])).toEqual([
      ['alice', null],
      ['Bob', null],
      ['carol', 'corp'],
    ]);
    expect(await store.localGroups.removeMembers(g.id, [bob.id, ops.id + 999], at(3))).toEqual([bob.id]);
    expect(await store.localGroups.addMembers(ops.id, [alice.id], at(3))).toEqual([alice.id]);
    expect((await store.localGroups.groupsOf(alice.id)).map((x) => x.name)).toEqual(['Engineering', 'ops']);
    expect((await store.localGroups.list()).map((x) => [x.name, x.memberCount])).toEqual([
      ['Engineering', 2],
      ['ops', 1],
    ]);

    const renamed = await store.localGroups.edit(g.id, { name: 'Eng', description: null }, at(4));
    expect(renamed).toMatchObject({ name: 'Eng', description: null, updatedAt: at(4).toISOString(), createdAt: t0.toISOString() });
    // Renaming to another case of its own name is not a conflict.
    expect((await store.localGroups.edit(g.id, { name: 'ENG' }, at(5))).name).toBe('ENG');

    await store.localGroups.remove(g.id);
    expect(await store.localGroups.find('eng')).toBeUndefined();
    expect(await store.db.selectFrom('local_group_members').select('group_id').where('group_id', '=', g.id).execute()).toEqual([]);
    // A purged user leaves their local groups.
    await store.trash.purge(alice.id);
    expect(await store.localGroups.members(ops.id)).toEqual([]);
  });

  it('LocalGroups inside store.transact: a failure rolls the group back', async () => {
    const store = await openTestStore(url());
    await expect(
      store.transact(async (q) => {
        await q.localGroups.create({ name: 'temp' }, t0);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.localGroups.find('temp')).toBeUndefined();
  });

  it('UserPasswords: argon2id verifiers only, replaced on set, gone with the user', async () => {
    const store = await openTestStore(url());
    const u = await store.users.addLocal({ username: 'dave' }, t0);
    expect(await store.userPasswords.has(u.id)).toBe(false);
    await expect(store.userPasswords.set(u.id, 'plain text', t0)).rejects.toThrow(/argon2id/);
    await store.userPasswords.set(u.id, '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', t0);
    await store.userPasswords.set(u.id, '$argon2id$v=19$m=19456,t=2,p=1$c2FsdDI$aGFzaDI', at(5));
    expect(await store.userPasswords.verifierOf(u.id)).toBe('$argon2id$v=19$m=19456,t=2,p=1$c2FsdDI$aGFzaDI');
    expect(await store.userPasswords.setAt(u.id)).toBe(at(5).toISOString());
    await store.trash.purge(u.id);
    expect(await store.userPasswords.has(u.id)).toBe(false);
  });

  it('enqueue coalesces: two changes are one row, its version bumped; a newer password supersedes, none keeps it', async () => {
    const store = await openTestStore(url());
    const d = await directory(store, 'ad');
    const first = box.seal('Old-Secret-123');
    const second = box.seal('New-Secret-456');
    await store.provisioning.enqueue(d, 'user', 7, first, t0);
    await store.provisioning.enqueue(d, 'user', 7, null, at(1));
    let [row] = await store.provisioning.backlog(d);
    expect(row).toMatchObject({
      kind: 'user',
      objectId: 7,
      version: 2,
      sealedPassword: first,
      enqueuedAt: t0.toISOString(),
      nextAttemptAt: at(1).toISOString(),
    });
    await store.provisioning.enqueue(d, 'user', 7, second, at(2));
    const rows = await store.provisioning.backlog(d);
    expect(rows).toHaveLength(1);
    row = rows[0]!;
    expect(row.version).toBe(3);
    expect(box.open(row.sealedPassword!, 'test')).toBe('New-Secret-456');
    // Another target has its own row.
    const d2 = await directory(store, 'ldap');
    await store.provisioning.enqueue(d2, 'user', 7, null, at(2));
    expect(await store.provisioning.backlog(d)).toHaveLength(1);
    expect(await store.provisioning.backlog(d2)).toMatchObject([{ version: 1, sealedPassword: null }]);
  });

  it('a password is never stored in clear: the outbox refuses it, and holds only the sealed form', async () => {
    const store = await openTestStore(url());
    const d = await directory(store, 'ad');
    await expect(store.provisioning.enqueue(d, 'user', 1, 'Clear-Password-789', t0)).rejects.toThrow(/sealed/);
    await store.provisioning.enqueue(d, 'user', 1, box.seal('Clear-Password-789'), t0);
    const stored = await everythingStored(store);
    expect(stored).not.toContain('Clear-Password-789');
    expect(stored).toContain('sealed:v1:');
  });

  it('clearDeliveredPassword() clears the waiting password only while it is still the one delivered', async () => {
    const store = await openTestStore(url());
    const d = await directory(store, 'ad');
    const first = box.seal('Pw-1-abcdefgh');
    await store.provisioning.enqueue(d, 'user', 1, first, t0);
    await store.provisioning.enqueue(d, 'user', 1, null, at(1)); // a change without a password: same sealed value
    await store.provisioning.clearDeliveredPassword(d, 'user', 1, first);
    expect(await store.provisioning.backlog(d)).toMatchObject([{ version: 2, sealedPassword: null }]);
    const second = box.seal('Pw-2-abcdefgh');
    await store.provisioning.enqueue(d, 'user', 1, second, at(2));
    await store.provisioning.clearDeliveredPassword(d, 'user', 1, first);
    expect(await store.provisioning.backlog(d)).toMatchObject([{ sealedPassword: second }]);
  });

  it('delivered() removes the row only when its version has not moved; clearPassword likewise', async () => {
    const store = await openTestStore(url());
    const d = await directory(store, 'ad');
    await store.provisioning.enqueue(d, 'user', 1, box.seal('Pw-1-abcdefgh'), t0);
    const [taken] = await store.provisioning.due(d, t0, 10);
    // A change arrives while the row is being delivered.
    await store.provisioning.enqueue(d, 'user', 1, null, at(1));
    await store.provisioning.clearPassword(d, 'user', 1, taken!.version);
    expect((await store.provisioning.backlog(d))[0]!.sealedPassword).not.toBeNull();
    expect(await store.provisioning.delivered(d, 'user', 1, taken!.version)).toBe(false);
    expect(await store.provisioning.backlog(d)).toMatchObject([{ version: 2 }]);
    await store.provisioning.clearPassword(d, 'user', 1, 2);
    expect((await store.provisioning.backlog(d))[0]!.sealedPassword).toBeNull();
    expect(await store.provisioning.delivered(d, 'user', 1, 2)).toBe(true);
    expect(await store.provisioning.backlog(d)).toEqual([]);
    expect(await store.provisioning.nextDue(d)).toBeUndefined();
  });

  it('due(): users before groups, oldest first, only what is due, at most `limit`', async () => {
    const store = await openTestStore(url());
    const d = await directory(store, 'ad');
    const other = await directory(store, 'other');
    await store.provisioning.enqueue(d, 'group', 1, null, t0);
    await store.provisioning.enqueue(d, 'user', 9, null, at(1));
    await store.provisioning.enqueue(d, 'user', 3, null, at(2));
    await store.provisioning.enqueue(d, 'group', 2, null, at(3));
    await store.provisioning.enqueue(d, 'user', 5, null, at(10));
    await store.provisioning.enqueue(other, 'user', 1, null, t0);
    const key = (r: { kind: string; objectId: number }) => `${r.kind}:${r.objectId}`;
    expect((await store.provisioning.due(d, at(5), 10)).map(key)).toEqual(['user:9', 'user:3', 'group:1', 'group:2']);
    expect((await store.provisioning.due(d, at(5), 2)).map(key)).toEqual(['user:9', 'user:3']);
    expect((await store.provisioning.due(d, at(10), 10)).map(key)).toEqual(['user:9', 'user:3', 'user:5', 'group:1', 'group:2']);
    expect(await store.provisioning.nextDue(d)).toBe(t0.toISOString());
  });

  it('failed(): with retryAt it waits until then; without, it is permanent until the object changes', async () => {
    const store = await openTestStore(url());
    const d = await directory(store, 'ad');
    await store.provisioning.enqueue(d, 'user', 1, null, t0);
    await store.provisioning.enqueue(d, 'user', 2, null, t0);
    await store.provisioning.failed(d, 'user', 1, 1, 'DIRECTORY_UNREACHABLE: down', at(30).toISOString());
    await store.provisioning.failed(d, 'user', 2, 1, 'PROVISION_PASSWORD_POLICY: needs 3 of 4 character classes', undefined);
    // A failure reported for a version that has moved on changes nothing.
    await store.provisioning.failed(d, 'user', 2, 7, 'stale', at(1).toISOString());

    expect(await store.provisioning.due(d, at(29), 10)).toEqual([]);
    expect(await store.provisioning.due(d, at(30), 10)).toMatchObject([
      { objectId: 1, attempts: 1, lastError: 'DIRECTORY_UNREACHABLE: down', permanent: false },
    ]);
    expect(await store.provisioning.due(d, at(10_000), 10)).toHaveLength(1);
    expect(await store.provisioning.nextDue(d)).toBe(at(30).toISOString());
    const backlog = await store.provisioning.backlog(d);
    expect(backlog.find((r) => r.objectId === 2)).toMatchObject({ permanent: true, attempts: 1, lastError: expect.stringContaining('3 of 4') });

    // The object changes: due now again, the permanent mark lifted.
    await store.provisioning.enqueue(d, 'user', 2, null, at(40));
    expect((await store.provisioning.due(d, at(40), 10)).map((r) => [r.objectId, r.version, r.permanent])).toEqual([
      [1, 1, false],
      [2, 2, false],
    ]);
  });

  it('export records: saved and replaced, listed per target and per object, exported target ids for the inbound sync', async () => {
    const store = await openTestStore(url());
    const ad = await directory(store, 'ad');
    const ldap = await directory(store, 'ldap');
    const base = { kind: 'user' as const, objectId: 4, targetId: null, targetDn: null, exportedHash: null, code: null, reason: null, permanent: false };
    await store.provisioning.saveRecord({ ...base, directoryId: ad, state: 'pending' }, t0);
    await store.provisioning.saveRecord(
      { ...base, directoryId: ad, state: 'exported', targetId: '6f1c-guid', targetDn: 'CN=Dave,OU=Staff,DC=x', exportedHash: 'h1' },
      at(1),
    );
    await store.provisioning.saveRecord(
      { ...base, directoryId: ldap, state: 'conflict', targetId: 'other-uuid', code: 'PROVISION_CONFLICT', reason: 'uid=dave exists', permanent: true },
      at(2),
    );
    await store.provisioning.saveRecord(
      { ...base, directoryId: ad, kind: 'group', objectId: 4, state: 'failed', code: 'PROVISION_RIGHTS', reason: 'r' },
      at(3),
    );

    expect(await store.provisioning.record(ad, 'user', 4)).toEqual({
      ...base,
      directoryId: ad,
      state: 'exported',
      targetId: '6f1c-guid',
      targetDn: 'CN=Dave,OU=Staff,DC=x',
      exportedHash: 'h1',
      updatedAt: at(1).toISOString(),
    });
    expect(await store.provisioning.record(ad, 'user', 5)).toBeUndefined();
    expect((await store.provisioning.records(ad)).map((r) => `${r.kind}:${r.state}`)).toEqual(['user:exported', 'group:failed']);
    expect((await store.provisioning.records(ad, 'group')).map((r) => r.state)).toEqual(['failed']);
    expect((await store.provisioning.recordsOf('user', 4)).map((r) => [r.directory, r.state, r.permanent])).toEqual([
      ['ad', 'exported', false],
      ['ldap', 'conflict', true],
    ]);
    expect(await store.provisioning.exportedTargetIds(ad, 'user')).toEqual(new Set(['6f1c-guid']));
    // A conflict's object is not idsync's.
    expect(await store.provisioning.exportedTargetIds(ldap, 'user')).toEqual(new Set());
  });
});

import { describe, expect, it } from 'vitest';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { syncedUserRow } from '../../test/support/user-rows.js';

/** The second factor's state in the store (issue 15, migration 0022), over every backend. */
const t0 = new Date('2026-12-03T10:00:00Z');
const later = (s: number) => new Date(t0.getTime() + s * 1000);

describe.each(storeBackends('mfa_wt'))('second-factor records on %s', (_name, url) => {
  it('keeps recovery codes single-use, counts failures into a lockout, and reads group statuses through both kinds of membership', async () => {
    const store = await openTestStore(url());
    const dir = await store.db
      .insertInto('directories')
      .values({ name: 'ad', type: 'active-directory', username_attribute: 'sAMAccountName', first_synced_at: null, created_at: t0.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const user = async (name: string) =>
      (
        await store.db
          .insertInto('users')
          .values(syncedUserRow(dir.id, name, t0))
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const alice = await user('alice');
    const bob = await user('bob');
    const sf = store.secondFactor;

    await sf.replaceRecoveryCodes(alice, ['h1', 'h2'], t0);
    expect(await sf.recoveryCodesLeft(alice)).toBe(2);
    expect(await Promise.all([1, 2, 3].map(() => sf.useRecoveryCode(alice, 'h1', t0)))).toEqual(expect.arrayContaining([true, false, false]));
    expect(await sf.useRecoveryCode(bob, 'h2', t0)).toBe(false);
    expect(await sf.recoveryCodesLeft(alice)).toBe(1);
    await sf.replaceRecoveryCodes(alice, ['h3'], t0);
    expect(await sf.useRecoveryCode(alice, 'h2', t0)).toBe(false);
    expect(await sf.useRecoveryCode(alice, 'h3', t0)).toBe(true);

    expect(await sf.userState(alice)).toMatchObject({ status: 'active', failures: 0 });
    const results = await Promise.all([1, 2, 3, 4].map(() => sf.recordFailure(alice, 3, later(60), t0)));
    expect(results.map((r) => r.failures).sort()).toEqual([1, 2, 3, 4]);
    expect(results.filter((r) => r.locked)).toHaveLength(2);
    expect(await sf.userState(alice)).toMatchObject({ status: 'locked_out', lockedUntil: later(60).toISOString() });
    await sf.setUserStatus(alice, 'active', 'admin', t0);
    expect(await sf.userState(alice)).toMatchObject({ status: 'active', failures: 0, lockedUntil: null, updatedBy: 'admin' });
    await sf.recordFailure(alice, 3, null, t0);
    await sf.clearFailures(alice);
    expect((await sf.userState(alice)).failures).toBe(0);
    // A bypass user's failures never lock them.
    await sf.setUserStatus(bob, 'bypass', 'admin', t0);
    for (let i = 0; i < 4; i++) expect((await sf.recordFailure(bob, 3, null, t0)).locked).toBe(false);
    expect((await sf.userState(bob)).status).toBe('bypass');

    const g = await store.db
      .insertInto('groups')
      .values({ directory_id: dir.id, external_id: 'g1', dn: 'cn=eng', name: 'Eng', created_at: t0.toISOString(), updated_at: t0.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.db.insertInto('group_members').values({ group_id: g.id, user_id: alice }).execute();
    const lg = await store.db
      .insertInto('local_groups')
      .values({ name: 'Contractors', name_key: 'contractors', description: null, created_at: t0.toISOString(), updated_at: t0.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.db.insertInto('local_group_members').values({ group_id: lg.id, user_id: bob }).execute();
    await sf.setGroupStatus({ kind: 'synced', id: g.id }, 'bypass', 'admin', t0);
    await sf.setGroupStatus({ kind: 'local', id: lg.id }, 'disabled', 'admin', t0);
    expect(await sf.groupStatusesOf(alice)).toEqual(['bypass']);
    expect(await sf.groupStatusesOf(bob)).toEqual(['disabled']);
    expect(await sf.groupStatus({ kind: 'local', id: lg.id })).toBe('disabled');
    expect((await sf.listGroupStatuses()).map((r) => `${r.kind}:${r.name}:${r.status}`)).toEqual(['local:Contractors:disabled', 'synced:Eng:bypass']);
    await sf.setGroupStatus({ kind: 'synced', id: g.id }, 'active', 'admin', t0);
    expect(await sf.groupStatusesOf(alice)).toEqual([]);

    await sf.createChallenge({ id: 'c1', userId: alice, purpose: 'webauthn-verify', value: 'abc', expiresAt: later(300) }, t0);
    await sf.createChallenge({ id: 'c2', userId: alice, purpose: 'webauthn-verify', value: 'def', expiresAt: later(300) }, t0);
    expect(await sf.takeChallenge('c1', 'webauthn-register', t0)).toBeUndefined();
    expect(await sf.takeChallenge('c1', 'webauthn-verify', t0)).toEqual({ userId: alice, value: 'abc' });
    expect(await sf.takeChallenge('c1', 'webauthn-verify', t0)).toBeUndefined();
    expect(await sf.takeChallenge('c2', 'webauthn-verify', later(301))).toBeUndefined();
  });
});

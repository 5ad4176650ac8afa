import { describe, expect, it } from 'vitest';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { syncedUserRow } from '../../test/support/user-rows.js';

/** A user's second factors in the store (issue 15), over every backend. */
const t0 = new Date('2026-12-03T10:00:00Z');

describe.each(storeBackends('authenticators'))('authenticators on %s', (_name, url) => {
  it('accepts a TOTP step once, a WebAuthn counter only when it grows, and removes only the owner’s', async () => {
    const store = await openTestStore(url());
    const dir = await store.db
      .insertInto('directories')
      .values({ name: 'ad', type: 'active-directory', username_attribute: 'sAMAccountName', first_synced_at: null, created_at: t0.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const alice = (
      await store.db
        .insertInto('users')
        .values(syncedUserRow(dir.id, 'alice', t0))
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const bob = (
      await store.db
        .insertInto('users')
        .values(syncedUserRow(dir.id, 'bob', t0))
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const totp = await store.authenticators.add({ userId: alice, kind: 'totp', label: 'phone', sealedSecret: 'sealed:v1:abc' }, t0);
    const key = await store.authenticators.add(
      { userId: alice, kind: 'webauthn', label: 'key', credentialId: 'cred-1', publicKey: 'pk', signCount: 0, transports: ['usb'] },
      t0,
    );
    expect(await store.authenticators.countFor(alice)).toBe(2);
    expect(await store.authenticators.countFor(bob)).toBe(0);

    const results = await Promise.all([1, 2, 3].map(() => store.authenticators.acceptTotpStep(totp, 1000, t0)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.authenticators.acceptTotpStep(totp, 999, t0)).toBe(false);
    expect(await store.authenticators.acceptTotpStep(totp, 1001, t0)).toBe(true);

    expect(await store.authenticators.acceptSignCount(key, 0, t0)).toBe(true);
    expect(await store.authenticators.acceptSignCount(key, 5, t0)).toBe(true);
    expect(await store.authenticators.acceptSignCount(key, 5, t0)).toBe(false);
    expect(await store.authenticators.acceptSignCount(key, 0, t0)).toBe(false);
    expect((await store.authenticators.byCredentialId('cred-1'))?.id).toBe(key);

    expect(await store.authenticators.remove(bob, key)).toBe(false);
    expect(await store.authenticators.remove(alice, key)).toBe(true);
    expect((await store.authenticators.listFor(alice)).map((a) => a.kind)).toEqual(['totp']);
  });
});

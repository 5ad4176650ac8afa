import { describe, expect, it } from 'vitest';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { syncedUserRow } from '../../test/support/user-rows.js';

/** The store's password hash sync records (issue 14), over every backend. */
const backends = storeBackends('password_sync');
const t0 = new Date('2026-12-03T10:00:00Z');
const V1 = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
const V2 = '$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHRzYWx0c2FsdA$b3RoZXJvdGhlcm90aGVyb3RoZXJvdGhlcm90aGVyb3Q';

describe.each(backends)('password sync records on %s', (_name, url) => {
  it('applies a batch once, keeps a change for a user not yet synced, never lets an older change win, and never returns the verifier in status', async () => {
    const store = await openTestStore(url());
    const dir = await store.db
      .insertInto('directories')
      .values({ name: 'ad', type: 'active-directory', username_attribute: 'sAMAccountName', first_synced_at: null, created_at: t0.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.db
      .insertInto('users')
      .values(syncedUserRow(dir.id, 'alice', t0, { aliases: '["alice@corp.example"]' }))
      .execute();
    const batch = (seq: number, changes: Parameters<typeof store.passwordSync.applyBatch>[0]['changes']) => ({
      agent: 'site',
      directory: 'ad',
      epoch: 'e1',
      seq,
      changes,
    });

    expect(
      await store.passwordSync.applyBatch(
        batch(1, [
          { guid: 'e-alice', username: 'alice', pwdLastSet: '200', status: 'Success', verifier: V1 },
          { guid: 'e-bob', username: 'bob', pwdLastSet: '100', status: 'Success', verifier: V1 },
          { guid: 'e-carol', username: 'carol', pwdLastSet: '0', status: 'FilteredByTarget', reason: 'must change' },
        ]),
        t0,
      ),
    ).toBe(true);
    // Sent again after a lost ack: not applied again.
    expect(
      await store.passwordSync.applyBatch(batch(1, [{ guid: 'e-alice', username: 'alice', pwdLastSet: '300', status: 'Success', verifier: V2 }]), t0),
    ).toBe(false);
    expect((await store.passwordSync.credentialsFor('ALICE@corp.example'))?.synced?.verifier).toBe(V1);
    // An older change (lower pwdLastSet) does not replace a newer one.
    await store.passwordSync.applyBatch(batch(2, [{ guid: 'e-alice', username: 'alice', pwdLastSet: '150', status: 'Success', verifier: V2 }]), t0);
    expect((await store.passwordSync.credentialsFor('alice'))?.synced?.verifier).toBe(V1);

    // pwdLastSet = 0 (must change at next logon) is newer than anything: the verifier goes.
    await store.passwordSync.applyBatch(
      batch(3, [{ guid: 'e-alice', username: 'alice', pwdLastSet: '0', status: 'FilteredByTarget', reason: 'must change' }]),
      t0,
    );
    expect((await store.passwordSync.credentialsFor('alice'))?.synced).toBeUndefined();
    await store.passwordSync.applyBatch(batch(4, [{ guid: 'e-alice', username: 'alice', pwdLastSet: '250', status: 'Success', verifier: V1 }]), t0);

    const status = await store.passwordSync.status();
    expect(status.map((s) => [s.username, s.status])).toEqual([
      ['alice', 'Success'],
      ['bob', 'NoTargetConnection'],
      ['carol', 'NoTargetConnection'],
    ]);
    expect(status[0].kdf).toBe('argon2id m=19456,t=2,p=1');
    expect(JSON.stringify(status)).not.toContain('aGFzaGhh');
    // Bob is synced later: his kept change now counts.
    expect(await store.passwordSync.credentialsFor('bob')).toBeUndefined();
    await store.db
      .insertInto('users')
      .values(syncedUserRow(dir.id, 'bob', t0))
      .execute();
    expect((await store.passwordSync.credentialsFor('bob'))?.synced?.verifier).toBe(V1);
    expect((await store.passwordSync.status('bob'))[0].status).toBe('Success');
    expect((await store.passwordSync.history('ad', 'e-bob'))[0]).toMatchObject({ status: 'NoTargetConnection' });

    await store.passwordSync.requestResync(null, t0);
    await store.passwordSync.requestResync('ad', t0);
    expect(await store.passwordSync.takeResyncRequests()).toEqual([null, 'ad']);
    expect(await store.passwordSync.takeResyncRequests()).toEqual([]);

    expect(await store.passwordSync.prune(new Date(t0.getTime() + 1))).toBeGreaterThan(0);
    expect(await store.passwordSync.history('ad', 'e-alice')).toEqual([]);
  });

  it('imports OpenLDAP hashes (only what changed is an attempt), and shows synced users with no record as SourceConnectorNotPresent', async () => {
    const store = await openTestStore(url());
    const dir = await store.db
      .insertInto('directories')
      .values({ name: 'ldap', type: 'openldap', username_attribute: 'uid', first_synced_at: null, created_at: t0.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const n of ['ann', 'ben', 'cat', 'dan'])
      await store.db
        .insertInto('users')
        .values(syncedUserRow(dir.id, n, t0))
        .execute();
    const SSHA = '{SSHA}tpmTGsDTlbUE0Pff9k/4OXgz9FBjaH2X';
    // Nothing recorded yet: with the directory named as a source, every synced user lacks a record.
    expect((await store.passwordSync.status(undefined, ['ldap'])).map((s) => s.status)).toEqual(Array(4).fill('SourceConnectorNotPresent'));
    expect(await store.passwordSync.status()).toEqual([]);

    const page = [
      { externalId: 'e-ann', username: 'ann', status: 'Success' as const, value: SSHA, reason: 'SSHA salt=4B' },
      { externalId: 'e-ben', username: 'ben', status: 'Failed' as const, reason: 'unsupported_scheme:CLEARTEXT' },
      { externalId: 'e-cat', username: 'cat', status: 'SourceConnectorNotPresent' as const },
    ];
    expect(await store.transact((q) => q.passwordSync.importHashes('ldap', page, t0))).toBe(2);
    // The same page read again writes nothing and logs nothing.
    expect(await store.transact((q) => q.passwordSync.importHashes('ldap', page, t0))).toBe(0);
    expect((await store.passwordSync.credentialsFor('ann'))?.synced?.verifier).toBe(SSHA);
    expect((await store.passwordSync.credentialsFor('ben'))?.synced).toBeUndefined();

    const status = await store.passwordSync.status();
    expect(status.map((s) => [s.username, s.status, s.source, s.kdf])).toEqual([
      ['ann', 'Success', 'ldap:userPassword', 'SSHA salt=4B'],
      ['ben', 'Failed', 'ldap:userPassword', null],
      ['cat', 'SourceConnectorNotPresent', 'none', null],
      ['dan', 'SourceConnectorNotPresent', 'none', null],
    ]);
    expect(status[1].reason).toBe('unsupported_scheme:CLEARTEXT');
    expect(JSON.stringify(status)).not.toContain('tpmTG');
    expect((await store.passwordSync.status('dan'))[0].status).toBe('SourceConnectorNotPresent');

    // Ann's value is removed from the directory: her row goes, with an attempt saying so.
    await store.transact((q) => q.passwordSync.importHashes('ldap', [{ externalId: 'e-ann', username: 'ann', status: 'SourceConnectorNotPresent' }], t0));
    expect((await store.passwordSync.credentialsFor('ann'))?.synced).toBeUndefined();
    expect((await store.passwordSync.status('ann'))[0].status).toBe('SourceConnectorNotPresent');
    expect((await store.passwordSync.history('ldap', 'e-ann')).map((a) => a.status)).toEqual(['SourceConnectorNotPresent', 'Success']);
  });
});

import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/passwords.js';
import { secretBoxFor } from '../directories/secret-box.js';
import { ApiHarness } from './test-support.js';
import { syncedUserRow } from '../../test/support/user-rows.js';

/**
 * Issue 12 through the API: local groups (/api/v1/local-groups) and a local user's password (PUT
 * /api/v1/users/{username}/password), on SQLite and PostgreSQL, with one provisioning target
 * ("ad") so that what each change records in the outbox can be read back. The harness fails any
 * answer that holds a secret it knows (the password, its verifier, the sealed copy).
 */
const pgBase = process.env.IDSYNC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const backends: [string, string | undefined][] = [
  ['sqlite', undefined],
  ['postgres', `${pgBase}?schema=t_local_${process.pid}_${Math.floor(Math.random() * 1e9)}`],
];

const PASSWORD = 'Correct-Horse-Battery-42';

let h: ApiHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A harness whose log lines (every level) are kept in `lines`. */
async function harness(store: string | undefined) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = pino({ level: 'trace' }, sink);
  h = await ApiHarness.create({ store, provisioningTargets: ['ad'], log });
  return { h, lines };
}

async function outbox(h: ApiHarness) {
  return (await h.store.db.selectFrom('provision_outbox').selectAll().orderBy('kind', 'desc').orderBy('object_id').execute()).map(
    (r) => `${r.kind}:${r.object_id}@${r.version}`,
  );
}

async function syncedUser(h: ApiHarness, username: string): Promise<number> {
  const dir = await h.store.db
    .insertInto('directories')
    .values({ name: 'corp', type: 'openldap', username_attribute: 'uid', first_synced_at: null, created_at: new Date().toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const t = new Date().toISOString();
  return (
    await h.store.db
      .insertInto('users')
      .values(syncedUserRow(dir.id, username, new Date(t), { external_id: `x-${username}`, dn: `uid=${username},dc=corp`, dn_key: `uid=${username},dc=corp` }))
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

describe.each(backends)('local users and groups through the API on %s', (_name, store) => {
  it('local groups: create, rename, members (local and synced), remove; roles, conflicts, audit and the outbox', async () => {
    const { h } = await harness(store);
    await h.call('POST', '/api/v1/users', { as: 'user_manager', body: { username: 'alice' } });
    const carol = await syncedUser(h, 'carol');
    const alice = (await h.store.users.find('alice'))!.id;
    expect(await outbox(h)).toEqual([`user:${alice}@1`]);

    expect((await h.call('POST', '/api/v1/local-groups', { as: 'read_only', body: { name: 'eng' } })).status).toBe(403);
    const created = await h.call('POST', '/api/v1/local-groups', { as: 'user_manager', body: { name: 'Eng', description: 'builders' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Eng', description: 'builders', memberCount: 0, members: [], exports: [] });
    const gid = created.body.id as number;
    const dup = await h.call('POST', '/api/v1/local-groups', { as: 'user_manager', body: { name: 'ENG' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'STORE_CONFLICT', field: 'name' });
    expect((await h.call('POST', '/api/v1/local-groups', { body: { name: '../x' } })).body.error).toMatchObject({ code: 'VALIDATION_FAILED' });

    const added = await h.call('POST', '/api/v1/local-groups/eng/members', { as: 'user_manager', body: { usernames: ['alice', 'carol'] } });
    expect(added.status).toBe(200);
    expect(added.body.members).toEqual([
      { username: 'alice', status: 'active', directory: null },
      { username: 'carol', status: 'active', directory: 'corp' },
    ]);
    expect((await h.call('POST', '/api/v1/local-groups/eng/members', { body: { usernames: ['nobody'] } })).status).toBe(404);
    // The group and both users it concerns are recorded; alice's earlier change coalesced.
    expect(await outbox(h)).toEqual([`user:${alice}@2`, `user:${carol}@1`, `group:${gid}@2`]);

    const renamed = await h.call('PATCH', '/api/v1/local-groups/Eng', { as: 'user_manager', body: { name: 'Engineering', description: null } });
    expect(renamed.body).toMatchObject({ name: 'Engineering', description: null, memberCount: 2 });
    expect((await h.call('GET', '/api/v1/local-groups/eng', { as: 'read_only' })).status).toBe(404);
    const removed = await h.call('DELETE', '/api/v1/local-groups/engineering/members/carol', { as: 'user_manager' });
    expect(removed.body.members.map((m: { username: string }) => m.username)).toEqual(['alice']);
    expect((await h.call('GET', '/api/v1/users/alice', { as: 'read_only' })).body.localGroups).toEqual(['Engineering']);

    const list = await h.call('GET', '/api/v1/local-groups', { as: 'read_only' });
    expect(list.body.items.map((g: { name: string; memberCount: number }) => [g.name, g.memberCount])).toEqual([['Engineering', 1]]);
    // The synced groups' resource answers as before, without local groups.
    expect((await h.call('GET', '/api/v1/groups', { as: 'read_only' })).body).toMatchObject({ items: [], total: 0 });

    expect((await h.call('DELETE', '/api/v1/local-groups/engineering', { as: 'user_manager' })).status).toBe(204);
    expect((await h.call('GET', '/api/v1/local-groups', { as: 'read_only' })).body.items).toEqual([]);
    expect(await outbox(h)).toEqual([`user:${alice}@3`, `user:${carol}@2`, `group:${gid}@5`]);

    const audit = await h.store.auditLog.list({ limit: 100, offset: 0 });
    const actions = audit.items.filter((e) => e.outcome === 'success').map((e) => `${e.action} ${e.target}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'createLocalGroup name=Eng',
        'addLocalGroupMembers name=eng',
        'updateLocalGroup name=Eng',
        'removeLocalGroupMember username=carol name=engineering',
        'deleteLocalGroup name=engineering',
      ]),
    );
    expect(audit.items.find((e) => e.action === 'addLocalGroupMembers' && e.outcome === 'success')!.detail).toEqual({ usernames: ['alice', 'carol'] });
    expect(audit.items.find((e) => e.action === 'createLocalGroup' && e.status === 403)).toBeDefined();
  });

  it('a password: administrators only, an argon2id verifier, sealed in the outbox, never answered, audited or logged; synced users refused', async () => {
    const { h, lines } = await harness(store);
    h.secrets.add(PASSWORD);
    await h.call('POST', '/api/v1/users', { as: 'user_manager', body: { username: 'dave' } });
    await syncedUser(h, 'carol');
    const dave = (await h.store.users.find('dave'))!.id;

    expect((await h.call('PUT', '/api/v1/users/dave/password', { as: 'user_manager', body: { password: PASSWORD } })).status).toBe(403);
    const weak = await h.call('PUT', '/api/v1/users/dave/password', { as: 'administrator', body: { password: 'short' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error.field).toBe('password');
    const synced = await h.call('PUT', '/api/v1/users/carol/password', { as: 'administrator', body: { password: PASSWORD } });
    expect(synced.status).toBe(409);
    expect(synced.body.error).toMatchObject({ code: 'STORE_ATTRIBUTE_OWNED' });
    expect(synced.body.error.message).toMatch(/directory "corp".*password/);
    expect((await h.call('PUT', '/api/v1/users/nobody/password', { as: 'administrator', body: { password: PASSWORD } })).status).toBe(404);

    const set = await h.call('PUT', '/api/v1/users/dave/password', { as: 'administrator', body: { password: PASSWORD } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ username: 'dave', passwordSetAt: expect.any(String) });
    expect((await h.call('GET', '/api/v1/users/dave', { as: 'read_only' })).body.passwordSetAt).toBe(set.body.passwordSetAt);

    const verifier = (await h.store.userPasswords.verifierOf(dave))!;
    // OWASP's argon2id baseline or stronger, in PHC form with its parameters.
    expect(verifier).toMatch(/^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=1\$/);
    const [, m, t] = /m=(\d+),t=(\d+)/.exec(verifier)!;
    expect(Number(m)).toBeGreaterThanOrEqual(19456);
    expect(Number(t)).toBeGreaterThanOrEqual(2);
    expect(await verifyPassword(PASSWORD, verifier)).toBe(true);

    const [row] = await h.store.provisioning.backlog(
      (await h.store.db.selectFrom('directories').select('id').where('name', '=', 'ad').executeTakeFirstOrThrow()).id,
    );
    expect(row).toMatchObject({ kind: 'user', objectId: dave, version: 2 });
    expect(row!.sealedPassword).toMatch(/^sealed:v1:/);
    expect(secretBoxFor(h.app.deps.config).open(row!.sealedPassword!, 'test')).toBe(PASSWORD);

    const everything = JSON.stringify([
      await h.store.auditLog.list({ limit: 1000, offset: 0 }),
      await h.store.db.selectFrom('provision_outbox').selectAll().execute(),
      await h.store.db.selectFrom('user_passwords').selectAll().execute(),
      await h.store.db.selectFrom('users').selectAll().execute(),
    ]);
    expect(everything).not.toContain(PASSWORD);
    const audit = (await h.store.auditLog.list({ limit: 100, offset: 0, action: 'setUserPassword' })).items;
    expect(audit.map((e) => [e.status, e.target])).toEqual(
      expect.arrayContaining([
        [200, 'username=dave'],
        [403, 'username=dave'],
        [409, 'username=carol'],
      ]),
    );
    // Whatever the API logged, at every level, for these requests (refusals included).
    expect(lines.join('')).not.toContain(PASSWORD);
  });
});

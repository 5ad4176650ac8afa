import { describe, expect, it } from 'vitest';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { createAdmin, deleteAdmin } from '../auth/admins.js';
import { createSession, findSession, sessionStillValid } from '../auth/sessions.js';
import { createToken, findActiveToken, revokeToken } from '../auth/tokens.js';

/**
 * The store's account interfaces (Admins, Sessions, ApiTokens, AuditLog), each run over every
 * backend, through the store itself and through the auth policy built on it.
 */
const backends = storeBackends('accounts');

const t0 = new Date('2026-11-01T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const policy = { idleMinutes: 30, maxHours: 8 };

describe.each(backends)('account interfaces on %s', (_name, url) => {
  const open = async () => openTestStore(url());

  it('Admins: usernames are unique regardless of case, listed by name, owners counted apart', async () => {
    const store = await open();
    expect(await store.admins.count()).toBe(0);
    const bob = await store.admins.insert({ username: 'Bob', role: 'owner', passwordHash: 'h1' }, t0);
    await store.admins.insert({ username: 'alice', role: 'administrator', passwordHash: 'h2' }, t0);
    await expect(store.admins.insert({ username: 'BOB', role: 'read_only', passwordHash: 'h3' }, t0)).rejects.toThrow();
    expect(await store.admins.count()).toBe(2);
    expect(await store.admins.countOwners()).toBe(1);
    expect((await store.admins.list()).map((a) => a.username)).toEqual(['alice', 'Bob']);
    expect((await store.admins.findByUsername('bOb'))?.id).toBe(bob.id);
    expect(await store.admins.findByUsername('carol')).toBeUndefined();

    await store.admins.setRole(bob.id, 'read_only', at(1));
    await store.admins.setPasswordHash(bob.id, 'h9', at(2));
    await store.admins.recordLogin(bob.id, at(3));
    const after = (await store.admins.findById(bob.id))!;
    expect(after).toMatchObject({
      role: 'read_only',
      password_hash: 'h9',
      updated_at: at(2).toISOString(),
      last_login_at: at(3).toISOString(),
      created_at: t0.toISOString(),
    });
    expect(await store.admins.countOwners()).toBe(0);
  });

  it('Sessions: found while valid, ended by the idle limit, by the absolute limit, and with their admin', async () => {
    const store = await open();
    const admin = await store.admins.insert({ username: 'root', role: 'owner', passwordHash: 'h' }, t0);
    const s = await createSession(store, admin.id, { ip: '127.0.0.1', userAgent: 'x'.repeat(400) }, policy, t0);
    const row = (await store.sessions.find((await findSession(store, s.sessionId, policy, t0))!.idHash))!;
    expect(row).toMatchObject({ admin_id: admin.id, ip: '127.0.0.1', expires_at: at(8 * 60).toISOString() });
    expect(row.user_agent).toHaveLength(300);

    // Each request within the idle limit moves it on: 8 hours of requests 20 minutes apart.
    let now = t0;
    for (let m = 20; m < 8 * 60; m += 20) {
      now = at(m);
      expect(await findSession(store, s.sessionId, policy, now)).toBeDefined();
    }
    // …but never past the absolute limit.
    expect(await findSession(store, s.sessionId, policy, at(8 * 60))).toBeUndefined();
    expect(await store.sessions.find(row.id_hash)).toBeUndefined();

    // Idle for longer than the limit: gone; sessionStillValid sees it without touching it.
    const idle = await createSession(store, admin.id, { ip: null, userAgent: null }, policy, t0);
    const idleHash = (await findSession(store, idle.sessionId, policy, t0))!.idHash;
    expect(await sessionStillValid(store, idleHash, policy, at(29))).toBe(true);
    expect(await sessionStillValid(store, idleHash, policy, at(31))).toBe(false);
    expect(await findSession(store, idle.sessionId, policy, at(31))).toBeUndefined();

    // Deleting the admin ends their sessions (foreign key).
    const live = await createSession(store, admin.id, { ip: null, userAgent: null }, policy, t0);
    await store.admins.remove(admin.id);
    expect(await findSession(store, live.sessionId, policy, t0)).toBeUndefined();
  });

  it('Sessions: removeExpired drops only those past their absolute limit; removeForAdmin keeps the one asked', async () => {
    const store = await open();
    const a = await store.admins.insert({ username: 'a', role: 'owner', passwordHash: 'h' }, t0);
    const b = await store.admins.insert({ username: 'b', role: 'owner', passwordHash: 'h' }, t0);
    const add = (idHash: string, adminId: number, expiresAt: Date) =>
      store.sessions.insert({ idHash, adminId, csrfHash: `c-${idHash}`, expiresAt: expiresAt.toISOString(), ip: null, userAgent: null }, t0);
    await add('old', a.id, at(10));
    await add('a1', a.id, at(100));
    await add('a2', a.id, at(100));
    await add('b1', b.id, at(100));
    await store.sessions.removeExpired(at(10));
    expect(await store.sessions.find('old')).toBeUndefined();
    expect(await store.sessions.find('a1')).toBeDefined();
    await store.sessions.removeForAdmin(a.id, 'a2');
    expect(await store.sessions.find('a1')).toBeUndefined();
    expect(await store.sessions.find('a2')).toBeDefined();
    expect(await store.sessions.find('b1')).toBeDefined();
    await store.sessions.touch('b1', at(5));
    expect((await store.sessions.find('b1'))?.last_seen_at).toBe(at(5).toISOString());
  });

  it('ApiTokens: a token is found by its hash until revoked or expired, and use is recorded at most once a minute', async () => {
    const store = await open();
    const { token, view } = await createToken(store, { name: 'ci', role: 'read_only', createdBy: null, expiresAt: at(60).toISOString() }, t0);
    expect((await store.apiTokens.findById(view.id))?.token_hash).not.toContain(token);
    expect((await findActiveToken(store, token, at(1)))?.id).toBe(view.id);
    expect((await store.apiTokens.findById(view.id))?.last_used_at).toBe(at(1).toISOString());
    await findActiveToken(store, token, at(1.5));
    expect((await store.apiTokens.findById(view.id))?.last_used_at).toBe(at(1).toISOString());
    expect(await findActiveToken(store, token, at(60))).toBeUndefined();
    expect(await findActiveToken(store, `${token}x`, at(1))).toBeUndefined();

    const other = await createToken(store, { name: 'script', role: 'owner', createdBy: null }, t0);
    expect(await store.apiTokens.revoke(other.view.id, at(2))).toBe(true);
    expect(await store.apiTokens.revoke(other.view.id, at(3))).toBe(false);
    expect((await store.apiTokens.findById(other.view.id))?.revoked_at).toBe(at(2).toISOString());
    expect(await findActiveToken(store, other.token, at(4))).toBeUndefined();
    expect((await store.apiTokens.list()).map((t) => t.name)).toEqual(['ci', 'script']);
  });

  it('ApiTokens: revoking a token revokes what it made, and deleting an admin revokes the whole tree they made', async () => {
    const store = await open();
    await createAdmin(store, { username: 'first', role: 'owner', password: 'a long enough password 1' }, t0);
    const owner = await store.admins.insert({ username: 'owner', role: 'owner', passwordHash: 'h' }, t0);
    const root = await createToken(store, { name: 'root', role: 'owner', createdBy: { kind: 'admin', id: owner.id, name: 'owner' } }, t0);
    const child = await createToken(store, { name: 'child', role: 'owner', createdBy: { kind: 'token', id: root.view.id, name: 'root' } }, t0);
    const grandchild = await createToken(store, { name: 'grandchild', role: 'read_only', createdBy: { kind: 'token', id: child.view.id, name: 'child' } }, t0);
    const unrelated = await createToken(store, { name: 'unrelated', role: 'read_only', createdBy: null }, t0);
    expect(await store.apiTokens.findById(child.view.id)).toMatchObject({ created_by: 'root', created_by_token_id: root.view.id, created_by_admin_id: null });

    const r = await revokeToken(store, child.view.id, at(1));
    expect(r.revokedAt).toBe(at(1).toISOString());
    expect(await findActiveToken(store, grandchild.token, at(2))).toBeUndefined();
    expect(await findActiveToken(store, root.token, at(2))).toBeDefined();

    const another = await createToken(store, { name: 'another', role: 'read_only', createdBy: { kind: 'token', id: root.view.id, name: 'root' } }, t0);
    expect(await deleteAdmin(store, 'OWNER', at(3))).toEqual([root.view.id, another.view.id]);
    for (const t of [root, another]) expect(await findActiveToken(store, t.token, at(4))).toBeUndefined();
    expect(await findActiveToken(store, unrelated.token, at(4))).toBeDefined();
    expect(await store.admins.findByUsername('owner')).toBeUndefined();
  });

  it('AuditLog: entries come back newest first, filtered and paged, with their detail; the log refuses changes', async () => {
    const store = await open();
    const entry = (i: number) => ({
      at: at(i).toISOString(),
      actorType: (i % 2 ? 'admin' : 'token') as 'admin' | 'token',
      actor: i % 2 ? 'root' : 'ci',
      ip: '10.0.0.1',
      userAgent: i === 0 ? 'u'.repeat(500) : 'curl',
      action: i % 3 ? 'updateUser' : 'createAdmin',
      method: 'POST',
      path: '/api/v1/x',
      target: `n=${i}`,
      status: i === 4 ? 403 : 200,
      outcome: (i === 4 ? 'failure' : 'success') as 'success' | 'failure',
      detail: i === 1 ? { fields: ['email'], nested: { n: 1 } } : null,
    });
    for (let i = 0; i < 7; i++) await store.auditLog.write(entry(i));

    const all = await store.auditLog.list({ limit: 3, offset: 0 });
    expect(all.total).toBe(7);
    expect(all.items.map((e) => e.target)).toEqual(['n=6', 'n=5', 'n=4']);
    const next = await store.auditLog.list({ limit: 3, offset: 3 });
    expect(next.items.map((e) => e.target)).toEqual(['n=3', 'n=2', 'n=1']);
    expect(next.items[2].detail).toEqual({ fields: ['email'], nested: { n: 1 } });
    expect((await store.auditLog.list({ limit: 3, offset: 6 })).items[0]).toMatchObject({ target: 'n=0', actorType: 'token', detail: null });
    expect((await store.auditLog.list({ limit: 3, offset: 6 })).items[0].userAgent).toHaveLength(300);

    expect((await store.auditLog.list({ actor: 'root', limit: 10, offset: 0 })).items.map((e) => e.target)).toEqual(['n=5', 'n=3', 'n=1']);
    const failures = await store.auditLog.list({ outcome: 'failure', limit: 10, offset: 0 });
    expect(failures).toMatchObject({ total: 1, items: [{ target: 'n=4', status: 403 }] });
    expect((await store.auditLog.list({ action: 'createAdmin', actor: 'ci', limit: 10, offset: 0 })).items.map((e) => e.target)).toEqual(['n=6', 'n=0']);

    await expect(store.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    expect((await store.auditLog.list({ limit: 1, offset: 0 })).total).toBe(7);
  });

  it('runs several interfaces in one transaction, and undoes them all when it fails', async () => {
    const store = await open();
    await expect(
      store.transact(async (q) => {
        await q.admins.insert({ username: 'x', role: 'owner', passwordHash: 'h' }, t0);
        await q.auditLog.write({
          at: t0.toISOString(),
          actorType: 'cli',
          actor: 'me',
          ip: null,
          userAgent: null,
          action: 'createAdmin',
          method: 'CLI',
          path: 'idsync admin create',
          target: null,
          status: 0,
          outcome: 'success',
          detail: null,
        });
        expect(await q.admins.count()).toBe(1);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await store.admins.count()).toBe(0);
    expect((await store.auditLog.list({ limit: 1, offset: 0 })).total).toBe(0);
    await store.ping();
  });
});

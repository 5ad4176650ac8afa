import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncedUserRow } from '../../test/support/user-rows.js';
import { KdfPool } from '../auth/kdf-pool.js';
import { deriveNtVerifier, ntHash } from '../auth/nt-verifier.js';
import { hashPassword } from '../auth/passwords.js';
import { DEFAULT_VERIFY_LIMITS, PasswordVerifier } from '../auth/verify.js';
import { ApiHarness } from './test-support.js';

/**
 * POST /api/v1/auth/verify (issue 14) in-process: a `verify` token and nothing else, synced
 * passwords (newest wins over an admin-set one), disabled users fail, limits, a flood refused with
 * Retry-After while admin calls stay quick, failures audited without the password, and no answer
 * holding a verifier (the harness checks every answer).
 */
describe('POST /api/v1/auth/verify', () => {
  let h: ApiHarness;
  let verifyToken = '';
  const t0 = new Date('2026-12-03T10:00:00Z');
  const change = async (guid: string, username: string, password: string, pwdLastSet: string) => ({
    guid,
    username,
    pwdLastSet,
    status: 'Success' as const,
    verifier: await deriveNtVerifier(await ntHash(password), undefined, randomBytes(16)),
  });
  let seq = 0;
  const apply = async (changes: Awaited<ReturnType<typeof change>>[]) =>
    h.store.passwordSync.applyBatch({ agent: 'site', directory: 'ad', epoch: 'e', seq: ++seq, changes }, new Date());
  const verify = (username: string, password: string, as = verifyToken) => h.call('POST', '/api/v1/auth/verify', { as, body: { username, password } });

  beforeAll(async () => {
    h = await ApiHarness.create({
      verifier: (store) =>
        new PasswordVerifier(store, new KdfPool({ size: 1, queueLimit: 4 }), {
          ...DEFAULT_VERIFY_LIMITS,
          perUser: { maxFailures: 3, windowMs: 60_000, lockMs: 60_000 },
        }),
    });
    const dir = await h.store.db
      .insertInto('directories')
      .values({ name: 'ad', type: 'active-directory', username_attribute: 'sAMAccountName', first_synced_at: null, created_at: t0.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await h.store.db
      .insertInto('users')
      .values(syncedUserRow(dir.id, 'alice', t0, { aliases: '["alice@corp.example"]' }))
      .execute();
    await h.store.db
      .insertInto('users')
      .values(syncedUserRow(dir.id, 'dave', t0, { status: 'disabled' }))
      .execute();
    await h.store.db
      .insertInto('users')
      .values(syncedUserRow(dir.id, 'erin', t0))
      .execute();
    await apply([await change('e-alice', 'alice', 'Alice pass 1!', '100'), await change('e-dave', 'dave', 'Dave pass 1!', '100')]);
    const r = await h.call('POST', '/api/v1/tokens', { body: { name: 'proxy', role: 'verify' } });
    expect(r.status).toBe(201);
    verifyToken = r.body.token;
  }, 60_000);
  afterAll(() => h?.close());

  it('verifies a synced password by username or alias; wrong, disabled and unknown fail alike; the scope allows nothing else', async () => {
    expect((await verify('alice', 'Alice pass 1!')).body).toEqual({ valid: true, user: { id: expect.any(Number), username: 'alice' } });
    expect((await verify('ALICE@corp.example', 'Alice pass 1!')).status).toBe(200);
    expect((await verify('alice', 'alice pass 1!')).body.error.code).toBe('AUTH_FAILED');
    expect((await verify('dave', 'Dave pass 1!')).status).toBe(401);
    expect((await verify('nobody', 'Dave pass 1!')).status).toBe(401);
    expect((await verify('erin', 'anything')).status).toBe(401);
    expect((await h.call('GET', '/api/v1/users', { as: verifyToken })).status).toBe(403);
    expect((await h.call('GET', '/api/v1/me', { as: verifyToken })).status).toBe(403);
    expect((await verify('alice', 'Alice pass 1!', h.tokens.owner)).status).toBe(403);

    const audit = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'verifyPassword').execute();
    expect(audit.filter((a) => a.outcome === 'failure').map((a) => a.target)).toEqual(
      expect.arrayContaining(['username=alice', 'username=dave', 'username=nobody', 'username=erin']),
    );
    expect(audit.some((a) => a.outcome === 'success' && a.status === 200)).toBe(false);
    expect(JSON.stringify(audit)).not.toMatch(/pass 1!/);
  }, 60_000);

  it('an admin-set password works until the next on-premises change overrides it', async () => {
    const alice = await h.store.db.selectFrom('users').select('id').where('username', '=', 'alice').executeTakeFirstOrThrow();
    await h.store.userPasswords.set(alice.id, await hashPassword('Admin set pass 2!'), new Date(Date.now() + 1000));
    expect((await verify('alice', 'Admin set pass 2!')).status).toBe(200);
    expect((await verify('alice', 'Alice pass 1!')).status).toBe(401);
    await new Promise((r) => setTimeout(r, 1100));
    await apply([await change('e-alice', 'alice', 'Alice pass 3!', '200')]);
    expect((await verify('alice', 'Alice pass 3!')).status).toBe(200);
    expect((await verify('alice', 'Admin set pass 2!')).status).toBe(401);
  }, 60_000);

  it('locks a user after repeated failures (429 + Retry-After), and a flood is refused at once while admin calls stay responsive', async () => {
    for (let i = 0; i < 3; i++) await verify('erin', `wrong ${i}`);
    const locked = await verify('erin', 'wrong again');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);

    // Distinct usernames, so the refusals are the pool's queue, not a user's lock.
    const flood = Array.from({ length: 30 }, (_, i) => verify(`flood-${i}`, 'Alice pass 3!'));
    const adminTimes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      expect((await h.call('GET', '/api/v1/users', { as: h.tokens.read_only })).status).toBe(200);
      adminTimes.push(performance.now() - t);
    }
    const answers = await Promise.all(flood);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((a) => Number(a.headers.get('retry-after')) >= 1)).toBe(true);
    expect(answers.filter((a) => a.status === 401).length).toBeGreaterThanOrEqual(5);
    expect(refused.every((a) => a.body.error.message.includes('waiting'))).toBe(true);
    adminTimes.sort((a, b) => a - b);
    console.log(
      `[verify flood] ${answers.length} verifications: ${answers.length - refused.length} checked, ${refused.length} refused; admin GET /users p50 ` +
        `${adminTimes[5].toFixed(1)} ms, max ${adminTimes[9].toFixed(1)} ms`,
    );
    expect(adminTimes[9]).toBeLessThan(1000);
  }, 60_000);

  it('shows the status and attempts without any verifier', async () => {
    const r = await h.call('GET', '/api/v1/password-sync?username=alice');
    expect(r.body.items[0]).toMatchObject({ status: 'Success', kdf: 'argon2id m=19456,t=2,p=1', attempts: expect.any(Array) });
    const all = await h.call('GET', '/api/v1/password-sync', { as: h.tokens.read_only });
    // Erin is synced from "ad", whose agent reported no password for her: SourceConnectorNotPresent (computed since pwsync).
    expect(all.body.items.map((i: { username: string; status: string }) => [i.username, i.status])).toEqual([
      ['alice', 'Success'],
      ['dave', 'Success'],
      ['erin', 'SourceConnectorNotPresent'],
    ]);
    expect(all.text).not.toContain('$argon2id$');
  });
});

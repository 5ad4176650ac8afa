import { TOTP, Secret } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncedUserRow } from '../../test/support/user-rows.js';
import { secretBoxFor } from '../directories/secret-box.js';
import { issueLink } from '../enrollment/links.js';
import { ApiHarness } from './test-support.js';

/**
 * Issue 15 in-process: the enrollment page's API authorised by the link's token (TOTP with codes
 * computed here, recovery codes at the end, the link then used), the second factor of
 * POST /api/v1/auth/verify with Duo's statuses (bypass, disabled group, lockout after N bad codes
 * and its expiry), a code refused the second time in its step, administrators' removal, and the
 * TOTP secret, the recovery codes and the link's token in no admin answer (the harness checks every
 * answer once they are known) nor in the audit log.
 */
describe('second factor through the API (issue 15)', () => {
  let h: ApiHarness;
  let clock = new Date('2026-12-03T10:00:07Z');
  const tick = (s: number) => {
    clock = new Date(clock.getTime() + s * 1000);
  };
  let verifyToken = '';
  let aliceId = 0;
  let groupId = 0;
  let secret = '';
  let recovery: string[] = [];
  const code = (at = clock) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at.getTime() });
  const verify = (body: Record<string, unknown>) => h.call('POST', '/api/v1/auth/verify', { as: verifyToken, body: { username: 'alice', ...body } });

  beforeAll(async () => {
    h = await ApiHarness.create({ now: () => clock, secondFactor: { maxFailures: 3, lockoutMinutes: 15 } });
    const dir = await h.store.db
      .insertInto('directories')
      .values({ name: 'ad', type: 'active-directory', username_attribute: 'sAMAccountName', first_synced_at: null, created_at: clock.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    aliceId = (
      await h.store.db
        .insertInto('users')
        .values(syncedUserRow(dir.id, 'alice', clock))
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    groupId = (
      await h.store.db
        .insertInto('groups')
        .values({
          directory_id: dir.id,
          external_id: 'g-eng',
          dn: 'cn=eng,dc=x',
          name: 'Eng',
          created_at: clock.toISOString(),
          updated_at: clock.toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await h.store.db.insertInto('group_members').values({ group_id: groupId, user_id: aliceId }).execute();
    const r = await h.call('POST', '/api/v1/tokens', { body: { name: 'vpn', role: 'verify' } });
    verifyToken = r.body.token;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('enrols a TOTP through a link, ends with recovery codes, and uses the link', async () => {
    const link = await issueLink(h.store, secretBoxFor(h.app.deps.config), aliceId, clock);
    const enroll = (p: string, body: Record<string, unknown> = {}) => h.call('POST', `/api/v1/enroll/${p}`, { as: null, body: { token: link.token, ...body } });

    expect((await h.call('POST', '/api/v1/enroll/start', { as: null, body: { token: 'x'.repeat(43) } })).body.error.code).toBe('ENROLLMENT_LINK_INVALID');
    const start = await enroll('start');
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ username: 'alice', authenticators: [], passkeys: false });
    expect((await enroll('finish')).body.error.code).toBe('ENROLLMENT_INCOMPLETE');

    const begin = await enroll('totp');
    expect(begin.status).toBe(200);
    secret = begin.body.secret;
    expect(begin.body.otpauthUrl).toContain(`secret=${secret}`);
    expect(begin.body.qrDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    const wrong = await enroll('totp/confirm', { pendingId: begin.body.pendingId, code: code(new Date(clock.getTime() + 600_000)) });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe('ENROLLMENT_FACTOR_REJECTED');
    const ok = await enroll('totp/confirm', { pendingId: begin.body.pendingId, code: code(), label: 'Work phone' });
    expect(ok.status).toBe(201);
    expect(ok.body.authenticator).toMatchObject({ kind: 'totp', label: 'Work phone' });
    expect((await enroll('totp/confirm', { pendingId: begin.body.pendingId, code: code() })).status).toBe(422);

    const fin = await enroll('finish');
    expect(fin.status).toBe(200);
    recovery = fin.body.recoveryCodes;
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    expect((await enroll('start')).body.error).toMatchObject({ code: 'ENROLLMENT_LINK_INVALID', message: /used already/ });

    // From here on no answer may hold them (the harness checks each).
    for (const s of [link.token, secret, ...recovery]) h.secrets.add(s);
    const stored = await h.store.db.selectFrom('authenticators').select('secret').execute();
    expect(stored[0]!.secret).toMatch(/^sealed:v1:/);
    const codes = await h.store.db.selectFrom('recovery_codes').select('code_hash').execute();
    expect(codes.map((c) => c.code_hash)).not.toContain(recovery[0]);
  });

  it('verifies a TOTP code once per time step, and a recovery code once', async () => {
    const none = await verify({ secondFactor: { type: 'none' } });
    expect(none.body).toEqual({ decision: 'deny', reason: 'factor_required', user: { id: aliceId, username: 'alice' }, factors: ['recovery', 'totp'] });
    // The code that confirmed the enrollment does not verify.
    expect((await verify({ secondFactor: { type: 'totp', code: code() } })).body.reason).toBe('replayed_code');
    tick(30);
    const c = code();
    expect((await verify({ secondFactor: { type: 'totp', code: c } })).body).toMatchObject({ decision: 'allow', reason: 'verified', method: 'totp' });
    expect((await verify({ secondFactor: { type: 'totp', code: c } })).body).toMatchObject({ decision: 'deny', reason: 'replayed_code' });
    const rc = recovery[0]!.toUpperCase();
    expect((await verify({ secondFactor: { type: 'recovery', code: rc } })).body).toMatchObject({ decision: 'allow', method: 'recovery' });
    expect((await verify({ secondFactor: { type: 'recovery', code: rc } })).body).toMatchObject({ decision: 'deny', reason: 'bad_code' });
    expect((await h.call('GET', '/api/v1/users/alice/second-factor', { as: 'read_only' })).body).toMatchObject({
      status: 'active',
      effectiveStatus: 'active',
      // The used recovery code just now; a success starts the count again.
      failures: 1,
      recoveryCodesLeft: 9,
      authenticators: [{ kind: 'totp', label: 'Work phone' }],
    });
  });

  it('locks out after N bad codes until the lockout expires or an administrator unlocks', async () => {
    tick(30);
    expect((await verify({ secondFactor: { type: 'totp', code: code() } })).body.decision).toBe('allow');
    tick(30);
    for (let i = 0; i < 3; i++) expect((await verify({ secondFactor: { type: 'totp', code: '000000' } })).body.reason).toBe('bad_code');
    expect((await verify({ secondFactor: { type: 'totp', code: code() } })).body).toMatchObject({ decision: 'deny', reason: 'locked_out' });
    const locked = (await h.call('GET', '/api/v1/users/alice/second-factor', { as: 'read_only' })).body;
    expect(locked).toMatchObject({ status: 'locked_out', failures: 3 });
    tick(15 * 60 + 1);
    expect((await verify({ secondFactor: { type: 'totp', code: code() } })).body).toMatchObject({ decision: 'allow', reason: 'verified' });

    const set = (status: string, as = 'user_manager') => h.call('PUT', '/api/v1/users/alice/second-factor/status', { as, body: { status } });
    expect((await set('locked_out', 'read_only')).status).toBe(403);
    expect((await set('locked_out')).body).toMatchObject({ status: 'locked_out', lockedUntil: null });
    tick(30);
    expect((await verify({ secondFactor: { type: 'totp', code: code() } })).body.reason).toBe('locked_out');
    tick(3600);
    expect((await verify({ secondFactor: { type: 'totp', code: code() } })).body.reason).toBe('locked_out');
    expect((await set('active')).body.status).toBe('active');
    expect((await verify({ secondFactor: { type: 'totp', code: code() } })).body.decision).toBe('allow');
    // A synced user's disabled state is their directory's.
    const refused = await set('disabled');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('STORE_ATTRIBUTE_OWNED');
    expect((await set('bypass')).body.effectiveStatus).toBe('bypass');
    expect((await verify({ secondFactor: { type: 'none' } })).body).toMatchObject({ decision: 'allow', reason: 'bypass' });
    await set('active');
  });

  it('applies group statuses: bypass skips the factor, a disabled group denies, disabled wins', async () => {
    const setGroup = (status: string, as = 'administrator') => h.call('PUT', `/api/v1/groups/${groupId}/second-factor`, { as, body: { status } });
    expect((await setGroup('bypass', 'user_manager')).status).toBe(403);
    expect((await setGroup('bypass')).body).toMatchObject({ kind: 'synced', name: 'Eng', status: 'bypass' });
    expect((await verify({ secondFactor: { type: 'none' } })).body).toMatchObject({ decision: 'allow', reason: 'bypass' });

    const lg = await h.call('POST', '/api/v1/local-groups', { as: 'user_manager', body: { name: 'Contractors' } });
    expect(lg.status).toBe(201);
    expect((await h.call('POST', '/api/v1/local-groups/Contractors/members', { as: 'user_manager', body: { usernames: ['alice'] } })).status).toBe(200);
    expect((await h.call('PUT', '/api/v1/local-groups/Contractors/second-factor', { as: 'administrator', body: { status: 'disabled' } })).body.status).toBe(
      'disabled',
    );
    tick(30);
    expect((await verify({ secondFactor: { type: 'totp', code: code() } })).body).toMatchObject({ decision: 'deny', reason: 'disabled_by_group' });
    expect((await h.call('GET', '/api/v1/second-factor/groups', { as: 'read_only' })).body.items.map((g: { name: string }) => g.name)).toEqual([
      'Contractors',
      'Eng',
    ]);
    await h.call('PUT', '/api/v1/local-groups/Contractors/second-factor', { as: 'administrator', body: { status: 'active' } });
    await setGroup('active');
    expect((await verify({ secondFactor: { type: 'totp', code: code() } })).body.decision).toBe('allow');
  });

  it('keeps password verification, and checks the password first when both are given', async () => {
    expect((await verify({})).status).toBe(400);
    const nobody = await h.call('POST', '/api/v1/auth/verify', { as: verifyToken, body: { username: 'nobody', secondFactor: { type: 'none' } } });
    expect(nobody.body).toMatchObject({ decision: 'deny', reason: 'unknown_user', user: null });
    expect((await verify({ password: 'wrong password', secondFactor: { type: 'totp', code: '123456' } })).status).toBe(401);
    // A local user with a password and no second factor: the password is right, the decision is the factor's.
    expect((await h.call('POST', '/api/v1/users', { as: 'user_manager', body: { username: 'lou' } })).status).toBe(201);
    const pw = 'Lou-local-password-7731';
    h.secrets.add(pw);
    expect((await h.call('PUT', '/api/v1/users/lou/password', { as: 'administrator', body: { password: pw } })).status).toBe(200);
    const onlyPassword = await h.call('POST', '/api/v1/auth/verify', { as: verifyToken, body: { username: 'lou', password: pw } });
    expect(onlyPassword.body).toMatchObject({ valid: true, user: { username: 'lou' } });
    const both = await h.call('POST', '/api/v1/auth/verify', { as: verifyToken, body: { username: 'lou', password: pw, secondFactor: { type: 'none' } } });
    expect(both.body).toMatchObject({ decision: 'deny', reason: 'not_enrolled', password: 'valid', user: { username: 'lou' } });
  });

  it('lets an administrator remove an authenticator (audited); decisions are audited without codes or secrets', async () => {
    const list = (await h.call('GET', '/api/v1/users/alice/second-factor', { as: 'read_only' })).body.authenticators;
    expect((await h.call('DELETE', `/api/v1/users/alice/authenticators/${list[0].id}`, { as: 'read_only' })).status).toBe(403);
    expect((await h.call('DELETE', `/api/v1/users/alice/authenticators/${list[0].id}`, { as: 'user_manager' })).status).toBe(204);
    expect((await h.call('DELETE', `/api/v1/users/alice/authenticators/${list[0].id}`, { as: 'user_manager' })).status).toBe(404);
    // Recovery codes remain: still enrolled, but a TOTP code no longer works.
    tick(30);
    expect((await verify({ secondFactor: { type: 'totp', code: code() } })).body.reason).toBe('bad_code');

    const audit = await h.store.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    const actions = audit.map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['enrollTotpConfirm', 'enrollFinish', 'removeAuthenticator', 'setUserFactorStatus', 'setGroupFactorStatus']),
    );
    const decisions = audit.filter((a) => a.action === 'verifyPassword' && a.detail?.includes('decision'));
    expect(decisions.length).toBeGreaterThanOrEqual(15);
    expect(decisions.map((d) => JSON.parse(d.detail!).reason)).toEqual(
      expect.arrayContaining(['verified', 'replayed_code', 'bad_code', 'locked_out', 'bypass']),
    );
    const all = JSON.stringify(audit);
    for (const s of h.secrets) if (s.length >= 6) expect(all.includes(s), 'a secret in the audit log').toBe(false);
  });
});

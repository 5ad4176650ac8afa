import { afterEach, describe, expect, it } from 'vitest';
import { emptyCounts, type RunReport } from '../sync/report.js';
import { ApiHarness, cookieHeader, OWNER, type Session } from './test-support.js';

/**
 * The API's frame: authentication, sessions and CSRF, first-run setup, error shape, headers, the
 * OpenAPI document, probes, metrics, the event stream and the audit log. Login throttling and how
 * sessions and tokens end are in sessions.test.ts; resources have their own files. Every answer
 * here also goes through the harness's leak check.
 */
const open: ApiHarness[] = [];
async function harness(...args: Parameters<typeof ApiHarness.create>): Promise<ApiHarness> {
  const h = await ApiHarness.create(...args);
  open.push(h);
  return h;
}
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

/** A clock the test moves. */
function clock(start = '2026-11-01T10:00:00Z') {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe('errors, headers and the OpenAPI document', () => {
  it('answers errors as { error: { code, message, field } } with the status of the code, and security headers everywhere', async () => {
    const h = await harness();
    const missing = await h.call('GET', '/api/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: expect.stringContaining('/api/v1/nothing-here') } });

    const bad = await h.call('POST', '/api/v1/admins', { body: { username: 'x', role: 'emperor', password: 'long-enough-password' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'role' });

    const unknownKey = await h.call('POST', '/api/v1/tokens', { body: { name: 'ci', role: 'read_only', scope: 'all' } });
    expect(unknownKey.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'scope', message: expect.stringContaining('unknown key') });

    const query = await h.call('GET', '/api/v1/users?limit=0');
    expect(query.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'limit' });

    const malformed = await h.call('POST', '/api/v1/tokens', { raw: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
    const notJson = await h.call('POST', '/api/v1/tokens', { raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(notJson.status).toBe(400);

    for (const r of [missing, bad, await h.call('GET', '/healthz'), await h.call('GET', '/api/v1/me')]) {
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(r.text).not.toMatch(/\n\s+at /); // no stack traces
    }
  });

  it('refuses bodies over api.maxBodyKb with 413', async () => {
    const h = await harness({ api: { maxBodyKb: 1 } });
    const r = await h.call('POST', '/api/v1/tokens', { body: { name: 'x'.repeat(2000), role: 'read_only' } });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it("serves an OpenAPI document generated from the request schemas, with every operation's minimum role", async () => {
    const h = await harness();
    const r = await h.call('GET', '/api/v1/openapi.json', { as: null });
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.0.3');
    const ops = Object.entries(r.body.paths as Record<string, Record<string, any>>).flatMap(([p, m]) =>
      Object.entries(m).map(([method, op]) => ({ p, method, op })),
    );
    expect(ops.length).toBeGreaterThan(35);
    for (const { op } of ops) {
      // A role, or (issue 14) the verify token scope, which only verification (and its WebAuthn challenge, issue 15) takes.
      if (op.operationId === 'verifyPassword' || op.operationId === 'verifyWebauthnChallenge') expect(op['x-idsync-min-role']).toBe('verify');
      else expect(op['x-idsync-min-role'], op.operationId).toMatch(/^(public|owner|administrator|user_manager|read_only)$/);
      expect(op.operationId).toBeTruthy();
    }
    expect(r.body.components.schemas.DirectoryInput.properties.bind.properties.password.description).toMatch(/Write-only/);
    expect(r.body.components.schemas.DirectoryInput.properties.caFile).toBeUndefined();
    expect(r.body.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

describe('authentication', () => {
  it('takes API tokens as bearer credentials and refuses unknown, malformed and revoked ones', async () => {
    const h = await harness();
    expect((await h.call('GET', '/api/v1/me', { as: 'read_only' })).body).toEqual({ kind: 'token', name: 'test-read_only', role: 'read_only' });
    expect((await h.call('GET', '/api/v1/me', { as: null })).body.error.code).toBe('AUTH_REQUIRED');
    expect((await h.call('GET', '/api/v1/me', { as: 'idsync_not-a-token' })).body.error.code).toBe('AUTH_FAILED');
    expect((await h.call('GET', '/api/v1/me', { as: null, headers: { authorization: 'Basic cm9vdDpyb290' } })).status).toBe(401);

    const created = await h.call('POST', '/api/v1/tokens', { body: { name: 'ci', role: 'administrator' } });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^idsync_[A-Za-z0-9_-]{43}$/);
    expect((await h.call('GET', '/api/v1/me', { as: token })).body.role).toBe('administrator');
    // Listed without its value, and stored only as a hash.
    const list = await h.call('GET', '/api/v1/tokens');
    expect(list.body.items.find((t: { name: string }) => t.name === 'ci')).toMatchObject({ role: 'administrator', createdBy: 'test-owner', revokedAt: null });
    const row = await h.store.db.selectFrom('api_tokens').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(token);

    expect((await h.call('DELETE', `/api/v1/tokens/${created.body.id}`)).body.revokedAt).toEqual(expect.any(String));
    expect((await h.call('GET', '/api/v1/me', { as: token })).status).toBe(401);
  });

  it('expires tokens at their expiry date', async () => {
    const c = clock();
    const h = await harness({ now: c.now });
    const r = await h.call('POST', '/api/v1/tokens', { body: { name: 'short', role: 'read_only', expiresAt: '2026-11-01T11:00:00Z' } });
    expect((await h.call('GET', '/api/v1/me', { as: r.body.token })).status).toBe(200);
    c.advance(2 * 3_600_000);
    expect((await h.call('GET', '/api/v1/me', { as: r.body.token })).status).toBe(401);
    expect((await h.call('POST', '/api/v1/tokens', { body: { name: 'past', role: 'read_only', expiresAt: '2020-01-01T00:00:00Z' } })).body.error).toMatchObject(
      { field: 'expiresAt' },
    );
  });

  it('logs in with an HTTP-only SameSite=Strict session cookie and a readable CSRF cookie, and logs out', async () => {
    const h = await harness();
    const r = await h.call('POST', '/api/v1/auth/login', { as: null, body: OWNER });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ admin: { username: 'root', role: 'owner' }, csrfToken: expect.any(String), expiresAt: expect.any(String) });
    expect(r.body.admin.passwordHash).toBeUndefined();
    const [session, csrf] = r.headers.getSetCookie();
    expect(session).toMatch(/^idsync_session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(csrf).toMatch(new RegExp(`^idsync_csrf=${r.body.csrfToken}; Max-Age=43200; Path=/; SameSite=Strict$`));
    const s: Session = { cookie: cookieHeader(r.headers), csrfToken: r.body.csrfToken };
    expect((await h.call('GET', '/api/v1/me', { session: s })).body).toEqual({ kind: 'admin', name: 'root', role: 'owner' });
    // The store keeps hashes only.
    const rows = await h.store.db.selectFrom('sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(s.cookie.split(';')[0].split('=')[1]);

    expect((await h.call('POST', '/api/v1/auth/logout', { session: s })).status).toBe(204);
    const after = await h.call('GET', '/api/v1/me', { session: s });
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/expired/);
  });

  it('marks cookies Secure when configured, or behind a trusted proxy that says https', async () => {
    const forced = await harness({ api: { secureCookies: true } });
    expect((await forced.call('POST', '/api/v1/auth/login', { as: null, body: OWNER })).headers.getSetCookie()[0]).toContain('; Secure');
    const proxied = await harness({ api: { trustProxy: true } });
    const r = await proxied.call('POST', '/api/v1/auth/login', {
      as: null,
      body: OWNER,
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' },
    });
    expect(r.headers.getSetCookie()[0]).toContain('; Secure');
    const audit = await proxied.call('GET', '/api/v1/audit?action=login');
    expect(audit.body.items[0].ip).toBe('203.0.113.9');
    // Without trustProxy the header is ignored: anyone can send it.
    const direct = await harness();
    expect(
      (await direct.call('POST', '/api/v1/auth/login', { as: null, body: OWNER, headers: { 'x-forwarded-proto': 'https' } })).headers.getSetCookie()[0],
    ).not.toContain('Secure');
  });

  it('ends sessions after the idle time and after the absolute lifetime', async () => {
    const c = clock();
    const h = await harness({ now: c.now, api: { sessionIdleMinutes: 30, sessionMaxHours: 1 } });
    const s = await h.login();
    c.advance(20 * 60_000);
    expect((await h.call('GET', '/api/v1/me', { session: s })).status).toBe(200);
    c.advance(20 * 60_000); // 20 minutes since the last request
    expect((await h.call('GET', '/api/v1/me', { session: s })).status).toBe(200);
    c.advance(31 * 60_000);
    expect((await h.call('GET', '/api/v1/me', { session: s })).status).toBe(401);

    const s2 = await h.login();
    for (let i = 0; i < 3; i++) {
      c.advance(25 * 60_000);
      expect((await h.call('GET', '/api/v1/me', { session: s2 })).status).toBe(i < 2 ? 200 : 401);
    }
  });

  it("requires the session's CSRF token on state-changing requests of a cookie session, not of a bearer token", async () => {
    const h = await harness();
    const s = await h.login();
    const body = { name: 'csrf', role: 'read_only' };
    const none = await h.call('POST', '/api/v1/tokens', { session: s, csrf: false, body });
    expect(none.status).toBe(403);
    expect(none.body.error.code).toBe('CSRF_FAILED');
    const wrong = await h.call('POST', '/api/v1/tokens', { session: s, csrf: false, body, headers: { 'x-csrf-token': 'guessed' } });
    expect(wrong.status).toBe(403);
    const other = await h.login();
    const crossed = await h.call('POST', '/api/v1/tokens', { session: s, csrf: false, body, headers: { 'x-csrf-token': other.csrfToken } });
    expect(crossed.status).toBe(403); // bound to its own session
    expect((await h.call('DELETE', '/api/v1/admins/nobody', { session: s, csrf: false })).status).toBe(403);
    expect((await h.call('POST', '/api/v1/tokens', { session: s, body })).status).toBe(201);
    expect((await h.call('GET', '/api/v1/tokens', { session: s, csrf: false })).status).toBe(200);
    expect((await h.call('POST', '/api/v1/tokens', { as: 'owner', body })).status).toBe(201);
  });

  it('changes the own password, ending the other sessions', async () => {
    const h = await harness();
    const a = await h.login();
    const b = await h.login();
    const wrong = await h.call('PUT', '/api/v1/me/password', { session: a, body: { currentPassword: 'not-it-at-all', newPassword: 'a-new-password-123' } });
    expect(wrong.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'currentPassword' });
    const short = await h.call('PUT', '/api/v1/me/password', { session: a, body: { currentPassword: OWNER.password, newPassword: 'short' } });
    expect(short.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'newPassword' });
    expect(
      (await h.call('PUT', '/api/v1/me/password', { session: a, body: { currentPassword: OWNER.password, newPassword: 'a-new-password-123' } })).status,
    ).toBe(204);
    h.secrets.add('a-new-password-123');
    expect((await h.call('GET', '/api/v1/me', { session: a })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/me', { session: b })).status).toBe(401);
    expect((await h.call('POST', '/api/v1/auth/login', { as: null, body: OWNER })).status).toBe(401);
    await h.login('root', 'a-new-password-123');
    const token = await h.call('PUT', '/api/v1/me/password', { as: 'owner', body: { currentPassword: 'x', newPassword: 'y-long-enough-1' } });
    expect(token.body.error.code).toBe('FORBIDDEN');
  });
});

describe('first-run setup', () => {
  it('creates the first owner only from localhost, without a proxy, and only once', async () => {
    const h = await harness({ noOwner: true });
    const body = { username: 'first', password: 'first-owner-password' };
    h.secrets.add(body.password);
    expect((await h.call('GET', '/api/v1/setup', { as: null })).body).toEqual({ needed: true, allowedHere: true });
    expect((await h.call('GET', '/api/v1/setup', { as: null, ip: '198.51.100.4' })).body).toEqual({ needed: true, allowedHere: false });
    const remote = await h.call('POST', '/api/v1/setup', { as: null, body, ip: '198.51.100.4' });
    expect(remote.status).toBe(403);
    expect(remote.body.error.code).toBe('SETUP_UNAVAILABLE');
    expect((await h.call('POST', '/api/v1/setup', { as: null, body, headers: { 'x-forwarded-for': '198.51.100.4' } })).status).toBe(403);
    expect((await h.call('POST', '/api/v1/setup', { as: null, body: { ...body, password: 'short' } })).body.error).toMatchObject({ field: 'password' });

    const ok = await h.call('POST', '/api/v1/setup', { as: null, body });
    expect(ok.status).toBe(201);
    expect(ok.body.admin).toMatchObject({ username: 'first', role: 'owner' });
    expect(ok.headers.getSetCookie()[0]).toMatch(/^idsync_session=.*HttpOnly; SameSite=Strict/);
    const again = await h.call('POST', '/api/v1/setup', { as: null, body: { username: 'second', password: 'second-owner-password' } });
    expect(again.status).toBe(403);
    expect(again.body.error.message).toMatch(/an admin exists/);
    expect((await h.call('GET', '/api/v1/setup', { as: null })).body.needed).toBe(false);
  });
});

describe('audit log', () => {
  it('records every state-changing request and every login, with who, when and from where, and nothing on reads', async () => {
    const h = await harness();
    await h.call('POST', '/api/v1/auth/login', {
      as: null,
      body: { username: 'root', password: 'bad-password-1' },
      headers: { 'user-agent': 'Browser/1.0' },
      ip: '192.0.2.50',
    });
    const s = await h.login();
    await h.call('POST', '/api/v1/admins', { session: s, body: { username: 'ann', role: 'read_only', password: 'ann-password-123' } });
    h.secrets.add('ann-password-123');
    await h.call('DELETE', '/api/v1/admins/ann', { as: 'administrator' }); // refused: also recorded
    await h.call('GET', '/api/v1/admins');
    const r = await h.call('GET', '/api/v1/audit');
    expect(r.body.items.map((e: { action: string; status: number }) => `${e.action} ${e.status}`)).toEqual([
      'deleteAdmin 403',
      'createAdmin 201',
      'login 200',
      'login 401',
    ]);
    expect(r.body.items[3]).toMatchObject({
      actorType: 'anonymous',
      actor: 'root',
      ip: '192.0.2.50',
      userAgent: 'Browser/1.0',
      outcome: 'failure',
      method: 'POST',
      path: '/api/v1/auth/login',
    });
    expect(r.body.items[1]).toMatchObject({ actorType: 'admin', actor: 'root', target: 'username=ann', detail: { role: 'read_only' }, outcome: 'success' });
    expect(r.body.items[0]).toMatchObject({ actorType: 'token', actor: 'test-administrator', target: 'username=ann' });
    expect(JSON.stringify(r.body)).not.toContain('ann-password-123');
    expect((await h.call('GET', '/api/v1/audit?action=login&outcome=failure')).body.total).toBe(1);
    expect((await h.call('GET', '/api/v1/audit?limit=1&offset=1')).body.items[0].action).toBe('createAdmin');
  });

  it('is append-only in the store itself', async () => {
    const h = await harness();
    await h.login();
    await expect(h.store.db.updateTable('audit_log').set({ actor: 'someone else' }).execute()).rejects.toThrow(/append-only/);
    await expect(h.store.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  });
});

describe('probes, metrics and events', () => {
  const report = (over: Partial<RunReport> = {}): RunReport => ({
    runId: 7,
    directory: 'corp',
    kind: 'full',
    dryRun: false,
    status: 'succeeded',
    attempts: [],
    counts: { ...emptyCounts(), created: 3, updated: 1 },
    changes: [{ objectType: 'user', name: 'alice', outcome: 'created' }],
    warnings: [],
    durationMs: 1500,
    ...over,
  });

  it('answers /healthz and /readyz without credentials', async () => {
    const h = await harness();
    expect((await h.call('GET', '/healthz', { as: null })).body).toEqual({ status: 'ok' });
    expect((await h.call('GET', '/readyz', { as: null })).body).toEqual({ status: 'ready' });
    // Nothing about directories, without login: not their names, not when they last ran.
    await h.store.db
      .insertInto('directories')
      .values({ name: 'corp-secret-name', type: 'openldap', username_attribute: 'uid', first_synced_at: null, created_at: 'x' })
      .execute();
    const ready = await h.call('GET', '/readyz', { as: null });
    expect(ready.body).toEqual({ status: 'ready' });
    expect(ready.text).not.toContain('corp-secret-name');
  });

  it('serves Prometheus metrics to a token holder: runs, durations, objects, errors, lag', async () => {
    const h = await harness();
    expect((await h.call('GET', '/metrics', { as: null })).status).toBe(401);
    const events = h.app.deps.service.events;
    events.emit('finished', { directory: 'corp', report: report() });
    events.emit('finished', { directory: 'corp', report: report({ status: 'failed', error: { code: 'DIRECTORY_BIND_FAILED', message: 'x' } }) });
    events.emit('finished', { directory: 'corp', report: report({ dryRun: true }) });
    const dir = await h.store.db
      .insertInto('directories')
      .values({ name: 'corp', type: 'openldap', username_attribute: 'uid', first_synced_at: null, created_at: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await h.store.db
      .insertInto('sync_state')
      .values({
        directory_id: dir.id,
        mode: 'timestamp',
        connected: 1,
        last_change_at: '2026-11-01T10:00:00.000Z',
        last_applied_at: '2026-11-01T10:00:02.500Z',
        updated_at: 'x',
      })
      .execute();
    const r = await h.call('GET', '/metrics', { as: 'read_only' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toContain('idsync_sync_runs_total{directory="corp",kind="full",status="succeeded"} 1');
    expect(r.text).toContain('idsync_sync_runs_total{directory="corp",kind="full",status="failed"} 1');
    expect(r.text).toContain('idsync_sync_run_duration_seconds_count{directory="corp",kind="full"} 2');
    expect(r.text).toContain('idsync_sync_objects_total{directory="corp",outcome="created"} 6');
    expect(r.text).toContain('idsync_sync_errors_total{directory="corp",code="DIRECTORY_BIND_FAILED"} 1');
    expect(r.text).toContain('idsync_incremental_lag_seconds{directory="corp"} 2.5');
    expect(r.text).toContain('idsync_directory_connected{directory="corp"} 1');
    const pub = await harness({ api: { publicMetrics: true } });
    expect((await pub.call('GET', '/metrics', { as: null })).status).toBe(200);
  });

  it('streams sync progress and finished runs as Server-Sent Events to an authenticated caller', async () => {
    const h = await harness();
    expect((await h.call('GET', '/api/v1/events', { as: null })).status).toBe(401);
    const res = await h.app.request('/api/v1/events', { headers: { authorization: `Bearer ${h.tokens.read_only}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const next = async (): Promise<{ event: string; data: any }> => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          return { event, data: JSON.parse(/^data: (.*)$/m.exec(block)![1]) };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    };
    expect(await next()).toEqual({ event: 'ready', data: { role: 'read_only' } });
    const events = h.app.deps.service.events;
    events.emit('progress', { directory: 'corp', kind: 'full', event: { phase: 'users', read: 500, expected: 1000 } });
    expect(await next()).toEqual({ event: 'progress', data: { directory: 'corp', kind: 'full', phase: 'users', read: 500, expected: 1000 } });
    events.emit('finished', { directory: 'corp', report: report() });
    const fin = await next();
    expect(fin.event).toBe('finished');
    expect(fin.data).toMatchObject({ directory: 'corp', runId: 7, status: 'succeeded', counts: { created: 3 }, durationMs: 1500 });
    expect(fin.data.changes).toBeUndefined();
    expect(events.listenerCount('progress')).toBe(1);
    await reader.cancel();
    await new Promise((r) => setTimeout(r, 20));
    expect(events.listenerCount('progress')).toBe(0);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ApiHarness, OWNER } from './test-support.js';

/**
 * How sessions and tokens end, and the login limits that guard them (issue 10 items 7 and 11):
 * the lockout under parallel requests, the bound on concurrent password hashes, exact idle
 * timeouts, tokens of a deleted admin, and event streams that close with their credential.
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

describe('login throttling', () => {
  it('locks a username for 15 minutes after 5 failures (429 with Retry-After), the right password included', async () => {
    const c = clock();
    const h = await harness({ now: c.now });
    const fail = () => h.call('POST', '/api/v1/auth/login', { as: null, body: { username: 'root', password: 'wrong-password-x' } });
    for (let i = 0; i < 5; i++) expect((await fail()).status).toBe(401);
    const locked = await h.call('POST', '/api/v1/auth/login', { as: null, body: OWNER });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBe(900);
    // Another address is no help: the lock is on the username. Other usernames are not locked.
    expect((await h.call('POST', '/api/v1/auth/login', { as: null, body: OWNER, ip: '10.1.2.3' })).status).toBe(429);
    c.advance(10 * 60_000);
    expect(Number((await h.call('POST', '/api/v1/auth/login', { as: null, body: OWNER })).headers.get('retry-after'))).toBe(300);
    c.advance(5 * 60_000 + 1000);
    expect((await h.call('POST', '/api/v1/auth/login', { as: null, body: OWNER })).status).toBe(200);
    // Unknown usernames fail the same way (no hint that the account does not exist).
    const unknown = await h.call('POST', '/api/v1/auth/login', { as: null, body: { username: 'ghost', password: 'whatever-password' } });
    expect(unknown.body.error).toEqual({ code: 'AUTH_FAILED', message: 'wrong username or password' });
  });

  it('holds the limit under parallel requests: 40 wrong passwords at once get five tries, and 18 wrong plus the right one no login past them', async () => {
    const h = await harness();
    const wrongOnes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        h.call('POST', '/api/v1/auth/login', { as: null, body: { username: 'root', password: `wrong-password-${i}` }, ip: `10.9.0.${i}` }),
      ),
    );
    const statuses = wrongOnes.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);

    const fresh = await harness();
    const mixed = await Promise.all([
      ...Array.from({ length: 18 }, (_, i) =>
        fresh.call('POST', '/api/v1/auth/login', { as: null, body: { username: 'root', password: `wrong-password-${i}` }, ip: `10.8.0.${i}` }),
      ),
      fresh.call('POST', '/api/v1/auth/login', { as: null, body: OWNER, ip: '10.8.1.1' }),
    ]);
    // Five passwords were checked in all, whichever they were; the rest were refused unchecked.
    expect(mixed.filter((r) => r.status === 401 || r.status === 200)).toHaveLength(5);
    expect(mixed.filter((r) => r.status === 429)).toHaveLength(14);
  });

  it('checks only a few passwords at once and refuses logins beyond the queue with 429, uncounted', async () => {
    const h = await harness({
      loginLimits: {
        perUsername: { maxFailures: 100, windowMs: 900_000, lockMs: 900_000 },
        perIp: { maxFailures: 100, windowMs: 900_000, lockMs: 900_000 },
        concurrentHashes: 2,
        queuedHashes: 4,
      },
    });
    const gate = h.app.deps.limiter.gate;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, gate.load.running)), 1);
    const all = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        h.call('POST', '/api/v1/auth/login', { as: null, body: { username: `ghost${i}`, password: 'some-password-123' }, ip: `10.7.0.${i}` }),
      ),
    );
    clearInterval(sampler);
    expect(peak).toBeLessThanOrEqual(2);
    const busy = all.filter((r) => r.status === 429);
    expect(busy.length).toBeGreaterThan(0);
    for (const r of busy) expect(r.headers.get('retry-after')).toBe('1');
    expect(all.filter((r) => r.status === 401).length + busy.length).toBe(30);
    // The refused ones were not counted: the table holds only the attempts that were checked.
    const counted = await h.store.db.selectFrom('login_throttle').select('key').where('key', 'like', 'user:ghost%').where('failures', '>', 0).execute();
    expect(counted).toHaveLength(30 - busy.length);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('limits failures per address across usernames', async () => {
    const h = await harness({
      loginLimits: { perUsername: { maxFailures: 100, windowMs: 900_000, lockMs: 900_000 }, perIp: { maxFailures: 3, windowMs: 900_000, lockMs: 60_000 } },
    });
    for (const u of ['a1', 'a2', 'a3'])
      expect((await h.call('POST', '/api/v1/auth/login', { as: null, body: { username: u, password: 'x' }, ip: '192.0.2.7' })).status).toBe(401);
    const r = await h.call('POST', '/api/v1/auth/login', { as: null, body: OWNER, ip: '192.0.2.7' });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('60');
    expect((await h.call('POST', '/api/v1/auth/login', { as: null, body: OWNER, ip: '192.0.2.8' })).status).toBe(200);
  });
});

describe('sessions and tokens end', () => {
  it('ends an idle session no earlier than the idle time after its last request', async () => {
    const c = clock();
    const h = await harness({ now: c.now, api: { sessionIdleMinutes: 30, sessionMaxHours: 8 } });
    const s = await h.login();
    c.advance(59_000);
    expect((await h.call('GET', '/api/v1/me', { session: s })).status).toBe(200);
    c.advance(29 * 60_000 + 30_000); // 29.5 minutes after the last request, 30.5 after the login
    expect((await h.call('GET', '/api/v1/me', { session: s })).status).toBe(200);
    c.advance(30 * 60_000 + 2000);
    expect((await h.call('GET', '/api/v1/me', { session: s })).status).toBe(401);
  });

  it('revokes the API tokens a deleted admin created, and the tokens those created; other tokens stay', async () => {
    const h = await harness();
    expect((await h.call('POST', '/api/v1/admins', { body: { username: 'alice', role: 'owner', password: 'alice-password-123' } })).status).toBe(201);
    h.secrets.add('alice-password-123');
    const alice = await h.login('alice', 'alice-password-123');
    const t1 = await h.call('POST', '/api/v1/tokens', { session: alice, body: { name: 'alice-ci', role: 'owner' } });
    expect(t1.status).toBe(201);
    const t2 = await h.call('POST', '/api/v1/tokens', { as: t1.body.token, body: { name: 'made-by-token', role: 'owner' } });
    expect(t2.status).toBe(201);
    const rootToken = await h.call('POST', '/api/v1/tokens', { body: { name: 'root-ci', role: 'owner' } });
    const rootSession = await h.login();
    const mine = await h.call('POST', '/api/v1/tokens', { session: rootSession, body: { name: 'root-own', role: 'read_only' } });
    expect((await h.call('DELETE', '/api/v1/admins/alice', { session: rootSession })).status).toBe(204);
    for (const t of [t1, t2]) {
      const r = await h.call('GET', '/api/v1/me', { as: t.body.token });
      expect(r.status, t.body.name).toBe(401);
    }
    for (const t of [rootToken, mine]) expect((await h.call('GET', '/api/v1/me', { as: t.body.token })).status).toBe(200);
    const list = (await h.call('GET', '/api/v1/tokens')).body.items as { name: string; revokedAt: string | null }[];
    expect(
      list
        .filter((t) => t.revokedAt)
        .map((t) => t.name)
        .sort(),
    ).toEqual(['alice-ci', 'made-by-token']);
    const audit = await h.call('GET', '/api/v1/audit?action=deleteAdmin');
    expect(audit.body.items[0].detail).toEqual({ revokedTokens: [t1.body.id, t2.body.id] });
    // Revoking a token revokes what it created.
    const parent = await h.call('POST', '/api/v1/tokens', { body: { name: 'parent', role: 'owner' } });
    const child = await h.call('POST', '/api/v1/tokens', { as: parent.body.token, body: { name: 'child', role: 'read_only' } });
    expect((await h.call('DELETE', `/api/v1/tokens/${parent.body.id}`)).status).toBe(200);
    expect((await h.call('GET', '/api/v1/me', { as: child.body.token })).status).toBe(401);
  });

  const endsStream =
    'ends the event stream at once when its token is revoked, its session logs out or its admin is deleted, and soon when another process ends it';
  it(endsStream, async () => {
    const h = await harness();
    /** Opens the stream, reads `ready`, and resolves when the server ends it (or rejects after `withinMs`). */
    const openStream = async (headers: Record<string, string>, withinMs: number) => {
      const res = await h.app.request('/api/v1/events', { headers });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toContain('event: ready');
      return () =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`the stream was still open ${withinMs} ms after its credential ended`)), withinMs);
          const drain = (): Promise<void> =>
            reader.read().then(({ done }) => {
              if (!done) return drain();
              clearTimeout(timer);
              resolve();
            });
          drain().catch(reject);
        });
    };
    const token = await h.call('POST', '/api/v1/tokens', { body: { name: 'watcher', role: 'read_only' } });
    const tokenEnded = await openStream({ authorization: `Bearer ${token.body.token}` }, 5000);
    expect((await h.call('DELETE', `/api/v1/tokens/${token.body.id}`)).status).toBe(200);
    await tokenEnded();

    const s = await h.login();
    const loggedOut = await openStream({ cookie: s.cookie }, 5000);
    expect((await h.call('POST', '/api/v1/auth/logout', { session: s })).status).toBe(204);
    await loggedOut();

    expect((await h.call('POST', '/api/v1/admins', { body: { username: 'bob', role: 'read_only', password: 'bob-password-1234' } })).status).toBe(201);
    h.secrets.add('bob-password-1234');
    const bob = await h.login('bob', 'bob-password-1234');
    const deleted = await openStream({ cookie: bob.cookie }, 5000);
    expect((await h.call('DELETE', '/api/v1/admins/bob')).status).toBe(204);
    await deleted();

    // Another process (idsync admin set-password, a second node) deletes the session in the store.
    const s2 = await h.login();
    const elsewhere = await openStream({ cookie: s2.cookie }, 15_000);
    await h.store.db.deleteFrom('sessions').execute();
    await elsewhere();
  });
});

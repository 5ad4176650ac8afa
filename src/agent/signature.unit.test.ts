import { describe, expect, it } from 'vitest';
import { backoffMs, RateLimiter } from './wire.js';
import { negotiateProtocol, NonceCache, signatureMatches, signedHeaders, skewProblem, CHANNEL_PATH, Headers } from './signature.js';

describe('channel signature', () => {
  const creds = { integrationKey: 'ik_test', secretKey: 's3cret' };
  const now = new Date('2026-12-03T12:00:00Z');
  const h = signedHeaders(creds, 'GET', CHANNEL_PATH, now, { protocol: 1, version: '1.0.0' });
  const req = { method: 'GET', path: CHANNEL_PATH, date: h[Headers.date], nonce: h[Headers.nonce], integrationKey: 'ik_test' };

  it('matches with the same key and request, and not with another key, path, date or nonce', () => {
    expect(signatureMatches('s3cret', req, h[Headers.signature])).toBe(true);
    expect(signatureMatches('other', req, h[Headers.signature])).toBe(false);
    expect(signatureMatches('s3cret', { ...req, path: '/api/v1/other' }, h[Headers.signature])).toBe(false);
    expect(signatureMatches('s3cret', { ...req, date: new Date(now.getTime() + 1000).toUTCString() }, h[Headers.signature])).toBe(false);
    expect(signatureMatches('s3cret', { ...req, nonce: 'ab' }, h[Headers.signature])).toBe(false);
    expect(signatureMatches('s3cret', req, 'not hex')).toBe(false);
  });

  it('refuses a skew over 5 minutes, saying which clock is ahead', () => {
    expect(skewProblem(now.toUTCString(), new Date(now.getTime() + 299_000))).toBeUndefined();
    expect(skewProblem(now.toUTCString(), new Date(now.getTime() + 400_000))).toMatch(/clock skew: the agent's clock is 400 s behind the hub's/);
    expect(skewProblem(now.toUTCString(), new Date(now.getTime() - 600_000))).toMatch(/600 s ahead of the hub's/);
    expect(skewProblem('yesterday', now)).toMatch(/not a date/);
  });

  it('remembers nonces for their window, bounded in size (full refuses rather than forgets)', () => {
    const c = new NonceCache(2, 1000);
    expect(c.use('a', 0)).toBe('ok');
    expect(c.use('a', 500)).toBe('replay');
    expect(c.use('b', 500)).toBe('ok');
    expect(c.use('c', 600)).toBe('full');
    expect(c.use('c', 1001)).toBe('ok');
    expect(c.size).toBe(2);
  });

  it('works one protocol version apart and refuses further, naming both', () => {
    expect(negotiateProtocol(2, 1)).toEqual({ ok: true, version: 1 });
    expect(negotiateProtocol(2, 3)).toEqual({ ok: true, version: 2 });
    expect(negotiateProtocol(1, 3)).toMatchObject({ ok: false, message: /agent speaks 3, the hub 1.*upgrade the hub/ });
    expect(negotiateProtocol(3, 1)).toMatchObject({ ok: false, message: /upgrade the agent/ });
    expect(negotiateProtocol(1, Number.NaN)).toMatchObject({ ok: false });
  });

  it('backs off exponentially with jitter, capped, and limits rates', () => {
    expect(backoffMs(0, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(3, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffMs(30, 1000, 60_000, () => 1)).toBe(60_000);
    const r = new RateLimiter(1, 3);
    expect([r.take(), r.take(), r.take(), r.take()]).toEqual([true, true, true, false]);
  });
});

import { describe, expect, it } from 'vitest';
import { FailureLimiter, LoginLimiter, RateLimitedError } from './rate-limit.js';

const MIN = 60_000;

describe('login limits', () => {
  it('locks a username on its fifth failure within 15 minutes, for 15 minutes', () => {
    const l = new LoginLimiter();
    let t = 0;
    for (let i = 0; i < 4; i++) {
      l.failed('Root', '192.0.2.1', (t += MIN));
      expect(() => l.check('root', '192.0.2.1', t)).not.toThrow();
    }
    l.failed('root', '192.0.2.2', (t += MIN));
    const err = (() => {
      try {
        l.check('ROOT', '192.0.2.3', t + 1000);
      } catch (e) {
        return e as RateLimitedError;
      }
    })();
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 899 });
    expect(() => l.check('root', '192.0.2.1', t + 15 * MIN)).not.toThrow();
    expect(() => l.check('other', '192.0.2.1', t + 1000)).not.toThrow();
  });

  it('forgets failures older than the window, and all of them after a success', () => {
    const l = new LoginLimiter();
    for (let i = 0; i < 4; i++) l.failed('root', 'ip', i * MIN);
    l.failed('root', 'ip', 16 * MIN); // the first ones are past the window
    expect(() => l.check('root', 'ip', 16 * MIN)).not.toThrow();
    l.succeeded('root');
    for (let i = 0; i < 4; i++) l.failed('root', 'ip2', 17 * MIN);
    expect(() => l.check('root', 'ip2', 17 * MIN)).not.toThrow();
  });

  it('locks an address after 20 failures whatever the usernames', () => {
    const l = new LoginLimiter();
    for (let i = 0; i < 20; i++) l.failed(`user${i}`, '198.51.100.1', 1000);
    expect(() => l.check('fresh', '198.51.100.1', 2000)).toThrow(/from this address/);
    expect(() => l.check('fresh', '198.51.100.2', 2000)).not.toThrow();
  });

  it('keeps its memory bounded under a flood of distinct keys, without lifting a lockout', () => {
    const f = new FailureLimiter({ maxFailures: 2, windowMs: MIN, lockMs: MIN }, 100);
    f.fail('locked', 0);
    f.fail('locked', 0);
    for (let i = 0; i < 1000; i++) f.fail(`k${i}`, 0);
    expect(f.lockedFor('locked', 1)).toBeGreaterThan(0);
    f.fail('k999', 0);
    expect(f.lockedFor('k999', 1)).toBeGreaterThan(0);
    let kept = 0;
    for (let i = 0; i < 1000; i++) if (f.lockedFor(`k${i}`, 1) === 0) kept++;
    expect(kept).toBe(999);
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from './hash-gate.js';
import { KdfPool } from './kdf-pool.js';
import { ntHash, verifyNtVerifier } from './nt-verifier.js';

describe('KdfPool (issue 14)', () => {
  const pool = new KdfPool({ size: 2, queueLimit: 2 });
  afterAll(() => pool.close());

  it('derives verifiers in workers that the main-thread check accepts, and verifies in workers', async () => {
    const v = await pool.derive(await ntHash('Summer winter 2026'), randomBytes(16));
    expect(await verifyNtVerifier('Summer winter 2026', v)).toBe(true);
    expect(await pool.verify('Summer winter 2026', v)).toBe(true);
    expect(await pool.verify('summer winter 2026', v)).toBe(false);
  });

  it('wipes the caller’s NT hash once handed over', async () => {
    const nt = await ntHash('x');
    const p = pool.derive(nt, randomBytes(16));
    expect(nt.equals(Buffer.alloc(16))).toBe(true);
    await p;
  });

  it('refuses beyond size + queueLimit with a Retry-After', async () => {
    const v = await pool.derive(await ntHash('a'), randomBytes(16));
    const ok = [1, 2, 3, 4].map(() => pool.verify('a', v));
    let refused: unknown;
    try {
      await pool.verify('a', v);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(await Promise.all(ok)).toEqual([true, true, true, true]);
  });
});

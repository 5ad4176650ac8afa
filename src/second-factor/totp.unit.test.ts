import { describe, expect, it } from 'vitest';
import { hashRecoveryCode, newRecoveryCodes, normaliseRecoveryCode } from './recovery-codes.js';
import { totpStep } from './totp.js';
import { SecretBox } from '../directories/secret-box.js';

/** Pure logic of issue 15's second factor: RFC 6238's test vectors, and recovery codes' shape and hashing. */
describe('TOTP (RFC 6238)', () => {
  // Appendix B: the SHA-1 key "12345678901234567890", 30-second steps; the last 6 of the 8 digits.
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

  it('finds the time step of the RFC test vectors, ±1 step, and nothing else', () => {
    expect(totpStep(secret, '287082', 59_000)).toBe(1);
    expect(totpStep(secret, '081804', 1_111_111_109_000)).toBe(37_037_036);
    expect(totpStep(secret, '050471', 1_111_111_111_000)).toBe(37_037_037);
    // The code of the step before is still accepted (clock drift), as that step.
    expect(totpStep(secret, '081804', 1_111_111_111_000)).toBe(37_037_036);
    expect(totpStep(secret, '081804', 1_111_111_109_000 + 90_000)).toBeUndefined();
    expect(totpStep(secret, '28708', 59_000)).toBeUndefined();
    expect(totpStep(secret, '2870822', 59_000)).toBeUndefined();
  });
});

describe('recovery codes', () => {
  it('are ten distinct codes of 60 bits, matched in any case and with or without dashes, per user', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-hjkmnp-z1-9]{4}-[a-hjkmnp-z1-9]{4}-[a-hjkmnp-z1-9]{4}$/);
    expect(normaliseRecoveryCode(' ABCD-efgh jkmn ')).toBe('abcdefghjkmn');
    const box = SecretBox.fromText('k'.repeat(40), 'test');
    expect(hashRecoveryCode(box, 1, 'abcd-efgh-jkmn')).toBe(hashRecoveryCode(box, 1, 'ABCDEFGHJKMN'));
    expect(hashRecoveryCode(box, 1, 'abcd-efgh-jkmn')).not.toBe(hashRecoveryCode(box, 2, 'abcd-efgh-jkmn'));
    expect(hashRecoveryCode(box, 1, 'abcd-efgh-jkmn')).not.toContain('abcd');
  });
});

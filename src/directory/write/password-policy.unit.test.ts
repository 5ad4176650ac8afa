import { describe, expect, it } from 'vitest';
import { checkPassword } from './password-policy.js';

const ad = { minLength: 7, complexity: true, historyLength: 24 };
const alice = { username: 'alice.smith', fullName: 'Alice Smith-Jones' };

describe('checkPassword: the domain policy, rule by rule', () => {
  it('accepts a password that meets every rule', () => {
    expect(checkPassword('Correct!Horse9', ad, alice)).toEqual({ ok: true });
  });

  it('names the minimum length', () => {
    expect(checkPassword('Ab1!x', ad, alice)).toEqual({ ok: false, rule: 'at least 7 characters' });
    expect(checkPassword('Ab1!xyz', ad, alice)).toEqual({ ok: true });
  });

  it('counts characters, not UTF-16 units', () => {
    expect(checkPassword('Aé1!😀😀', { minLength: 7, complexity: false, historyLength: 0 }, alice)).toEqual({ ok: false, rule: 'at least 7 characters' });
  });

  it('needs 3 of 4 character classes when complexity is on, not when it is off', () => {
    expect(checkPassword('onlylowercase', ad, alice)).toEqual({ ok: false, rule: expect.stringMatching(/^needs 3 of 4 character classes/) });
    expect(checkPassword('lower2digits', ad, alice)).toEqual({ ok: false, rule: expect.stringMatching(/^needs 3 of 4 character classes/) });
    expect(checkPassword('Lower2digits', ad, alice)).toEqual({ ok: true });
    expect(checkPassword('lower2digits!', ad, alice)).toEqual({ ok: true });
    expect(checkPassword('onlylowercase', { ...ad, complexity: false }, alice)).toEqual({ ok: true });
  });

  it('must not contain the account name, in any case', () => {
    expect(checkPassword('X!ALICE.SMITH9', ad, alice)).toEqual({ ok: false, rule: 'must not contain the account name' });
    // Two-character account names are not checked (Windows' rule).
    expect(checkPassword('Ab!9xyzab', ad, { username: 'ab' })).toEqual({ ok: true });
  });

  it("must not contain a part of three or more characters of the user's full name", () => {
    expect(checkPassword('Q!9jonesQ', ad, alice)).toEqual({ ok: false, rule: 'must not contain a part of the user\'s full name ("Jones")' });
    expect(checkPassword('Q!9jonQ', ad, { username: 'x1', fullName: 'Al Jo' })).toEqual({ ok: true });
  });

  it('accepts anything when the directory has no policy', () => {
    expect(checkPassword('', undefined, alice)).toEqual({ ok: true });
  });
});

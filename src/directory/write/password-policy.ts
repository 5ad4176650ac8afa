import type { PasswordPolicy } from '../../provision/target.js';

/**
 * Checks a password against a directory's policy before it is sent, so that a refusal names the
 * rule an administrator can act on instead of a bare LDAP error 19 or 53 (issue 12, "Validation
 * before anything is sent"). Pure: no directory, no I/O.
 *
 * The complexity rule is Active Directory's "Password must meet complexity requirements" (Microsoft
 * Learn, Windows security policy settings; DOMAIN_PASSWORD_COMPLEX, pwdProperties bit 0, MS-SAMR
 * 2.2.1.13 and 3.1.1.7.2): the password does not contain the account name, nor a part of the full
 * name of three characters or more, and it holds characters from at least three of: upper case
 * letters, lower case letters, base-10 digits, non-alphanumeric characters (any other Unicode
 * letter counts as a class of its own, as Windows does). History cannot be checked here: the
 * directory alone knows the old passwords; its refusal is decoded in diagnostics.ts.
 */

export interface PasswordSubject {
  /** sAMAccountName / uid. */
  username: string;
  /** displayName or cn, whose parts the password must not contain either (AD). */
  fullName?: string;
}

export type PasswordVerdict = { ok: true } | { ok: false; rule: string };

/** The words of each rule, shared with the decoding of the directory's own refusals. */
export const PASSWORD_RULES = {
  minLength: (n: number) => `at least ${n} characters`,
  complexity: 'needs 3 of 4 character classes (upper case, lower case, digits, symbols)',
  accountName: 'must not contain the account name',
  fullName: (part: string) => `must not contain a part of the user's full name ("${part}")`,
  history: (n: number | undefined) => (n ? `must not be one of the last ${n} passwords` : 'must not be a recently used password'),
} as const;

// Microsoft: "the full name is parsed for delimiters: commas, periods, dashes or hyphens, underscores, spaces, pound signs, and tabs".
const NAME_DELIMITERS = /[,.\-_\s#\t]+/u;

export function checkPassword(password: string, policy: PasswordPolicy | undefined, who: PasswordSubject): PasswordVerdict {
  if (!policy) return { ok: true };
  // Windows measures length in characters; a code point is the closest a string offers.
  const length = [...password].length;
  if (length < policy.minLength) return { ok: false, rule: PASSWORD_RULES.minLength(policy.minLength) };
  if (!policy.complexity) return { ok: true };
  const lower = password.toLowerCase();
  // Names of fewer than three characters are not checked (Microsoft's rule).
  if (who.username.length >= 3 && lower.includes(who.username.toLowerCase())) return { ok: false, rule: PASSWORD_RULES.accountName };
  for (const part of (who.fullName ?? '').split(NAME_DELIMITERS)) {
    if (part.length >= 3 && lower.includes(part.toLowerCase())) return { ok: false, rule: PASSWORD_RULES.fullName(part) };
  }
  if (characterClasses(password) < 3) return { ok: false, rule: PASSWORD_RULES.complexity };
  return { ok: true };
}

function characterClasses(password: string): number {
  const seen = new Set<string>();
  for (const ch of password) {
    if (/\p{Lu}/u.test(ch)) seen.add('upper');
    else if (/\p{Ll}/u.test(ch)) seen.add('lower');
    else if (/[0-9]/.test(ch)) seen.add('digit');
    else if (/\p{L}/u.test(ch)) seen.add('other letter');
    else seen.add('symbol');
  }
  return seen.size;
}

import { z } from 'zod';
import { IdsyncError } from './errors.js';

/**
 * The username rule for local users (issue 10 item 12: NUL, control characters, `../` and a lone
 * space were accepted). One function, used by the store (so `idsync store users add` and the API
 * alike) and by the API's request schemas; README "Security" and docs/configuration.md say the same.
 *
 * A username is 1-256 characters and
 * - has no control or invisible formatting characters (Unicode Cc, Cf, Zl, Zp: NUL, tab, newline,
 *   DEL, zero-width and bidirectional marks, which make two names look alike),
 * - has no `/` or `\` (it is a path segment of the API: /api/v1/users/{username}),
 * - has no white space at either end (so no lone space), and is not `.` or `..`.
 * Anything else, in any script, is allowed: directories have names with spaces, apostrophes, `@`.
 */
export const USERNAME_RULE =
  'a username has 1-256 characters, no control or invisible formatting characters, no / or \\, no space at either end, and is not . or ..';

const MAX = 256;
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}/\\]/u;

/** What is wrong with `name` as a username, or undefined. */
export function usernameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the username is empty';
  if (name.length > MAX) return `the username is longer than ${MAX} characters`;
  const bad = FORBIDDEN.exec(name)?.[0];
  if (bad !== undefined) {
    const what = bad === '/' || bad === '\\' ? `"${bad}"` : `the character U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return `the username contains ${what}; ${USERNAME_RULE}`;
  }
  if (/^\s|\s$/u.test(name)) return `the username starts or ends with white space; ${USERNAME_RULE}`;
  if (name === '.' || name === '..') return `the username cannot be "${name}"`;
  return undefined;
}

/** Throws VALIDATION_FAILED naming `where` (the field or command argument) when `name` breaks the rule. */
export function checkUsername(name: string, where = 'username'): void {
  const problem = usernameProblem(name);
  if (problem) throw new IdsyncError('VALIDATION_FAILED', problem, { where });
}

/** The rule as a zod string, for request and config schemas. */
export const usernameSchema = z.string().superRefine((v, ctx) => {
  const problem = usernameProblem(v);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

/**
 * Admin accounts have a narrower rule, a subset of the one above: ASCII letters, digits and
 * `. _ @ -`, starting with a letter or digit, at most 64 characters (they log in by typing it).
 */
export const ADMIN_USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/**
 * A local group's name (issue 12) follows the username rule: it is a path segment of the API too
 * (/api/v1/local-groups/{name}) and becomes an RDN value and a sAMAccountName in a directory.
 */
export function groupNameProblem(name: string): string | undefined {
  return usernameProblem(name)?.replaceAll('username', 'group name');
}

export function checkGroupName(name: string, where = 'name'): void {
  const problem = groupNameProblem(name);
  if (problem) throw new IdsyncError('VALIDATION_FAILED', problem, { where });
}

export const groupNameSchema = z.string().superRefine((v, ctx) => {
  const problem = groupNameProblem(v);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

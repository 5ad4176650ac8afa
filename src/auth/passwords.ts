import { randomBytes } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';
import { IdsyncError } from '../errors.js';

/**
 * argon2id with OWASP's baseline (19 MiB, 2 passes, 1 lane): about 0.1 s per hash here, which is
 * slow for guessing and still cheap enough for a login. The encoded form carries its own salt
 * and parameters, so they can be raised later without invalidating stored hashes.
 */
const PARAMS = { parallelism: 1, iterations: 2, memorySize: 19456, hashLength: 32 } as const;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

/** Length is the rule (NIST SP 800-63B): no composition rules, but no trivially short passwords. */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new IdsyncError('VALIDATION_FAILED', `the password must be at least ${MIN_PASSWORD_LENGTH} characters long`, { where: field });
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new IdsyncError('VALIDATION_FAILED', `the password must be at most ${MAX_PASSWORD_LENGTH} characters long`, { where: field });
  }
}

export async function hashPassword(password: string): Promise<string> {
  return argon2id({ password, salt: randomBytes(16), ...PARAMS, outputType: 'encoded' });
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  try {
    return await argon2Verify({ password, hash: encoded });
  } catch {
    return false;
  }
}

/**
 * A hash of a random password nobody knows, with the same parameters as real ones (PARAMS): a
 * constant, so the first unknown username costs one hash like every later one, and nothing is
 * computed or kept per process.
 */
const NOBODY = '$argon2id$v=19$m=19456,t=2,p=1$KEvh/o1BrllFQI7H1mqDNg$PcTl9+BL5aJvBjkcTtJMjBIhV+QxHntTi3BqkWls1Qs';

/**
 * Spends the same time as a real verification when the username does not exist, so that the
 * response time does not tell which usernames are admins.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  await verifyPassword(password, NOBODY);
  return false;
}

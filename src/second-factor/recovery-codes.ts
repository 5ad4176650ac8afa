import { randomInt } from 'node:crypto';
import type { SecretBox } from '../directories/secret-box.js';

/**
 * One-time recovery codes (issue 15: "shown once, and stored hashed"). Ten codes of 12 characters
 * from a 32-letter alphabet without look-alikes (no i, l, o, 0) (60 bits each), written in groups of four. The store
 * keeps HMAC-SHA256 under a key derived from the secrets key, bound to the user: a copy of the
 * store alone cannot test guesses, and one user's code is not another's.
 */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz234567891';
export const RECOVERY_CODE_COUNT = 10;

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
  });
}

/** What a user types, in any case, with or without dashes and spaces. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

export function hashRecoveryCode(box: SecretBox, userId: number, code: string): string {
  return box.mac('recovery-code', `${userId}:${normaliseRecoveryCode(code)}`).toString('base64url');
}

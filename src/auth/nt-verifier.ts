import { randomBytes, timingSafeEqual } from 'node:crypto';
import { argon2id, md4 } from 'hash-wasm';

/**
 * Password hash sync (issue 14): the verifier that leaves the premises instead of the NT hash.
 *
 * As Entra Connect does (reference-docs/entra-connect-password-hash-sync.txt, "Detailed
 * description of how password hash synchronization works"): the 16-byte NT hash (MD4 of the
 * password in UTF-16LE, MS-NLMP section 3.3.1) is written as 32 hex digits, and that text, encoded
 * UTF-16LE, is what the slow KDF takes. Entra then runs PBKDF2-HMAC-SHA256 with 1,000 iterations;
 * idsync runs argon2id at OWASP's parameters or stronger, with a random 16-byte salt per user.
 * The verifier is a PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash), so its parameters travel
 * and are stored with it and can be raised later (a new verifier at the next password change).
 *
 * Upper-case hex: the form MS-NLMP and Windows tools print; the choice only has to be the same on
 * both sides, and it is made here once.
 */

/** OWASP Password Storage Cheat Sheet, argon2id: m=19 MiB, t=2, p=1 (the minimum it recommends). */
export const NT_VERIFIER_PARAMS = { parallelism: 1, iterations: 2, memorySize: 19456, hashLength: 32 } as const;
export type KdfParams = { parallelism: number; iterations: number; memorySize: number; hashLength: number };

export const NT_HASH_BYTES = 16;

/** MD4(UTF-16LE(password)): what the DC stores as unicodePwd. Node 20's OpenSSL 3 has no MD4, hash-wasm has. */
export async function ntHash(password: string): Promise<Buffer> {
  return Buffer.from(await md4(Buffer.from(password, 'utf16le')), 'hex');
}

/** The KDF's input: the NT hash's hex (upper case) in UTF-16LE. Callers wipe it after use. */
function kdfInput(nt: Buffer): Buffer {
  if (nt.length !== NT_HASH_BYTES) throw new Error(`an NT hash is ${NT_HASH_BYTES} bytes, got ${nt.length}`);
  return Buffer.from(nt.toString('hex').toUpperCase(), 'utf16le');
}

/** A new verifier for an NT hash, with a fresh random salt. */
export async function deriveNtVerifier(nt: Buffer, params: KdfParams = NT_VERIFIER_PARAMS, salt: Buffer = randomBytes(16)): Promise<string> {
  const input = kdfInput(nt);
  try {
    return await argon2id({ password: input, salt, ...params, outputType: 'encoded' });
  } finally {
    input.fill(0);
  }
}

interface ParsedVerifier {
  params: KdfParams;
  salt: Buffer;
  hash: Buffer;
}

const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export function parseNtVerifier(verifier: string): ParsedVerifier | undefined {
  const m = PHC.exec(verifier);
  if (!m) return undefined;
  const hash = Buffer.from(m[5], 'base64');
  return {
    params: { memorySize: Number(m[1]), iterations: Number(m[2]), parallelism: Number(m[3]), hashLength: hash.length },
    salt: Buffer.from(m[4], 'base64'),
    hash,
  };
}

/** The parameters a verifier was made with, for status and for upgrading (never the salt or hash). */
export function verifierParams(verifier: string): KdfParams | undefined {
  return parseNtVerifier(verifier)?.params;
}

/** Whether `password` matches: MD4 → hex → UTF-16LE → argon2id with the stored salt and parameters, compared in constant time. */
export async function verifyNtVerifier(password: string, verifier: string): Promise<boolean> {
  const v = parseNtVerifier(verifier);
  if (!v) return false;
  const nt = await ntHash(password);
  const input = kdfInput(nt);
  try {
    const got = Buffer.from(await argon2id({ password: input, salt: v.salt, ...v.params, outputType: 'hex' }), 'hex');
    return got.length === v.hash.length && timingSafeEqual(got, v.hash);
  } finally {
    input.fill(0);
    nt.fill(0);
  }
}

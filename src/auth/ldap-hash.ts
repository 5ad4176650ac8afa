/**
 * OpenLDAP `userPassword` hashes imported as they are (issue 14, "OpenLDAP"): which stored values
 * idsync accepts, and what it takes to check a password against one. Parsing is done here, on the
 * main thread; the hash itself is computed by the KDF pool's workers (src/auth/kdf-pool.ts), which
 * run the primitive a `LdapCheck` names and compare in constant time.
 *
 * Formats, by scheme (the prefix is case-insensitive, as in OpenLDAP's lutil_passwd):
 * - `{SSHA}`, `{SSHA256}`, `{SSHA512}`: base64 of digest(password ‖ salt) ‖ salt (RFC 2307
 *   practice; SHA-2 variants from contrib/slapd-modules/passwd/sha2).
 * - `{CRYPT}` with `$5$`/`$6$` (SHA-crypt, Drepper's specification, `rounds=` optional) and
 *   `$2a$`/`$2b$`/`$2y$` (bcrypt). `$y$` (yescrypt) and the rest are reported, not imported: no
 *   maintained JavaScript library implements yescrypt (docs/password-hash-sync.md).
 * - `{PBKDF2}`, `{PBKDF2-SHA1}`, `{PBKDF2-SHA256}`, `{PBKDF2-SHA512}`: contrib pw-pbkdf2,
 *   `ITERATIONS$SALT$HASH` in "adapted base64" ('.' for '+', no padding), as passlib writes it too.
 * - `{ARGON2}`: contrib argon2 module, a PHC string `$argon2i|argon2id|argon2d$v=19$m=,t=,p=$salt$hash`.
 * - `{CLEARTEXT}` and values without a scheme are cleartext: never imported (the issue's rule).
 *
 * Costs are bounded: a value whose parameters would make one check cost far more than any sane
 * deployment uses (an argon2 m of gigabytes, bcrypt cost 31) is refused at import, so a hostile
 * or broken directory cannot stall the verify pool.
 */

export type LdapCheck =
  | { kind: 'digest'; algorithm: 'sha1' | 'sha256' | 'sha512'; salt: Uint8Array; expected: Uint8Array }
  | { kind: 'pbkdf2'; digest: 'sha1' | 'sha256' | 'sha512'; iterations: number; salt: Uint8Array; expected: Uint8Array }
  | {
      kind: 'argon2';
      variant: 'argon2i' | 'argon2id' | 'argon2d';
      memorySize: number;
      iterations: number;
      parallelism: number;
      salt: Uint8Array;
      expected: Uint8Array;
    }
  | { kind: 'bcrypt'; cost: number; salt: Uint8Array; expected: string }
  /** `setting` is the value up to its last `$` ($6$rounds=N$salt); `expected` the hash after it. */
  | { kind: 'shacrypt'; setting: string; expected: string };

export type ParsedLdapHash = { ok: true; scheme: string; check: LdapCheck; describe: string } | { ok: false; scheme: string; reason: string };

/** Upper bounds on one check's cost (far above OWASP's and the tools' defaults). */
export const LDAP_HASH_LIMITS = {
  argon2MemoryKiB: 256 * 1024,
  argon2Iterations: 64,
  argon2Parallelism: 16,
  bcryptCost: 15,
  shaCryptRounds: 2_000_000,
  pbkdf2Iterations: 5_000_000,
} as const;

const SCHEME = /^\{([A-Za-z0-9._-]+)\}([\s\S]*)$/;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

const DIGESTS: Record<string, { algorithm: 'sha1' | 'sha256' | 'sha512'; bytes: number }> = {
  SSHA: { algorithm: 'sha1', bytes: 20 },
  SSHA256: { algorithm: 'sha256', bytes: 32 },
  SSHA512: { algorithm: 'sha512', bytes: 64 },
};
const PBKDF2: Record<string, 'sha1' | 'sha256' | 'sha512'> = { PBKDF2: 'sha1', 'PBKDF2-SHA1': 'sha1', 'PBKDF2-SHA256': 'sha256', 'PBKDF2-SHA512': 'sha512' };
const CRYPT_NAMES: Record<string, string> = { '1': 'md5', y: 'yescrypt', gy: 'gost-yescrypt', '7': 'scrypt', sha1: 'sha1', md5: 'sunmd5', '3': 'nthash' };

function unsupported(scheme: string, why?: string): ParsedLdapHash {
  return { ok: false, scheme, reason: `unsupported_scheme:${scheme}${why ? ` (${why})` : ''}` };
}
function tooCostly(scheme: string, what: string): ParsedLdapHash {
  return { ok: false, scheme, reason: `unsupported_parameters:${scheme} (${what} is above idsync's limit)` };
}
function malformed(scheme: string): ParsedLdapHash {
  return { ok: false, scheme, reason: `malformed_hash:${scheme}` };
}

/** One `userPassword` value, classified. Never echoes the value in a reason. */
export function parseLdapHash(value: string): ParsedLdapHash {
  const m = SCHEME.exec(value);
  if (!m) return unsupported('CLEARTEXT', 'a value without a {SCHEME} prefix is cleartext, which idsync never imports');
  const scheme = m[1].toUpperCase();
  const rest = m[2];
  if (scheme === 'CLEARTEXT') return unsupported('CLEARTEXT', 'a cleartext password is never imported');
  const digest = DIGESTS[scheme];
  if (digest) {
    if (!B64.test(rest)) return malformed(scheme);
    const raw = Buffer.from(rest, 'base64');
    if (raw.length <= digest.bytes) return malformed(scheme);
    return {
      ok: true,
      scheme,
      check: {
        kind: 'digest',
        algorithm: digest.algorithm,
        expected: new Uint8Array(raw.subarray(0, digest.bytes)),
        salt: new Uint8Array(raw.subarray(digest.bytes)),
      },
      describe: `${scheme} salt=${raw.length - digest.bytes}B`,
    };
  }
  if (PBKDF2[scheme]) return parsePbkdf2(scheme, PBKDF2[scheme], rest);
  if (scheme === 'ARGON2') return parseArgon2(rest);
  if (scheme === 'CRYPT') return parseCrypt(rest);
  return unsupported(scheme);
}

/** contrib pw-pbkdf2 / passlib: '.' stands for '+', padding dropped. */
function ab64(s: string): Buffer | undefined {
  if (!/^[A-Za-z0-9./]+$/.test(s)) return undefined;
  return Buffer.from(s.replace(/\./g, '+'), 'base64');
}

function parsePbkdf2(scheme: string, digest: 'sha1' | 'sha256' | 'sha512', rest: string): ParsedLdapHash {
  const m = /^(\d{1,10})\$([A-Za-z0-9./]+)\$([A-Za-z0-9./]+)$/.exec(rest);
  if (!m) return malformed(scheme);
  const iterations = Number(m[1]);
  const salt = ab64(m[2]);
  const expected = ab64(m[3]);
  if (!salt?.length || !expected || expected.length < 16 || iterations < 1) return malformed(scheme);
  if (iterations > LDAP_HASH_LIMITS.pbkdf2Iterations) return tooCostly(scheme, `${iterations} iterations`);
  return {
    ok: true,
    scheme,
    check: { kind: 'pbkdf2', digest, iterations, salt: new Uint8Array(salt), expected: new Uint8Array(expected) },
    describe: `${scheme} i=${iterations}`,
  };
}

const PHC_ARGON2 = /^\$(argon2i|argon2id|argon2d)\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function parseArgon2(rest: string): ParsedLdapHash {
  const m = PHC_ARGON2.exec(rest);
  if (!m) return malformed('ARGON2');
  const [variant, version, memorySize, iterations, parallelism] = [m[1] as 'argon2i' | 'argon2id' | 'argon2d', ...m.slice(2, 6).map(Number)];
  // hash-wasm computes version 0x13 (19) only; 0x10 hashes predate 2016.
  if (version !== 19) return unsupported('ARGON2', `version ${version}; only v=19 is supported`);
  const salt = Buffer.from(m[6], 'base64');
  const expected = Buffer.from(m[7], 'base64');
  if (salt.length < 8 || expected.length < 4 || memorySize < 8 * parallelism || iterations < 1 || parallelism < 1) return malformed('ARGON2');
  if (memorySize > LDAP_HASH_LIMITS.argon2MemoryKiB) return tooCostly('ARGON2', `m=${memorySize} KiB`);
  if (iterations > LDAP_HASH_LIMITS.argon2Iterations) return tooCostly('ARGON2', `t=${iterations}`);
  if (parallelism > LDAP_HASH_LIMITS.argon2Parallelism) return tooCostly('ARGON2', `p=${parallelism}`);
  return {
    ok: true,
    scheme: 'ARGON2',
    check: { kind: 'argon2', variant, memorySize, iterations, parallelism, salt: new Uint8Array(salt), expected: new Uint8Array(expected) },
    describe: `ARGON2 ${variant} m=${memorySize},t=${iterations},p=${parallelism}`,
  };
}

/** bcrypt's own base64 alphabet (OpenBSD), no padding. */
const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function bcryptBase64Decode(s: string, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let bits = 0;
  let acc = 0;
  let at = 0;
  for (const ch of s) {
    const v = BCRYPT_ALPHABET.indexOf(ch);
    if (v < 0) throw new Error('not bcrypt base64');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (at < bytes) out[at++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

function parseCrypt(rest: string): ParsedLdapHash {
  const bcrypt = /^\$(2[aby])\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/.exec(rest);
  if (bcrypt) {
    const cost = Number(bcrypt[2]);
    if (cost < 4) return malformed('CRYPT');
    if (cost > LDAP_HASH_LIMITS.bcryptCost) return tooCostly('CRYPT', `bcrypt cost ${cost}`);
    return {
      ok: true,
      scheme: 'CRYPT',
      check: { kind: 'bcrypt', cost, salt: bcryptBase64Decode(bcrypt[3], 16), expected: bcrypt[4] },
      describe: `CRYPT $${bcrypt[1]}$ cost=${cost}`,
    };
  }
  const sha = /^(\$([56])\$(?:rounds=(\d{1,10})\$)?[^$:\n]{0,16})\$([./A-Za-z0-9]+)$/.exec(rest);
  if (sha) {
    const rounds = sha[3] === undefined ? 5000 : Number(sha[3]);
    const length = sha[2] === '5' ? 43 : 86;
    if (sha[4].length !== length) return malformed('CRYPT');
    if (rounds > LDAP_HASH_LIMITS.shaCryptRounds) return tooCostly('CRYPT', `${rounds} rounds`);
    return { ok: true, scheme: 'CRYPT', check: { kind: 'shacrypt', setting: sha[1], expected: sha[4] }, describe: `CRYPT $${sha[2]}$ rounds=${rounds}` };
  }
  const id = /^\$([A-Za-z0-9]+)\$/.exec(rest)?.[1];
  if (id) return unsupported(`CRYPT-${CRYPT_NAMES[id] ?? `$${id}$`}`);
  return unsupported('CRYPT-des', 'traditional DES crypt');
}

/**
 * Of a user's `userPassword` values (the attribute is multi-valued; slapd accepts a bind against
 * any of them), the first idsync can check; otherwise the first value's refusal.
 */
export function chooseLdapHash(values: string[]): { ok: true; value: string; parsed: ParsedLdapHash & { ok: true } } | { ok: false; reason: string } {
  let first: string | undefined;
  for (const value of values) {
    const p = parseLdapHash(value);
    if (p.ok) return { ok: true, value, parsed: p };
    first ??= p.reason;
  }
  return { ok: false, reason: first ?? 'no userPassword value' };
}

/** Whether a stored verifier is an imported LDAP hash (the NT verifiers are PHC strings starting with `$`). */
export function isLdapHash(verifier: string): boolean {
  return verifier.startsWith('{');
}

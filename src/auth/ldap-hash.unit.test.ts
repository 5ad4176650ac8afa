import { afterAll, describe, expect, it } from 'vitest';
import { KdfPool } from './kdf-pool.js';
import { bcryptBase64Decode, chooseLdapHash, LDAP_HASH_LIMITS, parseLdapHash } from './ldap-hash.js';

/**
 * Imported OpenLDAP hashes (issue 14). The vectors were made with tools independent of idsync's
 * code, for the password below: slappasswd 2.5 ({SSHA}; {SSHA256}/{SSHA512} with pw-sha2;
 * {ARGON2} with the argon2 module), `openssl passwd -5/-6`, Python's crypt (libxcrypt: $6$ with
 * rounds, $2b$, $y$) and Python's hashlib.pbkdf2_hmac in the contrib pw-pbkdf2 format.
 */
const PW = 'Tr0ub4dor&3 é';
const VECTORS: Record<string, string> = {
  SSHA: '{SSHA}tpmTGsDTlbUE0Pff9k/4OXgz9FBjaH2X',
  SSHA256: '{SSHA256}YdjQz/PdyWnAEiAEuFhrNmAgoSmG48boiqy+BLyR4FnGBzNuNqoANQ==',
  SSHA512: '{SSHA512}cIrQ7+V41HXtTiT/UN6of3vQdj2umt3bti63LJ1BYreWEOo8mjalXt36CgMRXUXrjUwLKv7nqwTk2LD42AxRoV5SkGKAwX0M',
  ARGON2i: '{ARGON2}$argon2i$v=19$m=4096,t=3,p=1$Dis+u917Fte8P+/PGIaoTQ$lgm8mP8Uz0VZ5f2eumNbfNaiT6f/uDVisSdYfvv+8w4',
  'CRYPT $5$': '{CRYPT}$5$ZTGGxxChDZ5ZdHfv$oMqTLabdLke9pNCPzLkiZWXFaqukungKQt1tk13irs.',
  'CRYPT $6$': '{CRYPT}$6$Tk9ZeZnCY00JYVIh$JD3SmTyOWM.kjXGy5jezk4oiKtIiTiVnVhsWtZqqWuvaQNyVSVbZTP4bnwOAgTm0qOHQJNWHSxcb03nXm9Cry/',
  'CRYPT $6$ rounds': '{crypt}$6$rounds=1000$saltsalt$BKGuq.8U0KDcR6Vh4u1swbsToH4ROMrK6qVQkzIosSIgvEdq69Dqthns4DEh1FuTZPT2JLSNVd4G/whE9D21L0',
  'CRYPT $2b$': '{CRYPT}$2b$05$lKwmo2FAw3eEmXhhToaRYOXk6QuC8C1EtxGWF48sLyAruDmjcGijm',
  'PBKDF2-SHA256': '{PBKDF2-SHA256}10000$nm//ImDro7P/R8nlG7cgIg$WOl0Y7DiMSnqLjFNZ.aobM/ed//QtVoHe3ZqfC6yYQ8',
  'PBKDF2-SHA512': '{PBKDF2-SHA512}1000$nm//ImDro7P/R8nlG7cgIg$AeuGlURnJR3lrlse0rRBRhFKrPmqov9xmSmPSoE7eAt4r/7RyySJvFtr7DIqKzjFWoj6zK/Jy4zPMPbVhzLxAQ',
  PBKDF2: '{PBKDF2}1000$nm//ImDro7P/R8nlG7cgIg$jBHGv2e88ACwi07pfelyoUrt8KM',
};

describe('OpenLDAP hashes imported as they are (issue 14)', () => {
  const pool = new KdfPool({ size: 2, queueLimit: 64 });
  afterAll(() => pool.close());

  it.each(Object.entries(VECTORS))('%s: the password verifies, another does not, in the KDF pool', async (_name, value) => {
    expect(parseLdapHash(value).ok).toBe(true);
    expect(await pool.verify(PW, value)).toBe(true);
    expect(await pool.verify(`${PW}x`, value)).toBe(false);
    expect(await pool.verify('Tr0ub4dor&3 e', value)).toBe(false);
  });

  it('refuses cleartext, unknown and unsupported schemes with a reason, never the value', () => {
    const reasons = [
      '{CLEARTEXT}secret',
      'secret',
      '{MD5}Xr4ilOzQ4PCOq3aQ0qbuaQ==',
      '{CRYPT}$y$j9T$F5Jx5fExrKuPp53xLKQ..1$u.nLz00WvwKGXPDUTyshqEqi39BpGvQDr67MhBenIi6',
      '{CRYPT}abJnggxhB/yWI',
      '{SASL}bob@REALM',
    ].map((v) => {
      const p = parseLdapHash(v);
      expect(p.ok).toBe(false);
      return p.ok ? '' : p.reason;
    });
    expect(reasons.map((r) => r.split(' ')[0])).toEqual([
      'unsupported_scheme:CLEARTEXT',
      'unsupported_scheme:CLEARTEXT',
      'unsupported_scheme:MD5',
      'unsupported_scheme:CRYPT-yescrypt',
      'unsupported_scheme:CRYPT-des',
      'unsupported_scheme:SASL',
    ]);
    expect(reasons.join(' ')).not.toMatch(/secret|bob@/);
  });

  it('refuses malformed values and parameters above the limits', () => {
    expect(parseLdapHash('{SSHA}not base64!')).toMatchObject({ ok: false, reason: 'malformed_hash:SSHA' });
    expect(parseLdapHash('{SSHA}AAAA')).toMatchObject({ ok: false, reason: 'malformed_hash:SSHA' });
    const huge = `{ARGON2}$argon2id$v=19$m=${LDAP_HASH_LIMITS.argon2MemoryKiB * 2},t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA`;
    expect(parseLdapHash(huge)).toMatchObject({ ok: false, reason: expect.stringMatching(/^unsupported_parameters:ARGON2/) });
    expect(parseLdapHash('{CRYPT}$2b$20$lKwmo2FAw3eEmXhhToaRYOXk6QuC8C1EtxGWF48sLyAruDmjcGijm')).toMatchObject({ ok: false });
    expect(parseLdapHash('{CRYPT}$6$rounds=99999999$s$abc')).toMatchObject({ ok: false, reason: 'malformed_hash:CRYPT' });
  });

  it('takes the first value it can check among several, else the first refusal', () => {
    const c = chooseLdapHash(['{CLEARTEXT}x', VECTORS.SSHA]);
    expect(c.ok && c.value).toBe(VECTORS.SSHA);
    expect(chooseLdapHash(['{CLEARTEXT}x', '{MD5}y'])).toEqual({ ok: false, reason: expect.stringMatching(/^unsupported_scheme:CLEARTEXT/) });
  });

  it('decodes bcrypt base64 as OpenBSD does', () => {
    // '.' is 0 and 'O' is 16 (0b010000) in bcrypt's alphabet, so 'OOOO' is the bits 010000010000… = 0x41 0x04 0x10.
    // The $2b$ vector above (Python's libxcrypt) checks the decoding end to end.
    expect(Buffer.from(bcryptBase64Decode('......................', 16)).equals(Buffer.alloc(16))).toBe(true);
    expect(Buffer.from(bcryptBase64Decode('OOOOOOOOOOOOOOOOOOOOOO', 16)).toString('hex')).toBe('41041041041041041041041041041041');
  });
});

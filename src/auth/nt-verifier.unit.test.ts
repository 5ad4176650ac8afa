import { describe, expect, it } from 'vitest';
import { deriveNtVerifier, ntHash, parseNtVerifier, verifierParams, verifyNtVerifier } from './nt-verifier.js';

describe('NT-hash verifiers (issue 14)', () => {
  it('computes the NT hash as MS-NLMP does (known vector)', async () => {
    // MS-NLMP 4.2.2.1.2 "Password" = a4f49c406510bdcab6824ee7c30fd852
    expect((await ntHash('Password')).toString('hex')).toBe('a4f49c406510bdcab6824ee7c30fd852');
  });

  it('verifies the right password only, with params and a random salt in the verifier', async () => {
    const nt = await ntHash('Corr3ct horse battery');
    const a = await deriveNtVerifier(nt);
    const b = await deriveNtVerifier(nt);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(verifierParams(a)).toEqual({ memorySize: 19456, iterations: 2, parallelism: 1, hashLength: 32 });
    expect(parseNtVerifier(a)?.salt.length).toBe(16);
    expect(await verifyNtVerifier('Corr3ct horse battery', a)).toBe(true);
    expect(await verifyNtVerifier('Corr3ct horse batterY', a)).toBe(false);
    expect(await verifyNtVerifier('x', 'not a verifier')).toBe(false);
    // The verifier holds neither the NT hash nor its hex.
    const hex = nt.toString('hex');
    for (const form of [hex, hex.toUpperCase(), nt.toString('base64')]) expect(a).not.toContain(form);
  });
});

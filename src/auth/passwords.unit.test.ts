import { describe, expect, it } from 'vitest';
import { atLeast, rolesFrom } from './roles.js';
import { checkPasswordPolicy, hashPassword, verifyAgainstNothing, verifyPassword } from './passwords.js';
import { sha256, TOKEN_PREFIX } from './tokens.js';

describe('passwords', () => {
  it('hashes with argon2id, a random salt each time, and verifies', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('x', 'not a hash')).toBe(false);
    expect(await verifyAgainstNothing('anything')).toBe(false);
  });

  it('asks for 12 to 1024 characters, naming the field', () => {
    expect(() => checkPasswordPolicy('elevenchars')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', where: 'password' }));
    expect(() => checkPasswordPolicy('twelve chars', 'newPassword')).not.toThrow();
    expect(() => checkPasswordPolicy('x'.repeat(1025), 'newPassword')).toThrow(expect.objectContaining({ where: 'newPassword' }));
  });
});

describe('roles and tokens', () => {
  it('orders the roles: each can do what the ones below can', () => {
    expect(rolesFrom('user_manager')).toEqual(['owner', 'administrator', 'user_manager']);
    expect(atLeast('administrator', 'owner')).toBe(false);
    expect(atLeast('owner', 'read_only')).toBe(true);
  });

  it('stores tokens as SHA-256', () => {
    expect(TOKEN_PREFIX).toBe('idsync_');
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

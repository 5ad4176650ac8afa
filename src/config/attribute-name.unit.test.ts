import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.js';

const dir = (attributes: Record<string, unknown>) => ({
  directories: [
    {
      name: 'corp',
      type: 'openldap',
      servers: ['ldaps://ldap.example.test'],
      baseDn: 'dc=example,dc=test',
      groups: ['cn=staff,dc=example,dc=test'],
      attributes,
    },
  ],
});

// Issue 10 item 16: `e mail!` was accepted and the import gave every user an empty email.
describe('attribute names in the mapping (RFC 4512 descriptors or OIDs)', () => {
  it.each([
    ['email', 'e mail!'],
    ['fullName', 'display name'],
    ['phones', ['mobile', 'tel#']],
    ['aliases', ['-uid']],
    ['member', '1.2.'],
  ])('refuses %s = %j, naming the key', (key, value) => {
    expect(() => parseConfig(dir({ [key]: value }), { baseDir: '/tmp', env: {} })).toThrow(new RegExp(`attributes\\.${key}.*LDAP attribute name`));
  });

  it.each([
    ['email', 'mail'],
    ['email', 'proxyAddresses'],
    ['email', '0.9.2342.19200300.100.1.3'],
    ['phones', ['telephoneNumber', 'mobile']],
    ['fullName', 'cn;lang-en'],
    ['username', 'sAMAccountName'],
  ])('accepts %s = %j', (key, value) => {
    expect(() => parseConfig(dir({ [key]: value }), { baseDir: '/tmp', env: {} })).not.toThrow();
  });
});

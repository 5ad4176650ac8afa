import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.js';
import { ldapFilterProblem } from './ldap-filter.js';
import { serverUrlProblem } from './server-url.js';

/** The one server URL rule, as the configuration file meets it (the API meets it through the same schema). */
describe('server URLs', () => {
  it.each([
    'ldaps://dc1.corp.example.test:636',
    'ldap://dc1',
    'LDAPS://DC1.EXAMPLE.TEST/',
    'ldap://127.0.0.1:389',
    'ldaps://[::1]:636',
    'ldap://dc_1.corp:1',
    'ldap://dc1:65535',
  ])('accepts %s', (url) => {
    expect(serverUrlProblem(url)).toBeNull();
  });

  it.each([
    ['ldap://dc1:99999', /port 99999 is out of range/],
    ['ldap://dc1:0', /port 0 is out of range/],
    ['ldaps://?/', /host name or address/],
    ['ldaps://', /host name or address/],
    ['ldap://user:pw@dc1', /host name or address/],
    ['ldap://dc1/dc=corp', /base DN/],
    ['ldap://dc1?x', /nothing else/],
    ['http://dc1', /scheme ldap:\/\/ or ldaps:\/\//],
    ['ldap://[1::2::3]', /not a valid URL/],
    ['', /LDAP URL/],
  ])('refuses %s', (url, message) => {
    expect(serverUrlProblem(url)).toMatch(message);
  });

  it('refuses a port out of range in the configuration file with CONFIG_INVALID naming the key, not an internal error', () => {
    const cfg = { directories: [{ name: 'corp', type: 'openldap', servers: ['ldaps://dc1:636', 'ldap://dc1:99999'], baseDn: 'dc=x', groups: ['cn=g,dc=x'] }] };
    expect(() => parseConfig(cfg, { baseDir: '/tmp', env: {} })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', where: 'directories[0].servers[1]', message: expect.stringContaining('port 99999 is out of range') }),
    );
    const empty = { directories: [{ ...cfg.directories[0], servers: ['ldaps://?/'] }] };
    expect(() => parseConfig(empty, { baseDir: '/tmp', env: {} })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', where: 'directories[0].servers[0]' }),
    );
  });
});

describe('LDAP filters', () => {
  it.each(['(objectClass=user)', '(&(objectClass=person)(!(cn=a\\29b)))', '(cn=*)'])('accepts %s', (f) => {
    expect(ldapFilterProblem(f)).toBeNull();
  });
  it.each(['(&(a=b)(c=d)', '(cn=a))', '(cn=a)(x=y)', '((cn=a)', '(cn=\\zz)'])('refuses %s', (f) => {
    expect(ldapFilterProblem(f)).toMatch(/LDAP filter/);
  });
  it('refuses a malformed filter in the configuration file, naming the key', () => {
    const cfg = {
      directories: [{ name: 'corp', type: 'openldap', servers: ['ldaps://dc1'], baseDn: 'dc=x', groups: ['cn=g,dc=x'], filters: { user: '(&(a=b)(c=d)' } }],
    };
    expect(() => parseConfig(cfg, { baseDir: '/tmp', env: {} })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', where: 'directories[0].filters.user' }),
    );
  });
});

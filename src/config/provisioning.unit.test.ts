import { describe, expect, it } from 'vitest';
import type { IdsyncError } from '../errors.js';
import { parseConfig } from './load.js';
import { dnsNameOf } from './provisioning.js';

const ad = {
  name: 'corp',
  type: 'active-directory',
  servers: ['ldaps://127.0.0.1:636'],
  baseDn: 'DC=corp,DC=example,DC=test',
};

function parse(directory: unknown) {
  return parseConfig({ directories: [directory] }, { baseDir: '/tmp', env: {} }).directories[0];
}

function errorOf(fn: () => unknown): IdsyncError {
  try {
    fn();
  } catch (err) {
    return err as IdsyncError;
  }
  throw new Error('expected an error');
}

const containers = { userContainer: 'OU=Staff,DC=corp,DC=example,DC=test', groupContainer: 'OU=Groups,DC=corp,DC=example,DC=test' };

describe('the provisioning block (issue 12, "Provisioning targets")', () => {
  it('makes inbound sync items optional, and fills the defaults of the directory type', () => {
    const d = parse({ ...ad, provisioning: containers });
    expect(d.syncItems).toEqual([]);
    expect(d.provisioning).toMatchObject({
      users: { kind: 'all-local' },
      groups: [],
      passwords: true,
      upnSuffix: 'corp.example.test',
      attributes: { username: 'sAMAccountName', fullName: ['displayName'], firstName: 'givenName', lastName: 'sn', phones: ['telephoneNumber', 'mobile'] },
      profile: { userRdn: 'fullName', principalName: true, requireNames: true },
    });
    expect(d.provisioning?.disable).toBeUndefined();
    const ldap = parse({
      ...ad,
      type: 'openldap',
      servers: ['ldap://127.0.0.1:389'],
      provisioning: { ...containers, users: { groups: ['eng'] }, groups: 'all' },
    });
    expect(ldap.provisioning).toMatchObject({
      users: { kind: 'groups', groups: ['eng'] },
      groups: 'all',
      attributes: { username: 'uid', fullName: ['cn', 'displayName'] },
      disable: { attribute: 'pwdAccountLockedTime', value: '000001010000Z' },
      profile: { userRdn: 'username', requiredFromUsername: ['cn', 'sn'] },
    });
    expect(ldap.provisioning?.upnSuffix).toBeUndefined();
  });

  it('keeps the "choose what to sync" error for a directory with neither sync items nor provisioning', () => {
    expect(errorOf(() => parse(ad)).message).toMatch(/directories\[0\]: choose what to sync/);
  });

  it('takes an export map, a UPN suffix and an OpenLDAP disable method', () => {
    const d = parse({ ...ad, provisioning: { ...containers, upnSuffix: 'example.com', attributes: { email: 'userPrincipalName', phones: [] } } });
    expect(d.provisioning).toMatchObject({ upnSuffix: 'example.com', attributes: { email: 'userPrincipalName', phones: [], username: 'sAMAccountName' } });
    const l = parse({ ...ad, type: 'openldap', provisioning: { ...containers, disable: { attribute: 'nsAccountLock', value: 'true' } } });
    expect(l.provisioning?.disable).toEqual({ attribute: 'nsAccountLock', value: 'true' });
  });

  it('names the key of every mistake', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...containers, userContainer: 'OU=X,DC=other' }, /directories\[0\]\.provisioning\.userContainer: OU=X,DC=other is not under baseDn/],
      [{ ...containers, groupContainer: undefined }, /directories\[0\]\.provisioning\.groupContainer: is required/],
      [{ ...containers, users: { groups: [] } }, /directories\[0\]\.provisioning\.users(\.groups)?: name at least one local group/],
      [{ ...containers, users: 'everyone' }, /directories\[0\]\.provisioning\.users/],
      [{ ...containers, attributes: { email: 'not an attribute!' } }, /directories\[0\]\.provisioning\.attributes\.email/],
      [{ ...containers, attributes: { colour: 'x' } }, /directories\[0\]\.provisioning\.attributes: unknown key "colour"/],
      [{ ...containers, disable: { attribute: 'nsAccountLock', value: 'true' } }, /directories\[0\]\.provisioning\.disable: is for OpenLDAP/],
      [{ ...containers, upnSuffix: 'not a domain' }, /directories\[0\]\.provisioning\.upnSuffix: must be a DNS name/],
      [{ ...containers, passwords: 'yes' }, /directories\[0\]\.provisioning\.passwords/],
      [{ ...containers, serverHashesPasswords: true }, /directories\[0\]\.provisioning\.serverHashesPasswords: is for OpenLDAP/],
    ];
    for (const [provisioning, message] of cases) {
      const e = errorOf(() => parse({ ...ad, provisioning }));
      expect(e.code).toBe('CONFIG_INVALID');
      expect(e.message).toMatch(message);
    }
    expect(errorOf(() => parse({ ...ad, type: 'openldap', provisioning: { ...containers, upnSuffix: 'corp.test' } })).message).toMatch(
      /provisioning\.upnSuffix: is for Active Directory/,
    );
    expect(
      errorOf(() => parse({ ...ad, baseDn: 'O=Corp', provisioning: { ...containers, userContainer: 'OU=S,O=Corp', groupContainer: 'OU=G,O=Corp' } })).message,
    ).toMatch(/provisioning\.upnSuffix: is required/);
  });

  it('warns that Active Directory refuses passwords over a clear connection', () => {
    const d = parse({ ...ad, servers: ['ldap://127.0.0.1:389'], transport: 'clear', provisioning: containers });
    expect(d.warnings).toContainEqual(expect.stringMatching(/directories\[0\]\.provisioning\.passwords: ldap:\/\/127\.0\.0\.1:389 uses transport "clear"/));
    expect(parse({ ...ad, servers: ['ldap://127.0.0.1:389'], transport: 'clear', provisioning: { ...containers, passwords: false } }).warnings).toEqual([]);
  });

  it('takes the UPN suffix from the DC components of the base DN', () => {
    expect(dnsNameOf('OU=x,DC=corp, DC=example,dc=com')).toBe('corp.example.com');
    expect(dnsNameOf('O=Corp')).toBeUndefined();
  });
});

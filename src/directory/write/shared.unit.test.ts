import asn1 from 'asn1';
import { describe, expect, it } from 'vitest';
import { escapeDnValue } from '../codecs.js';
import { passwordModifyRequest } from './openldap-passwords.js';
import { memberDelta, outsideContainer, parentDn } from './shared.js';

const { BerReader } = asn1;

describe('the pieces both targets share', () => {
  it('escapes an RDN value (RFC 4514 section 2.4)', () => {
    expect(escapeDnValue('Smith, John')).toBe('Smith\\, John');
    expect(escapeDnValue('#1 a+b "q" <x>;\\')).toBe('\\#1 a\\+b \\"q\\" \\<x\\>\\;\\\\');
    expect(escapeDnValue(' padded ')).toBe('\\ padded\\ ');
    expect(parentDn('CN=Smith\\, John,OU=Staff,DC=corp')).toBe('OU=Staff,DC=corp');
  });

  it('tells what lies outside a container, whatever the case and spacing of the DNs', () => {
    expect(outsideContainer('CN=a,OU=Users,DC=corp', 'ou=users, dc=corp', 'user')).toBeUndefined();
    expect(outsideContainer('CN=a,OU=Users2,DC=corp', 'OU=Users,DC=corp', 'user')).toBe('outside the user container OU=Users,DC=corp');
    expect(outsideContainer('CN=a,OU=Other,OU=Users,DC=corp', 'OU=Users,DC=corp', 'user')).toBeUndefined();
  });

  it('adds only members not there and removes only members there, as DNs', () => {
    expect(memberDelta(['CN=A,DC=x', 'CN=B,DC=x'], ['cn=a,dc=x', 'CN=C,DC=x', 'CN=C, DC=x'], ['cn=b,dc=x', 'CN=Z,DC=x'])).toEqual({
      add: ['CN=C,DC=x'],
      remove: ['CN=B,DC=x'],
    });
  });

  it('encodes the Password Modify request as RFC 3062 section 2 has it: userIdentity [0], newPasswd [2], no oldPasswd', () => {
    const r = new BerReader(passwordModifyRequest('uid=ada,ou=people,dc=x', 'päss'));
    expect(r.readSequence()).toBe(0x30);
    expect(r.readString(0x80)).toBe('uid=ada,ou=people,dc=x');
    expect(r.peek()).toBe(0x82);
    expect(r.readString(0x82)).toBe('päss');
    expect(r.remain).toBe(0);
  });
});

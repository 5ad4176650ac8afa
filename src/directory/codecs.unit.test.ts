import { describe, expect, it } from 'vitest';
import { dateToFileTime, dnKey, fileTimeToDate, guidToFilterValue, guidToString, isUnder, ridFromSid, sidToString, stripUniqueMemberUid } from './codecs.js';

describe('objectGUID (MS-DTYP 2.3.4.2)', () => {
  const bytes = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  it('reverses the first three groups', () => {
    expect(guidToString(bytes)).toBe('33221100-5544-7766-8899-aabbccddeeff');
  });
  it('round-trips to a filter value of the raw bytes', () => {
    expect(guidToFilterValue('33221100-5544-7766-8899-aabbccddeeff')).toBe('\\00\\11\\22\\33\\44\\55\\66\\77\\88\\99\\aa\\bb\\cc\\dd\\ee\\ff');
  });
  it('rejects a wrong length', () => {
    expect(() => guidToString(Buffer.alloc(15))).toThrow(/16 bytes/);
  });
});

describe('objectSid (MS-DTYP 2.4.2.2)', () => {
  // S-1-5-21-1004336348-1177238915-682003330-512
  const sid = Buffer.alloc(8 + 5 * 4);
  sid[0] = 1;
  sid[1] = 5;
  sid.writeUIntBE(5, 2, 6);
  [21, 1004336348, 1177238915, 682003330, 512].forEach((v, i) => {
    sid.writeUInt32LE(v, 8 + i * 4);
  });
  it('formats and yields the RID', () => {
    expect(sidToString(sid)).toBe('S-1-5-21-1004336348-1177238915-682003330-512');
    expect(ridFromSid(sid)).toBe(512);
  });
  it('rejects a length that does not match the count', () => {
    expect(() => sidToString(sid.subarray(0, 20))).toThrow(/does not match/);
  });
});

describe('accountExpires FILETIME', () => {
  it('treats 0 and the maximum as never', () => {
    expect(fileTimeToDate('0')).toBeUndefined();
    expect(fileTimeToDate('9223372036854775807')).toBeUndefined();
  });
  it('round-trips a date', () => {
    const d = new Date('2025-03-01T12:00:00Z');
    expect(fileTimeToDate(dateToFileTime(d))?.toISOString()).toBe(d.toISOString());
  });
  it('rejects garbage', () => {
    expect(() => fileTimeToDate('soon')).toThrow(/FILETIME/);
  });
});

describe('DN keys', () => {
  it('ignore case and spaces around separators, keep escapes', () => {
    expect(dnKey('CN=Alice Smith , OU=People,DC=Corp')).toBe('cn=alice smith,ou=people,dc=corp');
    expect(dnKey('cn=Smith\\, Alice,dc=x')).toBe('cn=smith\\, alice,dc=x');
    expect(dnKey('cn = A + uid = b, dc=x')).toBe('cn=a+uid=b,dc=x');
  });
  it('isUnder matches the subtree only', () => {
    expect(isUnder('cn=a,ou=p,dc=x', 'ou=p,dc=x')).toBe(true);
    expect(isUnder('cn=a,ou=pp,dc=x', 'ou=p,dc=x')).toBe(false);
  });
  it('strips the optional uniqueMember UID', () => {
    expect(stripUniqueMemberUid("cn=a,dc=x#'0101'B")).toBe('cn=a,dc=x');
  });
});

import { describe, expect, it } from 'vitest';
import {
  SYNC_REQUEST_OID,
  decodeSyncDone,
  decodeSyncInfo,
  decodeSyncState,
  encodeSyncRequestValue,
  syncRequestControl,
  uuidToBytes,
  uuidToString,
} from './sync-codec.js';

// Every expected byte string below is assembled by hand from the ASN.1 in RFC 4533 section 2
// (IMPLICIT TAGS: [0] primitive = 0x80, [1]..[3] constructed = 0xa1..0xa3), not from our encoder.
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const abc = '616263'; // "abc" as a cookie
const U1 = '00112233445566778899aabbccddeeff';
const U2 = 'ffeeddccbbaa99887766554433221100';
const U1s = '00112233-4455-6677-8899-aabbccddeeff';
const U2s = 'ffeeddcc-bbaa-9988-7766-554433221100';

describe('syncUUID', () => {
  it('prints 16 bytes as a lower-case RFC 4122 string, in byte order', () => {
    expect(uuidToString(hex('00112233445566778899AABBCCDDEEFF'))).toBe(U1s);
    expect(uuidToBytes(U1s.toUpperCase()).toString('hex')).toBe(U1);
  });
  it('refuses any other size (SIZE(16))', () => {
    expect(() => uuidToString(Buffer.alloc(15))).toThrow(/16 bytes/);
  });
});

describe('Sync Request control (section 2.2)', () => {
  it('refreshOnly without a cookie: SEQUENCE { ENUMERATED 1 }', () => {
    expect(encodeSyncRequestValue({ mode: 'refreshOnly' }).toString('hex')).toBe('3003' + '0a0101');
  });
  it('refreshAndPersist with a cookie and reloadHint TRUE', () => {
    expect(encodeSyncRequestValue({ mode: 'refreshAndPersist', cookie: Buffer.from('abc'), reloadHint: true }).toString('hex')).toBe(
      '300b' + '0a0103' + '0403' + abc + '0101ff',
    );
  });
  it('leaves reloadHint out when FALSE (DEFAULT) and keeps an empty cookie', () => {
    expect(encodeSyncRequestValue({ mode: 'refreshOnly', cookie: Buffer.alloc(0), reloadHint: false }).toString('hex')).toBe('3005' + '0a0101' + '0400');
  });
  it('is sent critical under its OID', () => {
    expect(syncRequestControl({ mode: 'refreshOnly' })).toMatchObject({ oid: SYNC_REQUEST_OID, critical: true });
    expect(SYNC_REQUEST_OID).toBe('1.3.6.1.4.1.4203.1.9.1.1');
  });
});

describe('Sync State control (section 2.3)', () => {
  it('add, with entryUUID and cookie', () => {
    expect(decodeSyncState(hex('301a' + '0a0101' + '0410' + U1 + '0403' + abc))).toEqual({ state: 'add', uuid: U1s, cookie: Buffer.from('abc') });
  });
  it('each state value, cookie absent', () => {
    const names = ['present', 'add', 'modify', 'delete'];
    names.forEach((name, n) => {
      expect(decodeSyncState(hex('3015' + `0a010${n}` + '0410' + U2))).toEqual({ state: name, uuid: U2s });
    });
  });
  it('rejects an unknown state and a short UUID', () => {
    expect(() => decodeSyncState(hex('3015' + '0a0104' + '0410' + U2))).toThrow(/unknown state 4/);
    expect(() => decodeSyncState(hex('3014' + '0a0101' + '040f' + U2.slice(2)))).toThrow(/16 bytes/);
  });
  it('rejects a missing entryUUID', () => {
    expect(() => decodeSyncState(hex('3003' + '0a0101'))).toThrow(/entryUUID/);
  });
});

describe('Sync Done control (section 2.4)', () => {
  it('empty SEQUENCE: no cookie, refreshDeletes FALSE by default', () => {
    expect(decodeSyncDone(hex('3000'))).toEqual({ refreshDeletes: false });
  });
  it('cookie and refreshDeletes TRUE (any non-zero octet is TRUE in BER)', () => {
    expect(decodeSyncDone(hex('3008' + '0403' + abc + '0101ff'))).toEqual({ cookie: Buffer.from('abc'), refreshDeletes: true });
    expect(decodeSyncDone(hex('3003' + '010101'))).toEqual({ refreshDeletes: true });
  });
});

describe('Sync Info message (section 2.5)', () => {
  it('newcookie [0] syncCookie', () => {
    expect(decodeSyncInfo(hex('8003' + abc))).toEqual({ kind: 'newcookie', cookie: Buffer.from('abc') });
  });
  it('refreshDelete [1] empty: refreshDone DEFAULT TRUE', () => {
    expect(decodeSyncInfo(hex('a100'))).toEqual({ kind: 'refreshDelete', refreshDone: true });
  });
  it('refreshPresent [2] with cookie and refreshDone FALSE', () => {
    expect(decodeSyncInfo(hex('a208' + '0403' + abc + '010100'))).toEqual({ kind: 'refreshPresent', cookie: Buffer.from('abc'), refreshDone: false });
  });
  it('refreshPresent [2] with only a cookie: still refreshDone TRUE', () => {
    expect(decodeSyncInfo(hex('a205' + '0403' + abc))).toEqual({ kind: 'refreshPresent', cookie: Buffer.from('abc'), refreshDone: true });
  });
  it('syncIdSet [3] with cookie, refreshDeletes TRUE and two UUIDs', () => {
    const set = '3124' + '0410' + U1 + '0410' + U2;
    expect(decodeSyncInfo(hex('a32e' + '0403' + abc + '0101ff' + set))).toEqual({
      kind: 'syncIdSet',
      cookie: Buffer.from('abc'),
      refreshDeletes: true,
      uuids: [U1s, U2s],
    });
  });
  it('syncIdSet [3] with only the set: refreshDeletes DEFAULT FALSE', () => {
    expect(decodeSyncInfo(hex('a314' + '3112' + '0410' + U1))).toEqual({ kind: 'syncIdSet', refreshDeletes: false, uuids: [U1s] });
    expect(decodeSyncInfo(hex('a302' + '3100'))).toEqual({ kind: 'syncIdSet', refreshDeletes: false, uuids: [] });
  });
  it('rejects a syncIdSet without syncUUIDs, an unknown CHOICE and truncated input', () => {
    expect(() => decodeSyncInfo(hex('a305' + '0403' + abc))).toThrow(/syncUUIDs/);
    expect(() => decodeSyncInfo(hex('a400'))).toThrow(/unknown CHOICE tag 0xa4/);
    expect(() => decodeSyncInfo(hex('a208' + '0403' + abc))).toThrow(/truncated/);
  });
});

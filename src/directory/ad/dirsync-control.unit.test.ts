import { describe, expect, it } from 'vitest';
import { encodeSearch, type RequestControl } from '../stream/requests.js';
import {
  DIRSYNC_OID,
  DirSyncDecodeError,
  DirSyncFlags,
  decodeDirSyncResponseValue,
  dirSyncControl,
  dirSyncResponse,
  encodeDirSyncRequestValue,
  toInt32,
} from './dirsync-control.js';
import { extendedDnControl } from './extended-dn.js';
import { SHOW_DELETED } from './usn-poll.js';

const hex = (b: Buffer) => b.toString('hex').replace(/(..)/g, '$1 ').trim();
const bytes = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const oid = (s: string) => Buffer.from(s, 'latin1').toString('hex');
/** The control as it goes on the wire, inside a SearchRequest's controls [0]. */
const onWire = (c: RequestControl) => hex(encodeSearch(1, { base: 'dc=x', controls: [c] }));

describe('DirSync request value (MS-ADTS 3.1.1.3.4.1.3)', () => {
  it('encodes INCREMENTAL_VALUES as the 4-byte negative INTEGER, never the 5-byte positive form', () => {
    const v = encodeDirSyncRequestValue({ flags: DirSyncFlags.INCREMENTAL_VALUES, maxBytes: 0, cookie: Buffer.alloc(0) });
    //            SEQ len  INTEGER flags       INTEGER 0  OCTET STRING ''
    expect(hex(v)).toBe('30 0b 02 04 80 00 00 00 02 01 00 04 00');
    expect(hex(v)).not.toContain('02 05 00 80');
  });

  it('encodes combined flags, a MaxBytes of 1 MiB and a cookie', () => {
    const flags = DirSyncFlags.INCREMENTAL_VALUES | DirSyncFlags.ANCESTORS_FIRST_ORDER | DirSyncFlags.OBJECT_SECURITY;
    const v = encodeDirSyncRequestValue({ flags, maxBytes: 1024 * 1024, cookie: bytes('de ad be ef') });
    expect(hex(v)).toBe('30 11 02 04 80 00 08 01 02 03 10 00 00 04 04 de ad be ef');
  });

  it('encodes small flags minimally', () => {
    const enc = (flags: number) => hex(encodeDirSyncRequestValue({ flags, maxBytes: 0, cookie: Buffer.alloc(0) }));
    expect(enc(0)).toBe('30 08 02 01 00 02 01 00 04 00');
    expect(enc(DirSyncFlags.OBJECT_SECURITY)).toBe('30 08 02 01 01 02 01 00 04 00');
    expect(enc(DirSyncFlags.ANCESTORS_FIRST_ORDER)).toBe('30 09 02 02 08 00 02 01 00 04 00');
  });

  it('rejects flags and sizes that do not fit', () => {
    expect(() => toInt32(2 ** 32)).toThrow(RangeError);
    expect(() => toInt32(1.5)).toThrow(RangeError);
    expect(toInt32(0x80000000)).toBe(-0x80000000);
    expect(() => encodeDirSyncRequestValue({ flags: 0, maxBytes: -1, cookie: Buffer.alloc(0) })).toThrow(RangeError);
  });

  it('writes a critical control whose value is an OCTET STRING around the SEQUENCE', () => {
    const oidHex = oid('1.2.840.113556.1.4.841');
    // Control ::= SEQUENCE { controlType LDAPOID, criticality BOOLEAN, controlValue OCTET STRING }
    expect(onWire(dirSyncControl({ flags: DirSyncFlags.INCREMENTAL_VALUES, cookie: bytes('01 02') }))).toContain(
      hex(bytes(`30 2c 04 16 ${oidHex} 01 01 ff 04 0f 30 0d 02 04 80 00 00 00 02 01 00 04 02 01 02`)),
    );
  });
});

describe('DirSync response value', () => {
  it('decodes MoreResults, unused and the cookie', () => {
    expect(decodeDirSyncResponseValue(bytes('30 0a 02 01 00 02 01 00 04 02 ab cd'))).toEqual({ moreResults: 0, unused: 0, cookie: bytes('ab cd') });
    expect(decodeDirSyncResponseValue(bytes('30 09 02 01 01 02 01 00 04 01 ff')).moreResults).toBe(1);
    expect(decodeDirSyncResponseValue(bytes('30 08 02 01 00 02 01 00 04 00')).cookie.length).toBe(0);
  });

  it('fails clearly on malformed values', () => {
    expect(() => decodeDirSyncResponseValue(Buffer.alloc(0))).toThrow(DirSyncDecodeError);
    expect(() => decodeDirSyncResponseValue(bytes('30 03 02 01 00'))).toThrow(DirSyncDecodeError);
    expect(() => decodeDirSyncResponseValue(bytes('30 06 04 01 00 04 01 00'))).toThrow(DirSyncDecodeError);
  });

  it('is found among the SearchResultDone controls by its OID; absent means the server is no AD', () => {
    const value = bytes('30 0b 02 01 00 02 01 00 04 03 c0 ff ee');
    expect(
      dirSyncResponse([
        { oid: '1.2.840.113556.1.4.319', critical: false, value: bytes('30 05 02 01 00 04 00') },
        { oid: DIRSYNC_OID, critical: true, value },
      ]),
    ).toEqual({
      moreResults: 0,
      unused: 0,
      cookie: bytes('c0 ff ee'),
    });
    expect(dirSyncResponse([])).toBeUndefined();
    expect(() => dirSyncResponse([{ oid: DIRSYNC_OID, critical: true, value: bytes('30 02 05 00') }])).toThrow(DirSyncDecodeError);
    expect(() => dirSyncResponse([{ oid: DIRSYNC_OID, critical: true }])).toThrow(DirSyncDecodeError);
  });
});

describe('other controls', () => {
  it('Extended DN asks for the string form: value SEQUENCE { 1 }, not critical (criticality left at its default)', () => {
    expect(onWire(extendedDnControl())).toContain(hex(bytes(`30 1f 04 16 ${oid('1.2.840.113556.1.4.529')} 04 05 30 03 02 01 01`)));
  });

  it('Show Deleted is critical and has no value', () => {
    expect(onWire(SHOW_DELETED)).toMatch(new RegExp(`${hex(bytes(`30 1b 04 16 ${oid('1.2.840.113556.1.4.417')} 01 01 ff`))}$`));
  });
});

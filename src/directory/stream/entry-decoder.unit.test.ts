import asn1 from 'asn1';
import { describe, expect, it } from 'vitest';
import { BerDecodeError } from './ber.js';
import { decodeEntry, messageHead } from './entry-decoder.js';
import { Op } from './protocol.js';
import { pagedResultsControl, pagedResultsCookie, PAGED_RESULTS_OID } from './requests.js';

const { BerWriter } = asn1;

/** A SearchResultEntry LDAPMessage as a server would send it (RFC 4511 section 4.5.2). */
function entryMessage(messageId: number, dn: string, attrs: [string, (string | Buffer)[]][]): Buffer {
  const w = new BerWriter();
  w.startSequence();
  w.writeInt(messageId);
  w.startSequence(Op.SearchResultEntry);
  w.writeString(dn);
  w.startSequence();
  for (const [type, values] of attrs) {
    w.startSequence();
    w.writeString(type);
    w.startSequence(0x31);
    for (const v of values) w.writeBuffer(Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8'), 0x04);
    w.endSequence();
    w.endSequence();
  }
  w.endSequence();
  w.endSequence();
  w.endSequence();
  return w.buffer;
}

const guid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const long = 'd'.repeat(70_000); // a three-byte BER length
const sample = (): Buffer =>
  entryMessage(7, 'uid=Zoë,ou=People,dc=corp,dc=example,dc=test', [
    ['entryUUID', ['1b2c3d4e-0000-4000-8000-000000000001']],
    ['cn', ['Zoë Ångström']],
    ['objectGUID', [guid]],
    ['mail', ['zoe@corp.example.test', 'z@corp.example.test']],
    ['description', [long]],
    ['member;range=0-1', ['cn=a', 'cn=b']],
    ['seeAlso', []],
  ]);

describe('bulk entry decoding', () => {
  it('reads the message id and operation without decoding the entry', () => {
    const head = messageHead(sample());
    expect(head).toMatchObject({ messageId: 7, op: Op.SearchResultEntry });
    expect(messageHead(Buffer.from([0x30, 0x03, 0x04, 0x01, 0x00]))).toBeUndefined();
  });

  it('gives single values without decoding the rest, and every value once decoded', () => {
    const msg = sample();
    const e = decodeEntry(msg, messageHead(msg)!, new Set(['objectguid']));
    expect(e.dn).toBe('uid=Zoë,ou=People,dc=corp,dc=example,dc=test');
    // Names compare case-insensitively, whatever the server's spelling.
    expect(e.string('ENTRYuuid')).toBe('1b2c3d4e-0000-4000-8000-000000000001');
    expect(e.string('cn')).toBe('Zoë Ångström');
    expect(e.buffer('objectGUID')).toEqual(guid);
    expect(e.string('description')).toBe(long);
    expect(e.string('seeAlso')).toBeUndefined();
    expect(e.string('absent')).toBeUndefined();
    expect(e.strings('mail')).toEqual(['zoe@corp.example.test', 'z@corp.example.test']);
    expect(e.raw('objectguid')).toEqual([guid]);
    expect(e.has('seealso')).toBe(false);
    expect(e.names()).toEqual(['entryuuid', 'cn', 'objectguid', 'mail', 'description', 'member;range=0-1', 'seealso']);
    expect(e.string('cn')).toBe('Zoë Ångström');
  });

  it('joins the values of an attribute the server lists twice, in order, whatever number each part holds', () => {
    const msg = entryMessage(3, 'cn=split,dc=test', [
      ['mail', ['a@test']],
      ['cn', ['split', 'other']],
      ['MAIL', ['b@test', 'c@test']],
      ['cn', ['third']],
      ['sn', []],
      ['sn', ['Split']],
    ]);
    const e = decodeEntry(msg, messageHead(msg)!, new Set());
    expect(e.strings('mail')).toEqual(['a@test', 'b@test', 'c@test']);
    expect(e.strings('cn')).toEqual(['split', 'other', 'third']);
    expect(e.strings('sn')).toEqual(['Split']);
    expect(e.names()).toEqual(['mail', 'cn', 'sn']);
  });

  it('keeps the bytes the server sent as the entry source, and a binary value apart from the network buffer', () => {
    const msg = sample();
    const e = decodeEntry(msg, messageHead(msg)!, new Set(['objectguid']));
    const again = sample();
    expect(e.source!.equals(decodeEntry(again, messageHead(again)!, new Set()).source!)).toBe(true);
    expect(e.source!.toString('latin1')).toContain('uid=Zo');
    const g = e.buffer('objectGUID')!;
    msg.fill(0);
    expect(g).toEqual(guid);
  });

  it('refuses a malformed entry when it arrives, naming it, instead of reading past its end', () => {
    const good = sample();
    // Make the first attribute's length claim more bytes than its list holds.
    const at = good.indexOf(Buffer.from('entryUUID', 'latin1')) - 4;
    expect(good[at]).toBe(0x30);
    const bad = Buffer.from(good);
    bad[at + 1] = 0x7f;
    expect(() => decodeEntry(bad, messageHead(bad)!, new Set())).toThrow(BerDecodeError);
    expect(() => decodeEntry(bad, messageHead(bad)!, new Set())).toThrow(
      /^attribute of uid=Zoë,ou=People,dc=corp,dc=example,dc=test: expected tag 0x30, got 0x[0-9a-f]+ at offset \d+$/,
    );
    const truncated = good.subarray(0, good.length - 10);
    expect(() => decodeEntry(truncated, { messageId: 7, op: Op.SearchResultEntry, opOffset: 5 }, new Set())).toThrow(BerDecodeError);
  });
});

describe('paged results control (RFC 2696)', () => {
  it('round-trips the cookie, and reads none when the server did not page', () => {
    const cookie = Buffer.from('opaque-cookie');
    const c = pagedResultsControl(1000, cookie);
    expect(c.oid).toBe(PAGED_RESULTS_OID);
    expect(c.critical).toBeUndefined();
    expect(pagedResultsCookie([{ oid: '1.2.3' }, { oid: c.oid, value: c.value }])).toEqual(cookie);
    expect(pagedResultsCookie([{ oid: c.oid, value: pagedResultsControl(0, Buffer.alloc(0)).value }])).toEqual(Buffer.alloc(0));
    expect(pagedResultsCookie([])).toBeUndefined();
    expect(() => pagedResultsCookie([{ oid: c.oid, value: Buffer.from([0x04, 0x00]) }])).toThrow(BerDecodeError);
  });
});

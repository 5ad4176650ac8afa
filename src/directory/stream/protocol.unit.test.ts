import { describe, expect, it } from 'vitest';
import { decodeMessage } from './protocol.js';
import { encodeAbandon, encodeExtended, encodeSearch, encodeSimpleBind, encodeUnbind, STARTTLS_OID } from './requests.js';
import { SearchStream, type SearchMessage } from './search-stream.js';
import { SYNC_INFO_OID, SYNC_STATE_OID } from './sync-codec.js';

// Messages assembled by hand from RFC 4511 section 4 (tags: [APPLICATION n] = 0x40|n, constructed
// 0x60|n; controls [0] = 0xa0). tlv() only computes lengths.
function tlv(tag: number, ...parts: (Buffer | string)[]): Buffer {
  const body = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p.replace(/\s+/g, ''), 'hex') : p)));
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}
const str = (s: string) => Buffer.from(s, 'utf8');
const octets = (s: string | Buffer) => tlv(0x04, typeof s === 'string' ? str(s) : s);
const UUID = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

describe('decoding responses (RFC 4511 section 4)', () => {
  it('SearchResultEntry with binary values and a response control', () => {
    const state = tlv(0x30, '0a0101', tlv(0x04, UUID));
    const msg = tlv(
      0x30,
      '020105',
      tlv(
        0x64,
        octets('uid=alice,ou=people,dc=x'),
        tlv(
          0x30,
          tlv(0x30, octets('cn'), tlv(0x31, octets('Alice'), octets('Alice Smith'))),
          tlv(0x30, octets('objectGUID'), tlv(0x31, octets(UUID))),
          tlv(0x30, octets('description'), tlv(0x31)),
        ),
      ),
      tlv(0xa0, tlv(0x30, octets(SYNC_STATE_OID), octets(state))),
    );
    const m = decodeMessage(msg);
    expect(m).toMatchObject({ op: 'searchEntry', messageId: 5, dn: 'uid=alice,ou=people,dc=x' });
    if (m.op !== 'searchEntry') throw new Error();
    expect(m.attributes.map((a) => [a.type, a.values.map((v) => v.toString('hex'))])).toEqual([
      ['cn', [str('Alice').toString('hex'), str('Alice Smith').toString('hex')]],
      ['objectGUID', [UUID.toString('hex')]],
      ['description', []],
    ]);
    expect(m.controls).toEqual([{ oid: SYNC_STATE_OID, critical: false, value: state }]);
  });

  it('IntermediateResponse with name and value (not understood by ldapts)', () => {
    const msg = tlv(0x30, '020102', tlv(0x79, tlv(0x80, str(SYNC_INFO_OID)), tlv(0x81, '8003616263')));
    expect(decodeMessage(msg)).toEqual({ op: 'intermediate', messageId: 2, name: SYNC_INFO_OID, value: Buffer.from('8003616263', 'hex'), controls: [] });
  });

  it('SearchResultDone with result 4096 (two-byte ENUMERATED), referral and a critical control', () => {
    const msg = tlv(
      0x30,
      '020102',
      tlv(0x65, '0a021000', octets('dc=x'), octets('cookie too old'), tlv(0xa3, octets('ldap://other/'))),
      tlv(0xa0, tlv(0x30, octets('1.2.3'), '0101ff')),
    );
    expect(decodeMessage(msg)).toEqual({
      op: 'searchDone',
      messageId: 2,
      result: { resultCode: 4096, matchedDN: 'dc=x', diagnosticMessage: 'cookie too old', referrals: ['ldap://other/'] },
      controls: [{ oid: '1.2.3', critical: true }],
    });
  });

  it('SearchResultReference, BindResponse and the Notice of Disconnection', () => {
    expect(decodeMessage(tlv(0x30, '020103', tlv(0x73, octets('ldap://a/dc=x'), octets('ldap://b/dc=x'))))).toMatchObject({
      op: 'searchReference',
      uris: ['ldap://a/dc=x', 'ldap://b/dc=x'],
    });
    expect(decodeMessage(tlv(0x30, '020101', tlv(0x61, '0a0131', octets(''), octets('bad password'))))).toMatchObject({
      op: 'bindResponse',
      result: { resultCode: 49, diagnosticMessage: 'bad password' },
    });
    expect(
      decodeMessage(tlv(0x30, '020100', tlv(0x78, '0a0134', octets(''), octets('shutting down'), tlv(0x8a, str('1.3.6.1.4.1.1466.20036'))))),
    ).toMatchObject({
      op: 'extendedResponse',
      messageId: 0,
      name: '1.3.6.1.4.1.1466.20036',
      result: { resultCode: 52 },
    });
  });

  it('refuses a message without protocolOp and an entry without attributes', () => {
    expect(() => decodeMessage(tlv(0x30, '020101'))).toThrow(/protocolOp/);
    expect(() => decodeMessage(tlv(0x30, '020101', tlv(0x64, octets('dc=x'))))).toThrow(/attributes/);
  });
});

describe('encoding requests', () => {
  it('simple bind, anonymous bind', () => {
    expect(encodeSimpleBind(1, 'cn=a', 'pw').toString('hex')).toBe(
      tlv(0x30, '020101', tlv(0x60, '020103', octets('cn=a'), tlv(0x80, str('pw')))).toString('hex'),
    );
    expect(encodeSimpleBind(1, '', '').toString('hex')).toBe('300c020101' + '6007' + '020103' + '0400' + '8000');
  });

  it('search with scope, attributes and a critical control without value', () => {
    const expected = tlv(
      0x30,
      '020107',
      tlv(0x63, octets('dc=x'), '0a0101', '0a0100', '020100', '020100', '010100', tlv(0x87, str('objectClass')), tlv(0x30, octets('cn'), octets('objectGUID'))),
      tlv(0xa0, tlv(0x30, octets('1.2.840.113556.1.4.528'), '0101ff')),
    );
    const got = encodeSearch(7, {
      base: 'dc=x',
      scope: 'one',
      attributes: ['cn', 'objectGUID'],
      controls: [{ oid: '1.2.840.113556.1.4.528', critical: true }],
    });
    expect(got.toString('hex')).toBe(expected.toString('hex'));
  });

  it('a non-critical control with a value leaves criticality out (DEFAULT FALSE)', () => {
    const got = encodeSearch(1, { base: '', scope: 'base', controls: [{ oid: '1.2.3', value: Buffer.from('3000', 'hex') }] });
    expect(got.toString('hex').endsWith(tlv(0xa0, tlv(0x30, octets('1.2.3'), octets(Buffer.from('3000', 'hex')))).toString('hex'))).toBe(true);
  });

  it('abandon, unbind, StartTLS', () => {
    expect(encodeAbandon(3, 5).toString('hex')).toBe('3006' + '020103' + '500105');
    expect(encodeAbandon(4, 300).toString('hex')).toBe('3007' + '020104' + '5002012c');
    expect(encodeUnbind(9).toString('hex')).toBe('3005' + '020109' + '4200');
    expect(encodeExtended(1, STARTTLS_OID).toString('hex')).toBe(tlv(0x30, '020101', tlv(0x77, tlv(0x80, str(STARTTLS_OID)))).toString('hex'));
  });
});

describe('SearchStream queueing', () => {
  const entry = (dn: string): SearchMessage => ({ type: 'entry', dn, attributes: [], controls: [] });
  function make() {
    const calls = { abandoned: [] as number[], consumed: 0 };
    const s = new SearchStream(4, { base: 'dc=x' }, { abandon: (id) => calls.abandoned.push(id), consumed: (n) => (calls.consumed += n) });
    return { s, calls };
  }

  it('hands over queued and later messages in order, then ends after done', async () => {
    const { s: t, calls } = make();
    t.deliver(entry('a'));
    t.deliver(entry('b'));
    const seen: string[] = [];
    setTimeout(() => t.deliver({ type: 'done', result: { resultCode: 0, matchedDN: '', diagnosticMessage: '' }, controls: [] }), 5);
    for await (const m of t) seen.push(m.type === 'entry' ? m.dn : m.type);
    expect(seen).toEqual(['a', 'b', 'done']);
    expect(calls.abandoned).toEqual([]);
  });

  it('delivers buffered messages before the connection error, and abandons on early exit', async () => {
    const { s } = make();
    s.deliver(entry('a'));
    s.fail(Object.assign(new Error('lost'), { code: 'DIRECTORY_UNREACHABLE' }) as never);
    await expect(s.next()).resolves.toMatchObject({ value: { dn: 'a' } });
    await expect(s.next()).rejects.toThrow('lost');
    await expect(s.next()).resolves.toMatchObject({ done: true });

    const { s: t, calls } = make();
    t.deliver(entry('a'));
    t.deliver(entry('b'));
    for await (const m of t) {
      expect(m).toMatchObject({ dn: 'a' });
      break;
    }
    expect(calls.abandoned).toEqual([4]);
    expect(calls.consumed).toBe(2); // one read, one dropped
  });
});

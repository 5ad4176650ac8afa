import { describe, expect, it } from 'vitest';
import { FramingError, LdapFramer, messageSize } from './framing.js';
import { decodeMessage } from './protocol.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
// SearchResultDone, messageID 2, success: 30 0c 02 01 02 65 07 0a 01 00 04 00 04 00
const done = hex('300c 020102 6507 0a0100 0400 0400');
// An UnbindRequest-sized message: 30 05 02 01 03 42 00
const small = hex('3005 020103 4200');

/** A SearchResultEntry whose content is long enough to need a two-byte length (0x82 form). */
function bigEntry(id: number, valueBytes: number): Buffer {
  const value = Buffer.alloc(valueBytes, 0x61);
  const tl = (tag: number, body: Buffer) => {
    const n = body.length;
    const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
    return Buffer.concat([Buffer.from([tag]), len, body]);
  };
  const attr = tl(0x30, Buffer.concat([tl(0x04, Buffer.from('cn')), tl(0x31, tl(0x04, value))]));
  const entry = tl(0x64, Buffer.concat([tl(0x04, Buffer.from('cn=a,dc=x')), tl(0x30, attr)]));
  return tl(0x30, Buffer.concat([tl(0x02, Buffer.from([id])), entry]));
}

describe('message framing', () => {
  it('reads the message size from short and long form lengths', () => {
    expect(messageSize(done)).toBe(14);
    expect(messageSize(hex('30'))).toBeUndefined();
    expect(messageSize(hex('3082 01'))).toBeUndefined(); // length bytes not all there yet
    expect(messageSize(hex('3082 0100'))).toBe(4 + 256);
  });

  it('assembles one message split across chunks at every possible byte boundary', () => {
    const msg = bigEntry(7, 300);
    expect(msg[1]).toBe(0x82); // the split points include the middle of the length octets
    for (let cut = 1; cut < msg.length; cut++) {
      const f = new LdapFramer();
      expect(f.push(msg.subarray(0, cut))).toEqual([]);
      const out = f.push(msg.subarray(cut));
      expect(out).toHaveLength(1);
      expect(out[0].equals(msg)).toBe(true);
      expect(f.pending).toBe(0);
    }
  });

  it('assembles a message delivered one byte at a time', () => {
    const msg = bigEntry(9, 200);
    const f = new LdapFramer();
    const out: Buffer[] = [];
    for (const b of msg) out.push(...f.push(Buffer.from([b])));
    expect(out).toHaveLength(1);
    expect(decodeMessage(out[0])).toMatchObject({ op: 'searchEntry', messageId: 9, dn: 'cn=a,dc=x' });
  });

  it('returns two messages that arrive in one chunk, in order', () => {
    const f = new LdapFramer();
    const out = f.push(Buffer.concat([bigEntry(2, 10), done]));
    expect(out.map((m) => decodeMessage(m).op)).toEqual(['searchEntry', 'searchDone']);
  });

  it('keeps the start of the next message when a chunk ends inside it', () => {
    const f = new LdapFramer();
    const both = Buffer.concat([done, small]);
    expect(f.push(both.subarray(0, done.length + 3))).toHaveLength(1);
    expect(f.pending).toBe(3);
    const out = f.push(both.subarray(done.length + 3));
    expect(out).toHaveLength(1);
    expect(out[0].equals(small)).toBe(true);
  });

  it('refuses a stream that is not LDAP, an indefinite length and an absurd size', () => {
    expect(() => new LdapFramer().push(hex('4845 4c4c 4f'))).toThrow(FramingError);
    expect(() => new LdapFramer().push(hex('3080 0000'))).toThrow(/indefinite/);
    expect(() => new LdapFramer().push(hex('3084 7fff ffff'))).toThrow(/exceeds/);
    // A connection's own, lower limit (limits.maxMessageMB) refuses from the header alone.
    let refused: FramingError | undefined;
    try {
      new LdapFramer(1024).push(hex('3082 0400'));
    } catch (err) {
      refused = err as FramingError;
    }
    expect(refused?.tooLarge).toEqual({ size: 4 + 1024, max: 1024 });
    expect(new LdapFramer(1024).push(hex('3082 03fc'))).toEqual([]); // 1,024 bytes in all: waits for the rest
  });
});

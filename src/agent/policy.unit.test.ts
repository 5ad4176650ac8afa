import asn1 from 'asn1';
import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../directory/stream/protocol.js';
import { encodeExtended, encodeSearch, encodeSimpleBind, encodeAbandon, encodeUnbind, STARTTLS_OID } from '../directory/stream/requests.js';
import { answer, relayResponse, tlv, withMessageId } from './messages.js';
import { decide, parseRequest, WHOAMI_OID, type PolicyContext } from './policy.js';

const ctx: PolicyContext = { baseDn: 'dc=corp,dc=example,dc=test', allowWrites: false, agent: 'site-a', directory: 'corp' };
const d = (raw: Buffer, c = ctx) => decide(parseRequest(raw), c);
const int = (n: number) => tlv(0x02, Buffer.from([n]));
const str = (s: string, tag = 0x04) => tlv(tag, Buffer.from(s));
const del = (dn: string) => tlv(0x30, [int(7), str(dn, 0x4a)]);
const modify = (dn: string) => tlv(0x30, [int(8), tlv(0x66, [str(dn), tlv(0x30, [])])]);

describe('agent policy (safe by construction)', () => {
  it('forwards searches under the base DN and of the root DSE, refuses others', () => {
    expect(d(encodeSearch(1, { base: 'ou=people,DC=Corp,dc=example,dc=test', filter: '(uid=alice)' }))).toEqual({ kind: 'forward' });
    expect(d(encodeSearch(1, { base: '', scope: 'base' }))).toEqual({ kind: 'forward' });
    expect(d(encodeSearch(1, { base: '', scope: 'sub' }))).toMatchObject({ kind: 'answer', resultCode: 50, message: /outside the base DN/ });
    expect(d(encodeSearch(1, { base: 'dc=other,dc=test' }))).toMatchObject({ kind: 'answer', resultCode: 50 });
    expect(d(encodeSearch(1, { base: 'cn=x,dc=evilcorp,dc=example,dc=test' }))).toMatchObject({ kind: 'answer', resultCode: 50 });
  });

  it('refuses filters that test a password attribute, however nested', () => {
    for (const f of ['(userPassword=*)', '(&(uid=a)(!(unicodePwd=x*)))', '(|(cn=a)(userPassword>=a))', '(userPassword:caseExactMatch:=x)']) {
      expect(d(encodeSearch(1, { base: ctx.baseDn, filter: f })), f).toMatchObject({ kind: 'answer', resultCode: 50, message: /password attribute/ });
    }
    expect(d(encodeSearch(1, { base: ctx.baseDn, filter: '(&(objectClass=*)(cn=pass*))', attributes: ['userPassword'] }))).toEqual({ kind: 'forward' });
  });

  it('refuses writes when read-only, and writes outside the base DN when not', () => {
    expect(d(del('uid=a,dc=corp,dc=example,dc=test'))).toMatchObject({ kind: 'answer', resultCode: 50, message: /read-only/ });
    expect(d(modify('uid=a,dc=corp,dc=example,dc=test'))).toMatchObject({ kind: 'answer', resultCode: 50, message: /modify is a write/ });
    const rw = { ...ctx, allowWrites: true };
    expect(d(del('uid=a,dc=corp,dc=example,dc=test'), rw)).toEqual({ kind: 'forward' });
    expect(d(del('uid=a,dc=other'), rw)).toMatchObject({ kind: 'answer', resultCode: 50, message: /outside/ });
  });

  it('answers binds itself, relays Who am I? only, and maps unbind and abandon', () => {
    expect(d(encodeSimpleBind(1, '', ''))).toMatchObject({ kind: 'answer', resultCode: 0 });
    expect(d(encodeSimpleBind(1, 'cn=admin,dc=corp,dc=example,dc=test', 'guess'))).toMatchObject({ kind: 'answer', resultCode: 53 });
    expect(d(encodeExtended(1, WHOAMI_OID))).toEqual({ kind: 'forward' });
    expect(d(encodeExtended(1, STARTTLS_OID))).toMatchObject({ kind: 'answer', resultCode: 53 });
    expect(d(encodeExtended(1, '1.3.6.1.4.1.4203.1.11.1'))).toMatchObject({ kind: 'answer', resultCode: 50, message: /read-only/ });
    expect(d(encodeUnbind(3))).toEqual({ kind: 'unbind' });
    expect(d(encodeAbandon(4, 2))).toEqual({ kind: 'abandon', id: 2 });
  });
});

describe('relayed messages', () => {
  const entry = (id: number) => {
    const w = new asn1.BerWriter();
    w.startSequence();
    w.writeInt(id);
    w.startSequence(0x64);
    w.writeString('uid=alice,dc=corp,dc=example,dc=test');
    w.startSequence();
    for (const [type, value] of [
      ['cn', 'Alice'],
      ['userPassword', '{SSHA}secret'],
      ['UNICODEPWD', 'x'],
      ['mail', 'a@x'],
    ]) {
      w.startSequence();
      w.writeString(type);
      w.startSequence(0x31);
      w.writeString(value);
      w.endSequence();
      w.endSequence();
    }
    w.endSequence();
    w.endSequence();
    w.endSequence();
    return w.buffer;
  };

  it('strips password attributes from entries and puts the hub id back', () => {
    const { message, stripped } = relayResponse(entry(900), 5);
    expect(stripped).toEqual(['userPassword', 'UNICODEPWD']);
    const m = decodeMessage(message);
    expect(m).toMatchObject({ op: 'searchEntry', messageId: 5, dn: 'uid=alice,dc=corp,dc=example,dc=test' });
    expect((m as { attributes: { type: string }[] }).attributes.map((a) => a.type)).toEqual(['cn', 'mail']);
    expect(message.toString('latin1')).not.toContain('secret');
  });

  it('renumbers requests and answers refusals in the response operation', () => {
    const req = encodeSearch(70000, { base: ctx.baseDn, filter: '(uid=a)' });
    expect(decodeMessage(answer(2, 0x63, 50, 'no')!)).toMatchObject({ op: 'searchDone', messageId: 2, result: { resultCode: 50, diagnosticMessage: 'no' } });
    expect(parseRequest(withMessageId(req, 3)).messageId).toBe(3);
    expect(parseRequest(withMessageId(req, 300)).messageId).toBe(300);
  });
});

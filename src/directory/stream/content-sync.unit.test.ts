import { describe, expect, it } from 'vitest';
import { IdsyncError } from '../../errors.js';
import { contentSync, type SyncEvent } from './content-sync.js';
import type { LdapStream } from './ldap-stream.js';
import type { SearchRequestSpec } from './requests.js';
import type { SearchMessage } from './search-stream.js';
import { SYNC_DONE_OID, SYNC_INFO_OID, SYNC_REQUEST_OID, SYNC_STATE_OID } from './sync-codec.js';

// How contentSync turns RFC 4533 messages into events, fed from a fake connection. Control and
// intermediate values are hand-assembled BER (see sync-codec.unit.test.ts for the structures).
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const U1 = '00112233445566778899aabbccddeeff';
const U2 = 'ffeeddccbbaa99887766554433221100';
const U1s = '00112233-4455-6677-8899-aabbccddeeff';
const U2s = 'ffeeddcc-bbaa-9988-7766-554433221100';
const ok = { resultCode: 0, matchedDN: '', diagnosticMessage: '' };

const entry = (dn: string, state: string, extra = ''): SearchMessage => ({
  type: 'entry',
  dn,
  attributes: [{ type: 'CN', values: [Buffer.from('x')] }],
  controls: [{ oid: SYNC_STATE_OID, critical: false, value: hex(`30${(21 + extra.length / 2).toString(16)} 0a010${state} 0410${U1}${extra}`) }],
});
const info = (value: string): SearchMessage => ({ type: 'intermediate', name: SYNC_INFO_OID, value: hex(value), controls: [] });
const done = (result = ok, value?: string): SearchMessage => ({
  type: 'done',
  result,
  controls: value ? [{ oid: SYNC_DONE_OID, critical: false, value: hex(value) }] : [],
});

function fake(messages: SearchMessage[]) {
  const sent: SearchRequestSpec[] = [];
  const stream = {
    server: { url: 'ldap://fake' },
    search(spec: SearchRequestSpec) {
      sent.push(spec);
      return (async function* () {
        yield* messages;
      })();
    },
  } as unknown as LdapStream;
  return { stream, sent };
}

async function run(messages: SearchMessage[], mode: 'refreshOnly' | 'refreshAndPersist' = 'refreshOnly'): Promise<SyncEvent[]> {
  const out: SyncEvent[] = [];
  for await (const e of contentSync(fake(messages).stream, { base: 'dc=x', mode })) out.push(e);
  return out;
}

describe('contentSync event mapping', () => {
  it('sends the Sync Request control, critical, with the cookie', async () => {
    const f = fake([done()]);
    for await (const e of contentSync(f.stream, { base: 'dc=x', mode: 'refreshAndPersist', cookie: Buffer.from('abc'), attributes: ['cn'] })) void e;
    expect(f.sent[0]).toMatchObject({ base: 'dc=x', scope: 'sub', filter: '(objectClass=*)', attributes: ['cn'] });
    expect(f.sent[0].controls).toEqual([{ oid: SYNC_REQUEST_OID, critical: true, value: hex('3008 0a0103 0403616263') }]);
  });

  it('maps entries by state, with case-insensitive attributes and the per-entry cookie', async () => {
    const events = await run([entry('cn=a', '1', '0403616263'), entry('cn=b', '2'), entry('cn=c', '0'), entry('cn=d', '3'), done(ok, '3000')]);
    expect(events.map((e) => [e.type, 'state' in e ? e.state : undefined])).toEqual([
      ['entry', 'add'],
      ['entry', 'modify'],
      ['entry', 'present'],
      ['delete', undefined],
      ['done', undefined],
    ]);
    const first = events[0];
    expect(first).toMatchObject({ uuid: U1s, dn: 'cn=a', cookie: Buffer.from('abc') });
    expect(first.type === 'entry' && first.attributes.string('cn')).toBe('x');
    expect(events[3]).toEqual({ type: 'delete', uuid: U1s, dn: 'cn=d' });
    expect(events[4]).toEqual({ type: 'done', refreshDeletes: false });
  });

  it('maps every Sync Info choice', async () => {
    const events = await run(
      [
        info('8003616263'), // newcookie "abc"
        info('a203 010100'), // refreshPresent, refreshDone FALSE: the present phase ended
        info(`a314 3112 0410${U1}`), // syncIdSet: still present
        info(`a32e 0403616263 0101ff 3124 0410${U1} 0410${U2}`), // syncIdSet: deleted, cookie "abc"
        info('a105 0403646566'), // refreshDelete, cookie "def", refreshDone DEFAULT TRUE
      ],
      'refreshAndPersist',
    );
    expect(events).toEqual([
      { type: 'cookie', cookie: Buffer.from('abc') },
      { type: 'phaseEnd', phase: 'present' },
      { type: 'present', uuids: [U1s] },
      { type: 'delete', uuid: U1s },
      { type: 'delete', uuid: U2s, cookie: Buffer.from('abc') },
      { type: 'refreshDone', phase: 'delete', cookie: Buffer.from('def') },
    ]);
  });

  it('ends with refreshRequired on result 4096 and throws on other failures', async () => {
    expect(await run([done({ resultCode: 4096, matchedDN: '', diagnosticMessage: 'search base has changed' })])).toEqual([
      { type: 'refreshRequired', message: 'search base has changed' },
    ]);
    const err = await run([done({ resultCode: 53, matchedDN: '', diagnosticMessage: 'consumer state is newer than provider!' })]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdsyncError);
    expect(err).toMatchObject({ code: 'DIRECTORY_OPERATION_FAILED', message: expect.stringContaining('LDAP result 53') });
  });

  it('refuses an entry without a Sync State control, or with a broken one', async () => {
    await expect(run([{ type: 'entry', dn: 'cn=a', attributes: [], controls: [] }])).rejects.toThrow(/without a Sync State control/);
    await expect(
      run([{ type: 'entry', dn: 'cn=a', attributes: [], controls: [{ oid: SYNC_STATE_OID, critical: false, value: hex('3003 0a0101') }] }]),
    ).rejects.toThrow(/bad Sync State control.*entryUUID/);
  });
});

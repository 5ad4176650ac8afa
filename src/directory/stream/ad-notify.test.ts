import { readFileSync } from 'node:fs';
import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSamba, type SambaDirectory } from '../../../test/harness/index.js';
import { uniqueName } from '../../../test/support/workspace.js';
import { guidToString } from '../codecs.js';
import { IdsyncError } from '../../errors.js';
import { Secret } from '../../secret.js';
import { adNotify, LDAP_SERVER_NOTIFICATION_OID, type AdNotification } from './ad-notify.js';
import { LdapStream, type StreamConfig } from './ldap-stream.js';
import type { SearchMessage } from './search-stream.js';

/**
 * LDAP_SERVER_NOTIFICATION_OID against the harness's Samba AD DC (which runs `-M single`, so every
 * LDAP write is seen by the notification code at once; see the comment in ad-notify.ts).
 */
const sambaInfo = inject('samba');
let samba: SambaDirectory;
let cfg: StreamConfig;
const streams: LdapStream[] = [];

beforeAll(() => {
  if (!sambaInfo) return;
  samba = connectSamba(sambaInfo);
  cfg = {
    tls: { ca: readFileSync(samba.caFile, 'utf8'), verifyHostname: true },
    bind: { dn: samba.bindDn, password: new Secret(samba.password) },
    timeouts: { connectMs: 10_000, operationMs: 60_000 },
  };
});
afterAll(async () => {
  await Promise.all(streams.map((s) => s.close()));
});

async function connect(): Promise<LdapStream> {
  const s = await LdapStream.open(cfg, { url: samba.url, host: '127.0.0.1', port: 636, transport: 'ldaps' });
  streams.push(s);
  return s;
}

/**
 * A registration has no acknowledgement. Samba handles the requests of one connection in order,
 * so once a later request on the same connection is answered, the notification is in place.
 */
async function barrier(s: LdapStream): Promise<void> {
  for await (const m of s.search({ base: '', scope: 'base', attributes: ['1.1'] })) void m;
}

/** Collects notifications in the background, with their arrival time. */
function record(iter: AsyncGenerator<AdNotification>) {
  const seen: { at: number; n: AdNotification }[] = [];
  let error: unknown;
  const done = (async () => {
    for await (const n of iter) seen.push({ at: performance.now(), n });
  })().catch((e: unknown) => {
    error = e;
  });
  return {
    seen,
    done,
    get error() {
      return error;
    },
  };
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return cond();
}

/** The final message of a notification registration that the DC refuses at once. */
async function refusal(search: AsyncIterable<SearchMessage>): Promise<SearchMessage | 'still open'> {
  const it = search[Symbol.asyncIterator]();
  const r = await Promise.race([it.next(), new Promise<'still open'>((res) => setTimeout(() => res('still open'), 500))]);
  if (r === 'still open') {
    await it.return?.();
    return r;
  }
  return r.value as SearchMessage;
}

describe.skipIf(!sambaInfo)('AD change notification (Samba AD DC)', () => {
  it('reports a modified user within a second', async () => {
    const ou = await samba.addOu(uniqueName('N'));
    const sam = uniqueName('n');
    const user = await samba.addUser({ ou, sam, sn: 'Tester' });
    const s = await connect();
    const rec = record(adNotify(s, { base: ou, scope: 'one', attributes: ['objectGUID', 'description', 'uSNChanged'] }));
    await barrier(s);

    // A writer bound beforehand, so the figure is the DC's notification delay, not a TLS handshake.
    const writer = await samba.ldap();
    const latencies: number[] = [];
    try {
      for (let i = 1; i <= 3; i++) {
        const t0 = performance.now();
        await writer.modify(user, new Change({ operation: 'replace', modification: new Attribute({ type: 'description', values: [`change ${i}`] }) }));
        expect(await waitFor(() => rec.seen.length >= i, 1000)).toBe(true);
        latencies.push(rec.seen[i - 1].at - t0);
        const { n } = rec.seen[i - 1];
        expect(n.dn.toLowerCase()).toBe(user.toLowerCase());
        expect(n.attributes.string('description')).toBe(`change ${i}`);
        expect(guidToString(n.attributes.buffer('objectGUID')!)).toMatch(/^[0-9a-f-]{36}$/);
      }
    } finally {
      await writer.unbind();
    }
    console.log(`[ad-notify] modify sent → notification received (ms): ${latencies.map((l) => l.toFixed(1)).join(', ')}`);
    for (const l of latencies) expect(l).toBeLessThan(1000);
    await s.close();
    await rec.done;
    expect(rec.error).toBeUndefined();
  });

  it("a write that bypasses the LDAP server is seen at Samba's next 5-second poll", async () => {
    const ou = await samba.addOu(uniqueName('P'));
    const s = await connect();
    const rec = record(adNotify(s, { base: ou, scope: 'one', attributes: ['name'] }));
    await barrier(s);
    const t0 = performance.now();
    const [dn] = await samba.bulkAddUsers(ou, 1, uniqueName('p'), { method: 'ldb' }); // ldbadd on sam.ldb
    expect(await waitFor(() => rec.seen.length > 0, 7000)).toBe(true);
    const latency = rec.seen[0].at - t0;
    console.log(`[ad-notify] ldbadd on sam.ldb → notification: ${latency.toFixed(0)} ms`);
    expect(rec.seen[0].n.dn.toLowerCase()).toBe(dn.toLowerCase());
    expect(latency).toBeLessThan(6000);
  });

  it('scope rules on Samba: base, one-level and subtree, on an OU and on the naming-context root', async () => {
    const parent = await samba.addOu(uniqueName('S'));
    const ou = await samba.addOu('Inner', parent);
    const user = await samba.addUser({ ou, sam: uniqueName('s'), sn: 'Tester' });
    const a = await connect();
    const b = await connect();
    const watches = {
      'user, base': record(adNotify(a, { base: user, scope: 'base', attributes: ['description'] })),
      'its OU, one': record(adNotify(a, { base: ou, scope: 'one', attributes: ['description'] })),
      'parent OU, one': record(adNotify(a, { base: parent, scope: 'one', attributes: ['description'] })),
      'parent OU, sub': record(adNotify(a, { base: parent, scope: 'sub', attributes: ['description'] })),
      'NC root, sub': record(adNotify(b, { base: samba.baseDn, scope: 'sub', attributes: ['description'] })),
      'NC root, one': record(adNotify(b, { base: samba.baseDn, scope: 'one', attributes: ['description'] })),
    };
    await Promise.all([barrier(a), barrier(b)]);
    await samba.modify(user, 'description', 'scope probe');
    await new Promise((r) => setTimeout(r, 1000));
    const fired = Object.fromEntries(Object.entries(watches).map(([k, w]) => [k, w.seen.some((x) => x.n.dn.toLowerCase() === user.toLowerCase())]));
    console.log(`[ad-notify] notified for a user in OU=Inner,OU=<parent>: ${JSON.stringify(fired)}`);
    expect(fired).toEqual({
      'user, base': true,
      'its OU, one': true,
      'parent OU, one': false,
      'parent OU, sub': true,
      'NC root, sub': true,
      'NC root, one': false,
    });
    for (const w of Object.values(watches)) expect(w.error).toBeUndefined();
  });

  it('filter and limit rules on Samba', async () => {
    const ou = await samba.addOu(uniqueName('F'));
    const s = await connect();
    const notify = (filter: string) =>
      s.search({ base: ou, scope: 'one', filter, attributes: ['1.1'], controls: [{ oid: LDAP_SERVER_NOTIFICATION_OID, critical: true }] });
    const results: Record<string, string> = {};
    for (const f of [
      '(objectClass=*)',
      '(objectGUID=*)',
      '(name=*)',
      '(&(objectClass=*)(name=*))',
      '(|(objectClass=*)(cn=x))',
      '(objectClass=user)',
      '(cn=*)',
      '(&(objectClass=*)(cn=x))',
    ]) {
      const r = await refusal(notify(f));
      results[f] = r === 'still open' ? 'accepted' : r.type === 'done' ? `refused ${r.result.resultCode} ${r.result.diagnosticMessage}` : r.type;
    }
    console.log(`[ad-notify] filters: ${JSON.stringify(results, null, 1)}`);
    expect(results['(objectClass=*)']).toBe('accepted');
    expect(results['(objectClass=user)']).toMatch(/^refused 53/);

    // The registrations above were abandoned; five may be open at once on one connection.
    const open = [1, 2, 3, 4, 5].map(() => notify('(objectClass=*)'));
    await barrier(s);
    const sixth = await refusal(notify('(objectClass=*)'));
    console.log(`[ad-notify] sixth registration: ${JSON.stringify(sixth === 'still open' ? sixth : sixth.type === 'done' ? sixth.result : sixth.type)}`);
    expect(sixth).toMatchObject({ type: 'done', result: { resultCode: 11 } });
    for (const o of open) o.abandon();

    // adNotify turns a refusal into an IdsyncError.
    const err = await (async () => {
      const extra = [1, 2, 3, 4, 5].map(() => notify('(objectClass=*)'));
      await barrier(s);
      try {
        for await (const n of adNotify(s, { base: ou })) void n;
      } finally {
        for (const o of extra) o.abandon();
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdsyncError);
    expect(err).toMatchObject({ code: 'DIRECTORY_OPERATION_FAILED', message: expect.stringMatching(/MaxNotificationPerConn/) });
  });

  it('what Samba reports for add, rename and delete in a one-level watch', async () => {
    const ou = await samba.addOu(uniqueName('D'));
    const s = await connect();
    const rec = record(adNotify(s, { base: ou, scope: 'one', attributes: ['name', 'isDeleted'] }));
    await barrier(s);
    const user = await samba.addUser({ ou, sam: uniqueName('d'), sn: 'Tester' });
    await waitFor(() => rec.seen.length >= 1, 1000);
    const renamed = await samba.rename(user, 'CN=Renamed');
    await waitFor(() => rec.seen.length >= 2, 1000);
    await samba.deleteEntry(renamed);
    await new Promise((r) => setTimeout(r, 1000));
    const got = rec.seen.map((x) => x.n.dn);
    console.log(`[ad-notify] add, rename, delete → ${JSON.stringify(got)}`);
    expect(got[0].toLowerCase()).toBe(user.toLowerCase());
    expect(got[1].toLowerCase()).toBe(renamed.toLowerCase());
    expect(got).toHaveLength(2); // the deleted object has left the scope: not notified
  });
});

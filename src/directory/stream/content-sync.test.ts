import { readFileSync } from 'node:fs';
import { Attribute, Change, type Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../../../test/harness/index.js';
import { uniqueName } from '../../../test/support/workspace.js';
import type { ServerSpec } from '../../config/load.js';
import { IdsyncError } from '../../errors.js';
import { Secret } from '../../secret.js';
import { contentSync, type SyncEvent } from './content-sync.js';
import { LdapStream, type StreamConfig } from './ldap-stream.js';

/**
 * RFC 4533 against the harness's slapd (syncprov with a session log of 10000). Each test works in
 * its own OU; cookies are database-wide, but the search base keeps other tests' changes out.
 */
let slapd: SlapdDirectory;
let cfg: StreamConfig;
let server: ServerSpec;
const open: LdapStream[] = [];

beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
  cfg = {
    tls: { ca: readFileSync(slapd.caFile, 'utf8'), verifyHostname: true },
    bind: { dn: slapd.bindDn, password: new Secret(slapd.password) },
    timeouts: { connectMs: 5000, operationMs: 60_000 },
  };
  server = { url: slapd.ldapsUrl, host: '127.0.0.1', port: slapd.info.ldapsPort, transport: 'ldaps' };
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
});

async function connect(): Promise<LdapStream> {
  const s = await LdapStream.open(cfg, server);
  open.push(s);
  return s;
}

async function collect(it: AsyncIterable<SyncEvent>): Promise<SyncEvent[]> {
  const out: SyncEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const entries = (events: SyncEvent[]) => events.flatMap((e) => (e.type === 'entry' ? [e] : []));
const uids = (events: SyncEvent[]) =>
  entries(events)
    .map((e) => e.attributes.string('uid'))
    .filter(Boolean)
    .sort();

async function org(names: string[]): Promise<{ ou: string; dns: Record<string, string> }> {
  const ou = await slapd.addOu(uniqueName('cs'));
  const dns: Record<string, string> = {};
  for (const uid of names) dns[uid] = await slapd.addUser({ ou, uid, sn: 'Tester', givenName: uid });
  return { ou, dns };
}

/** Pulls events until one matches, failing after `ms`. */
async function until<T extends SyncEvent>(iter: AsyncIterator<SyncEvent>, match: (e: SyncEvent) => e is T, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    const r = await Promise.race([iter.next(), new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), Math.max(left, 0)))]);
    if (r === 'timeout') throw new Error(`no matching sync event within ${ms} ms`);
    if (r.done) throw new Error('sync stream ended');
    if (match(r.value)) return r.value;
  }
}

describe('RFC 4533 content sync on slapd', () => {
  it('refreshOnly without a cookie returns every entry and a cookie; with the cookie only the changes', async () => {
    const s = await connect();
    const { ou, dns } = await org(['alice', 'bob', 'carol']);

    const first = await collect(contentSync(s, { base: ou, mode: 'refreshOnly', attributes: ['uid', 'cn', 'entryUUID'] }));
    expect(uids(first)).toEqual(['alice', 'bob', 'carol']);
    expect(entries(first)).toHaveLength(4); // the OU itself too
    for (const e of entries(first)) {
      expect(e.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      if (e.attributes.has('entryUUID')) expect(e.attributes.string('entryUUID')).toBe(e.uuid);
    }
    const done = first[first.length - 1];
    expect(done.type).toBe('done');
    const cookie = done.type === 'done' ? done.cookie : undefined;
    expect(cookie?.toString()).toMatch(/csn=/);

    const bobUuid = entries(first).find((e) => e.dn === dns.bob)!.uuid;
    await slapd.modify(dns.alice, 'sn', 'Changed');
    await slapd.deleteEntry(dns.bob);
    await slapd.addUser({ ou, uid: 'dave', sn: 'Tester' });

    const second = await collect(contentSync(s, { base: ou, mode: 'refreshOnly', cookie, attributes: ['uid', 'sn'] }));
    console.log(`[content-sync] refresh from cookie: ${second.map((e) => e.type + ('state' in e ? `:${e.state}` : '')).join(', ')}`);
    expect(uids(second)).toEqual(['alice', 'dave']);
    expect(
      entries(second)
        .find((e) => e.dn === dns.alice)
        ?.attributes.string('sn'),
    ).toBe('Changed');
    // slapd answers from its session log: a delete phase, bob named in a syncIdSet.
    expect(second.filter((e) => e.type === 'delete').map((e) => e.type === 'delete' && e.uuid)).toEqual([bobUuid]);
    const end = second[second.length - 1];
    expect(end).toMatchObject({ type: 'done', refreshDeletes: true });
    expect(end.type === 'done' && end.cookie?.toString()).not.toBe(cookie?.toString());
  });

  it('refreshAndPersist pushes add, modify, modrdn and delete well under a second', async () => {
    const s = await connect();
    const { ou, dns } = await org(['alice']);
    const iter = contentSync(s, { base: ou, mode: 'refreshAndPersist', attributes: ['uid', 'sn'] });
    const refreshed = await until(iter, (e): e is Extract<SyncEvent, { type: 'refreshDone' }> => e.type === 'refreshDone');
    expect(refreshed.cookie?.toString()).toMatch(/csn=/);

    const writer: Client = await slapd.ldap();
    const latencies: Record<string, number> = {};
    const timed = async <T extends SyncEvent>(name: string, write: () => Promise<unknown>, match: (e: SyncEvent) => e is T): Promise<T> => {
      const t0 = performance.now();
      const [, event] = await Promise.all([write(), until(iter, match, 3000)]);
      latencies[name] = performance.now() - t0;
      return event;
    };
    try {
      const bobDn = `uid=bob,${ou}`;
      const added = await timed(
        'add',
        () =>
          writer.add(bobDn, [
            new Attribute({ type: 'objectClass', values: ['inetOrgPerson'] }),
            new Attribute({ type: 'uid', values: ['bob'] }),
            new Attribute({ type: 'cn', values: ['bob'] }),
            new Attribute({ type: 'sn', values: ['B'] }),
          ]),
        (e): e is Extract<SyncEvent, { type: 'entry' }> => e.type === 'entry' && e.dn === bobDn,
      );
      expect(added).toMatchObject({ state: 'add' });
      expect(added.attributes.string('uid')).toBe('bob');

      const modified = await timed(
        'modify',
        () => writer.modify(dns.alice, new Change({ operation: 'replace', modification: new Attribute({ type: 'sn', values: ['Pushed'] }) })),
        (e): e is Extract<SyncEvent, { type: 'entry' }> => e.type === 'entry' && e.dn === dns.alice,
      );
      expect(modified).toMatchObject({ state: 'modify' });
      expect(modified.attributes.string('sn')).toBe('Pushed');

      const renamedDn = `uid=robert,${ou}`;
      const renamed = await timed(
        'modrdn',
        () => writer.modifyDN(bobDn, 'uid=robert'),
        (e): e is Extract<SyncEvent, { type: 'entry' }> => e.type === 'entry' && e.uuid === added.uuid,
      );
      expect(renamed).toMatchObject({ state: 'modify', dn: renamedDn });

      const deleted = await timed(
        'delete',
        () => writer.del(renamedDn),
        (e): e is Extract<SyncEvent, { type: 'delete' }> => e.type === 'delete',
      );
      expect(deleted.uuid).toBe(added.uuid);

      // A write outside the search base moves the database's contextCSN: slapd pushes only a new
      // cookie (Sync Info newcookie), so the consumer's stored cookie keeps up.
      const before = deleted.cookie?.toString();
      const cookie = await timed(
        'outside write',
        () => slapd.addOu(uniqueName('elsewhere')),
        (e): e is Extract<SyncEvent, { type: 'cookie' }> => e.type === 'cookie',
      );
      expect(cookie.cookie.toString()).toMatch(/csn=/);
      expect(cookie.cookie.toString()).not.toBe(before);
    } finally {
      await writer.unbind();
      await iter.return(undefined);
    }
    console.log(
      `[content-sync] push latency, write sent → event received (ms): ${Object.entries(latencies)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join(', ')}`,
    );
    for (const [name, ms] of Object.entries(latencies)) if (name !== 'outside write') expect(ms).toBeLessThan(500);
    // Leaving the loop abandoned the search; the connection is still good for another one.
    expect(uids(await collect(contentSync(s, { base: ou, mode: 'refreshOnly', attributes: ['uid'] })))).toEqual(['alice']);
  });

  it('an unusable cookie: an old one gives a present-phase reload, a future one is refused, a lost base is refreshRequired', async () => {
    const s = await connect();
    const { ou, dns } = await org(['alice', 'bob']);
    // A CSN from 2000 predates the session log: slapd falls back to a full present phase
    // (refreshDeletes FALSE), so the consumer must drop whatever was not reported.
    const old = Buffer.from('rid=000,csn=20000101000000.000000Z#000000#000#000000');
    const reload = await collect(contentSync(s, { base: ou, mode: 'refreshOnly', cookie: old, attributes: ['uid'] }));
    expect(uids(reload)).toEqual(['alice', 'bob']);
    expect(reload[reload.length - 1]).toMatchObject({ type: 'done', refreshDeletes: false });

    // A cookie from the future ("consumer state is newer than provider") is refused outright.
    const future = Buffer.from('rid=000,csn=29990101000000.000000Z#000000#000#000000');
    const err = await collect(contentSync(s, { base: ou, mode: 'refreshOnly', cookie: future })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdsyncError);
    expect(err).toMatchObject({ code: 'DIRECTORY_OPERATION_FAILED', message: expect.stringMatching(/LDAP result 53/) });

    // e-syncRefreshRequired (4096): slapd 2.5 sends it when the base of a persistent search was
    // renamed — not at the rename itself (that is a delete of the base entry) but at the next write.
    const iter = contentSync(s, { base: dns.alice, scope: 'base', mode: 'refreshAndPersist' });
    const alice = await until(iter, (e): e is Extract<SyncEvent, { type: 'entry' }> => e.type === 'entry');
    await until(iter, (e): e is SyncEvent => e.type === 'refreshDone');
    await slapd.rename(dns.alice, 'uid=alicia');
    const gone = await until(iter, (e): e is Extract<SyncEvent, { type: 'delete' }> => e.type === 'delete');
    expect(gone.uuid).toBe(alice.uuid);
    await slapd.addUser({ ou, uid: 'carol', sn: 'Tester' });
    const required = await until(iter, (e): e is Extract<SyncEvent, { type: 'refreshRequired' }> => e.type === 'refreshRequired');
    expect(required.message).toBe('search base has changed');
    expect(await iter.next()).toMatchObject({ done: true });
  });

  it('ends a persistent sync with a typed error when slapd goes away', async () => {
    const s = await LdapStream.open(cfg, server);
    const { ou } = await org(['alice']);
    const iter = contentSync(s, { base: ou, mode: 'refreshAndPersist' });
    await until(iter, (e): e is SyncEvent => e.type === 'refreshDone');
    const t0 = Date.now();
    const outcome = (async () => {
      for (;;) {
        const r = await iter.next();
        if (r.done) return 'ended without error';
      }
    })().catch((e: unknown) => e);
    await slapd.restart();
    const err = await outcome;
    console.log(`[content-sync] after slapd restart (${Date.now() - t0} ms): ${err instanceof Error ? err.message : String(err)}`);
    expect(err).toBeInstanceOf(IdsyncError);
    expect(err).toMatchObject({ code: 'DIRECTORY_UNREACHABLE', message: expect.stringMatching(/connection lost/) });
    expect(s.closed).toBe(true);
    // The restarted server serves a new connection.
    const again = await connect();
    expect(uids(await collect(contentSync(again, { base: ou, mode: 'refreshOnly', attributes: ['uid'] })))).toEqual(['alice']);
  });
});

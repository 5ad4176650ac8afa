import { readFileSync } from 'node:fs';
import net from 'node:net';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../../../test/harness/index.js';
import { uniqueName } from '../../../test/support/workspace.js';
import type { ServerSpec } from '../../config/load.js';
import { IdsyncError } from '../../errors.js';
import { Secret } from '../../secret.js';
import { LdapStream, type StreamConfig } from './ldap-stream.js';
import type { SearchMessage } from './search-stream.js';

/** The stream layer on its own against the harness's slapd: transports, binds, failures, flow. */
let slapd: SlapdDirectory;
let cfg: StreamConfig;
const spec = (transport: ServerSpec['transport'], port: number): ServerSpec => ({
  url: `${transport === 'ldaps' ? 'ldaps' : 'ldap'}://127.0.0.1:${port}`,
  host: '127.0.0.1',
  port,
  transport,
});

beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
  cfg = {
    tls: { ca: readFileSync(slapd.caFile, 'utf8'), verifyHostname: true },
    bind: { dn: slapd.bindDn, password: new Secret(slapd.password) },
    timeouts: { connectMs: 5000, operationMs: 60_000 },
  };
});

async function all(search: AsyncIterable<SearchMessage>): Promise<SearchMessage[]> {
  const out: SearchMessage[] = [];
  for await (const m of search) out.push(m);
  return out;
}

async function failure(p: Promise<unknown>): Promise<IdsyncError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IdsyncError);
  return err as IdsyncError;
}

describe('LdapStream transports and binds', () => {
  it.each(['ldaps', 'starttls', 'clear'] as const)('binds and searches over %s', async (transport) => {
    const port = transport === 'ldaps' ? slapd.info.ldapsPort : slapd.info.port;
    const s = await LdapStream.open(cfg, spec(transport, port));
    try {
      const msgs = await all(s.search({ base: slapd.baseDn, scope: 'base', attributes: ['dc', 'entryUUID'] }));
      expect(msgs.map((m) => m.type)).toEqual(['entry', 'done']);
      const entry = msgs[0];
      expect(entry.type === 'entry' && entry.attributes.find((a) => a.type === 'dc')?.values.map(String)).toEqual(['corp']);
      expect(msgs[1]).toMatchObject({ result: { resultCode: 0 } });
    } finally {
      await s.close();
    }
  });

  it('searches anonymously when no bind is configured', async () => {
    const s = await LdapStream.open({ ...cfg, bind: undefined }, spec('ldaps', slapd.info.ldapsPort));
    const msgs = await all(s.search({ base: '', scope: 'base', attributes: ['namingContexts'] }));
    expect(msgs[0]).toMatchObject({ type: 'entry', dn: '' });
    await s.close();
  });

  it('refuses a wrong password with DIRECTORY_BIND_FAILED and never shows the password', async () => {
    const password = 'Wr0ng!Secret-xyz';
    const err = await failure(LdapStream.open({ ...cfg, bind: { dn: slapd.bindDn, password: new Secret(password) } }, spec('ldaps', slapd.info.ldapsPort)));
    expect(err.code).toBe('DIRECTORY_BIND_FAILED');
    expect(err.message).toMatch(/invalid credentials \(LDAP result 49\)/);
    expect(err.message).toContain(slapd.bindDn);
    expect(JSON.stringify({ m: err.message, s: err.stack })).not.toContain(password);
  });

  it('fails TLS without the CA, and times out against a server that never answers', async () => {
    const tlsErr = await failure(LdapStream.open({ ...cfg, tls: { verifyHostname: true } }, spec('ldaps', slapd.info.ldapsPort)));
    expect(tlsErr.code).toBe('DIRECTORY_TLS');

    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const t0 = Date.now();
      const err = await failure(LdapStream.open(cfg, spec('clear', port), { timeoutMs: 300 }));
      expect(err.code).toBe('DIRECTORY_TIMEOUT');
      expect(err.message).toMatch(/bind as .* timed out/);
      expect(Date.now() - t0).toBeLessThan(2000);
      const tlsTimeout = await failure(LdapStream.open(cfg, spec('starttls', port), { timeoutMs: 300 }));
      expect(tlsTimeout).toMatchObject({ code: 'DIRECTORY_TIMEOUT', message: expect.stringMatching(/StartTLS/) });
    } finally {
      silent.close();
    }
  });

  it('gives the bind the operation timeout, not the connect timeout', async () => {
    // Answers the bind (message 1) with success after 300 ms: slower than connectMs, well within operationMs.
    const bindOk = Buffer.from([0x30, 0x0c, 0x02, 0x01, 0x01, 0x61, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]);
    const slow = net.createServer((sock) => sock.once('data', () => setTimeout(() => sock.write(bindOk), 300)));
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const port = (slow.address() as net.AddressInfo).port;
    try {
      const s = await LdapStream.open({ ...cfg, timeouts: { connectMs: 100, operationMs: 5000 } }, spec('clear', port));
      await s.close();
      const err = await failure(LdapStream.open({ ...cfg, timeouts: { connectMs: 100, operationMs: 150 } }, spec('clear', port)));
      expect(err).toMatchObject({ code: 'DIRECTORY_TIMEOUT', message: expect.stringMatching(/bind as .* timed out/) });
    } finally {
      slow.close();
    }
  });

  it('walks the server list: an unreachable server is skipped', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await failure(LdapStream.open(cfg, spec('clear', deadPort)));
    expect(err.code).toBe('DIRECTORY_UNREACHABLE');
    const s = await LdapStream.openFirst({ ...cfg, name: 'ldap', servers: [spec('clear', deadPort), spec('ldaps', slapd.info.ldapsPort)] });
    expect(s.server.port).toBe(slapd.info.ldapsPort);
    await s.close();
  });
});

describe('LdapStream searches', () => {
  it('runs two searches at once on one connection and keeps their messages apart', async () => {
    const ou = await slapd.addOu(uniqueName('ls'));
    for (let i = 0; i < 20; i++) await slapd.addUser({ ou, uid: `u${i}`, sn: 'T' });
    const s = await LdapStream.open(cfg, spec('ldaps', slapd.info.ldapsPort));
    try {
      const [a, b] = await Promise.all([
        all(s.search({ base: ou, scope: 'one', filter: '(uid=u1*)', attributes: ['uid'] })),
        all(s.search({ base: ou, scope: 'one', filter: '(!(uid=u1*))', attributes: ['uid'] })),
      ]);
      const names = (ms: SearchMessage[]) => ms.flatMap((m) => (m.type === 'entry' ? [m.attributes[0].values[0].toString()] : [])).sort();
      expect(names(a)).toEqual(['u1', 'u10', 'u11', 'u12', 'u13', 'u14', 'u15', 'u16', 'u17', 'u18', 'u19']);
      expect(names(b)).toEqual(['u0', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9']);
    } finally {
      await s.close();
    }
  });

  it('pauses reading past the high-water mark without losing or reordering anything', async () => {
    const ou = await slapd.addOu(uniqueName('hw'));
    const n = 60;
    for (let i = 0; i < n; i++) await slapd.addUser({ ou, uid: `p${String(i).padStart(3, '0')}`, sn: 'T', description: 'x'.repeat(2000) });
    const s = await LdapStream.open(cfg, spec('ldaps', slapd.info.ldapsPort), { highWaterMark: 4 });
    try {
      const seen: string[] = [];
      for await (const m of s.search({ base: ou, scope: 'one', attributes: ['uid', 'description'] })) {
        if (m.type === 'entry') {
          seen.push(m.dn);
          await new Promise((r) => setTimeout(r, 2)); // a slow consumer
        }
      }
      expect(seen).toHaveLength(n);
      expect(new Set(seen).size).toBe(n);
    } finally {
      await s.close();
    }
  });

  it('abandons a search midway and keeps the connection usable; a closed stream ends searches quietly', async () => {
    const s = await LdapStream.open(cfg, spec('ldaps', slapd.info.ldapsPort));
    const search = s.search({ base: slapd.baseDn, scope: 'sub', attributes: ['1.1'] });
    const first = await search.next();
    expect(first.done).toBe(false);
    search.abandon();
    expect(await search.next()).toMatchObject({ done: true });
    const msgs = await all(s.search({ base: slapd.baseDn, scope: 'base', attributes: ['1.1'] }));
    expect(msgs.map((m) => m.type)).toEqual(['entry', 'done']);

    const pending = s.search({ base: slapd.baseDn, scope: 'sub', filter: '(objectClass=*)', attributes: ['1.1'] });
    await s.close();
    expect(s.closed).toBe(true);
    await all(pending); // ends without throwing
    const after = s.search({ base: slapd.baseDn, scope: 'base' });
    expect(await after.next()).toMatchObject({ done: true });
  });
});

describe('LdapStream protocol violations (issue 10 item 3)', () => {
  // A server that accepts the bind (message 1) and answers the next request with `reply`.
  async function answering(reply: Buffer): Promise<{ port: number; close: () => void }> {
    const bindOk = Buffer.from([0x30, 0x0c, 0x02, 0x01, 0x01, 0x61, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]);
    const server = net.createServer((sock) => {
      sock.once('data', () => {
        sock.write(bindOk);
        sock.once('data', () => sock.write(reply));
      });
      sock.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
  }
  // SearchResultEntry "a=b" with no attributes, then SearchResultDone success, for message `id`.
  const entry = (id: number) => Buffer.from([0x30, 0x0c, 0x02, 0x01, id, 0x64, 0x07, 0x04, 0x03, 0x61, 0x3d, 0x62, 0x30, 0x00]);
  const done = (id: number) => Buffer.from([0x30, 0x0c, 0x02, 0x01, id, 0x65, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]);

  it.each([
    ['an entry with message id 0 (only notifications may use it)', Buffer.concat([entry(0), entry(2), done(2)]), /message id 0/],
    ['an entry for a message id never used', Buffer.concat([entry(2), entry(9), done(2)]), /message id 9, which answers no outstanding request/],
    [
      'an unknown protocolOp inside the page',
      Buffer.concat([entry(2), Buffer.from([0x30, 0x05, 0x02, 0x01, 0x02, 0x6a, 0x00]), done(2)]),
      /unknown protocolOp tag 0x6a/,
    ],
  ])('fails the search on %s, even when the page then ends normally', async (_what, reply, message) => {
    const srv = await answering(reply);
    try {
      const s = await LdapStream.open(cfg, spec('clear', srv.port));
      const err = await failure(s.searchAll({ base: 'a=b', scope: 'base', attributes: [] }, { timeoutMs: 5000 }));
      expect(err.code).toBe('DIRECTORY_PROTOCOL');
      expect(err.message).toMatch(message);
      await s.close();
    } finally {
      srv.close();
    }
  });
});

describe('LdapStream bulk searches (searchPages, searchAll)', () => {
  it('delivers a paged search page by page, every entry once, with values decoded on use', async () => {
    const ou = await slapd.addOu(uniqueName('pg'));
    for (let i = 0; i < 25; i++) await slapd.addUser({ ou, uid: `pg${String(i).padStart(2, '0')}`, sn: 'Śmith' });
    const s = await LdapStream.open(cfg, spec('clear', slapd.info.port));
    try {
      const sizes: number[] = [];
      const uids: string[] = [];
      for await (const page of s.searchPages({ base: ou, scope: 'one', filter: '(objectClass=inetOrgPerson)', attributes: ['uid', 'sn'] }, 10)) {
        sizes.push(page.length);
        for (const e of page) {
          uids.push(e.string('UID')!);
          expect(e.string('sn')).toBe('Śmith');
          expect(e.source?.length).toBeGreaterThan(0);
        }
      }
      expect(sizes).toEqual([10, 10, 5]);
      expect(uids.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `pg${String(i).padStart(2, '0')}`));
    } finally {
      await s.close();
    }
  });

  it('leaving a paged search early abandons the page it had already asked for; the connection stays usable', async () => {
    const s = await LdapStream.open(cfg, spec('clear', slapd.info.port));
    try {
      let pages = 0;
      for await (const page of s.searchPages({ base: slapd.baseDn, scope: 'sub', attributes: ['1.1'] }, 2)) {
        expect(page.length).toBe(2);
        if (++pages === 2) break;
      }
      const { entries, result } = await s.searchAll({ base: slapd.baseDn, scope: 'base', attributes: ['dc'] });
      expect(result.resultCode).toBe(0);
      expect(entries.map((e) => e.string('dc'))).toEqual(['corp']);
    } finally {
      await s.close();
    }
  });

  it('reports a refused search with the server and base, and a missing base as result 32 to a read', async () => {
    const s = await LdapStream.open(cfg, spec('clear', slapd.info.port));
    try {
      const missing = `ou=${uniqueName('none')},${slapd.baseDn}`;
      const pages = async () => {
        for await (const page of s.searchPages({ base: missing, scope: 'sub', attributes: ['1.1'] }, 10)) void page;
      };
      const err = await failure(pages());
      expect(err.code).toBe('DIRECTORY_MISCONFIGURED');
      expect(err.message).toContain(missing);
      expect(err.message).toContain(`127.0.0.1:${slapd.info.port}`);
      expect((await s.searchAll({ base: missing, scope: 'base', attributes: ['1.1'] })).result.resultCode).toBe(32);
    } finally {
      await s.close();
    }
  });

  it('a connection lost while the caller works on a page fails the next page, never as an unhandled rejection', async () => {
    // A proxy in front of slapd, so that the test can cut the connection between two pages.
    const sockets: net.Socket[] = [];
    const proxy = net.createServer((client) => {
      const upstream = net.connect(slapd.info.port, '127.0.0.1');
      sockets.push(client, upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => undefined);
      upstream.on('error', () => undefined);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as net.AddressInfo).port;
    try {
      const s = await LdapStream.open(cfg, spec('clear', port));
      const pages: number[] = [];
      const run = async () => {
        for await (const page of s.searchPages({ base: slapd.baseDn, scope: 'sub', attributes: ['1.1'] }, 2)) {
          pages.push(page.length);
          if (pages.length === 1) {
            // The next page is already asked for; the connection goes while we are busy elsewhere.
            for (const sock of sockets) sock.destroy();
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      };
      const err = await failure(run());
      expect(err.code).toBe('DIRECTORY_UNREACHABLE');
      expect(pages).toEqual([2]);
      await s.close();
    } finally {
      proxy.close();
    }
  });

  it('times out a page the server never answers, and a lost connection fails the search', async () => {
    // Answers the bind (message 1) with success, then stays silent.
    const bindOk = Buffer.from([0x30, 0x0c, 0x02, 0x01, 0x01, 0x61, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]);
    const sockets: net.Socket[] = [];
    const mute = net.createServer((sock) => {
      sockets.push(sock);
      sock.once('data', () => sock.write(bindOk));
    });
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const port = (mute.address() as net.AddressInfo).port;
    try {
      const s = await LdapStream.open(cfg, spec('clear', port));
      const t0 = Date.now();
      const err = await failure(s.searchAll({ base: 'dc=x', scope: 'base' }, { timeoutMs: 300 }));
      expect(err.code).toBe('DIRECTORY_TIMEOUT');
      expect(Date.now() - t0).toBeLessThan(3000);
      const pending = s.searchAll({ base: 'dc=x', scope: 'base' });
      for (const sock of sockets) sock.destroy();
      expect((await failure(pending)).code).toBe('DIRECTORY_UNREACHABLE');
      await s.close();
    } finally {
      mute.close();
    }
  });
});

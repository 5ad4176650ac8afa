import path from 'node:path';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { Store } from '../src/store/db.js';
import { exportStore } from '../src/store/export.js';
import { connectSamba, type SambaDirectory } from './harness/index.js';
import { RecordingProxy } from './harness/record-proxy.js';
import { expectConverges, freshSync } from './support/fresh-sync.js';
import { uniqueName, Workspace } from './support/workspace.js';

/** `idsync serve` against the Samba AD DC: DirSync with incremental values, and the uSNChanged fallback. */
const sambaInfo = inject('samba');
let samba: SambaDirectory;
beforeAll(() => {
  if (sambaInfo) samba = connectSamba(sambaInfo);
});
const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function snapshot(ws: Workspace) {
  const store = await Store.open(`sqlite:${path.join(ws.dir, 'data', 'idsync.db')}`);
  try {
    return await exportStore(store);
  } finally {
    await store.close();
  }
}

async function org() {
  const tag = uniqueName('');
  const ou = await samba.addOu(`S${tag}`);
  const sam = (n: string) => `${n}.${tag}`;
  const user = (n: string, extra: Record<string, unknown> = {}) =>
    samba.addUser({ ou, sam: sam(n), cn: n, givenName: n, sn: 'Serve', mail: `${n}@corp.example.test`, upn: `${sam(n)}@corp.example.test`, ...extra });
  const group = (n: string, members: string[] = []) => samba.addGroup({ ou, name: n, sam: sam(n), members });
  return { ou, sam, user, group };
}

describe.skipIf(!sambaInfo)('idsync serve on Active Directory', () => {
  it('follows creates, attribute changes, disables, nested membership, renames and deletes through DirSync', async () => {
    const o = await org();
    const ann = await o.user('ann');
    const team = await o.group('Team');
    const chosen = await o.group('Chosen', [ann, team]);
    const ws = new Workspace().configure([
      {
        name: 'corp',
        type: 'active-directory',
        servers: [samba.url],
        caFile: samba.caFile,
        bind: { dn: samba.bindDn, password: samba.password },
        baseDn: o.ou,
        groups: [chosen],
        safeguard: { enabled: false },
        continuous: { changes: 'dirsync', pollSeconds: 0.3 },
      },
    ]);
    const serve = ws.serve();
    stops.push(serve.stop);
    const user = async (n: string) => (await snapshot(ws)).users.find((u) => u.username === o.sam(n));
    await ws.waitFor(async () => (await user('ann'))?.status === 'active');
    await ws.waitFor(async () => (await ws.json(['status']))[0].mode === 'dirsync');

    const ben = await o.user('ben');
    await samba.addMembers(team, [ben]);
    await ws.waitFor(async () => (await user('ben'))?.groups.includes('Chosen'));

    await samba.modify(ann, 'mail', 'ann.changed@corp.example.test');
    await ws.waitFor(async () => (await user('ann'))?.email === 'ann.changed@corp.example.test');

    await samba.disable(ben);
    await ws.waitFor(async () => (await user('ben'))?.status === 'disabled');

    const renamed = await samba.rename(ann, 'CN=Ann Renamed');
    await ws.waitFor(async () => (await user('ann'))?.dn?.startsWith('CN=Ann Renamed'));
    expect((await user('ann'))!.groups).toEqual(['Chosen']);

    await samba.removeMembers(team, [ben]);
    await ws.waitFor(async () => (await user('ben'))?.status === 'trashed');

    await samba.deleteEntry(typeof renamed === 'string' ? renamed : `CN=Ann Renamed,${o.ou}`);
    await ws.waitFor(async () => (await user('ann'))?.status === 'trashed');

    const status = await ws.json(['status']);
    expect(status[0]).toMatchObject({ mode: 'dirsync', connected: true });
    expect(await serve.stop()).toBe(0);
  });

  it('falls back to uSNChanged polling when the bind account lacks replication rights, and says so', async () => {
    const o = await org();
    const svcName = o.sam('svc');
    await o.user('svc', { password: 'Svc!Passw0rd-1' });
    const ann = await o.user('ann');
    const chosen = await o.group('Chosen', [ann]);
    const ws = new Workspace().configure([
      {
        name: 'corp',
        type: 'active-directory',
        servers: [samba.url],
        caFile: samba.caFile,
        bind: { dn: `${svcName}@corp.example.test`, password: 'Svc!Passw0rd-1' },
        baseDn: o.ou,
        groups: [chosen],
        safeguard: { enabled: false },
        continuous: { changes: 'dirsync', pollSeconds: 0.3 },
      },
    ]);
    const serve = ws.serve();
    stops.push(serve.stop);
    await ws.waitFor(async () => (await ws.json(['status']))[0].mode === 'usn');
    const status = (await ws.json(['status']))[0];
    expect(status.message).toMatch(/polling uSNChanged/);
    const ben = await o.user('ben');
    await samba.addMembers(chosen, [ben]);
    await ws.waitFor(async () => (await snapshot(ws)).users.some((u) => u.username === o.sam('ben') && u.status === 'active'));
    expect(status.message).toMatch(/lacks "Replicating Directory Changes"/);
    expect(serve.output()).not.toContain('Svc!Passw0rd-1');
  });
});

describe.skipIf(!sambaInfo)('idsync serve on Active Directory: notifications and reloads', () => {
  it('is woken by change notifications long before the poll interval', async () => {
    const o = await org();
    const ann = await o.user('ann');
    const chosen = await o.group('Chosen', [ann]);
    const ws = new Workspace().configure([
      {
        name: 'corp',
        type: 'active-directory',
        servers: [samba.url],
        caFile: samba.caFile,
        bind: { dn: samba.bindDn, password: samba.password },
        baseDn: o.ou,
        groups: [chosen],
        safeguard: { enabled: false },
        continuous: { changes: 'dirsync', pollSeconds: 600 },
      },
    ]);
    const serve = ws.serve();
    stops.push(serve.stop);
    await ws.waitFor(async () => /woken by change notifications/.test((await ws.json(['status']))[0].message ?? ''));
    await samba.modify(ann, 'mail', 'ann.notified@corp.example.test');
    // Polling alone would take 600 s: arriving well within that bound means a notification woke it
    // (its latency is measured by bench/latency.ts).
    await ws.waitFor(async () => (await snapshot(ws)).users.find((u) => u.username === o.sam('ann'))?.email === 'ann.notified@corp.example.test', 60_000);
  });

  it('applies a notified change without a DirSync search; a deletion still arrives through DirSync, which undoes nothing newer', async () => {
    const o = await org();
    const ann = await o.user('ann');
    const ben = await o.user('ben');
    const chosen = await o.group('Chosen', [ann, ben]);
    // Clear LDAP through a recording proxy, so the DirSync searches (their control's OID) can be counted.
    const proxy = await RecordingProxy.start({ host: '127.0.0.1', port: Number(new URL(samba.clearUrl).port || 389) });
    const dirSyncs = () => proxy.sent.reduce((n, c) => n + Buffer.concat(c).toString('latin1').split('1.2.840.113556.1.4.841').length - 1, 0);
    const ws = new Workspace().configure([
      {
        name: 'corp',
        type: 'active-directory',
        servers: [`ldap://127.0.0.1:${proxy.port}`],
        transport: 'clear',
        bind: { dn: samba.bindDn, password: samba.password },
        baseDn: o.ou,
        groups: [chosen],
        safeguard: { enabled: false },
        continuous: { changes: 'dirsync', pollSeconds: 600 },
      },
    ]);
    const serve = ws.serve();
    // In this order: the proxy closes once its connections (serve's) are gone.
    stops.push(serve.stop, () => proxy.close());
    const user = async (n: string) => (await snapshot(ws)).users.find((u) => u.username === o.sam(n));
    await ws.waitFor(async () => /woken by change notifications/.test((await ws.json(['status']))[0].message ?? ''));
    // The loop's first DirSync follows the status: a first notified change, then let it settle.
    await samba.modify(ann, 'mail', 'ann.first@corp.example.test');
    await ws.waitFor(async () => (await user('ann'))?.email === 'ann.first@corp.example.test', 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    const before = dirSyncs();
    expect(before).toBeGreaterThan(0);

    await samba.modify(ann, 'mail', 'ann.notified@corp.example.test');
    await ws.waitFor(async () => (await user('ann'))?.email === 'ann.notified@corp.example.test', 30_000);
    await samba.modify(ann, 'mail', 'ann.newer@corp.example.test');
    await ws.waitFor(async () => (await user('ann'))?.email === 'ann.newer@corp.example.test', 30_000);
    expect(dirSyncs()).toBe(before);
    const runs = await ws.json(['runs']);
    const incremental = runs.filter((r: { kind: string }) => r.kind === 'incremental');
    expect(incremental.length).toBeGreaterThanOrEqual(3);

    // A deletion is not carried by a notification: DirSync, from the cookie stored before the
    // notified changes, reports it (and ann again: read again, she is unchanged, and stays newer).
    await samba.deleteEntry(ben);
    await ws.waitFor(async () => (await user('ben'))?.status === 'trashed', 30_000);
    expect(dirSyncs()).toBeGreaterThan(before);
    expect((await user('ann'))?.email).toBe('ann.newer@corp.example.test');
    // The notified change was recorded by its own run; the DirSync that followed recorded ben only.
    const after = (await ws.json(['runs'])).filter((r: { kind: string }) => r.kind === 'incremental');
    expect(after).toHaveLength(incremental.length + 1);
    const last = await ws.json(['runs', 'show', String(after[0].id)]);
    expect(
      last.objects.filter((x: { outcome: string }) => x.outcome !== 'unchanged').map((x: { name: string; outcome: string }) => `${x.name} ${x.outcome}`),
    ).toEqual([`${o.sam('ben')} trashed`]);
    await expectConverges(ws, await freshSync(ws));
  });

  it('equals a fresh full sync after a mixed series of notified changes', async () => {
    const o = await org();
    const [ann, ben, cid, dan] = [await o.user('ann'), await o.user('ben'), await o.user('cid'), await o.user('dan')];
    const team = await o.group('Team', [cid]);
    const chosen = await o.group('Chosen', [ann, ben, team]);
    const ws = new Workspace().configure([
      {
        name: 'corp',
        type: 'active-directory',
        servers: [samba.url],
        caFile: samba.caFile,
        bind: { dn: samba.bindDn, password: samba.password },
        baseDn: o.ou,
        groups: [chosen],
        safeguard: { enabled: false },
        continuous: { changes: 'dirsync', pollSeconds: 2 },
      },
    ]);
    const serve = ws.serve();
    stops.push(serve.stop);
    await ws.waitFor(async () => /woken by change notifications/.test((await ws.json(['status']))[0].message ?? ''));
    await ws.waitFor(async () => (await snapshot(ws)).users.length === 3);
    // Back to back, without waiting in between: notified and DirSync-applied changes interleave.
    await samba.modify(ann, 'mail', 'ann.1@corp.example.test');
    await samba.modify(ann, 'sAMAccountName', o.sam('anna'));
    const annRenamed = await samba.rename(ann, 'CN=Anna');
    await samba.modify(annRenamed, 'mail', 'ann.2@corp.example.test');
    await samba.addMembers(team, [dan]);
    await samba.modify(dan, 'givenName', 'Daniel');
    await samba.disable(ben);
    await samba.removeMembers(team, [cid]);
    const eve = await o.user('eve');
    await samba.addMembers(chosen, [eve]);
    await samba.modify(eve, 'mail', 'eve.1@corp.example.test');
    await samba.deleteEntry(cid);
    await expectConverges(ws, await freshSync(ws));
    const byName = Object.fromEntries((await snapshot(ws)).users.map((u) => [u.username, u]));
    expect(byName[o.sam('anna')]).toMatchObject({ email: 'ann.2@corp.example.test', status: 'active' });
    expect(byName[o.sam('dan')]).toMatchObject({ status: 'active' });
    expect(byName[o.sam('eve')]).toMatchObject({ email: 'eve.1@corp.example.test', status: 'active' });
  });

  it('follows a move out of scope, a nesting change, and resumes after the DC restarts', async () => {
    const o = await org();
    const ann = await o.user('ann');
    const ben = await o.user('ben');
    const team = await o.group('Team', [ben]);
    const chosen = await o.group('Chosen', [ann]);
    const outside = await samba.addOu(`Out${o.sam('x').replace(/\W/g, '')}`);
    const ws = new Workspace().configure([
      {
        name: 'corp',
        type: 'active-directory',
        servers: [samba.url],
        caFile: samba.caFile,
        bind: { dn: samba.bindDn, password: samba.password },
        baseDn: o.ou,
        groups: [chosen],
        safeguard: { enabled: false },
        continuous: { changes: 'dirsync', pollSeconds: 0.5 },
      },
    ]);
    const serve = ws.serve();
    stops.push(serve.stop);
    const user = async (n: string) => (await snapshot(ws)).users.find((u) => u.username === o.sam(n));
    await ws.waitFor(async () => (await user('ann'))?.status === 'active' && (await ws.json(['status']))[0].connected);

    // nesting: Team (with ben) joins Chosen, then leaves it
    await samba.addMembers(chosen, [team]);
    await ws.waitFor(async () => (await user('ben'))?.groups.includes('Chosen'), 10_000);
    await samba.removeMembers(chosen, [team]);
    await ws.waitFor(async () => (await user('ben'))?.status === 'trashed', 10_000);

    // a move out of the base DN takes ann out of scope
    await samba.move(ann, outside);
    await ws.waitFor(async () => (await user('ann'))?.status === 'trashed', 10_000);

    // the DC restarts mid-stream: reconnect, resume from the stored cookie
    await samba.restart();
    const cid = await o.user('cid');
    await samba.addMembers(chosen, [cid]);
    await ws.waitFor(async () => (await user('cid'))?.status === 'active', 30_000);
    expect(serve.output()).toMatch(/change stream failed; reconnecting/);
    const fullRuns = (await ws.json(['runs'])).filter((r: { kind: string }) => r.kind === 'full');
    expect(fullRuns).toHaveLength(1);
  });

  it('resumes from a valid DirSync cookie after a kill, with the changes made while it was down (issue 10 item 1)', async () => {
    const o = await org();
    const [ann, ben, cid, zed, eve] = [await o.user('ann'), await o.user('ben'), await o.user('cid'), await o.user('zed'), await o.user('eve')];
    const teamUsers = [await o.user('t0'), await o.user('t1'), await o.user('t2'), await o.user('t3')];
    const team = await o.group('Team', teamUsers);
    const other = await o.group('Other', [eve]);
    const chosen = await o.group('Chosen', [ann, ben, cid, team]);
    const ws = new Workspace().configure([
      {
        name: 'corp',
        type: 'active-directory',
        servers: [samba.url],
        caFile: samba.caFile,
        bind: { dn: samba.bindDn, password: samba.password },
        baseDn: o.ou,
        groups: [chosen],
        safeguard: { enabled: false },
        continuous: { changes: 'dirsync', pollSeconds: 0.5, notifications: false },
      },
    ]);
    let serve = ws.serve();
    stops.push(serve.stop);
    await ws.waitFor(
      async () => (await ws.json(['status']))[0].mode === 'dirsync' && (await ws.json(['status']))[0].connected && (await snapshot(ws)).users.length === 7,
    );
    serve.child.kill('SIGKILL');
    await serve.stop();

    // While it is down: un-nest a group, nest another, add an existing user, remove one, change
    // an attribute, rename one, disable one, delete a member.
    await samba.removeMembers(chosen, [team]);
    await samba.addMembers(chosen, [other, zed]);
    await samba.removeMembers(chosen, [ben]);
    await samba.modify(ann, 'mail', 'ann.down@corp.example.test');
    // A renamed member: AD rewrites the group's member value, so the new DN is in the graph read at
    // start and the stored one is not; the user must be updated, not taken for gone.
    await samba.rename(ann, 'CN=Ann Down');
    await samba.disable(eve);
    await samba.deleteEntry(cid);
    const expected = await freshSync(ws);
    expect(expected.groups[0].members).toEqual([o.sam('ann'), o.sam('eve'), o.sam('zed')].sort());

    serve = ws.serve();
    stops.push(serve.stop);
    await expectConverges(ws, expected);
    const trashed = (await snapshot(ws)).users
      .filter((u) => u.status === 'trashed')
      .map((u) => u.username)
      .sort();
    expect(trashed).toEqual([o.sam('ben'), o.sam('cid'), ...['t0', 't1', 't2', 't3'].map(o.sam)].sort());
    // Resumed from the stored cookie: the only full sync is the first one.
    expect((await ws.json(['runs'])).filter((r: { kind: string }) => r.kind === 'full')).toHaveLength(1);
  });

  it('reloads when the stored cookie is rejected or was issued by another DC', async () => {
    const o = await org();
    const ann = await o.user('ann');
    const chosen = await o.group('Chosen', [ann]);
    const ws = new Workspace().configure([
      {
        name: 'corp',
        type: 'active-directory',
        servers: [samba.url],
        caFile: samba.caFile,
        bind: { dn: samba.bindDn, password: samba.password },
        baseDn: o.ou,
        groups: [chosen],
        safeguard: { enabled: false },
        continuous: { changes: 'dirsync', pollSeconds: 0.3, notifications: false },
      },
    ]);
    let serve = ws.serve();
    stops.push(serve.stop);
    await ws.waitFor(async () => (await ws.json(['status']))[0].mode === 'dirsync' && (await ws.json(['status']))[0].connected);
    await serve.stop();
    const db = path.join(ws.dir, 'data', 'idsync.db');
    const tamper = async (set: Record<string, string>) => {
      const store = await Store.open(`sqlite:${db}`);
      await store.db.updateTable('sync_state').set(set).execute();
      await store.close();
    };
    const fullRuns = async () => (await ws.json(['runs'])).filter((r: { kind: string }) => r.kind === 'full').length;

    await tamper({ cookie: Buffer.from('not a dirsync cookie at all').toString('base64') });
    serve = ws.serve();
    stops.push(serve.stop);
    await ws.waitFor(async () => (await fullRuns()) === 2);
    await ws.waitFor(async () => (await ws.json(['status']))[0].connected);
    const ben = await o.user('ben');
    await samba.addMembers(chosen, [ben]);
    await ws.waitFor(async () => (await snapshot(ws)).users.some((u) => u.username === o.sam('ben')));
    await serve.stop();

    await tamper({ server_identity: 'dc2.corp.example.test|00000000-0000-0000-0000-000000000000' });
    serve = ws.serve();
    stops.push(serve.stop);
    await ws.waitFor(async () => (await fullRuns()) === 3);
    expect(serve.output()).toMatch(/DirSync cookie was issued by dc2\.corp\.example\.test/);
  });
});

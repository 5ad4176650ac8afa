import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../../test/harness/index.js';
import { uniqueName } from '../../test/support/workspace.js';
import { parseConfig } from '../config/load.js';
import { createLogger } from '../log.js';
import { SyncService } from '../serve/server.js';
import { loadStoredDirectories } from '../directories/registry.js';
import { ApiHarness } from './test-support.js';

/**
 * Directories through the API against the suite's real OpenLDAP slapd: drafts, create with the
 * same validation as the file, connection test, group type-ahead, dry run, sync now (waiting and
 * not), single-user sync, the event stream, update with the password kept, the username lock,
 * held removals approved into the trash, delete. Each test builds an OU of its own.
 */
let slapd: SlapdDirectory;
beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
});

async function org() {
  const base = await slapd.addOu(uniqueName('api'));
  const people = await slapd.addOu('people', base);
  const groups = await slapd.addOu('groups', base);
  const user = (uid: string) => slapd.addUser({ ou: people, uid, sn: 'Api', mail: `${uid}@corp.example.test` });
  const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map(user));
  const eng = await slapd.addGroup({ ou: groups, cn: 'engineering', members: [alice, bob] });
  const ops = await slapd.addGroup({ ou: groups, cn: 'operations', members: [carol] });
  return { base, people, groups, alice, bob, carol, eng, ops };
}

function input(o: Awaited<ReturnType<typeof org>>, extra: Record<string, unknown> = {}) {
  return {
    name: 'apidir',
    type: 'openldap',
    servers: [slapd.ldapsUrl],
    ca: readFileSync(slapd.caFile, 'utf8'),
    bind: { dn: slapd.bindDn, password: slapd.password },
    baseDn: o.base,
    groups: [o.eng],
    continuous: { changes: 'off' },
    ...extra,
  };
}

/** Reads Server-Sent Events from an in-process answer. */
function sse(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<{ event: string; data: any }> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          return { event: /^event: (.*)$/m.exec(block)![1], data: JSON.parse(/^data: (.*)$/m.exec(block)![1]) };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => reader.cancel(),
  };
}

describe('directories through the admin API, on OpenLDAP', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await ApiHarness.create({
      directories: [{ name: 'filedir', type: 'openldap', servers: ['ldap://127.0.0.1:9'], transport: 'clear', baseDn: 'dc=x', groups: ['cn=g,dc=x'] }],
    });
    h.secrets.add(slapd.password);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lists the directory types with the defaults the server applies, for the panel to show', async () => {
    const res = await h.call('GET', '/api/v1/directory-types', { as: 'read_only' });
    expect(res.status).toBe(200);
    const byType = Object.fromEntries(res.body.items.map((t: { type: string }) => [t.type, t]));
    expect(byType['active-directory']).toMatchObject({
      attributes: { username: 'sAMAccountName', notes: 'info', member: ['member'] },
      externalIdAttribute: 'objectGUID',
      filters: { group: '(objectClass=group)' },
    });
    expect(byType.openldap).toMatchObject({
      attributes: { username: 'uid', notes: 'description', member: ['member', 'uniqueMember'], phones: ['telephoneNumber', 'mobile'] },
      externalIdAttribute: 'entryUUID',
    });
  });

  it('tests a draft and searches its groups before it is saved', async () => {
    const o = await org();
    const draft = { ...input(o), groups: [] };
    const t = await h.call('POST', '/api/v1/directory-drafts/test', { as: 'administrator', body: draft });
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ ok: true, servers: [{ url: slapd.ldapsUrl, ok: true, transport: 'ldaps' }] });
    const g = await h.call('POST', '/api/v1/directory-drafts/groups', { as: 'administrator', body: { directory: draft, search: 'engin' } });
    expect(g.body).toEqual({ groups: [{ dn: o.eng, name: 'engineering' }], truncated: false });
    const wrongPassword = await h.call('POST', '/api/v1/directory-drafts/test', {
      as: 'administrator',
      body: { ...draft, bind: { dn: slapd.bindDn, password: 'not-the-password' } },
    });
    expect(wrongPassword.body.ok).toBe(false);
    expect(wrongPassword.body.servers[0].code).toBe('DIRECTORY_BIND_FAILED');
    const noPassword = await h.call('POST', '/api/v1/directory-drafts/groups', {
      as: 'administrator',
      body: { directory: { ...draft, bind: { dn: slapd.bindDn } } },
    });
    expect(noPassword.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'directory.bind.password' });
  });

  it('validates a new directory like the configuration file, naming the bad key, and keeps file and environment references out', async () => {
    const o = await org();
    const bad = async (extra: Record<string, unknown>) =>
      (await h.call('POST', '/api/v1/directories', { as: 'administrator', body: input(o, extra) })).body.error;
    expect(await bad({ servers: [slapd.ldapsUrl, 'http://dc.example.test'] })).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'servers[1]',
      message: expect.stringContaining('LDAP URL'),
    });
    expect(await bad({ syncItems: [{ container: 'ou=elsewhere,dc=other' }] })).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'syncItems[0]',
      message: expect.stringContaining('not under baseDn'),
    });
    expect(await bad({ groups: [] })).toMatchObject({ field: 'syncItems', message: expect.stringContaining('choose what to sync') });
    expect(await bad({ caFile: '/etc/ssl/certs/ca-certificates.crt' })).toMatchObject({ field: 'caFile', message: expect.stringContaining('unknown key') });
    expect(await bad({ bind: { dn: slapd.bindDn, password: { env: 'IDSYNC_ADMIN_PASSWORD' } } })).toMatchObject({ field: 'bind.password' });
    expect(await bad({ bind: { dn: slapd.bindDn } })).toMatchObject({ field: 'bind.password' });
    expect(await bad({ continuous: { changes: 'dirsync' } })).toMatchObject({ field: 'continuous.changes' });
    expect(await bad({ attributes: { aliases: ['a', 'b', 'c', 'd', 'e'] } })).toMatchObject({ field: 'attributes.aliases' });
    expect(await bad({ name: 'filedir' })).toMatchObject({ code: 'STORE_CONFLICT', field: 'name' });
  });

  it('creates a directory reached through agents (no servers, no bind), refuses agents with servers or a bind, says where it is reached', async () => {
    const o = await org();
    const { servers: _s, ca: _c, bind: _b, ...rest } = input(o, { name: 'agentdir' });
    const bad = async (extra: Record<string, unknown>) =>
      (await h.call('POST', '/api/v1/directories', { as: 'administrator', body: { ...rest, agent: ['site-1', 'site-2'], ...extra } })).body.error;
    expect(await bad({ servers: [slapd.ldapsUrl] })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'agent', message: expect.stringContaining('not both') });
    expect(await bad({ bind: { dn: slapd.bindDn, password: 'x' } })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'bind' });
    const created = await h.call('POST', '/api/v1/directories', { as: 'administrator', body: { ...rest, agent: ['site-1', 'site-2'] } });
    expect(created.status).toBe(201);
    expect(created.body.config).toMatchObject({ name: 'agentdir', agent: ['site-1', 'site-2'] });
    expect(created.body.config).not.toHaveProperty('servers');
    // No agent channel in this process (the harness has no AgentHub): the test says where the directory is reached.
    const test = await h.call('POST', '/api/v1/directories/agentdir/test', { as: 'administrator' });
    expect(JSON.stringify(test.body)).toMatch(/reached through agent site-1 or site-2/);
    expect((await h.call('DELETE', '/api/v1/directories/agentdir', { as: 'administrator' })).status).toBeLessThan(300);
  });

  it('creates, reads, tests, searches, plans, syncs, updates and deletes a directory', async () => {
    const o = await org();
    const created = await h.call('POST', '/api/v1/directories', { as: 'administrator', body: input(o) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'apidir',
      managedBy: 'api',
      bind: { dn: slapd.bindDn, passwordSet: true },
      customCa: true,
      syncItems: [{ group: o.eng }],
      attributes: { username: 'uid' },
      usernameLocked: false,
      updatedBy: 'test-administrator',
    });
    expect(created.body.config.bind).toEqual({ dn: slapd.bindDn });
    expect((await h.call('POST', '/api/v1/directories', { as: 'administrator', body: input(o) })).status).toBe(409);
    expect(
      (await h.call('GET', '/api/v1/directories', { as: 'read_only' })).body.items.map((d: { name: string; managedBy: string }) => `${d.name}:${d.managedBy}`),
    ).toEqual(['filedir:file', 'apidir:api']);

    expect((await h.call('POST', '/api/v1/directories/apidir/test', { as: 'administrator' })).body).toMatchObject({ ok: true, servers: [{ ok: true }] });
    expect((await h.call('GET', '/api/v1/directories/apidir/groups?search=OPER', { as: 'read_only' })).body.groups).toEqual([
      { dn: o.ops, name: 'operations' },
    ]);
    expect((await h.call('GET', `/api/v1/directories/apidir/groups?search=${encodeURIComponent(o.eng)}`, { as: 'read_only' })).body.groups).toEqual([
      { dn: o.eng, name: 'engineering' },
    ]);
    const limited = await h.call('GET', `/api/v1/directories/apidir/groups?limit=1`, { as: 'read_only' });
    expect(limited.body.truncated).toBe(true);
    expect((await h.call('GET', '/api/v1/directories/nosuch/groups', { as: 'read_only' })).body.error.code).toBe('UNKNOWN_DIRECTORY');

    const plan = await h.call('POST', '/api/v1/directories/apidir/dry-run', { as: 'administrator' });
    expect(plan.body).toMatchObject({ dryRun: true, status: 'succeeded', counts: { created: 2 } });
    expect(
      plan.body.changes
        .filter((c: { outcome: string; objectType: string }) => c.outcome === 'created' && c.objectType === 'user')
        .map((c: { name: string }) => c.name)
        .sort(),
    ).toEqual(['alice', 'bob']);
    expect((await h.call('GET', '/api/v1/users?directory=apidir', { as: 'read_only' })).body.total).toBe(0);

    const synced = await h.call('POST', '/api/v1/directories/apidir/sync?wait=true', { as: 'administrator' });
    expect(synced.status).toBe(200);
    expect(synced.body).toMatchObject({ status: 'succeeded', kind: 'full', runId: expect.any(Number), counts: { created: 2, groupsCreated: 1 } });
    const users = await h.call('GET', '/api/v1/users?directory=apidir', { as: 'read_only' });
    expect(users.body.items.map((u: { username: string }) => u.username)).toEqual(['alice', 'bob']);
    const alice = await h.call('GET', '/api/v1/users/alice', { as: 'read_only' });
    expect(alice.body).toMatchObject({
      directory: 'apidir',
      syncItem: `group ${o.eng}`,
      groups: ['engineering'],
      history: [{ runId: synced.body.runId, outcome: 'created' }],
    });

    // Sync now without waiting: 202 with the run's number; the event stream shows it live.
    const stream = sse(await h.app.request('/api/v1/events', { headers: { authorization: `Bearer ${h.tokens.read_only}` } }));
    expect((await stream.next()).event).toBe('ready');
    const started = await h.call('POST', '/api/v1/directories/apidir/sync', { as: 'administrator' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ directory: 'apidir', runId: expect.any(Number), state: expect.stringMatching(/^(running|finished)$/) });
    const phases: string[] = [];
    let finished: any;
    while (!finished) {
      const e = await stream.next();
      if (e.event === 'progress') phases.push(e.data.phase);
      if (e.event === 'finished') finished = e.data;
    }
    await stream.close();
    expect(phases).toEqual(expect.arrayContaining(['connect', 'groups', 'users', 'done']));
    expect(finished).toMatchObject({ directory: 'apidir', runId: started.body.runId, status: 'succeeded', counts: { unchanged: 2 } });
    expect((await h.call('GET', `/api/v1/runs/${started.body.runId}`, { as: 'read_only' })).body.run).toMatchObject({
      directory: 'apidir',
      status: 'succeeded',
    });

    // One user, at once.
    await slapd.addMembers(o.eng, [o.carol]);
    const one = await h.call('POST', '/api/v1/directories/apidir/sync/user', { as: 'user_manager', body: { username: 'carol' } });
    expect(one.body).toMatchObject({ kind: 'user', counts: { created: 1 } });
    expect((await h.call('POST', '/api/v1/directories/apidir/sync/user', { as: 'user_manager', body: { username: 'nobody' } })).status).toBe(404);

    // Update: items reordered, the password kept because none was sent.
    const { config } = (await h.call('GET', '/api/v1/directories/apidir', { as: 'read_only' })).body;
    const updated = await h.call('PUT', '/api/v1/directories/apidir', {
      as: 'administrator',
      body: { ...config, groups: [], syncItems: [{ group: o.ops }, { group: o.eng }] },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ syncItems: [{ group: o.ops }, { group: o.eng }], bind: { passwordSet: true }, usernameLocked: true });
    expect((await h.call('POST', '/api/v1/directories/apidir/test', { as: 'administrator' })).body.ok).toBe(true);
    const locked = await h.call('PUT', '/api/v1/directories/apidir', { as: 'administrator', body: { ...config, attributes: { username: 'mail' } } });
    expect(locked.status).toBe(409);
    expect(locked.body.error).toMatchObject({ code: 'USERNAME_ATTRIBUTE_LOCKED', field: 'attributes.username' });
    expect((await h.call('PUT', '/api/v1/directories/apidir', { as: 'administrator', body: { ...config, name: 'renamed' } })).body.error).toMatchObject({
      field: 'name',
    });
    const fileDir = await h.call('PUT', '/api/v1/directories/filedir', { as: 'administrator', body: { ...config, name: 'filedir' } });
    expect(fileDir.status).toBe(409);
    expect(fileDir.body.error.code).toBe('DIRECTORY_MANAGED_BY_FILE');
    expect((await h.call('DELETE', '/api/v1/directories/filedir', { as: 'administrator' })).status).toBe(409);

    // A mass removal is held; approving it puts the user in the trash, which only the directory can undo.
    await h.call('PUT', '/api/v1/directories/apidir', {
      as: 'administrator',
      body: { ...config, safeguard: { enabled: true, maxRemovals: 0, maxRemovalPercent: null } },
    });
    await slapd.removeMembers(o.eng, [o.bob]);
    const held = await h.call('POST', '/api/v1/directories/apidir/sync?wait=true', { as: 'administrator' });
    expect(held.body).toMatchObject({ counts: { held: 1 }, heldForApproval: { count: 1 } });
    const approvals = await h.call('GET', '/api/v1/approvals', { as: 'read_only' });
    expect(approvals.body.items[0]).toMatchObject({ runId: held.body.runId, directory: 'apidir', users: [{ username: 'bob', action: 'trash' }] });
    expect((await h.call('POST', `/api/v1/approvals/${held.body.runId}/approve`, { as: 'administrator' })).body).toMatchObject({ applied: 1 });
    expect((await h.call('GET', '/api/v1/trash', { as: 'read_only' })).body.items).toEqual([
      expect.objectContaining({ username: 'bob', directory: 'apidir', restorable: false }),
    ]);
    expect((await h.call('POST', '/api/v1/trash/bob/restore', { as: 'user_manager' })).status).toBe(409);

    expect((await h.call('DELETE', '/api/v1/directories/apidir', { as: 'administrator' })).status).toBe(204);
    expect((await h.call('GET', '/api/v1/directories/apidir', { as: 'read_only' })).status).toBe(404);
    expect((await h.call('GET', '/api/v1/users/alice', { as: 'read_only' })).body.directory).toBe('apidir');
    // Its directory gone, the trashed user may now be restored as a local user.
    expect((await h.call('POST', '/api/v1/trash/bob/restore', { as: 'user_manager' })).status).toBe(200);
  });
});

describe('directories and a running sync service', () => {
  it('starts a worker for a directory created through the API, replaces it on update and stops it on delete', async () => {
    const log = createLogger('silent');
    let service!: SyncService;
    const h = await ApiHarness.create({ service: (cfg, store) => (service = new SyncService(cfg, store, log)) });
    h.secrets.add(slapd.password);
    try {
      const o = await org();
      expect((await h.call('POST', '/api/v1/directories', { as: 'administrator', body: input(o, { name: 'live' }) })).status).toBe(201);
      const first = service.workers.get('live');
      expect(first).toBeDefined();
      // The started worker bootstraps with a full sync of its own.
      const deadline = Date.now() + 30_000;
      while ((await h.call('GET', '/api/v1/users?directory=live', { as: 'read_only' })).body.total < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect((await h.call('GET', '/api/v1/users?directory=live', { as: 'read_only' })).body.total).toBe(2);

      const { config } = (await h.call('GET', '/api/v1/directories/live', { as: 'read_only' })).body;
      expect((await h.call('PUT', '/api/v1/directories/live', { as: 'administrator', body: { ...config, trashDays: 3 } })).status).toBe(200);
      expect(service.workers.get('live')).not.toBe(first);
      expect(service.workers.get('live')!.cfg.trashDays).toBe(3);

      expect((await h.call('DELETE', '/api/v1/directories/live', { as: 'administrator' })).status).toBe(204);
      expect(service.workers.has('live')).toBe(false);
    } finally {
      await service.stop();
      await h.close();
    }
  });
});

describe('bind passwords of directories created through the API, at rest', () => {
  it('are stored encrypted, used decrypted, sealed when found in clear, and refused with a clear log line under another key', async () => {
    const h = await ApiHarness.create();
    h.secrets.add(slapd.password);
    try {
      const o = await org();
      expect((await h.call('POST', '/api/v1/directories', { as: 'administrator', body: input(o, { name: 'sealed' }) })).status).toBe(201);
      const stored = async () =>
        (await h.store.db.selectFrom('api_directories').select('bind_password').where('name', '=', 'sealed').executeTakeFirstOrThrow()).bind_password!;
      const sealed = await stored();
      expect(sealed).toMatch(/^sealed:v1:/);
      expect(sealed).not.toContain(slapd.password);
      // The API still binds with it: a connection test needs the real password.
      expect((await h.call('POST', '/api/v1/directories/sealed/test', { as: 'administrator' })).body).toMatchObject({ ok: true });
      // An update without a password keeps it (decrypted, then sealed again with a fresh nonce).
      const { config } = (await h.call('GET', '/api/v1/directories/sealed', { as: 'read_only' })).body;
      expect((await h.call('PUT', '/api/v1/directories/sealed', { as: 'administrator', body: { ...config, trashDays: 2 } })).status).toBe(200);
      const resealed = await stored();
      expect(resealed).toMatch(/^sealed:v1:/);
      expect(resealed).not.toBe(sealed);
      expect((await h.call('POST', '/api/v1/directories/sealed/test', { as: 'administrator' })).body).toMatchObject({ ok: true });

      // A row an idsync without encryption wrote: serve seals it when it starts, and uses it.
      await h.store.db.updateTable('api_directories').set({ bind_password: slapd.password }).where('name', '=', 'sealed').execute();
      const log = createLogger('silent');
      const same = parseConfig({ store: h.store.url }, { baseDir: h.dir, file: path.join(h.dir, 'idsync.yaml'), env: {} });
      const [cfg] = await loadStoredDirectories(h.store, same, log);
      expect(cfg.bind!.password.reveal()).toBe(slapd.password);
      expect(await stored()).toMatch(/^sealed:v1:/);

      // Under another key the directory is left out, and the log says why.
      const lines: string[] = [];
      const other = parseConfig({ store: h.store.url, api: { secretsKey: 'another-key-another-key-another-key' } }, { baseDir: h.dir, env: {} });
      const recorder = pino({ level: 'error' }, { write: (l: string) => lines.push(l) });
      expect(await loadStoredDirectories(h.store, other, recorder)).toEqual([]);
      expect(lines.join('')).toMatch(/cannot be decrypted with the key from api\.secretsKey/);
      expect(lines.join('')).not.toContain(slapd.password);
    } finally {
      await h.close();
    }
  });
});

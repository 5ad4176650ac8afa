import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'ldapts';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../../test/harness/index.js';
import { testStores, type StoreKind } from '../../test/support/stores.js';
import { uniqueName } from '../../test/support/workspace.js';
import { parseConfig, type IdsyncConfig } from '../config/load.js';
import { secretBoxFor } from '../directories/secret-box.js';
import { Secret } from '../secret.js';
import { Store } from '../store/db.js';
import { syncDirectory } from '../sync/engine.js';
import { createLogger } from '../log.js';
import { SyncService } from '../serve/server.js';
import { LocalChanges } from './local-changes.js';
import { adoptUser, provisionOnce, type TargetConfig } from './service.js';
import { openTarget, passwordCheck } from './writers.js';
import { bindSucceeds } from '../../test/support/binds.js';

/*
 * Issue 12, end to end against the harness's real slapd (LDAPS, ppolicy) and a real store (SQLite
 * and PostgreSQL, test/support/stores.ts): local changes made as the CLI and API make them,
 * delivered by the engine through the OpenLDAP target.
 */

let slapd: SlapdDirectory;
const stores: Store[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'idsync-engine-'));
// Usernames are looked for in the whole naming context: a suffix keeps other suites' users (and
// this suite's run on the other store) from conflicting. Set for each store's run.
let S = '';
let storeUrl: (dir: string) => string = (d) => `sqlite:${d}/${uniqueName('s')}.db`;

beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

/** `inboundGroup`: the name of a group idsync exports, also chosen by name by the inbound sync (a `{ group: DN }` item). */
async function setup(opts: { inbound?: boolean; inboundGroup?: string } = {}) {
  const ou = await slapd.addOu(uniqueName('engine'));
  const users = await slapd.addOu('users', ou);
  const groups = await slapd.addOu('groups', ou);
  const config: IdsyncConfig = parseConfig(
    {
      store: storeUrl(dir),
      api: { secretsKey: 'k'.repeat(40) },
      directories: [
        {
          name: 'ldap',
          type: 'openldap',
          servers: [slapd.ldapsUrl],
          caFile: slapd.caFile,
          bind: { dn: slapd.bindDn, password: slapd.password },
          baseDn: slapd.baseDn,
          ...(opts.inbound ? { syncItems: [{ container: ou }, ...(opts.inboundGroup ? [{ group: `cn=${opts.inboundGroup},${groups}` }] : [])] } : {}),
          provisioning: { userContainer: users, groupContainer: groups, groups: 'all' },
        },
      ],
    },
    { baseDir: dir, env: {} },
  );
  const store = await Store.open(config.store);
  stores.push(store);
  const cfg = config.directories[0] as TargetConfig;
  let t = Date.parse('2026-12-03T12:00:00Z');
  const now = () => new Date((t += 1000));
  const changes = new LocalChanges({ store, config, now });
  const box = secretBoxFor(config);
  const run = () => provisionOnce({ store, cfg, openTarget, unseal: (s) => new Secret(box.open(s, 'test')), checkPassword: passwordCheck, now });
  return { ou, users, groups, config, store, cfg, changes, run, now };
}

async function search(base: string, filter = '(objectClass=*)', attributes: string[] = ['*', 'pwdAccountLockedTime', 'entryUUID']) {
  const client = new Client({ url: slapd.ldapsUrl, tlsOptions: { ca: readFileSync(slapd.caFile) } });
  try {
    await client.bind(slapd.bindDn, slapd.password);
    return (await client.search(base, { scope: 'sub', filter, attributes })).searchEntries;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

const binds = (dn: string, password: string) => bindSucceeds({ url: slapd.ldapsUrl, caFile: slapd.caFile }, dn, password);

describe.each(testStores())('provisioning into OpenLDAP (issue 12), store %s', (_kind: StoreKind, url) => {
  beforeAll(() => {
    S = uniqueName('');
    storeUrl = url;
  });

  it('creates users with their passwords and a group with its members; then renames, disables, enables and changes a password', async () => {
    const { users, groups, store, changes, run } = await setup();
    await changes.addUser({ username: `ann${S}`, fullName: 'Ann Smith', email: 'ann@example.test' });
    await changes.addUser({ username: `bob${S}` });
    await changes.setPassword(`ann${S}`, 'Corr3ct-Horse-Battery-1');
    await changes.createGroup({ name: `eng${S}`, description: 'Engineers' });
    await changes.addMembers(`eng${S}`, [`ann${S}`, `bob${S}`]);
    const r = await run();
    expect(r.delivery.failures).toEqual([]);
    const ann = `uid=ann${S},${users}`;
    expect(await binds(ann, 'Corr3ct-Horse-Battery-1')).toBe(true);
    const [entry] = await search(ann);
    expect(entry).toMatchObject({ uid: `ann${S}`, cn: 'Ann Smith', sn: `ann${S}`, mail: 'ann@example.test' });
    const [group] = await search(`cn=eng${S},${groups}`);
    expect([group.member].flat().sort()).toEqual([ann, `uid=bob${S},${users}`].sort());
    const annId = (await store.users.find(`ann${S}`))!.id;
    expect(await store.provisioning.recordsOf('user', annId)).toEqual([
      expect.objectContaining({ directory: 'ldap', state: 'exported', targetDn: ann, targetId: String(entry.entryUUID).toLowerCase() }),
    ]);
    // Nothing waits, and the password is gone from the outbox.
    expect(await store.provisioning.backlog((await store.provisioning.recordsOf('user', annId))[0].directoryId)).toEqual([]);

    // Rename and update, disable, and a new password: the old one fails, the new one binds.
    await changes.editUser(`ann${S}`, { username: `annie${S}`, email: 'annie@example.test' });
    await changes.editUser(`bob${S}`, { status: 'disabled' });
    await changes.setPassword(`annie${S}`, 'N3w-Staple-Horse-Battery');
    expect((await run()).delivery.failures).toEqual([]);
    const annie = `uid=annie${S},${users}`;
    expect(await search(users, `(uid=ann${S})`)).toEqual([]);
    expect((await search(annie))[0]).toMatchObject({ uid: `annie${S}`, mail: 'annie@example.test', entryUUID: entry.entryUUID });
    expect(await binds(annie, 'Corr3ct-Horse-Battery-1')).toBe(false);
    expect(await binds(annie, 'N3w-Staple-Horse-Battery')).toBe(true);
    expect((await search(`uid=bob${S},${users}`))[0].pwdAccountLockedTime).toBe('000001010000Z');
    const [after] = await search(`cn=eng${S},${groups}`);
    expect([after.member].flat().sort()).toEqual([annie, `uid=bob${S},${users}`].sort());

    await changes.editUser(`bob${S}`, { status: 'active' });
    await run();
    expect([(await search(`uid=bob${S},${users}`))[0].pwdAccountLockedTime ?? []].flat()).toEqual([]);
  });

  it('calls an unmanaged account of the same name a conflict, and adopts it when told to', async () => {
    const { users, store, cfg, changes, run, now } = await setup();
    await slapd.addUser({ ou: users, uid: `carl${S}`, sn: 'Original' });
    await changes.addUser({ username: `carl${S}`, fullName: 'Carl Jones' });
    const r = await run();
    expect(r.delivery.failures).toEqual([expect.objectContaining({ name: `carl${S}`, code: 'PROVISION_CONFLICT', permanent: true })]);
    expect((await search(`uid=carl${S},${users}`))[0].cn).toBe(`carl${S}`);
    const carl = (await store.users.find(`carl${S}`))!;
    expect((await store.provisioning.recordsOf('user', carl.id))[0]).toMatchObject({ state: 'conflict', code: 'PROVISION_CONFLICT' });

    await adoptUser({ store, cfg, openTarget, now }, `carl${S}`);
    expect((await run()).delivery.failures).toEqual([]);
    expect((await search(`uid=carl${S},${users}`))[0]).toMatchObject({ cn: 'Carl Jones', displayName: 'Carl Jones' });
    expect((await store.provisioning.recordsOf('user', carl.id))[0]).toMatchObject({ state: 'exported' });
  });

  it('delivers exactly once after a crash between the create and its record', async () => {
    const { users, cfg, changes, run, store, now } = await setup();
    await changes.addUser({ username: `dan${S}` });
    // The process "dies" right after the directory created the entry.
    const crashing = async (c: TargetConfig) => {
      const t = await openTarget(c);
      const create = t.createUser.bind(t);
      t.createUser = async (u) => {
        await create(u);
        throw new Error('killed');
      };
      return t;
    };
    const box = secretBoxFor((await setup()).config);
    const first = await provisionOnce({ store, cfg, openTarget: crashing, unseal: (s) => new Secret(box.open(s, 'test')), now });
    expect(first.delivery.failures).toHaveLength(1);
    // The restart: due again after its backoff.
    const dirId = (await store.provisioning.recordsOf('user', (await store.users.find(`dan${S}`))!.id))[0].directoryId;
    await store.db.updateTable('provision_outbox').set({ next_attempt_at: '2000-01-01T00:00:00.000Z' }).where('directory_id', '=', dirId).execute();
    expect((await run()).delivery.failures).toEqual([]);
    expect(await search(users, `(uid=dan${S})`)).toHaveLength(1);
  });

  it('a directory both read and written: the inbound sync does not import what idsync exported (no ping-pong)', async () => {
    const { cfg, store, changes, run } = await setup({ inbound: true, inboundGroup: `crew${S}` });
    await changes.addUser({ username: `eve${S}`, fullName: 'Eve Adams' });
    await changes.createGroup({ name: `crew${S}` });
    await changes.addMembers(`crew${S}`, [`eve${S}`]);
    expect((await run()).delivery.failures).toEqual([]);
    const report = await syncDirectory(store, cfg);
    expect(report.counts.created).toBe(0);
    expect(report.counts.updated).toBe(0);
    expect(report.counts.groupsCreated).toBe(0);
    const eve = (await store.users.find(`eve${S}`))!;
    expect(eve.directory_id).toBeNull();
    // The exported group, though a sync item names it, is not imported back as a directory group.
    expect(await store.db.selectFrom('groups').select('name').execute()).toEqual([]);
    // And nothing to export again.
    expect((await run()).reconciled).toMatchObject({ users: 0, groups: 0 });
  });

  it('under idsync serve, a change reaches the directory without a command, within a second', async () => {
    const { users, config, store, changes } = await setup();
    const service = new SyncService(config, store, createLogger('silent'));
    service.start();
    try {
      // Let the worker take its lease and reconcile (nothing to do yet).
      await new Promise((r) => setTimeout(r, 500));
      const t0 = Date.now();
      await changes.addUser({ username: `fay${S}`, fullName: 'Fay Wong' });
      let found = 0;
      while (Date.now() - t0 < 10_000 && !(found = (await search(users, `(uid=fay${S})`)).length)) await new Promise((r) => setTimeout(r, 20));
      expect(found).toBe(1);
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      await service.stop();
    }
  });

  it('under idsync serve with continuous sync, a directory both read and written does not loop', async () => {
    const { users, config, store, changes, run } = await setup({ inbound: true, inboundGroup: `band${S}` });
    // The group a sync item chooses must exist before the first inbound run: exported first, then serve.
    await changes.createGroup({ name: `band${S}` });
    expect((await run()).delivery.failures).toEqual([]);
    const service = new SyncService(config, store, createLogger('silent'));
    service.start();
    try {
      await new Promise((r) => setTimeout(r, 1000));
      await changes.addUser({ username: `gus${S}`, fullName: 'Gus Grey' });
      await changes.addMembers(`band${S}`, [`gus${S}`]);
      const t0 = Date.now();
      while (Date.now() - t0 < 10_000 && !(await search(users, `(uid=gus${S})`)).length) await new Promise((r) => setTimeout(r, 20));
      // The change stream reports idsync's own write; give it time to come back.
      await new Promise((r) => setTimeout(r, 3000));
      const gus = (await store.users.find(`gus${S}`))!;
      expect(gus.directory_id).toBeNull();
      expect(gus.status).toBe('active');
      const [entry] = await search(users, `(uid=gus${S})`);
      expect([entry.pwdAccountLockedTime ?? []].flat()).toEqual([]);
      const outbox = await store.db.selectFrom('provision_outbox').selectAll().execute();
      expect(outbox).toEqual([]);
      const synced = await store.db.selectFrom('users').select('username').where('directory_id', 'is not', null).execute();
      expect(synced).toEqual([]);
      // No exported group was imported back, though a sync item chooses it.
      expect(await store.db.selectFrom('groups').select('name').execute()).toEqual([]);
    } finally {
      await service.stop();
    }
  });
});

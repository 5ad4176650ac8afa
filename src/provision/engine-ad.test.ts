import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'ldapts';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSamba, type SambaDirectory } from '../../test/harness/index.js';
import { testStores, type StoreKind } from '../../test/support/stores.js';
import { uniqueName } from '../../test/support/workspace.js';
import { parseConfig } from '../config/load.js';
import { secretBoxFor } from '../directories/secret-box.js';
import { Secret } from '../secret.js';
import { Store } from '../store/db.js';
import { LocalChanges } from './local-changes.js';
import { provisionOnce, type TargetConfig } from './service.js';
import { openTarget, passwordCheck } from './writers.js';
import { bindSucceeds } from '../../test/support/binds.js';

/*
 * Issue 12 end to end against the harness's Samba AD DC over LDAPS: a local user exported as an AD
 * account (created with its password and enabled in one atomic add; CN from the full name, userPrincipalName from the
 * username), renamed and disabled; refused before anything is sent when AD cannot take it (no
 * first or last name) or the password breaks the domain's policy (the rule named).
 */
const sambaInfo = inject('samba');
let samba: SambaDirectory;
const stores: Store[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'idsync-engine-ad-'));
// The store of the current block (SQLite, then PostgreSQL: test/support/stores.ts).
let storeUrl: (dir: string) => string = (d) => `sqlite:${d}/${uniqueName('s')}.db`;

beforeAll(() => {
  if (sambaInfo) samba = connectSamba(sambaInfo);
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function setup() {
  const ou = await samba.addOu(uniqueName('E'));
  const users = await samba.addOu('Users', ou);
  const groups = await samba.addOu('Groups', ou);
  const config = parseConfig(
    {
      store: storeUrl(dir),
      api: { secretsKey: 'a'.repeat(40) },
      directories: [
        {
          name: 'ad',
          type: 'active-directory',
          servers: [samba.url],
          caFile: samba.caFile,
          bind: { dn: samba.bindDn, password: samba.password },
          baseDn: samba.baseDn,
          provisioning: { userContainer: users, groupContainer: groups, groups: 'all' },
        },
      ],
    },
    { baseDir: dir, env: {} },
  );
  const store = await Store.open(config.store);
  stores.push(store);
  const cfg = config.directories[0] as TargetConfig;
  const now = () => new Date();
  const changes = new LocalChanges({ store, config, now });
  const box = secretBoxFor(config);
  const run = () => provisionOnce({ store, cfg, openTarget, unseal: (s) => new Secret(box.open(s, 'test')), checkPassword: passwordCheck, now });
  return { users, groups, store, cfg, changes, run };
}

async function client<T>(fn: (c: Client) => Promise<T>, as?: { dn: string; password: string }): Promise<T> {
  const c = new Client({ url: samba.url, tlsOptions: { ca: readFileSync(samba.caFile) }, timeout: 10_000, connectTimeout: 5_000 });
  try {
    await c.bind(as?.dn ?? samba.bindDn, as?.password ?? samba.password);
    return await fn(c);
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

const find = (base: string, filter: string) =>
  client(async (c) => (await c.search(base, { scope: 'sub', filter, attributes: ['*', 'userAccountControl'] })).searchEntries);

const binds = (dn: string, password: string) => bindSucceeds(samba, dn, password);

describe.skipIf(!sambaInfo).each(testStores())('provisioning into Active Directory (Samba, issue 12), store %s', (_kind: StoreKind, url) => {
  beforeAll(() => {
    storeUrl = url;
  });

  it('creates the account with its password, enabled, in one add; renames and disables it', async () => {
    const { users, groups, changes, run } = await setup();
    const sam = uniqueName('u');
    await changes.addUser({ username: sam, fullName: 'Grace Hopper', email: `${sam}@example.test` });
    await changes.editUser(sam, { first_name: 'Grace', last_name: 'Hopper' });
    await changes.setPassword(sam, 'Cobol-1959-Compiler!');
    await changes.createGroup({ name: uniqueName('g') });
    const r = await run();
    expect(r.delivery.failures).toEqual([]);
    const [e] = await find(users, `(sAMAccountName=${sam})`);
    expect(e.dn).toBe(`CN=Grace Hopper,${users}`);
    expect(e).toMatchObject({ givenName: 'Grace', sn: 'Hopper', displayName: 'Grace Hopper', mail: `${sam}@example.test` });
    expect(String(e.userPrincipalName)).toMatch(new RegExp(`^${sam}@`, 'i'));
    expect(Number(e.userAccountControl) & 2).toBe(0);
    expect(await binds(e.dn, 'Cobol-1959-Compiler!')).toBe(true);
    expect(await find(groups, '(objectClass=group)')).toHaveLength(1);

    await changes.editUser(sam, { full_name: 'Grace B. Hopper' });
    expect((await run()).delivery.failures).toEqual([]);
    const [after] = await find(users, `(sAMAccountName=${sam})`);
    expect(after.dn).toBe(`CN=Grace B. Hopper,${users}`);
    expect(after.displayName).toBe('Grace B. Hopper');
    // Suspended in idsync: disabled in AD, never deleted (and, unbound, no longer updated).
    await changes.editUser(sam, { status: 'disabled' });
    expect((await run()).delivery.failures).toEqual([]);
    const [disabled] = await find(users, `(sAMAccountName=${sam})`);
    expect(Number(disabled.userAccountControl) & 2).toBe(2);
  });

  it('gives a second user of the same full name CN=<name> (<username>), and keeps it there through later runs and renames', async () => {
    const { users, changes, run } = await setup();
    const [a, b] = [uniqueName('ja'), uniqueName('jb')];
    for (const sam of [a, b]) {
      await changes.addUser({ username: sam, fullName: 'John Smith', email: `${sam}@example.test` });
      await changes.editUser(sam, { first_name: 'John', last_name: 'Smith' });
      await changes.setPassword(sam, 'Same-Name-2026!');
    }
    expect((await run()).delivery.failures).toEqual([]);
    const dnOf = async (sam: string) => (await find(users, `(sAMAccountName=${sam})`))[0]?.dn;
    expect(await dnOf(a)).toBe(`CN=John Smith,${users}`);
    expect(await dnOf(b)).toBe(`CN=John Smith (${b}),${users}`);
    expect(await binds(`CN=John Smith (${b}),${users}`, 'Same-Name-2026!')).toBe(true);
    // A later run leaves it where it is: no rename back and forth.
    await changes.editUser(b, { email: `${b}@other.example.test` });
    expect((await run()).delivery.failures).toEqual([]);
    expect(await dnOf(b)).toBe(`CN=John Smith (${b}),${users}`);
    // A rename onto a name someone else holds lands on the disambiguated form too.
    await changes.editUser(a, { full_name: 'Jane Doe' });
    expect((await run()).delivery.failures).toEqual([]);
    expect(await dnOf(a)).toBe(`CN=Jane Doe,${users}`);
    await changes.editUser(b, { full_name: 'Jane Doe' });
    expect((await run()).delivery.failures).toEqual([]);
    expect(await dnOf(b)).toBe(`CN=Jane Doe (${b}),${users}`);
  });

  it('refuses before sending: a user without first and last name, a password the domain policy refuses', async () => {
    const { users, changes, run } = await setup();
    const nameless = uniqueName('n');
    await changes.addUser({ username: nameless });
    const weak = uniqueName('w');
    await changes.addUser({ username: weak, fullName: 'Weak Password' });
    await changes.editUser(weak, { first_name: 'Weak', last_name: 'Password' });
    await changes.setPassword(weak, 'onlylowercaseletters');
    const r = await run();
    expect(r.delivery.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: nameless, code: 'PROVISION_INVALID', permanent: true }),
        expect.objectContaining({
          name: weak,
          code: 'PROVISION_PASSWORD_POLICY',
          permanent: true,
          message: expect.stringContaining('3 of 4 character classes'),
        }),
      ]),
    );
    expect(await find(users, '(objectClass=user)')).toEqual([]);
  });
});

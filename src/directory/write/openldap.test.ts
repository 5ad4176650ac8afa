import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../../../test/harness/index.js';
import { policyDn } from '../../../test/harness/slapd.js';
import { directoryConfig } from '../../../test/support/directory-config.js';
import { uniqueName } from '../../../test/support/workspace.js';
import { IdsyncError } from '../../errors.js';
import type { ProvisionTarget, TargetEntry } from '../../provision/target.js';
import { openProvisionTarget, type DisableMethod, type OpenLdapTarget } from './index.js';
import { bindSucceeds } from '../../../test/support/binds.js';

/** The OpenLDAP provisioning target against the harness's real slapd (LDAPS, ppolicy loaded). */
let slapd: SlapdDirectory;
const open: ProvisionTarget[] = [];

beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

async function containers(): Promise<{ users: string; groups: string }> {
  const ou = await slapd.addOu(uniqueName('prov'));
  return { users: await slapd.addOu('users', ou), groups: await slapd.addOu('groups', ou) };
}

async function target(
  c: { users: string; groups: string },
  opts: {
    url?: string;
    transport?: 'ldaps' | 'clear' | 'starttls';
    bindDn?: string;
    password?: string;
    allowInsecurePasswords?: boolean;
    disable?: DisableMethod;
    serverHashesPasswords?: boolean;
  } = {},
) {
  const cfg = directoryConfig({
    type: 'openldap',
    servers: [opts.url ?? slapd.ldapsUrl],
    transport: opts.transport,
    caFile: slapd.caFile,
    bindDn: opts.bindDn ?? slapd.bindDn,
    password: opts.password ?? slapd.password,
    baseDn: slapd.baseDn,
  });
  const t = await openProvisionTarget(cfg, {
    userContainer: c.users,
    groupContainer: c.groups,
    allowInsecurePasswords: opts.allowInsecurePasswords,
    disable: opts.disable,
    serverHashesPasswords: opts.serverHashesPasswords,
  });
  open.push(t);
  return t;
}

const binds = (dn: string, password: string) => bindSucceeds({ url: slapd.ldapsUrl, caFile: slapd.caFile }, dn, password);

async function failure(p: Promise<unknown>): Promise<IdsyncError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IdsyncError);
  return err as IdsyncError;
}

const person = (uid: string) => ({
  rdn: uid,
  attributes: {
    uid: [uid],
    givenName: ['Ada'],
    sn: ['Lovelace'],
    displayName: ['Ada Lovelace'],
    mail: [`${uid}@corp.example.test`],
    telephoneNumber: ['+1 212 555 0100'],
  },
});

describe('OpenLDAP provisioning target (slapd)', () => {
  it('creates a user disabled, updates, renames, sets and changes the password, disables and enables it', async () => {
    const c = await containers();
    const t = await target(c);
    const uid = uniqueName('ada');
    const created = await t.createUser(person(uid));
    expect(created).toMatchObject({ dn: `uid=${uid},${c.users}`, enabled: false, attributes: { uid: [uid], cn: ['Ada Lovelace'], sn: ['Lovelace'] } });
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.protectedReason).toBeUndefined();
    expect(await t.findUser(created.id)).toEqual(created);
    expect(await t.findUserByName(uid)).toEqual(created);

    const pw1 = 'Correct-Horse-1';
    await t.setPassword(created.dn, pw1);
    // Disabled (pwdAccountLockedTime 000001010000Z): the right password does not bind yet.
    expect(await binds(created.dn, pw1)).toBe(false);
    await t.setEnabled(created.dn, true);
    expect(await binds(created.dn, pw1)).toBe(true);
    // The server hashed it by its own policy (RFC 3062): no clear text at rest.
    expect(String((await slapd.get(created.dn, ['userPassword']))?.userPassword)).toMatch(/^\{SSHA\}/);

    await t.modify(created.dn, [
      { attribute: 'mail', values: ['ada.l@corp.example.test'] },
      { attribute: 'telephoneNumber', values: [] },
    ]);
    const renamedUid = uniqueName('lovelace');
    const newDn = await t.rename(created.dn, renamedUid);
    expect(newDn).toBe(`uid=${renamedUid},${c.users}`);
    const after = await t.findUser(created.id);
    expect(after).toMatchObject({ dn: newDn, enabled: true, attributes: { uid: [renamedUid], mail: ['ada.l@corp.example.test'] } });
    expect(after?.attributes.telephonenumber).toBeUndefined();
    expect(await t.findUserByName(uid)).toBeUndefined();

    const pw2 = 'Battery-Staple-2';
    await t.setPassword(newDn, pw2);
    expect(await binds(newDn, pw1)).toBe(false);
    expect(await binds(newDn, pw2)).toBe(true);

    await t.setEnabled(newDn, false);
    expect(await binds(newDn, pw2)).toBe(false);
    expect((await t.findUser(created.id))?.enabled).toBe(false);
    // ppolicy unlocks an account whose password changes: a disabled one must stay disabled.
    await t.setPassword(newDn, 'While-Disabled-3');
    expect(await binds(newDn, 'While-Disabled-3')).toBe(false);
    expect((await t.findUser(created.id))?.enabled).toBe(false);
    await t.setEnabled(newDn, true);
    expect(await binds(newDn, 'While-Disabled-3')).toBe(true);
  });

  it('sets the password and enables a new user together when asked, and leaves it disabled when the password is refused', async () => {
    const c = await containers();
    const t = await target(c);
    const u = await t.createUser(person(uniqueName('one')));
    await t.setPassword(u.dn, 'Both-At-Once-1', { enable: true });
    expect(await binds(u.dn, 'Both-At-Once-1')).toBe(true);
    expect((await t.findUser(u.id))?.enabled).toBe(true);
    await t.setEnabled(u.dn, false);
    await t.setPassword(u.dn, 'Still-Off-2');
    expect((await t.findUser(u.id))?.enabled).toBe(false);
    await t.setPassword(u.dn, 'Back-On-3', { enable: true });
    expect(await binds(u.dn, 'Back-On-3')).toBe(true);
    // An attribute other than ppolicy's, which a password change leaves alone.
    const other = await target(c, { disable: { kind: 'attribute', attribute: 'employeeType', value: 'disabled' } });
    const v = await other.createUser(person(uniqueName('et')));
    expect((await slapd.get(v.dn, ['employeeType']))?.employeeType).toBe('disabled');
    await other.setPassword(v.dn, 'Other-Mark-4', { enable: true });
    expect((await other.findUser(v.id))?.enabled).toBe(true);
    expect((await slapd.get(v.dn, ['employeeType']))?.employeeType).toEqual([]);
  });

  it('gets the id of a new user or group with the add itself (Post-Read control, RFC 4527), with no read after it', async () => {
    const c = await containers();
    const t = await target(c);
    const conn = (t as OpenLdapTarget).connection;
    const reads: string[] = [];
    const readOne = conn.readOne.bind(conn);
    conn.readOne = (dn, ...rest) => {
      reads.push(dn);
      return readOne(dn, ...rest);
    };
    const u = await t.createUser(person(uniqueName('pr')));
    const g = await t.createGroup({ rdn: uniqueName('prg'), attributes: { description: ['post-read'] }, members: [u.dn] });
    expect(reads.filter((dn) => dn === u.dn || dn === g.dn)).toEqual([]);
    // The same entries as a search returns.
    expect(await t.findUser(u.id)).toEqual(u);
    expect(await t.findGroup(g.id)).toEqual(g);
    expect(u).toMatchObject({ enabled: false, attributes: { uid: [u.dn.slice(4, u.dn.indexOf(','))], sn: ['Lovelace'] } });
  });

  it("reads a new user's lock back after its first password only until the server has shown it clears the lock itself (ppolicy)", async () => {
    const c = await containers();
    const t = await target(c);
    const conn = (t as OpenLdapTarget).connection;
    const reads: string[] = [];
    const readOne = conn.readOne.bind(conn);
    conn.readOne = (dn, ...rest) => {
      reads.push(dn);
      return readOne(dn, ...rest);
    };
    const users: TargetEntry[] = [];
    for (const name of ['la', 'lb', 'lc']) users.push(await t.createUser(person(uniqueName(name))));
    for (const [i, u] of users.entries()) await t.setPassword(u.dn, `Fresh-Lock-${i}x`, { enable: true });
    // The first user's read taught the writer that ppolicy removed pwdAccountLockedTime with the
    // password; the next two need no read, and every one of them is enabled and binds.
    expect(reads.filter((dn) => users.some((u) => u.dn === dn))).toEqual([users[0].dn]);
    for (const [i, u] of users.entries()) {
      expect(await binds(u.dn, `Fresh-Lock-${i}x`)).toBe(true);
      expect((await t.findUser(u.id))?.enabled).toBe(true);
    }
  });

  it('with serverHashesPasswords, creates a user with its password in one add, and refuses a server that stores it as given', async () => {
    const overlay = 'olcOverlay={2}ppolicy,olcDatabase={1}mdb,cn=config';
    const c = await containers();
    const plain = await target(c);
    expect(plain.createUserWithPassword).toBeUndefined();
    await slapd.modify(overlay, 'olcPPolicyHashCleartext', 'TRUE');
    await slapd.modify(policyDn(slapd.info), 'pwdMinLength', '12');
    try {
      const t = await target(c, { serverHashesPasswords: true });
      const conn = (t as OpenLdapTarget).connection;
      const writes: string[] = [];
      for (const op of ['add', 'modify', 'exop'] as const) {
        const real = conn[op].bind(conn) as (...a: unknown[]) => Promise<void>;
        (conn as unknown as Record<string, unknown>)[op] = (...a: unknown[]) => {
          writes.push(op);
          return real(...a);
        };
      }
      const on = await t.createUserWithPassword!(person(uniqueName('ha')), 'Hashed-In-Add-1', { enable: true });
      const off = await t.createUserWithPassword!(person(uniqueName('hb')), 'Hashed-In-Add-2', {});
      expect(writes).toEqual(['add', 'add']);
      expect(on.enabled).toBe(true);
      expect(off.enabled).toBe(false);
      expect(await binds(on.dn, 'Hashed-In-Add-1')).toBe(true);
      expect(await binds(off.dn, 'Hashed-In-Add-2')).toBe(false);
      // Stored hashed by the server (its olcPasswordHash, {SSHA} by default), never as given.
      expect(String((await slapd.get(on.dn, ['userPassword']))?.userPassword)).toMatch(/^\{SSHA\}/);
      // Refused before sending, as setPassword refuses (ppolicy's pwdMinLength, 12 here).
      expect(await failure(t.createUserWithPassword!(person(uniqueName('hc')), 'short', { enable: true }))).toMatchObject({
        code: 'PROVISION_PASSWORD_POLICY',
      });
    } finally {
      await slapd.modify(overlay, 'olcPPolicyHashCleartext', 'FALSE');
      await slapd.modify(policyDn(slapd.info), 'pwdMinLength', null);
    }
    // A server that keeps a clear userPassword as given: the password is re-set at once through
    // Password Modify (hashed), the account is as asked, and the error names the setting.
    const t = await target(c, { serverHashesPasswords: true });
    const u = person(uniqueName('hd'));
    const e = await failure(t.createUserWithPassword!(u, 'Clear-Then-Hashed-3', { enable: true }));
    expect(e).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('olcPPolicyHashCleartext') });
    expect(e.message).not.toContain('Clear-Then-Hashed-3');
    const dn = `uid=${u.rdn},${c.users}`;
    expect(String((await slapd.get(dn, ['userPassword']))?.userPassword)).toMatch(/^\{SSHA\}/);
    expect(await binds(dn, 'Clear-Then-Hashed-3')).toBe(true);
    // And the next user on that server goes the long way: the add carries no password.
    const next = await t.createUserWithPassword!(person(uniqueName('he')), 'Long-Way-4xx', { enable: true });
    expect(String((await slapd.get(next.dn, ['userPassword']))?.userPassword)).toMatch(/^\{SSHA\}/);
    expect(await binds(next.dn, 'Long-Way-4xx')).toBe(true);
  });

  it('looks several usernames up at once, answering for each what findUserByName answers', async () => {
    const c = await containers();
    const t = await target(c);
    const outside = await slapd.addOu(uniqueName('elsewhere'));
    const mine = await t.createUser(person(uniqueName('mine')));
    const mineUid = mine.attributes.uid[0];
    const theirs = uniqueName('theirs');
    await slapd.addUser({ ou: outside, uid: theirs, sn: 'Theirs' });
    // Two entries outside the container: undecided here, so asked one by one (which says why).
    const twice = uniqueName('twice');
    await slapd.addUser({ ou: outside, uid: twice, sn: 'One' });
    await slapd.addUser({ ou: await slapd.addOu(uniqueName('other')), uid: twice, sn: 'Two' });
    const absent = uniqueName('absent');
    const found = await (t as OpenLdapTarget).findUsersByName([mineUid.toUpperCase(), theirs, twice, absent]);
    expect(found.get(mineUid.toLowerCase())).toEqual(await t.findUserByName(mineUid));
    expect(found.get(theirs.toLowerCase())).toEqual(await t.findUserByName(theirs));
    expect(found.get(theirs.toLowerCase())?.protectedReason).toMatch(/outside the user container/);
    expect(found.has(absent.toLowerCase())).toBe(true);
    expect(found.get(absent.toLowerCase())).toBeUndefined();
    expect(found.has(twice.toLowerCase())).toBe(false);
    await expect(t.findUserByName(twice)).rejects.toMatchObject({ code: 'PROVISION_CONFLICT' });
  });

  it('creates a group and keeps its membership, with a placeholder member only while it is empty', async () => {
    const c = await containers();
    const t = await target(c);
    const a = await t.createUser(person(uniqueName('a')));
    const b = await t.createUser(person(uniqueName('b')));
    const name = uniqueName('Team');
    const g = await t.createGroup({ rdn: name, attributes: { cn: [name], description: ['made by idsync'] }, members: [] });
    expect(g).toMatchObject({ dn: `cn=${name},${c.groups}`, attributes: { cn: [name], member: [] } });
    expect((await slapd.get(g.dn, ['member']))?.member).toBe('cn=nobody');

    await t.changeMembers(g.dn, [a.dn, b.dn], []);
    expect((await t.findGroup(g.id))?.attributes.member?.sort()).toEqual([a.dn, b.dn].sort());
    expect(await slapd.get(g.dn, ['member'])).toMatchObject({ member: expect.not.arrayContaining(['cn=nobody']) });
    // Adding one already there and removing one: nothing fails, the result is what was asked.
    await t.changeMembers(g.dn, [a.dn.toUpperCase()], [b.dn]);
    expect((await t.findGroupByName(name))?.attributes.member).toEqual([a.dn]);
    await t.changeMembers(g.dn, [], [a.dn]);
    expect((await t.findGroup(g.id))?.attributes.member).toEqual([]);
    expect((await slapd.get(g.dn, ['member']))?.member).toBe('cn=nobody');
  });

  it('refuses a password over plain LDAP before sending it, unless the configuration allows it', async () => {
    const c = await containers();
    const secure = await target(c);
    const u = await secure.createUser(person(uniqueName('plain')));
    await secure.setEnabled(u.dn, true);
    const clear = await target(c, { url: slapd.url, transport: 'clear' });
    const e = await failure(clear.setPassword(u.dn, 'Never-Sent-1'));
    expect(e.code).toBe('PROVISION_INSECURE');
    expect(e.message).not.toContain('Never-Sent-1');
    expect(await binds(u.dn, 'Never-Sent-1')).toBe(false);
    const allowed = await target(c, { url: slapd.url, transport: 'clear', allowInsecurePasswords: true });
    await allowed.setPassword(u.dn, 'Sent-Anyway-1');
    expect(await binds(u.dn, 'Sent-Anyway-1')).toBe(true);
  });

  it('sends a password over StartTLS, and verifies the server certificate by default', async () => {
    const c = await containers();
    const t = await target(c, { url: slapd.url, transport: 'starttls' });
    const u = await t.createUser(person(uniqueName('tls')));
    await t.setPassword(u.dn, 'Upgraded-First-1');
    await t.setEnabled(u.dn, true);
    expect(await binds(u.dn, 'Upgraded-First-1')).toBe(true);
    const untrusted = directoryConfig({ type: 'openldap', servers: [slapd.ldapsUrl], bindDn: slapd.bindDn, password: slapd.password, baseDn: slapd.baseDn });
    const e = await failure(openProvisionTarget(untrusted, { userContainer: c.users, groupContainer: c.groups }));
    expect(e).toMatchObject({ code: 'DIRECTORY_TLS', message: expect.stringMatching(/not trusted/) });
  });

  it('binds again after the server went away, and never writes unauthenticated', async () => {
    const c = await containers();
    const t = await target(c);
    const u = await t.createUser(person(uniqueName('re')));
    await slapd.restart();
    // ldapts alone would reconnect anonymously, and this write would fail (or worse, pass under an anonymous ACL).
    await t.modify(u.dn, [{ attribute: 'mail', values: ['after@restart.test'] }]);
    expect((await t.findUser(u.id))?.attributes.mail).toEqual(['after@restart.test']);
  });

  it('never touches an entry outside its containers', async () => {
    const c = await containers();
    const t = await target(c);
    const uid = uniqueName('outside');
    const dn = await slapd.addUser({ uid, sn: 'Outside' });
    const found = await t.findUserByName(uid);
    expect(found).toMatchObject({ dn, protectedReason: `outside the user container ${c.users}` });
    for (const op of [t.modify(dn, [{ attribute: 'mail', values: ['x@y'] }]), t.setPassword(dn, 'Whatever-1'), t.setEnabled(dn, false), t.rename(dn, 'x')]) {
      expect((await failure(op)).code).toBe('PROVISION_PROTECTED');
    }
    expect((await slapd.get(dn, ['mail']))?.mail).toEqual([]);
  });

  it("checks a password against ppolicy's minimum length before sending it", async () => {
    const c = await containers();
    await slapd.modify(policyDn(slapd.info), 'pwdMinLength', '12');
    try {
      const t = await target(c);
      const u = await t.createUser(person(uniqueName('short')));
      expect(await t.passwordPolicy()).toEqual({ minLength: 12, complexity: false, historyLength: 0 });
      const e = await failure(t.setPassword(u.dn, 'Short-1'));
      expect(e).toMatchObject({ code: 'PROVISION_PASSWORD_POLICY', message: expect.stringContaining('at least 12 characters') });
    } finally {
      await slapd.modify(policyDn(slapd.info), 'pwdMinLength', null);
    }
  });

  it('checks its rights with a harmless probe and names the one that is missing', async () => {
    const c = await containers();
    const admin = await target(c);
    const all = await admin.checkRights();
    expect(all.filter((r) => !r.ok)).toEqual([]);
    expect(all.map((r) => r.right)).toEqual([
      `create user accounts in ${c.users}`,
      `manage user accounts in ${c.users}`,
      `disable and enable user accounts in ${c.users}`,
      `reset user passwords in ${c.users}`,
      `delete user accounts in ${c.users}`,
      `create groups in ${c.groups}`,
      `modify group membership in ${c.groups}`,
      `delete groups in ${c.groups}`,
    ]);
    // The probe left nothing behind.
    expect(await slapd.search(c.users, '(uid=idsyncprobe*)', ['1.1'])).toEqual([]);

    // A service account that may write the user container only (an ACL before the others, `break` for everyone else).
    const svcUid = uniqueName('svc');
    const svc = await slapd.addUser({ uid: svcUid, sn: 'Service', userPassword: 'Svc-Passw0rd' });
    await slapd.modifyMany('olcDatabase={1}mdb,cn=config', [
      { op: 'add', attr: 'olcAccess', values: [`{0}to dn.subtree="${c.users}" by dn.exact="${svc}" write by * break`] },
    ]);
    const limited = await target(c, { bindDn: svc, password: 'Svc-Passw0rd' });
    const rights = await limited.checkRights();
    expect(rights.filter((r) => !r.ok).map((r) => r.right)).toEqual([`create groups in ${c.groups}`]);
    expect(rights.find((r) => !r.ok)?.detail).toMatch(/insufficient access|lacks the right/i);
  });

  it('works with the least-privilege ACLs of docs/provisioning.md: write on the two containers, nothing more', async () => {
    const c = await containers();
    const svc = await slapd.addUser({ uid: uniqueName('svc'), sn: 'Service', userPassword: 'Svc-Passw0rd' });
    // As docs/provisioning.md gives them ("OpenLDAP: the ACLs"), before the database's own rules.
    await slapd.modifyMany('olcDatabase={1}mdb,cn=config', [
      {
        op: 'add',
        attr: 'olcAccess',
        values: [`{0}to dn.subtree="${c.users}" by dn.exact="${svc}" write by * break`, `{1}to dn.subtree="${c.groups}" by dn.exact="${svc}" write by * break`],
      },
    ]);
    const t = await target(c, { bindDn: svc, password: 'Svc-Passw0rd' });
    expect((await t.checkRights()).filter((r) => !r.ok)).toEqual([]);
    // The whole lifecycle under those rights: create, password, enable, disable, a group with its member.
    const u = await t.createUser(person(uniqueName('least')));
    await t.setPassword(u.dn, 'Least-Privilege-1', { enable: true });
    expect(await binds(u.dn, 'Least-Privilege-1')).toBe(true);
    await t.setEnabled(u.dn, false);
    expect(await binds(u.dn, 'Least-Privilege-1')).toBe(false);
    const name = uniqueName('Least');
    const g = await t.createGroup({ rdn: name, attributes: { cn: [name] }, members: [u.dn] });
    expect((await t.findGroup(g.id))?.attributes.member).toEqual([u.dn]);
    // Outside the containers it may read, not write.
    const outside = await slapd.addOu(uniqueName('outside'));
    const other = await slapd.addUser({ ou: outside, uid: uniqueName('other'), sn: 'Other' });
    const e = await failure(t.modify(other, [{ attribute: 'mail', values: ['x@corp.example.test'] }]));
    expect(e.message).toMatch(/insufficient access|outside/i);
  });
});

import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSamba, type SambaDirectory } from '../../../test/harness/index.js';
import { run } from '../../../test/harness/proc.js';
import { directoryConfig } from '../../../test/support/directory-config.js';
import { uniqueName } from '../../../test/support/workspace.js';
import { IdsyncError } from '../../errors.js';
import type { ProvisionTarget } from '../../provision/target.js';
import { sidToString } from '../codecs.js';
import { openProvisionTarget, type ActiveDirectoryTarget } from './index.js';
import { bindSucceeds } from '../../../test/support/binds.js';

/**
 * The Active Directory provisioning target against the harness's real Samba DC, over LDAPS. Each
 * test works in an OU of its own (OU=Users and OU=Groups below it); sAMAccountNames carry a suffix
 * because they are unique in the whole domain.
 */
const sambaInfo = inject('samba');
let samba: SambaDirectory;
const open: ProvisionTarget[] = [];

beforeAll(() => {
  if (sambaInfo) samba = connectSamba(sambaInfo);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

interface Containers {
  ou: string;
  users: string;
  groups: string;
}

async function containers(): Promise<Containers> {
  const ou = await samba.addOu(uniqueName('P'));
  return { ou, users: await samba.addOu('Users', ou), groups: await samba.addOu('Groups', ou) };
}

async function target(c: Containers, opts: { url?: string; transport?: 'ldaps' | 'clear' | 'starttls'; bindDn?: string; password?: string } = {}) {
  const cfg = directoryConfig({
    type: 'active-directory',
    servers: [opts.url ?? samba.url],
    transport: opts.transport,
    caFile: samba.caFile,
    bindDn: opts.bindDn ?? samba.bindDn,
    password: opts.password ?? samba.password,
    baseDn: samba.baseDn,
  });
  const t = await openProvisionTarget(cfg, { userContainer: c.users, groupContainer: c.groups });
  open.push(t);
  return t;
}

const binds = (dn: string, password: string) => bindSucceeds(samba, dn, password);

async function failure(p: Promise<unknown>): Promise<IdsyncError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IdsyncError);
  return err as IdsyncError;
}

const person = (sam: string, first = 'Grace', last = 'Hopper') => ({
  rdn: `${first} ${last} ${sam}`,
  attributes: {
    sAMAccountName: [sam],
    userPrincipalName: [`${sam}@corp.example.test`],
    givenName: [first],
    sn: [last],
    displayName: [`${first} ${last}`],
    mail: [`${sam}@corp.example.test`],
    telephoneNumber: ['+1 212 555 0100'],
    mobile: ['+1 212 555 0199'],
  },
});

const DA = (base: string) => `CN=Domain Admins,CN=Users,${base}`;

describe.skipIf(!sambaInfo)('Active Directory provisioning target (Samba AD DC)', () => {
  it('creates a user disabled, sets the password, enables, updates, renames, changes the password, disables', async () => {
    const c = await containers();
    const t = await target(c);
    const sam = uniqueName('gh');
    const u = await t.createUser(person(sam));
    expect(u).toMatchObject({ dn: `CN=Grace Hopper ${sam},${c.users}`, enabled: false, attributes: { samaccountname: [sam], sn: ['Hopper'] } });
    expect(u.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Number((await samba.get(u.dn, ['userAccountControl']))?.userAccountControl)).toBe(514);
    // The text id is the directory's objectGUID in Microsoft byte order (the harness decodes it on its own).
    expect(u.id).toBe(await samba.guid(u.dn));
    const byId = await t.findUser(u.id);
    expect(byId).toMatchObject({ id: u.id, dn: u.dn, enabled: false, attributes: { telephonenumber: ['+1 212 555 0100'] } });
    expect(byId?.protectedReason).toBeUndefined();
    expect(await t.findUserByName(sam)).toEqual(byId);

    const pw1 = 'Flow-Matic-1959';
    await t.setPassword(u.dn, pw1);
    expect(await binds(u.dn, pw1)).toBe(false); // still disabled
    await t.setEnabled(u.dn, true);
    expect(await binds(u.dn, pw1)).toBe(true);
    // Only ACCOUNTDISABLE moved: NORMAL_ACCOUNT stays.
    expect(Number((await samba.get(u.dn, ['userAccountControl']))?.userAccountControl)).toBe(512);

    await t.modify(u.dn, [
      { attribute: 'displayName', values: ['Rear Admiral Hopper'] },
      { attribute: 'mobile', values: [] },
    ]);
    const newSam = uniqueName('gmh');
    const renamed = await t.rename(u.dn, `Grace M. Hopper ${newSam}`);
    expect(renamed).toBe(`CN=Grace M. Hopper ${newSam},${c.users}`);
    await t.modify(renamed, [{ attribute: 'sAMAccountName', values: [newSam] }]);
    const after = await t.findUser(u.id);
    expect(after).toMatchObject({ dn: renamed, enabled: true, attributes: { displayname: ['Rear Admiral Hopper'], samaccountname: [newSam] } });
    expect(after?.attributes.mobile).toBeUndefined();
    expect(await t.findUserByName(sam)).toBeUndefined();

    const pw2 = 'Cobol-Compiler-1960';
    await t.setPassword(renamed, pw2);
    expect(await binds(renamed, pw1)).toBe(false);
    expect(await binds(renamed, pw2)).toBe(true);

    await t.setEnabled(renamed, false);
    expect(await binds(renamed, pw2)).toBe(false);
    expect((await t.findUser(u.id))?.enabled).toBe(false);
  });

  it('answers undefined for an id that no longer exists, and a conflict for a sAMAccountName in use elsewhere', async () => {
    const c = await containers();
    const t = await target(c);
    expect(await t.findUser('0badc0de-0000-4000-8000-000000000000')).toBeUndefined();
    const sam = uniqueName('dup');
    await samba.addUser({ ou: c.ou, sam, givenName: 'Else', sn: 'Where' });
    const e = await failure(t.createUser(person(sam)));
    expect(e.code).toBe('PROVISION_CONFLICT');
    expect((await t.findUserByName(sam))?.protectedReason).toBe(`outside the user container ${c.users}`);
  });

  it('looks several sAMAccountNames up at once, answering for each what findUserByName answers', async () => {
    const c = await containers();
    const t = await target(c);
    const mine = await t.createUser(person(uniqueName('mine')));
    const mineSam = mine.attributes.samaccountname[0];
    const theirs = uniqueName('theirs');
    await samba.addUser({ ou: c.ou, sam: theirs, givenName: 'Else', sn: 'Where' });
    const absent = uniqueName('absent');
    const found = await t.findUsersByName!([mineSam.toUpperCase(), theirs, absent]);
    expect(found.get(mineSam.toLowerCase())).toEqual(await t.findUserByName(mineSam));
    expect(found.get(theirs.toLowerCase())).toEqual(await t.findUserByName(theirs));
    expect(found.get(theirs.toLowerCase())?.protectedReason).toBe(`outside the user container ${c.users}`);
    expect(found.has(absent.toLowerCase())).toBe(true);
    expect(found.get(absent.toLowerCase())).toBeUndefined();
  });

  it('sets the password and enables a new user in one write when asked', async () => {
    const c = await containers();
    const t = await target(c);
    const u = await t.createUser(person(uniqueName('one')));
    await t.setPassword(u.dn, 'Both-At-Once-1', { enable: true });
    expect(Number((await samba.get(u.dn, ['userAccountControl']))?.userAccountControl)).toBe(512);
    expect(await binds(u.dn, 'Both-At-Once-1')).toBe(true);
    expect((await t.findUser(u.id))?.enabled).toBe(true);
  });

  it('refuses a user without a first or last name before sending anything', async () => {
    const c = await containers();
    const t = await target(c);
    const p = person(uniqueName('nn'));
    const e = await failure(t.createUser({ ...p, attributes: { ...p.attributes, givenName: [] } }));
    expect(e).toMatchObject({ code: 'PROVISION_INVALID', message: expect.stringMatching(/needs a first name and a last name \(missing givenName\)/) });
    expect(await samba.search(c.users, '(objectClass=user)', ['1.1'], 'one')).toEqual([]);
  });

  it('creates a global security group and changes its membership in one modify', async () => {
    const c = await containers();
    const t = await target(c);
    const a = await t.createUser(person(uniqueName('ga')));
    const b = await t.createUser(person(uniqueName('gb')));
    const name = uniqueName('Eng');
    const g = await t.createGroup({ rdn: name, attributes: { sAMAccountName: [name], description: ['by idsync'] }, members: [a.dn] });
    expect(g).toMatchObject({ dn: `CN=${name},${c.groups}`, attributes: { member: [a.dn] } });
    expect(Number((await samba.get(g.dn, ['groupType']))?.groupType)).toBe(0x80000002 | 0);
    await t.changeMembers(g.dn, [b.dn, a.dn], [a.dn]);
    expect((await t.findGroup(g.id))?.attributes.member).toEqual([b.dn]);
    await t.changeMembers(g.dn, [a.dn], [b.dn]);
    expect(await t.findGroupByName(name)).toMatchObject({ id: g.id, attributes: { member: [a.dn] } });
    expect((await t.findGroup(g.id))?.protectedReason).toBeUndefined();
  });

  it('never touches an adminCount=1 account, a member of Domain Admins through nesting, or a privileged group', async () => {
    const c = await containers();
    const t = await target(c);
    const held = uniqueName('ac');
    const heldDn = await samba.addUser({ ou: c.users, sam: held, givenName: 'Ad', sn: 'Min', extra: { adminCount: '1' } });
    expect((await t.findUserByName(held))?.protectedReason).toMatch(/adminCount=1/);
    for (const op of [t.setPassword(heldDn, 'Strong-Enough-1'), t.modify(heldDn, [{ attribute: 'mail', values: ['x@y.z'] }]), t.setEnabled(heldDn, false)]) {
      expect(await failure(op)).toMatchObject({ code: 'PROVISION_PROTECTED', message: expect.stringContaining('adminCount=1') });
    }

    // In our user container, a member of a group (elsewhere) that is itself a member of Domain Admins.
    const nested = uniqueName('da');
    const nestedDn = await samba.addUser({ ou: c.users, sam: nested, givenName: 'Nest', sn: 'Ed' });
    const ops = await samba.addGroup({ ou: c.ou, name: uniqueName('Ops'), members: [nestedDn] });
    // And in our group container, a group nested in Domain Admins: adding a user to it is refused.
    const privileged = await t.createGroup({ rdn: uniqueName('Priv'), attributes: {}, members: [] });
    await samba.addMembers(DA(samba.baseDn), [ops, privileged.dn]);
    try {
      const found = await t.findUserByName(nested);
      expect(found?.protectedReason).toMatch(/^a member of Domain Admins \(S-1-5-21-[\d-]+-512\), directly or through nested groups$/);
      expect(await failure(t.setEnabled(nestedDn, false))).toMatchObject({ code: 'PROVISION_PROTECTED' });
      expect(await failure(t.setPassword(nestedDn, 'Strong-Enough-1'))).toMatchObject({ code: 'PROVISION_PROTECTED' });
      expect((await t.findGroup(privileged.id))?.protectedReason).toMatch(/Domain Admins/);
      const u = await t.createUser(person(uniqueName('pu')));
      expect(await failure(t.changeMembers(privileged.dn, [u.dn], []))).toMatchObject({ code: 'PROVISION_PROTECTED' });
      expect((await samba.get(privileged.dn, ['member']))?.member).toEqual([]);
    } finally {
      await samba.removeMembers(DA(samba.baseDn), [ops, privileged.dn]);
    }
    // A primary group never shows in member/memberOf (AD turns the link into primaryGroupID): it is checked on its own.
    const primary = uniqueName('pg');
    const primaryDn = await samba.addUser({ ou: c.users, sam: primary, givenName: 'Pri', sn: 'Mary' });
    await samba.setPrimaryGroup(primaryDn, DA(samba.baseDn));
    try {
      expect((await samba.get(DA(samba.baseDn), ['member']))?.member).not.toContain(primaryDn);
      expect((await t.findUserByName(primary))?.protectedReason).toMatch(/^its primary group is Domain Admins/);
    } finally {
      await samba.addMembers(`CN=Domain Users,CN=Users,${samba.baseDn}`, [primaryDn], { ignoreExisting: true });
      await samba.modify(primaryDn, 'primaryGroupID', '513');
      await samba.removeMembers(DA(samba.baseDn), [primaryDn]);
    }
    // Domain Admins itself is found by name, and outside the containers.
    expect((await t.findGroupByName('Domain Admins'))?.protectedReason).toBe(`outside the group container ${c.groups}`);
    // The privileged groups are found by SID, not by name.
    const sid = sidToString((await samba.get(DA(samba.baseDn), ['objectSid'], ['objectSid']))?.objectSid as Buffer);
    expect(sid).toMatch(/-512$/);
  });

  it('refuses a password over plain LDAP before sending it', async () => {
    const c = await containers();
    const admin = await target(c);
    const u = await admin.createUser(person(uniqueName('pl')));
    await admin.setPassword(u.dn, 'First-Password-1');
    await admin.setEnabled(u.dn, true);
    // The harness's DC accepts clear simple binds (require strong auth = no), and would take the password too.
    const clear = await target(c, { url: samba.clearUrl, transport: 'clear' });
    const e = await failure(clear.setPassword(u.dn, 'Never-Sent-2'));
    expect(e.code).toBe('PROVISION_INSECURE');
    expect(e.message).not.toContain('Never-Sent-2');
    expect(await binds(u.dn, 'Never-Sent-2')).toBe(false);
    expect(await binds(u.dn, 'First-Password-1')).toBe(true);
    // The same port upgraded with StartTLS (verified against the CA) is encrypted: the password goes.
    const upgraded = await target(c, { url: samba.clearUrl, transport: 'starttls' });
    await upgraded.setPassword(u.dn, 'Over-StartTLS-3');
    expect(await binds(u.dn, 'Over-StartTLS-3')).toBe(true);
  });

  it("refuses a weak password with the domain policy's rule, before sending and when the DC refuses", async () => {
    const c = await containers();
    const t = await target(c);
    const sam = uniqueName('wk');
    const u = await t.createUser(person(sam, 'Weak', 'Passwordson'));
    expect(await t.passwordPolicy()).toEqual({ minLength: 7, complexity: true, historyLength: 24 });
    const cases: Array<[string, string]> = [
      ['Ab1!', 'at least 7 characters'],
      ['alllowercase', 'needs 3 of 4 character classes'],
      [`X1!${sam}`, 'must not contain the account name'],
    ];
    for (const [pw, rule] of cases) {
      const e = await failure(t.setPassword(u.dn, pw));
      expect(e).toMatchObject({ code: 'PROVISION_PASSWORD_POLICY', message: expect.stringContaining(rule) });
      expect(e.message).not.toContain(pw);
    }
    // The domain's policy changes after the target read it: the DC's own refusal (0000052D) is decoded into the same words.
    await samba.modify(samba.baseDn, 'minPwdLength', '20');
    try {
      // Asked to enable in the same write: the refusal leaves the account disabled (one atomic modify).
      const e = await failure(t.setPassword(u.dn, 'Twelve-Chars', { enable: true }));
      expect(e).toMatchObject({ code: 'PROVISION_PASSWORD_POLICY', message: expect.stringMatching(/refused by the password policy: at least 20 characters$/) });
      expect(Number((await samba.get(u.dn, ['userAccountControl']))?.userAccountControl)).toBe(514);
      // Neither the message nor what it carries holds the password.
      expect(`${e.message} ${String(e.cause)} ${JSON.stringify(e)}`).not.toContain('Twelve-Chars');
    } finally {
      await samba.modify(samba.baseDn, 'minPwdLength', '7');
    }
  });

  it('creates a user with its password and enabled in one atomic add, and a refused password creates nothing', async () => {
    const c = await containers();
    const t = await target(c);
    expect(t.createUserWithPassword).toBeDefined();
    const conn = (t as ActiveDirectoryTarget).connection;
    const writes: string[] = [];
    for (const op of ['add', 'modify'] as const) {
      const real = conn[op].bind(conn) as (...a: unknown[]) => Promise<void>;
      (conn as unknown as Record<string, unknown>)[op] = (dn: string, ...rest: unknown[]) => {
        writes.push(`${op} ${dn}`);
        return real(dn, ...rest);
      };
    }
    const sam = uniqueName('one').slice(0, 20);
    const u = await t.createUserWithPassword!(person(sam), 'One-Add-Only-1', { enable: true });
    expect(writes).toEqual([`add ${u.dn}`]);
    expect(u).toMatchObject({ enabled: true, attributes: { samaccountname: [sam] } });
    expect(await binds(u.dn, 'One-Add-Only-1')).toBe(true);
    expect(Number((await samba.get(u.dn, ['userAccountControl']))?.userAccountControl)).toBe(512);
    // Not asked to enable: created with its password, disabled.
    const off = await t.createUserWithPassword!(person(uniqueName('off').slice(0, 20)), 'One-Add-Off-2', {});
    expect(off.enabled).toBe(false);
    expect(await binds(off.dn, 'One-Add-Off-2')).toBe(false);
    // Refused before sending (policy read from the domain), and by the DC itself once the policy moved: nothing is created either way.
    const weak = person(uniqueName('weak').slice(0, 20));
    expect(await failure(t.createUserWithPassword!(weak, 'short', { enable: true }))).toMatchObject({ code: 'PROVISION_PASSWORD_POLICY' });
    await samba.modify(samba.baseDn, 'minPwdLength', '20');
    try {
      const refused = person(uniqueName('ref').slice(0, 20));
      const e = await failure(t.createUserWithPassword!(refused, 'Twelve-Chars', { enable: true }));
      expect(e).toMatchObject({ code: 'PROVISION_PASSWORD_POLICY', message: expect.stringContaining('at least 20 characters') });
      expect(`${e.message} ${String(e.cause)} ${JSON.stringify(e)}`).not.toContain('Twelve-Chars');
      expect(await t.findUserByName(refused.attributes.sAMAccountName[0])).toBeUndefined();
    } finally {
      await samba.modify(samba.baseDn, 'minPwdLength', '7');
    }
    expect(await t.findUserByName(weak.attributes.sAMAccountName[0])).toBeUndefined();
  });

  it('checks the rights of the service account on the containers and names the missing one', async () => {
    const c = await containers();
    const everything = (x: Containers) => [
      `create user accounts in ${x.users}`,
      `manage user accounts in ${x.users}`,
      `read all user information in ${x.users}`,
      `reset user passwords in ${x.users}`,
      `delete user accounts in ${x.users}`,
      `create groups in ${x.groups}`,
      `manage groups in ${x.groups}`,
      `modify group membership in ${x.groups}`,
      `delete groups in ${x.groups}`,
    ];
    const admin = await (await target(c)).checkRights();
    expect(admin.map((r) => r.right)).toEqual(everything(c));
    expect(admin.filter((r) => !r.ok)).toEqual([]);
    expect(await samba.search(c.ou, '(sAMAccountName=idsyncprobe*)', ['1.1'])).toEqual([]);

    // Delegation of Control as the wizard grants it: create/delete users and groups in the OU, full control of them.
    const svc = async (name: string) => {
      const sam = uniqueName(name);
      const dn = await samba.addUser({ ou: c.ou, sam, givenName: 'Svc', sn: name, password: 'Svc!Passw0rd#1' });
      const sid = sidToString((await samba.get(dn, ['objectSid'], ['objectSid']))?.objectSid as Buffer);
      return { upn: `${sam}@corp.example.test`, sid };
    };
    const delegate = async (container: string, sid: string, classGuid: string) => {
      for (const sddl of [`(OA;CI;CCDC;${classGuid};;${sid})`, `(OA;CIIO;GA;;${classGuid};${sid})`]) {
        await run('samba-tool', ['dsacl', 'set', '-H', samba.samDbPath, `--configfile=${samba.info.smbConf}`, '--objectdn', container, '--sddl', sddl], {
          timeoutMs: 60_000,
        });
      }
    };
    const USER = 'bf967aba-0de6-11d0-a285-00aa003049e2';
    const GROUP = 'bf967a9c-0de6-11d0-a285-00aa003049e2';
    const full = await svc('full');
    await delegate(c.users, full.sid, USER);
    await delegate(c.groups, full.sid, GROUP);
    const delegated = await (await target(c, { bindDn: full.upn, password: 'Svc!Passw0rd#1' })).checkRights();
    expect(delegated.filter((r) => !r.ok)).toEqual([]);

    const usersOnly = await svc('half');
    await delegate(c.users, usersOnly.sid, USER);
    const half = await (await target(c, { bindDn: usersOnly.upn, password: 'Svc!Passw0rd#1' })).checkRights();
    expect(half.filter((r) => !r.ok).map((r) => r.right)).toEqual(everything(c).slice(5));
    expect(half.find((r) => !r.ok)).toMatchObject({ right: `create groups in ${c.groups}`, detail: expect.stringContaining('allowedChildClassesEffective') });

    const none = await svc('none');
    const nothing = await (await target(c, { bindDn: none.upn, password: 'Svc!Passw0rd#1' })).checkRights();
    expect(nothing.every((r) => !r.ok)).toBe(true);
    expect(nothing[0]).toMatchObject({ right: `create user accounts in ${c.users}`, ok: false });
  });
});

import { describe, expect, it } from 'vitest';
import { resolveProvisioning } from '../config/provisioning.js';
import { Secret } from '../secret.js';
import type { ExportRecord } from '../store/provisioning.js';
import { desiredGroup, desiredUser } from './desired.js';
import { describePlan, planGroup, planUser, type PasswordCheck } from './plan.js';
import type { ProvisionUser } from './select.js';
import type { TargetEntry } from './target.js';

const AD = resolveProvisioning(
  { userContainer: 'OU=Staff,DC=corp,DC=test', groupContainer: 'OU=Groups,DC=corp,DC=test', users: 'all-local', groups: [], attributes: {}, passwords: true },
  'active-directory',
  'DC=corp,DC=test',
  'directories[0]',
);
const LDAP = resolveProvisioning(
  { userContainer: 'ou=people,dc=ex,dc=test', groupContainer: 'ou=groups,dc=ex,dc=test', users: 'all-local', groups: 'all', attributes: {}, passwords: true },
  'openldap',
  'dc=ex,dc=test',
  'directories[0]',
);

const ann: ProvisionUser = {
  id: 1,
  username: 'ann',
  status: 'active',
  directoryId: null,
  fullName: 'Ann Smith',
  firstName: 'Ann',
  lastName: 'Smith',
  email: 'ann@corp.test',
  phones: ['+441234567890'],
};
const bound = (u: ProvisionUser = ann, cfg = AD) => desiredUser({ kind: 'export', user: u }, u.id, cfg);
const record = (r: Partial<ExportRecord>): ExportRecord => ({
  directoryId: 1,
  kind: 'user',
  objectId: 1,
  state: 'exported',
  targetId: null,
  targetDn: null,
  exportedHash: null,
  code: null,
  reason: null,
  permanent: false,
  updatedAt: '2026-12-03T00:00:00Z',
  ...r,
});
const entry = (e: Partial<TargetEntry> & { dn: string }): TargetEntry => ({ id: 'g-1', attributes: {}, enabled: true, ...e });
const o = { cfg: AD, directory: 'corp' };

describe('planUser (issue 12)', () => {
  it('creates a new AD user disabled, with the export map, then sets the password, then enables it', () => {
    const p = planUser({ desired: bound() }, { ...o, password: new Secret('S3cret!pass') });
    expect(p.outcome).toBeUndefined();
    expect(p.changes.map((c) => c.kind)).toEqual(['user.create', 'user.password', 'user.enable']);
    expect(p.changes[0]).toEqual({
      kind: 'user.create',
      rdn: 'Ann Smith',
      dn: 'cn=Ann Smith,OU=Staff,DC=corp,DC=test',
      attributes: {
        displayName: ['Ann Smith'],
        givenName: ['Ann'],
        sn: ['Smith'],
        mail: ['ann@corp.test'],
        telephoneNumber: ['+441234567890'],
        userPrincipalName: ['ann@corp.test'],
        sAMAccountName: ['ann'],
      },
    });
    expect(p.dn).toBe('cn=Ann Smith,OU=Staff,DC=corp,DC=test');
    // The password is never part of a plan, nor of what a dry run prints.
    expect(JSON.stringify(p)).not.toContain('S3cret');
    expect(describePlan(p).join('\n')).not.toContain('S3cret');
    expect(describePlan(p).join('\n')).toContain('sAMAccountName: "ann"');
  });

  it("takes CN=<name> (<username>) as the user's own name: no rename back, and a create that landed there is its own", () => {
    const twin = 'CN=Ann Smith (ann),OU=Staff,DC=corp,DC=test';
    const current = entry({ dn: twin, attributes: { displayname: ['Ann Smith'], samaccountname: ['ann'] } });
    const kinds = planUser({ desired: bound(), current, record: record({ targetId: 'g-1' }) }, o).changes.map((c) => c.kind);
    expect(kinds).not.toContain('user.rename');
    // Another person's disambiguation is not ours to keep: a user renamed to Ann Smith moves off "Ann Smith (bob)".
    const other = entry({ dn: 'CN=Ann Smith (bob),OU=Staff,DC=corp,DC=test' });
    expect(planUser({ desired: bound(), current: other, record: record({ targetId: 'g-1' }) }, o).changes[0]).toMatchObject({ kind: 'user.rename' });
    // Killed between the create at the twin and its record: the record holds the first DN and no id.
    const pending = record({ state: 'pending', targetDn: 'cn=Ann Smith,OU=Staff,DC=corp,DC=test' });
    const p = planUser({ desired: bound(), byName: entry({ id: 'g-9', dn: twin }), record: pending }, o);
    expect(p.outcome).toBeUndefined();
    expect(p.entry?.id).toBe('g-9');
    // Found by name anywhere else, it stays a conflict.
    const elsewhere = planUser({ desired: bound(), byName: entry({ id: 'g-9', dn: 'CN=Ann Smith (ann),OU=Other,DC=corp,DC=test' }), record: pending }, o);
    expect(elsewhere.outcome?.code).toBe('PROVISION_CONFLICT');
  });

  it('without a waiting password (or with passwords off) creates and enables without one', () => {
    expect(planUser({ desired: bound() }, o).changes.map((c) => c.kind)).toEqual(['user.create', 'user.enable']);
    const off = { ...AD, passwords: false };
    expect(planUser({ desired: bound() }, { cfg: off, directory: 'corp', password: new Secret('x') }).changes.map((c) => c.kind)).toEqual([
      'user.create',
      'user.enable',
    ]);
  });

  it('refuses an AD user without first or last name (PROVISION_INVALID), before anything is sent', () => {
    const p = planUser({ desired: bound({ ...ann, firstName: null, lastName: null }) }, o);
    expect(p.changes).toEqual([]);
    expect(p.outcome).toMatchObject({
      kind: 'invalid',
      code: 'PROVISION_INVALID',
      message: 'user "ann" needs a first name and a last name for this directory',
    });
    // OpenLDAP takes the username for the cn and sn inetOrgPerson requires.
    const l = planUser({ desired: bound({ ...ann, fullName: null, firstName: null, lastName: null }, LDAP) }, { cfg: LDAP, directory: 'ldap' });
    expect(l.changes[0]).toMatchObject({ kind: 'user.create', dn: 'uid=ann,ou=people,dc=ex,dc=test', attributes: { cn: ['ann'], sn: ['ann'], uid: ['ann'] } });
  });

  it('checks the password against the policy before sending, naming the rule', () => {
    const check: PasswordCheck = (pw, policy) => (pw.length < policy.minLength ? `needs at least ${policy.minLength} characters` : undefined);
    const p = planUser(
      { desired: bound() },
      { ...o, password: new Secret('short'), policy: { minLength: 8, complexity: true, historyLength: 0 }, checkPassword: check },
    );
    expect(p.changes).toEqual([]);
    expect(p.outcome).toMatchObject({ code: 'PROVISION_PASSWORD_POLICY', message: expect.stringContaining('needs at least 8 characters') });
    expect(p.outcome?.message).not.toContain('short');
  });

  it('calls an unmanaged account of the same name a conflict, and a protected one refused', () => {
    const other = entry({ id: 'x', dn: 'CN=Ann,OU=Staff,DC=corp,DC=test', attributes: { samaccountname: ['ann'] } });
    const c = planUser({ desired: bound(), byName: other }, o);
    expect(c.changes).toEqual([]);
    expect(c.outcome).toMatchObject({ kind: 'conflict', code: 'PROVISION_CONFLICT', dn: other.dn });
    expect(c.outcome?.message).toContain('idsync users adopt ann --directory corp');
    const admin = { ...other, protectedReason: 'adminCount=1' };
    expect(planUser({ desired: bound(), byName: admin }, o).outcome).toMatchObject({ kind: 'refused', code: 'PROVISION_PROTECTED' });
    // Even when idsync exported it before (someone made it a Domain Admin since).
    const mine = { ...other, protectedReason: 'member of Domain Admins' };
    expect(planUser({ desired: bound(), current: mine, record: record({ targetId: 'x' }) }, o).outcome).toMatchObject({ code: 'PROVISION_PROTECTED' });
  });

  it('after a crash between create and record, takes the object at the recorded DN as its own', () => {
    const left = entry({ id: 'new', dn: 'CN=Ann Smith,OU=Staff,DC=corp,DC=test', enabled: false, attributes: { samaccountname: ['ann'] } });
    const pending = record({ state: 'pending', targetDn: 'cn=ann smith,ou=staff,dc=corp,dc=test' });
    const p = planUser({ desired: bound(), record: pending, byName: left }, { ...o, password: new Secret('S3cret!pass') });
    expect(p.outcome).toBeUndefined();
    expect(p.entry?.id).toBe('new');
    expect(p.changes.map((c) => c.kind)).toEqual(['user.update', 'user.password', 'user.enable']);
    // An object of that name elsewhere is still somebody else's.
    const elsewhere = { ...left, dn: 'CN=Ann Smith,OU=Other,DC=corp,DC=test' };
    expect(planUser({ desired: bound(), record: pending, byName: elsewhere }, o).outcome?.code).toBe('PROVISION_CONFLICT');
  });

  it('updates attribute by attribute (from → to), clears what the store no longer has, renames with the username', () => {
    const current = entry({
      dn: 'uid=ann,ou=people,dc=ex,dc=test',
      attributes: { uid: ['ann'], cn: ['Ann Smith'], displayname: ['Ann Smith'], givenname: ['Ann'], sn: ['Smith'], mail: ['old@ex.test'], mobile: ['+1555'] },
    });
    const d = bound({ ...ann, username: 'annie', email: 'ann@ex.test' }, LDAP);
    const p = planUser({ desired: d, current, record: record({ targetId: 'g-1' }) }, { cfg: LDAP, directory: 'ldap' });
    expect(p.changes).toEqual([
      { kind: 'user.rename', from: 'ann', to: 'annie' },
      {
        kind: 'user.update',
        attributes: {
          mail: { from: ['old@ex.test'], to: ['ann@ex.test'] },
          telephoneNumber: { from: [], to: ['+441234567890'] },
          mobile: { from: ['+1555'], to: [] },
        },
      },
    ]);
    expect(describePlan(p)).toContain('    mail: "old@ex.test" → "ann@ex.test"');
    // Nothing to do when the directory already holds it.
    const same = entry({
      dn: 'CN=Ann Smith,OU=Staff,DC=corp,DC=test',
      attributes: Object.fromEntries(Object.entries(bound().attributes).map(([k, v]) => [k.toLowerCase(), v])),
    });
    expect(planUser({ desired: bound(), current: same, record: record({ targetId: 'g-1' }) }, o).changes).toEqual([]);
  });

  it('disables an unbound user it exported, never deletes; leaves alone one it never exported', () => {
    const unbound = desiredUser({ kind: 'unbind', user: ann, reason: 'in the trash' }, 1, AD);
    const current = entry({ dn: 'CN=Ann Smith,OU=Staff,DC=corp,DC=test' });
    expect(planUser({ desired: unbound, current, record: record({ targetId: 'g-1' }) }, o).changes).toEqual([{ kind: 'user.disable', reason: 'in the trash' }]);
    expect(planUser({ desired: unbound, current: { ...current, enabled: false }, record: record({ targetId: 'g-1' }) }, o).changes).toEqual([]);
    // A password set meanwhile reaches the disabled account, which stays disabled (it was dropped).
    const withPassword = planUser({ desired: unbound, current, record: record({ targetId: 'g-1' }) }, { ...o, password: new Secret('N3w!pass') });
    expect(withPassword.changes.map((c) => c.kind)).toEqual(['user.disable', 'user.password']);
    expect(JSON.stringify(withPassword)).not.toContain('N3w!pass');
    const never = planUser({ desired: unbound, byName: current }, o);
    expect(never.changes).toEqual([]);
    expect(never.outcome).toBeUndefined();
    // And enables it again when it comes back.
    expect(
      planUser({ desired: bound(), current: { ...current, enabled: false, attributes: {} }, record: record({ targetId: 'g-1' }) }, o).changes.at(-1),
    ).toEqual({
      kind: 'user.enable',
    });
  });
});

describe('planGroup', () => {
  const g = { group: { id: 10, name: 'eng', description: 'Engineers' }, members: [1, 2, 3] };
  const dns = new Map([
    [1, 'uid=ann,ou=people,dc=ex,dc=test'],
    [2, 'uid=bob,ou=people,dc=ex,dc=test'],
  ]);
  const desired = desiredGroup(g, LDAP, (id) => dns.get(id));
  const lo = { cfg: LDAP, directory: 'ldap' };

  it('creates a group with its exported members (members not exported yet are left out)', () => {
    const p = planGroup({ desired }, lo);
    expect(p.changes).toEqual([
      {
        kind: 'group.create',
        rdn: 'eng',
        dn: 'cn=eng,ou=groups,dc=ex,dc=test',
        attributes: { description: ['Engineers'], cn: ['eng'] },
        members: ['uid=ann,ou=people,dc=ex,dc=test', 'uid=bob,ou=people,dc=ex,dc=test'],
      },
    ]);
  });

  it('keeps the membership equal to the store: adds and removes, comparing DNs as DNs', () => {
    const current = entry({
      dn: 'cn=eng,ou=groups,dc=ex,dc=test',
      attributes: { cn: ['eng'], description: ['Engineers'], member: ['UID=ann, ou=people,dc=ex,dc=test', 'uid=zed,ou=people,dc=ex,dc=test'] },
    });
    const p = planGroup({ desired, current, record: record({ kind: 'group', targetId: 'g-1' }) }, lo);
    expect(p.changes).toEqual([{ kind: 'group.members', add: ['uid=bob,ou=people,dc=ex,dc=test'], remove: ['uid=zed,ou=people,dc=ex,dc=test'] }]);
  });

  it('refuses a protected group and calls an unmanaged one a conflict', () => {
    const other = entry({ dn: 'cn=eng,ou=groups,dc=ex,dc=test' });
    expect(planGroup({ desired, byName: other }, lo).outcome?.code).toBe('PROVISION_CONFLICT');
    expect(
      planGroup({ desired, current: { ...other, protectedReason: 'nested in Domain Admins' }, record: record({ targetId: 'g-1' }) }, lo).outcome?.code,
    ).toBe('PROVISION_PROTECTED');
  });
});

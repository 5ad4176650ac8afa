import { randomBytes } from 'node:crypto';
import type { RightCheck } from '../../provision/target.js';
import type { WriteConnection } from './connection.js';

/**
 * Checks, before any write, the rights provisioning needs on the root containers, each named as
 * the documentation names it (issue 12: Active Directory's Delegation of Control wizard tasks
 * "Create, delete, and manage user accounts", "Reset user passwords", "Read all user information",
 * "Create, delete and manage groups", "Modify the membership of a group"; OpenLDAP's ACLs).
 *
 * Active Directory computes what the bound account may do: `allowedChildClassesEffective` on a
 * container lists the classes it may create there, `allowedAttributesEffective` on an object the
 * attributes it may write (MS-ADTS 3.1.1.4.5.7 and .5.6). Checked here on Samba 4.17: an account
 * with the wizard's rights on an OU gets exactly [group, user] for the first, one without them an
 * empty list. Attributes of a user can only be asked of a user, and a password reset and a delete
 * are control rights no attribute shows, so one disabled probe account and one probe group are
 * created in the containers, asked, given a random password, and deleted. OpenLDAP has no such
 * attributes: the same probe, operation by operation, is the check.
 */

interface Probe {
  right: string;
  ok: boolean;
  detail?: string;
}

export interface RightsTarget {
  readonly userContainer: string;
  readonly groupContainer: string;
}

const AD_USER_WRITES = ['sAMAccountName', 'userPrincipalName', 'givenName', 'sn', 'displayName', 'mail', 'telephoneNumber', 'mobile', 'userAccountControl'];
const AD_GROUP_WRITES = ['sAMAccountName', 'description'];

function probeName(): string {
  // sAMAccountName: at most 20 characters.
  return `idsyncprobe${randomBytes(4).toString('hex')}`;
}

/** A random password that meets any usual policy: four classes, 32 characters. */
function probePassword(): string {
  return `Aa1!${randomBytes(21).toString('base64url')}`;
}

function refusal(err: unknown): string {
  return (err as Error).message;
}

async function attempt(right: string, op: () => Promise<unknown>): Promise<Probe> {
  try {
    await op();
    return { right, ok: true };
  } catch (err) {
    return { right, ok: false, detail: refusal(err) };
  }
}

export async function checkAdRights(conn: WriteConnection, t: RightsTarget): Promise<RightCheck[]> {
  const out: RightCheck[] = [];
  const children = async (dn: string) => (await conn.readOne(dn, ['allowedChildClassesEffective']))?.attrs.allowedchildclasseseffective;
  const plan = [
    { kind: 'user', container: t.userContainer, noun: 'user accounts' },
    { kind: 'group', container: t.groupContainer, noun: 'groups' },
  ] as const;
  for (const p of plan) {
    const classes = await children(p.container);
    if (classes === undefined && !(await conn.readOne(p.container, ['1.1']))) {
      out.push({ right: `read the ${p.kind} container ${p.container}`, ok: false, detail: 'it does not exist or this account cannot see it' });
      continue;
    }
    const canCreate = (classes ?? []).some((c) => c.toLowerCase() === p.kind);
    out.push({
      right: `create ${p.noun} in ${p.container}`,
      ok: canCreate,
      ...(canCreate ? {} : { detail: `allowedChildClassesEffective on the container does not list "${p.kind}"` }),
    });
    const rest =
      p.kind === 'user'
        ? ['manage user accounts', 'read all user information', 'reset user passwords', 'delete user accounts']
        : ['manage groups', 'modify group membership', 'delete groups'];
    if (!canCreate) {
      for (const r of rest)
        out.push({ right: `${r} in ${p.container}`, ok: false, detail: `not checked: without the right to create ${p.noun} no probe could be made` });
      continue;
    }
    out.push(...(p.kind === 'user' ? await adUserProbe(conn, p.container) : await adGroupProbe(conn, p.container)));
  }
  return out;
}

async function adUserProbe(conn: WriteConnection, container: string): Promise<RightCheck[]> {
  const name = probeName();
  const dn = `CN=${name},${container}`;
  const out: RightCheck[] = [];
  try {
    await conn.add(
      dn,
      { objectClass: ['top', 'person', 'organizationalPerson', 'user'], sAMAccountName: [name], userAccountControl: ['514'] },
      { operation: 'create the probe account' },
    );
  } catch (err) {
    return [{ right: `create user accounts in ${container}`, ok: false, detail: `creating a probe account failed: ${refusal(err)}` }];
  }
  const allowed = new Set((await conn.readOne(dn, ['allowedAttributesEffective']))?.attrs.allowedattributeseffective?.map((a) => a.toLowerCase()) ?? []);
  const missing = AD_USER_WRITES.filter((a) => !allowed.has(a.toLowerCase()));
  out.push({
    right: `manage user accounts in ${container}`,
    ok: missing.length === 0,
    ...(missing.length ? { detail: `cannot write ${missing.join(', ')}` } : {}),
  });
  const read = await conn.readOne(dn, ['sAMAccountName', 'userAccountControl', 'objectGUID'], ['objectGUID']);
  const unread = ['samaccountname', 'useraccountcontrol'].filter((a) => !read?.attrs[a]);
  if (!read?.binary.objectguid) unread.push('objectguid');
  out.push({
    right: `read all user information in ${container}`,
    ok: unread.length === 0,
    ...(unread.length ? { detail: `cannot read ${unread.join(', ')}` } : {}),
  });
  if (conn.encrypted) {
    const pw = Buffer.from(`"${probePassword()}"`, 'utf16le');
    out.push(
      await attempt(`reset user passwords in ${container}`, () =>
        conn.modify(dn, [{ operation: 'replace', attribute: 'unicodePwd', values: [pw] }], { operation: 'reset the password of the probe account' }),
      ),
    );
  } else {
    out.push({
      right: `reset user passwords in ${container}`,
      ok: false,
      detail: 'not checked: passwords are only sent over LDAPS or StartTLS, and this connection is clear',
    });
  }
  const del = await attempt(`delete user accounts in ${container}`, () => conn.del(dn, { operation: 'delete the probe account' }));
  out.push(del.ok ? del : { ...del, detail: `${del.detail}; the disabled probe account ${dn} was left behind: delete it by hand` });
  return out;
}

async function adGroupProbe(conn: WriteConnection, container: string): Promise<RightCheck[]> {
  const name = probeName();
  const dn = `CN=${name},${container}`;
  const out: RightCheck[] = [];
  try {
    await conn.add(dn, { objectClass: ['top', 'group'], sAMAccountName: [name] }, { operation: 'create the probe group' });
  } catch (err) {
    return [{ right: `create groups in ${container}`, ok: false, detail: `creating a probe group failed: ${refusal(err)}` }];
  }
  const allowed = new Set((await conn.readOne(dn, ['allowedAttributesEffective']))?.attrs.allowedattributeseffective?.map((a) => a.toLowerCase()) ?? []);
  const missing = AD_GROUP_WRITES.filter((a) => !allowed.has(a.toLowerCase()));
  out.push({ right: `manage groups in ${container}`, ok: missing.length === 0, ...(missing.length ? { detail: `cannot write ${missing.join(', ')}` } : {}) });
  out.push({
    right: `modify group membership in ${container}`,
    ok: allowed.has('member'),
    ...(allowed.has('member') ? {} : { detail: 'allowedAttributesEffective on a group does not list "member"' }),
  });
  const del = await attempt(`delete groups in ${container}`, () => conn.del(dn, { operation: 'delete the probe group' }));
  out.push(del.ok ? del : { ...del, detail: `${del.detail}; the probe group ${dn} was left behind: delete it by hand` });
  return out;
}

export interface OpenLdapProbeOps {
  userEntry(uid: string): { dn: string; attributes: Record<string, string[]> };
  groupEntry(cn: string): { dn: string; attributes: Record<string, string[]> };
  setPassword(dn: string, password: string): Promise<void>;
  setEnabled(dn: string, enabled: boolean): Promise<void>;
}

/** OpenLDAP: the harmless probe, each operation provisioning makes, once, on a probe entry deleted at the end. */
export async function checkOpenLdapRights(conn: WriteConnection, t: RightsTarget, ops: OpenLdapProbeOps): Promise<RightCheck[]> {
  const out: RightCheck[] = [];
  const user = ops.userEntry(probeName());
  const created = await attempt(`create user accounts in ${t.userContainer}`, () =>
    conn.add(user.dn, user.attributes, { operation: 'create the probe entry' }),
  );
  out.push(created);
  if (created.ok) {
    out.push(
      await attempt(`manage user accounts in ${t.userContainer}`, () =>
        conn.modify(user.dn, [{ operation: 'replace', attribute: 'displayName', values: ['idsync probe'] }], { operation: 'update the probe entry' }),
      ),
    );
    out.push(
      await attempt(`disable and enable user accounts in ${t.userContainer}`, async () => {
        await ops.setEnabled(user.dn, false);
        await ops.setEnabled(user.dn, true);
      }),
    );
    out.push(
      conn.encrypted
        ? await attempt(`reset user passwords in ${t.userContainer}`, () => ops.setPassword(user.dn, probePassword()))
        : { right: `reset user passwords in ${t.userContainer}`, ok: false, detail: 'not checked: passwords are only sent over LDAPS or StartTLS' },
    );
    const del = await attempt(`delete user accounts in ${t.userContainer}`, () => conn.del(user.dn, { operation: 'delete the probe entry' }));
    out.push(del.ok ? del : { ...del, detail: `${del.detail}; the probe entry ${user.dn} was left behind: delete it by hand` });
  }
  const group = ops.groupEntry(probeName());
  const made = await attempt(`create groups in ${t.groupContainer}`, () => conn.add(group.dn, group.attributes, { operation: 'create the probe group' }));
  out.push(made);
  if (made.ok) {
    out.push(
      await attempt(`modify group membership in ${t.groupContainer}`, () =>
        conn.modify(group.dn, [{ operation: 'add', attribute: 'member', values: [t.groupContainer] }], { operation: 'add a member to the probe group' }),
      ),
    );
    const del = await attempt(`delete groups in ${t.groupContainer}`, () => conn.del(group.dn, { operation: 'delete the probe group' }));
    out.push(del.ok ? del : { ...del, detail: `${del.detail}; the probe group ${group.dn} was left behind: delete it by hand` });
  }
  return out;
}

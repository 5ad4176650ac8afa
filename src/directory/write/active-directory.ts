import type { DirectoryConfig } from '../../config/load.js';
import { IdsyncError } from '../../errors.js';
import type { AttributeChange, NewGroup, NewUser, PasswordPolicy, ProvisionTarget, RightCheck, TargetEntry, TargetId } from '../../provision/target.js';
import { escapeDnValue, escapeFilterValue, guidToString, sidToString, UserAccountControl } from '../codecs.js';
import { AD_NEW_USER_UAC, provisioningProfileFor } from '../profiles/provisioning.js';
import { addUser, collisionTwin } from './ad-names.js';
import { WriteConnection, type ReadEntry } from './connection.js';
import { checkPassword } from './password-policy.js';
import { PrivilegedGroups, PROTECTION_ATTRIBUTES, PROTECTION_BINARY } from './protected.js';
import { checkAdRights } from './rights.js';
import {
  checkModifiable,
  exportedAttributes,
  first,
  memberDelta,
  outsideContainer,
  parentDn,
  protectedError,
  readMembers,
  RecentlyCreated,
  type TargetOptions,
} from './shared.js';

const profile = provisioningProfileFor('active-directory');
const USER_ATTRIBUTES = [
  'sAMAccountName',
  'userPrincipalName',
  'cn',
  'givenName',
  'sn',
  'displayName',
  'mail',
  'telephoneNumber',
  'mobile',
  'userAccountControl',
];
const GROUP_ATTRIBUTES = ['sAMAccountName', 'cn', 'description', 'mail', 'member'];
const INTERNAL = ['userAccountControl', 'adminCount', 'primaryGroupID'];
/** sAMAccountName holds at most 20 characters for a user (MS-SAMR 2.2.7.11; Windows refuses longer). */
const SAM_MAX = 20;
/** Usernames per search in findUsersByName: a filter of a few kilobytes. */
const NAMES_PER_SEARCH = 100;

interface DomainFacts {
  namingContext: string;
  privileged: PrivilegedGroups;
}

interface Fresh {
  username: string;
  fullName?: string;
  uac: number;
}

/**
 * Active Directory as a provisioning target (issue 12). A user is created disabled
 * (userAccountControl 514), gets its password as an administrative reset (a single replace of
 * unicodePwd with the quoted UTF-16LE value, MS-ADTS 3.1.1.3.1.5.1, only over LDAPS or StartTLS),
 * and is enabled last by the caller. Objects are found by objectGUID through `<GUID=…>` bases
 * (MS-ADTS 3.1.1.3.1.2.4). Every write to an existing object is preceded by the check that idsync
 * may touch it (protected.ts): outside the containers, adminCount=1, privileged by nesting.
 */
export class ActiveDirectoryTarget implements ProvisionTarget {
  readonly kind = 'active-directory' as const;
  readonly userContainer: string;
  readonly groupContainer: string;
  readonly #conn: WriteConnection;
  #domain?: Promise<DomainFacts>;
  #policy?: { at: number; value: PasswordPolicy };
  /** Created here within the last minute: known not privileged (nothing can have nested it yet that we would miss for long), uac known. */
  readonly #fresh = new RecentlyCreated<Fresh>(60_000);

  private constructor(conn: WriteConnection, options: TargetOptions) {
    this.#conn = conn;
    this.userContainer = options.userContainer;
    this.groupContainer = options.groupContainer;
  }

  static async open(cfg: DirectoryConfig, options: TargetOptions): Promise<ActiveDirectoryTarget> {
    return new ActiveDirectoryTarget(await WriteConnection.open(cfg), options);
  }

  get connection(): WriteConnection {
    return this.#conn;
  }

  #facts(): Promise<DomainFacts> {
    this.#domain ??= (async () => {
      const root = await this.#conn.readOne('', ['defaultNamingContext', 'rootDomainNamingContext']);
      const namingContext = first(root?.attrs.defaultnamingcontext);
      if (!namingContext)
        throw new IdsyncError('DIRECTORY_MISCONFIGURED', `${this.#conn.server.url}: the root DSE names no defaultNamingContext (is this Active Directory?)`);
      const sidOf = async (dn: string) => {
        const sid = (await this.#conn.readOne(dn, ['objectSid'], ['objectSid']))?.binary.objectsid?.[0];
        if (!sid) throw new IdsyncError('DIRECTORY_MISCONFIGURED', `${this.#conn.server.url}: cannot read the objectSid of ${dn}`);
        return sidToString(sid);
      };
      const domainSid = await sidOf(namingContext);
      const rootNc = first(root?.attrs.rootdomainnamingcontext) ?? namingContext;
      const rootSid = rootNc.toLowerCase() === namingContext.toLowerCase() ? domainSid : await sidOf(rootNc);
      return { namingContext, privileged: new PrivilegedGroups(this.#conn, domainSid, rootSid) };
    })().catch((err) => {
      this.#domain = undefined;
      throw err;
    });
    return this.#domain;
  }

  async #toEntry(e: ReadEntry, kind: 'user' | 'group'): Promise<TargetEntry> {
    const guid = e.binary.objectguid?.[0];
    if (!guid) throw new IdsyncError('DIRECTORY_OPERATION_FAILED', `${e.dn}: no objectGUID was returned (does the account lack read rights?)`);
    const out: TargetEntry = { id: guidToString(guid), dn: e.dn, attributes: exportedAttributes(e, INTERNAL) };
    if (kind === 'user') out.enabled = !(Number(first(e.attrs.useraccountcontrol) ?? '0') & UserAccountControl.ACCOUNTDISABLE);
    const reason = await this.#protectedReason(e, kind);
    if (reason) out.protectedReason = reason;
    return out;
  }

  async #protectedReason(e: ReadEntry, kind: 'user' | 'group'): Promise<string | undefined> {
    const outside = outsideContainer(e.dn, kind === 'user' ? this.userContainer : this.groupContainer, kind);
    if (outside) return outside;
    return (await this.#facts()).privileged.reason(e, kind);
  }

  async #find(base: string, filter: string, kind: 'user' | 'group'): Promise<TargetEntry | undefined> {
    const attributes = [...(kind === 'user' ? USER_ATTRIBUTES : GROUP_ATTRIBUTES), ...PROTECTION_ATTRIBUTES, 'objectGUID', ...PROTECTION_BINARY];
    const scope = base.startsWith('<GUID=') ? 'base' : 'sub';
    const { entries, truncated } = await this.#conn.read(base, { scope, filter, attributes, binary: ['objectGUID', ...PROTECTION_BINARY], sizeLimit: 2 });
    if (truncated || entries.length > 1) {
      throw new IdsyncError('PROVISION_CONFLICT', `several directory objects match ${filter} under ${base}: idsync cannot tell which one it manages`);
    }
    return entries[0] ? this.#toEntry(entries[0], kind) : undefined;
  }

  findUser(id: TargetId): Promise<TargetEntry | undefined> {
    return this.#find(`<GUID=${guidText(id)}>`, '(&(objectCategory=person)(objectClass=user))', 'user');
  }

  async findUserByName(username: string): Promise<TargetEntry | undefined> {
    const { namingContext } = await this.#facts();
    return this.#find(namingContext, `(&(objectCategory=person)(objectClass=user)(sAMAccountName=${escapeFilterValue(username)}))`, 'user');
  }

  /** One search per NAMES_PER_SEARCH names, an OR of their sAMAccountNames; a name matched more than once is left to findUserByName. */
  async findUsersByName(usernames: string[]): Promise<Map<string, TargetEntry | undefined>> {
    const { namingContext } = await this.#facts();
    const out = new Map<string, TargetEntry | undefined>();
    const attributes = [...USER_ATTRIBUTES, ...PROTECTION_ATTRIBUTES, 'objectGUID', ...PROTECTION_BINARY];
    const wanted = [...new Set(usernames.map((u) => u.toLowerCase()))];
    for (let i = 0; i < wanted.length; i += NAMES_PER_SEARCH) {
      const names = wanted.slice(i, i + NAMES_PER_SEARCH);
      const filter = `(&(objectCategory=person)(objectClass=user)(|${names.map((n) => `(sAMAccountName=${escapeFilterValue(n)})`).join('')}))`;
      const { entries, truncated } = await this.#conn.read(namingContext, {
        scope: 'sub',
        filter,
        attributes,
        binary: ['objectGUID', ...PROTECTION_BINARY],
        sizeLimit: names.length * 2 + 10,
      });
      if (truncated) continue;
      const byName = new Map<string, ReadEntry[]>(names.map((n) => [n, []]));
      for (const e of entries) for (const sam of e.attrs.samaccountname ?? []) byName.get(sam.toLowerCase())?.push(e);
      for (const [name, found] of byName) {
        if (found.length === 0) out.set(name, undefined);
        else if (found.length === 1) out.set(name, await this.#toEntry(found[0], 'user'));
      }
    }
    return out;
  }

  findGroup(id: TargetId): Promise<TargetEntry | undefined> {
    return this.#find(`<GUID=${guidText(id)}>`, '(objectClass=group)', 'group');
  }

  async findGroupByName(name: string): Promise<TargetEntry | undefined> {
    const { namingContext } = await this.#facts();
    return this.#find(namingContext, `(&(objectClass=group)(sAMAccountName=${escapeFilterValue(name)}))`, 'group');
  }

  /**
   * Reads an existing object and refuses it if idsync must not touch it; returns what was read.
   * Users and groups are told apart by objectClass, not by container (the two may be the same).
   */
  async #guard(dn: string, attributes: string[] = []): Promise<ReadEntry> {
    const e = await this.#conn.readOne(dn, ['objectClass', ...PROTECTION_ATTRIBUTES, ...attributes, ...PROTECTION_BINARY], PROTECTION_BINARY);
    if (!e) throw new IdsyncError('DIRECTORY_MISCONFIGURED', `${dn}: no such object (was it moved or deleted in the directory?)`, { where: dn });
    const kind = (e.attrs.objectclass ?? []).some((c) => c.toLowerCase() === 'group') ? 'group' : 'user';
    const reason = await this.#protectedReason(e, kind);
    if (reason) throw protectedError(dn, reason);
    return e;
  }

  async createUser(user: NewUser): Promise<TargetEntry> {
    const { dn: wanted, values, who } = this.#newUser(user);
    const dn = await addUser(this.#conn, wanted, user.rdn, who.username, { ...values, useraccountcontrol: [AD_NEW_USER_UAC] }, { operation: 'create user' });
    this.#fresh.set(dn, { ...who, uac: Number(AD_NEW_USER_UAC) });
    return this.#readBack(dn);
  }

  /**
   * The user, its password and, when asked, its enabling in one add. AD applies an add as one
   * transaction (MS-ADTS 3.1.1.5.2), so the account exists with its password or not at all: the
   * guarantee issue 12 asks of "created disabled, password, enabled last" ("a failed password
   * never leaves an enabled account without one"), in one write instead of three. That one write
   * is what `ldapadd` of the same users costs, the floor the provisioning bench sets idsync
   * against. A refused password leaves nothing behind; the next change of the user tries again.
   */
  async createUserWithPassword(user: NewUser, password: string, options: { enable?: boolean } = {}): Promise<TargetEntry> {
    const { dn: wanted, values, who } = this.#newUser(user);
    this.#refuseClearConnection(wanted);
    const policy = await this.#checkedPolicy(wanted, password, who);
    const uac = options.enable ? Number(AD_NEW_USER_UAC) & ~UserAccountControl.ACCOUNTDISABLE : Number(AD_NEW_USER_UAC);
    const dn = await addUser(
      this.#conn,
      wanted,
      user.rdn,
      who.username,
      { ...values, useraccountcontrol: [String(uac)], unicodepwd: [Buffer.from(`"${password}"`, 'utf16le')] },
      { operation: 'create user', password: true, historyLength: policy?.historyLength },
    );
    this.#fresh.set(dn, { ...who, uac });
    return this.#readBack(dn);
  }

  /** What a new user is created from, checked before anything is sent. */
  #newUser(user: NewUser): { dn: string; values: Record<string, string[]>; who: { username: string; fullName: string } } {
    const attrs = nonEmpty(user.attributes);
    const username = first(attrs.samaccountname);
    const missing = ['givenName', 'sn'].filter((a) => !attrs[a.toLowerCase()]);
    if (missing.length > 0) {
      // JumpCloud's AD integration fails such users too; say so before anything is sent (issue 12).
      throw new IdsyncError(
        'PROVISION_INVALID',
        `user "${username ?? user.rdn}": Active Directory needs a first name and a last name (missing ${missing.join(', ')})`,
      );
    }
    if (!username) throw new IdsyncError('PROVISION_INVALID', `user "${user.rdn}": no sAMAccountName (the username) to create it with`);
    if (username.length > SAM_MAX) {
      throw new IdsyncError('PROVISION_INVALID', `user "${username}": Active Directory limits sAMAccountName to ${SAM_MAX} characters`);
    }
    const dn = `${profile.user.rdnAttribute}=${escapeDnValue(user.rdn)},${this.userContainer}`;
    return { dn, values: { ...attrs, objectclass: profile.user.objectClass }, who: { username, fullName: first(attrs.displayname) ?? user.rdn } };
  }

  async #readBack(dn: string): Promise<TargetEntry> {
    const e = await this.#conn.readOne(dn, [...USER_ATTRIBUTES, 'objectGUID'], ['objectGUID']);
    if (!e) throw new IdsyncError('DIRECTORY_OPERATION_FAILED', `${dn}: created, but it cannot be read back`);
    // Just created in its container: nothing can have made it privileged yet (no protection check).
    const enabled = !(Number(first(e.attrs.useraccountcontrol) ?? '0') & UserAccountControl.ACCOUNTDISABLE);
    return { id: guidToString(e.binary.objectguid[0]), dn: e.dn, attributes: exportedAttributes(e, INTERNAL), enabled };
  }

  async modify(dn: string, changes: AttributeChange[]): Promise<void> {
    checkModifiable(dn, changes);
    const fresh = this.#fresh.get(dn);
    if (!fresh) await this.#guard(dn);
    // One modify: AD applies it atomically (RFC 4511 section 4.6).
    await this.#conn.modify(
      dn,
      changes.map((c) => ({ operation: 'replace', attribute: c.attribute, values: c.values })),
      { operation: 'update' },
    );
    if (fresh) {
      // The names a password is checked against follow the entry.
      const value = (name: string) => changes.find((c) => c.attribute.toLowerCase() === name)?.values[0];
      this.#fresh.set(dn, { ...fresh, username: value('samaccountname') ?? fresh.username, fullName: value('displayname') ?? fresh.fullName });
    }
  }

  async rename(dn: string, rdn: string): Promise<string> {
    if (!this.#fresh.get(dn)) await this.#guard(dn);
    let newRdn = `${profile.user.rdnAttribute}=${escapeDnValue(rdn)}`;
    try {
      await this.#conn.modifyRdn(dn, newRdn, { operation: 'rename' });
    } catch (err) {
      // Only users are named after a full name that someone else may hold (a group's CN is its unique name).
      const self = await this.#conn.readOne(dn, ['sAMAccountName', 'objectClass']);
      const sam = first(self?.attrs.samaccountname);
      if (!sam || !self?.attrs.objectclass?.some((c) => c.toLowerCase() === 'user')) throw err;
      const twin = await collisionTwin(this.#conn, err, `${newRdn},${parentDn(dn)}`, rdn, sam);
      newRdn = twin.slice(0, twin.length - parentDn(dn).length - 1);
      await this.#conn.modifyRdn(dn, newRdn, { operation: 'rename' });
    }
    const fresh = this.#fresh.get(dn);
    const newDn = `${newRdn},${parentDn(dn)}`;
    if (fresh) {
      this.#fresh.delete(dn);
      this.#fresh.set(newDn, fresh);
    }
    return newDn;
  }

  async setPassword(dn: string, password: string, options: { enable?: boolean } = {}): Promise<void> {
    this.#refuseClearConnection(dn);
    let who = this.#fresh.get(dn);
    if (!who) {
      const e = await this.#guard(dn, ['sAMAccountName', 'displayName', 'userAccountControl']);
      who = { username: first(e.attrs.samaccountname) ?? '', fullName: first(e.attrs.displayname), uac: Number(first(e.attrs.useraccountcontrol) ?? 0) };
    }
    const policy = await this.#checkedPolicy(dn, password, who);
    const uac = who.uac & ~UserAccountControl.ACCOUNTDISABLE;
    const enable = options.enable && uac !== who.uac ? [{ operation: 'replace' as const, attribute: 'userAccountControl', values: [String(uac)] }] : [];
    // The password first in the same modify: AD applies the changes in order, atomically.
    await this.#conn.modify(dn, [{ operation: 'replace', attribute: 'unicodePwd', values: [Buffer.from(`"${password}"`, 'utf16le')] }, ...enable], {
      operation: 'set the password of',
      password: true,
      historyLength: policy?.historyLength,
    });
    const fresh = this.#fresh.get(dn);
    if (fresh && enable.length > 0) this.#fresh.set(dn, { ...fresh, uac });
  }

  /** Checked before anything is sent: a password must never cross a clear connection. */
  #refuseClearConnection(dn: string): void {
    if (!this.#conn.encrypted) {
      throw new IdsyncError(
        'PROVISION_INSECURE',
        `${this.#conn.server.url}: a password is only sent over LDAPS or StartTLS; this connection is not encrypted (transport: clear)`,
        { where: dn },
      );
    }
  }

  /** The domain's policy, after checking the password against it (the refusal names the rule). */
  async #checkedPolicy(dn: string, password: string, who: { username: string; fullName?: string }): Promise<PasswordPolicy | undefined> {
    const policy = await this.passwordPolicy();
    const verdict = checkPassword(password, policy, who);
    if (!verdict.ok) {
      throw new IdsyncError('PROVISION_PASSWORD_POLICY', `${dn}: the password does not meet the domain's policy: ${verdict.rule} (checked before sending)`, {
        where: dn,
      });
    }
    return policy;
  }

  async setEnabled(dn: string, enabled: boolean): Promise<void> {
    const fresh = this.#fresh.get(dn);
    const uac = fresh ? fresh.uac : Number(first((await this.#guard(dn, ['userAccountControl'])).attrs.useraccountcontrol) ?? 0);
    // Only ACCOUNTDISABLE changes: the other bits (DONT_EXPIRE_PASSWD, SMARTCARD_REQUIRED…) are the administrator's.
    const next = enabled ? uac & ~UserAccountControl.ACCOUNTDISABLE : uac | UserAccountControl.ACCOUNTDISABLE;
    if (next === uac) return;
    await this.#conn.modify(dn, [{ operation: 'replace', attribute: 'userAccountControl', values: [String(next)] }], {
      operation: enabled ? 'enable' : 'disable',
    });
    if (fresh) this.#fresh.set(dn, { ...fresh, uac: next });
  }

  async createGroup(group: NewGroup): Promise<TargetEntry> {
    const attrs = nonEmpty(group.attributes);
    const dn = `${profile.group.rdnAttribute}=${escapeDnValue(group.rdn)},${this.groupContainer}`;
    const values: Record<string, string[]> = {
      ...attrs,
      samaccountname: attrs.samaccountname ?? [group.rdn],
      objectclass: profile.group.objectClass,
      ...lowerKeys(profile.group.extra),
    };
    if (group.members.length > 0) values.member = group.members;
    await this.#conn.add(dn, values, { operation: 'create group' });
    const e = await this.#conn.readOne(dn, [...GROUP_ATTRIBUTES, 'objectGUID'], ['objectGUID']);
    if (!e) throw new IdsyncError('DIRECTORY_OPERATION_FAILED', `${dn}: created, but it cannot be read back`);
    return { id: guidToString(e.binary.objectguid[0]), dn: e.dn, attributes: exportedAttributes(e, INTERNAL) };
  }

  async changeMembers(groupDn: string, add: string[], remove: string[]): Promise<void> {
    await this.#guard(groupDn);
    const delta = memberDelta(await readMembers(this.#conn, groupDn, profile.group.memberAttribute), add, remove);
    await this.#conn.modify(
      groupDn,
      [
        ...(delta.add.length > 0 ? [{ operation: 'add' as const, attribute: 'member', values: delta.add }] : []),
        ...(delta.remove.length > 0 ? [{ operation: 'delete' as const, attribute: 'member', values: delta.remove }] : []),
      ],
      { operation: 'change the members of' },
    );
  }

  /** The domain object's policy (MS-ADTS 2.2.15 / MS-SAMR DOMAIN_PASSWORD_INFORMATION), read at most once a minute. */
  async passwordPolicy(): Promise<PasswordPolicy | undefined> {
    if (this.#policy && performance.now() - this.#policy.at < 60_000) return this.#policy.value;
    const { namingContext } = await this.#facts();
    const e = await this.#conn.readOne(namingContext, ['minPwdLength', 'pwdProperties', 'pwdHistoryLength']);
    if (!e) return undefined;
    const value: PasswordPolicy = {
      minLength: Number(first(e.attrs.minpwdlength) ?? 0),
      // DOMAIN_PASSWORD_COMPLEX, bit 0 of pwdProperties.
      complexity: (Number(first(e.attrs.pwdproperties) ?? 0) & 1) === 1,
      historyLength: Number(first(e.attrs.pwdhistorylength) ?? 0),
    };
    this.#policy = { at: performance.now(), value };
    return value;
  }

  checkRights(): Promise<RightCheck[]> {
    return checkAdRights(this.#conn, this);
  }

  async close(): Promise<void> {
    await this.#conn.close();
  }
}

function guidText(id: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new IdsyncError('PROVISION_INVALID', `not an objectGUID: ${id}`);
  return id.toLowerCase();
}

function lowerKeys(attrs: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k.toLowerCase(), v]));
}

function nonEmpty(attrs: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(attrs)
      .map(([k, v]) => [k.toLowerCase(), v.filter((x) => x !== '')] as const)
      .filter(([, v]) => v.length > 0),
  );
}

import type { DirectoryConfig } from '../../config/load.js';
import { IdsyncError } from '../../errors.js';
import type { AttributeChange, NewGroup, NewUser, PasswordPolicy, ProvisionTarget, RightCheck, TargetEntry, TargetId } from '../../provision/target.js';
import { dnKey, escapeDnValue, escapeFilterValue } from '../codecs.js';
import { provisioningProfileFor, type DisableMethod } from '../profiles/provisioning.js';
import { WriteConnection, type ReadEntry } from './connection.js';
import { checkPassword } from './password-policy.js';
import {
  clearPasswordError,
  hashedAsStored,
  keepsClearPasswords,
  markKeepsClearPasswords,
  PASSWORD_MODIFY_OID,
  passwordModifyRequest,
} from './openldap-passwords.js';
import { PostReadControl } from './post-read.js';
import { checkOpenLdapRights } from './rights.js';
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

const profile = provisioningProfileFor('openldap');
const USER_ATTRIBUTES = ['uid', 'cn', 'sn', 'givenName', 'displayName', 'mail', 'telephoneNumber', 'mobile', 'description'];
const GROUP_ATTRIBUTES = ['cn', 'description', 'member'];
/** Usernames per search in findUsersByName: a filter of a few kilobytes. */
const NAMES_PER_SEARCH = 100;
export interface OpenLdapTargetOptions extends TargetOptions {
  /** How an account is disabled; default ppolicy's pwdAccountLockedTime: 000001010000Z (profiles/provisioning.ts). */
  disable?: DisableMethod;
  /** Send passwords over a clear connection all the same: only when the configuration says so explicitly. */
  allowInsecurePasswords?: boolean;
  /** The server hashes a clear userPassword in an add (provisioning.serverHashesPasswords): createUserWithPassword exists. */
  serverHashesPasswords?: boolean;
}

/**
 * OpenLDAP as a provisioning target (issue 12): inetOrgPerson users named by uid, groupOfNames
 * groups (with a placeholder member while empty), entryUUID (RFC 4530) as the id, passwords by the
 * Password Modify extended operation, and a configurable mark for a disabled account. What idsync
 * must not touch is what lies outside its containers: OpenLDAP has no adminCount.
 */
export class OpenLdapTarget implements ProvisionTarget {
  readonly kind = 'openldap' as const;
  readonly userContainer: string;
  readonly groupContainer: string;
  readonly #conn: WriteConnection;
  readonly #disable: Extract<DisableMethod, { kind: 'attribute' }>;
  readonly #allowInsecure: boolean;
  readonly #fallbackBase: string;
  #base?: Promise<string>;
  #policy?: { at: number; value: PasswordPolicy | undefined };
  /** Created here (disabled) within the last minute and not enabled since: no need to read the mark. */
  readonly #fresh = new RecentlyCreated<true>(60_000);
  /**
   * Whether this server removes ppolicy's lock with a password change, as slapd 2.5's ppolicy does:
   * learned from the first new user's read after its password, then trusted for this connection's
   * server (by URL: a failover to another server learns again), so a bulk export spends no search
   * per user on it (issue 12, within 1.5× of ldapadd). Unknown or false: read as before.
   */
  readonly #lockClearedByPassword = new Map<string, boolean>();

  private constructor(conn: WriteConnection, cfg: DirectoryConfig, options: OpenLdapTargetOptions) {
    this.#conn = conn;
    this.userContainer = options.userContainer;
    this.groupContainer = options.groupContainer;
    const disable = options.disable ?? profile.disable;
    if (disable.kind !== 'attribute') throw new IdsyncError('CONFIG_INVALID', `OpenLDAP accounts are disabled through an attribute, not "${disable.kind}"`);
    this.#disable = disable;
    this.#allowInsecure = options.allowInsecurePasswords === true;
    this.#fallbackBase = cfg.baseDn;
    if (options.serverHashesPasswords) this.createUserWithPassword = (user, password, o) => this.#createWithPassword(user, password, o ?? {});
  }

  /** Only with serverHashesPasswords (ProvisionTarget.createUserWithPassword). */
  readonly createUserWithPassword?: (user: NewUser, password: string, options?: { enable?: boolean }) => Promise<TargetEntry>;
  /** Servers whose first new user's password was read back hashed. */
  readonly #hashesChecked = new Set<string>();

  static async open(cfg: DirectoryConfig, options: OpenLdapTargetOptions): Promise<OpenLdapTarget> {
    return new OpenLdapTarget(await WriteConnection.open(cfg), cfg, options);
  }

  get connection(): WriteConnection {
    return this.#conn;
  }

  /** The naming context holding the user container (root DSE namingContexts, RFC 4512 section 5.1), where ids and names are looked up. */
  #namingContext(): Promise<string> {
    this.#base ??= (async () => {
      const contexts = (await this.#conn.readOne('', ['namingContexts']))?.attrs.namingcontexts ?? [];
      const container = dnKey(this.userContainer);
      return contexts.find((c) => container === dnKey(c) || container.endsWith(`,${dnKey(c)}`)) ?? this.#fallbackBase;
    })();
    return this.#base;
  }

  #toEntry(e: ReadEntry, kind: 'user' | 'group'): TargetEntry {
    const id = first(e.attrs.entryuuid)?.toLowerCase();
    if (!id) throw new IdsyncError('DIRECTORY_OPERATION_FAILED', `${e.dn}: no entryUUID was returned`);
    const attributes = exportedAttributes(e, ['entryUUID', this.#disable.attribute, 'objectClass']);
    if (attributes.member) attributes.member = attributes.member.filter((m) => dnKey(m) !== profile.placeholderMember);
    const out: TargetEntry = { id, dn: e.dn, attributes };
    if (kind === 'user') out.enabled = !(e.attrs[this.#disable.attribute.toLowerCase()] ?? []).includes(this.#disable.value);
    const reason = outsideContainer(e.dn, kind === 'user' ? this.userContainer : this.groupContainer, kind);
    if (reason) out.protectedReason = reason;
    return out;
  }

  async #find(filter: string, kind: 'user' | 'group'): Promise<TargetEntry | undefined> {
    const attributes = [...(kind === 'user' ? USER_ATTRIBUTES : GROUP_ATTRIBUTES), 'entryUUID', ...(kind === 'user' ? [this.#disable.attribute] : [])];
    const { entries, truncated } = await this.#conn.read(await this.#namingContext(), { scope: 'sub', filter, attributes, sizeLimit: 10 });
    if (truncated) throw new IdsyncError('PROVISION_CONFLICT', `more than 10 entries match ${filter}: idsync cannot tell which one it manages`);
    if (entries.length === 0) return undefined;
    // A uid or cn is unique only by convention: the one in idsync's own container wins, then the only one.
    const container = kind === 'user' ? this.userContainer : this.groupContainer;
    const inside = entries.filter((e) => !outsideContainer(e.dn, container, kind));
    if (inside.length === 1 || entries.length === 1) return this.#toEntry(inside[0] ?? entries[0], kind);
    throw new IdsyncError('PROVISION_CONFLICT', `several entries match ${filter}: ${entries.map((e) => e.dn).join('; ')}`);
  }

  findUser(id: TargetId): Promise<TargetEntry | undefined> {
    return this.#find(`(&(objectClass=inetOrgPerson)(entryUUID=${escapeFilterValue(id)}))`, 'user');
  }

  findUserByName(username: string): Promise<TargetEntry | undefined> {
    return this.#find(`(&(objectClass=inetOrgPerson)(uid=${escapeFilterValue(username)}))`, 'user');
  }

  /** One search per NAMES_PER_SEARCH names, an OR of their uids; each name decided by #find's rule. */
  async findUsersByName(usernames: string[]): Promise<Map<string, TargetEntry | undefined>> {
    const out = new Map<string, TargetEntry | undefined>();
    const base = await this.#namingContext();
    const attributes = [...USER_ATTRIBUTES, 'entryUUID', this.#disable.attribute];
    const wanted = [...new Set(usernames.map((u) => u.toLowerCase()))];
    for (let i = 0; i < wanted.length; i += NAMES_PER_SEARCH) {
      const names = wanted.slice(i, i + NAMES_PER_SEARCH);
      const filter = `(&(objectClass=inetOrgPerson)(|${names.map((n) => `(uid=${escapeFilterValue(n)})`).join('')}))`;
      const { entries, truncated } = await this.#conn.read(base, { scope: 'sub', filter, attributes, sizeLimit: names.length * 2 + 10 });
      if (truncated) continue;
      const byName = new Map<string, ReadEntry[]>(names.map((n) => [n, []]));
      for (const e of entries) for (const uid of e.attrs.uid ?? []) byName.get(uid.toLowerCase())?.push(e);
      for (const [name, found] of byName) {
        if (found.length === 0) {
          out.set(name, undefined);
          continue;
        }
        const inside = found.filter((e) => !outsideContainer(e.dn, this.userContainer, 'user'));
        if (inside.length !== 1 && found.length !== 1) continue;
        const e = inside[0] ?? found[0];
        if (first(e.attrs.entryuuid)) out.set(name, this.#toEntry(e, 'user'));
      }
    }
    return out;
  }

  findGroup(id: TargetId): Promise<TargetEntry | undefined> {
    return this.#find(`(&(objectClass=groupOfNames)(entryUUID=${escapeFilterValue(id)}))`, 'group');
  }

  findGroupByName(name: string): Promise<TargetEntry | undefined> {
    return this.#find(`(&(objectClass=groupOfNames)(cn=${escapeFilterValue(name)}))`, 'group');
  }

  #guard(dn: string, kind?: 'user' | 'group'): void {
    const reason =
      kind === undefined
        ? outsideContainer(dn, this.userContainer, 'user') && outsideContainer(dn, this.groupContainer, 'group')
        : outsideContainer(dn, kind === 'user' ? this.userContainer : this.groupContainer, kind);
    if (reason) throw protectedError(dn, reason);
  }

  #userAttributes(rdn: string, attributes: Record<string, string[]>): Record<string, string[]> {
    const a = nonEmpty(attributes);
    const uid = a.uid ?? [rdn];
    // inetOrgPerson needs cn and sn (RFC 4519 person); cn follows the name the user has.
    const cn = a.cn ?? a.displayname ?? (a.givenname && a.sn ? [`${a.givenname[0]} ${a.sn[0]}`] : uid);
    if (!a.sn) throw new IdsyncError('PROVISION_INVALID', `user "${uid[0]}": an inetOrgPerson needs a last name (sn)`);
    return { ...a, uid, cn, objectclass: profile.user.objectClass };
  }

  async createUser(user: NewUser): Promise<TargetEntry> {
    const dn = `${profile.user.rdnAttribute}=${escapeDnValue(user.rdn)},${this.userContainer}`;
    const attrs = this.#userAttributes(user.rdn, user.attributes);
    // Created disabled, as on AD: the caller sets the password and enables the account last.
    attrs[this.#disable.attribute.toLowerCase()] = [this.#disable.value];
    const read = [...USER_ATTRIBUTES, 'entryUUID', this.#disable.attribute];
    const postRead = profile.postReadOnAdd ? new PostReadControl(read) : undefined;
    await this.#withDisableHint(() => this.#conn.add(dn, attrs, { operation: 'create user' }, postRead && [postRead]));
    this.#fresh.set(dn, true);
    const e = postRead?.entry?.attrs.entryuuid ? postRead.entry : await this.#conn.readOne(dn, read);
    if (!e) throw new IdsyncError('DIRECTORY_OPERATION_FAILED', `${dn}: created, but it cannot be read back`);
    return this.#toEntry(e, 'user');
  }

  async modify(dn: string, changes: AttributeChange[]): Promise<void> {
    checkModifiable(dn, changes, [this.#disable.attribute]);
    this.#guard(dn);
    await this.#conn.modify(
      dn,
      changes.map((c) => ({ operation: 'replace', attribute: c.attribute, values: c.values })),
      { operation: 'update' },
    );
  }

  /** modifyDN with deleteoldrdn: the old uid (or cn) value goes, the new one is the entry's (RFC 4511 section 4.9). */
  async rename(dn: string, rdn: string): Promise<string> {
    this.#guard(dn);
    const type = dn.slice(0, dn.indexOf('='));
    const newRdn = `${type}=${escapeDnValue(rdn)}`;
    await this.#conn.modifyRdn(dn, newRdn, { operation: 'rename' });
    return `${newRdn},${parentDn(dn)}`;
  }

  async setPassword(dn: string, password: string, options: { enable?: boolean } = {}): Promise<void> {
    this.#guard(dn, 'user');
    const policy = await this.#checkedPolicy(dn, password);
    const disabled = this.#fresh.get(dn) ?? (await this.#isDisabled(dn));
    await this.#conn.exop(PASSWORD_MODIFY_OID, passwordModifyRequest(dn, password), {
      operation: 'set the password of',
      target: dn,
      password: true,
      minLength: policy?.minLength,
      historyLength: policy?.historyLength,
    });
    this.#fresh.delete(dn);
    if (!disabled) return;
    // ppolicy removes pwdAccountLockedTime whenever a password changes (checked here on slapd 2.5):
    // a disabled account must not come back enabled because it got a new password. The mark is put
    // back at once, on the same connection; the account is bindable for that one round trip.
    // Asked to enable, the mark goes instead: for pwdAccountLockedTime ppolicy has already removed it.
    if (options.enable) {
      if (this.#disable.attribute.toLowerCase() !== 'pwdaccountlockedtime') return this.setEnabled(dn, true);
      const server = this.#conn.server.url;
      if (this.#lockClearedByPassword.get(server) === true) return;
      const still = await this.#isDisabled(dn);
      this.#lockClearedByPassword.set(server, !still);
      if (still) await this.setEnabled(dn, true);
    } else {
      await this.setEnabled(dn, false);
    }
  }

  /** Before anything is sent: the connection may carry a password, and the password meets the server's policy. */
  async #checkedPolicy(dn: string, password: string): Promise<PasswordPolicy | undefined> {
    if (!this.#conn.encrypted && !this.#allowInsecure) {
      throw new IdsyncError(
        'PROVISION_INSECURE',
        `${this.#conn.server.url}: a password is only sent over LDAPS or StartTLS; this connection is not encrypted (transport: clear)`,
        { where: dn },
      );
    }
    const policy = await this.passwordPolicy();
    const uid = /^uid=/i.test(dn) ? dn.slice(4, dn.search(/(?<!\\),/)) : '';
    const verdict = checkPassword(password, policy, { username: uid });
    if (!verdict.ok) {
      throw new IdsyncError('PROVISION_PASSWORD_POLICY', `${dn}: the password does not meet the server's policy: ${verdict.rule} (checked before sending)`, {
        where: dn,
      });
    }
    return policy;
  }

  /**
   * A new user with its clear password in the add, which the server hashes (olcPPolicyHashCleartext):
   * one write, as `ldapadd` costs, instead of the add and Password Modify. Enabled unless asked
   * otherwise; one add either way, so it exists with its password or not at all. The first user on
   * each server is read back with the add (Post-Read) to see the password stored hashed.
   */
  async #createWithPassword(user: NewUser, password: string, options: { enable?: boolean }): Promise<TargetEntry> {
    const server = this.#conn.server.url;
    if (keepsClearPasswords(server)) {
      const e = await this.createUser(user);
      await this.setPassword(e.dn, password, options);
      return { ...e, enabled: options.enable === true };
    }
    const dn = `${profile.user.rdnAttribute}=${escapeDnValue(user.rdn)},${this.userContainer}`;
    const attrs = this.#userAttributes(user.rdn, user.attributes);
    const policy = await this.#checkedPolicy(dn, password);
    if (!options.enable) attrs[this.#disable.attribute.toLowerCase()] = [this.#disable.value];
    attrs.userpassword = [password];
    const check = !this.#hashesChecked.has(server);
    const read = [...USER_ATTRIBUTES, 'entryUUID', this.#disable.attribute, ...(check ? ['userPassword'] : [])];
    const postRead = new PostReadControl(read);
    await this.#withDisableHint(() =>
      this.#conn.add(dn, attrs, { operation: 'create user', password: true, minLength: policy?.minLength, historyLength: policy?.historyLength }, [postRead]),
    );
    if (!options.enable) this.#fresh.set(dn, true);
    const e = postRead.entry?.attrs.entryuuid ? postRead.entry : await this.#conn.readOne(dn, read);
    if (!e) throw new IdsyncError('DIRECTORY_OPERATION_FAILED', `${dn}: created, but it cannot be read back`);
    if (check) {
      const stored = e.attrs.userpassword?.[0];
      if (hashedAsStored(stored, password)) {
        this.#hashesChecked.add(server);
      } else {
        // Kept as given (or unreadable, so unknown): hashed now through Password Modify, never left so.
        markKeepsClearPasswords(server);
        await this.setPassword(dn, password, options);
        throw clearPasswordError(server, dn, stored === undefined);
      }
    }
    return this.#toEntry(e, 'user');
  }

  async #isDisabled(dn: string): Promise<boolean> {
    return ((await this.#conn.readOne(dn, [this.#disable.attribute]))?.attrs[this.#disable.attribute.toLowerCase()] ?? []).includes(this.#disable.value);
  }

  async setEnabled(dn: string, enabled: boolean): Promise<void> {
    this.#guard(dn, 'user');
    this.#fresh.delete(dn);
    // A replace with no values removes the attribute, and is no error when it is absent (RFC 4511 section 4.6).
    await this.#withDisableHint(() =>
      this.#conn.modify(dn, [{ operation: 'replace', attribute: this.#disable.attribute, values: enabled ? [] : [this.#disable.value] }], {
        operation: enabled ? 'enable' : 'disable',
      }),
    );
  }

  async createGroup(group: NewGroup): Promise<TargetEntry> {
    const dn = `${profile.group.rdnAttribute}=${escapeDnValue(group.rdn)},${this.groupContainer}`;
    const attrs = nonEmpty(group.attributes);
    const members = group.members.length > 0 ? group.members : [profile.placeholderMember!];
    const read = [...GROUP_ATTRIBUTES, 'entryUUID'];
    const postRead = profile.postReadOnAdd ? new PostReadControl(read) : undefined;
    await this.#conn.add(
      dn,
      { ...attrs, cn: attrs.cn ?? [group.rdn], objectclass: profile.group.objectClass, member: members },
      { operation: 'create group' },
      postRead && [postRead],
    );
    const e = postRead?.entry?.attrs.entryuuid ? postRead.entry : await this.#conn.readOne(dn, read);
    if (!e) throw new IdsyncError('DIRECTORY_OPERATION_FAILED', `${dn}: created, but it cannot be read back`);
    return this.#toEntry(e, 'group');
  }

  /** One modify; groupOfNames must keep a member, so the placeholder comes in with the last removal and goes with the first addition. */
  async changeMembers(groupDn: string, add: string[], remove: string[]): Promise<void> {
    this.#guard(groupDn, 'group');
    const placeholder = profile.placeholderMember!;
    const current = await readMembers(this.#conn, groupDn, profile.group.memberAttribute);
    const delta = memberDelta(current, add, remove);
    const after = current.length - delta.remove.length + delta.add.length;
    const hasPlaceholder = current.some((m) => dnKey(m) === placeholder);
    const changes: Array<{ operation: 'add' | 'delete'; attribute: string; values: string[] }> = [];
    if (delta.add.length > 0) changes.push({ operation: 'add', attribute: 'member', values: delta.add });
    if (after - (hasPlaceholder ? 1 : 0) === 0 && !hasPlaceholder) changes.push({ operation: 'add', attribute: 'member', values: [placeholder] });
    if (delta.remove.length > 0) changes.push({ operation: 'delete', attribute: 'member', values: delta.remove });
    if (hasPlaceholder && delta.add.length > 0) changes.push({ operation: 'delete', attribute: 'member', values: [placeholder] });
    await this.#conn.modify(groupDn, changes, { operation: 'change the members of' });
  }

  /**
   * ppolicy's policy (draft-behera-ldap-password-policy section 5.2), when the naming context holds
   * exactly one pwdPolicy entry: which one the overlay uses by default lives in cn=config, which a
   * service account cannot read. Read at most once a minute.
   */
  async passwordPolicy(): Promise<PasswordPolicy | undefined> {
    if (this.#policy && performance.now() - this.#policy.at < 60_000) return this.#policy.value;
    const { entries, truncated } = await this.#conn.read(await this.#namingContext(), {
      scope: 'sub',
      filter: '(objectClass=pwdPolicy)',
      attributes: ['pwdMinLength', 'pwdInHistory'],
      sizeLimit: 2,
    });
    const e = !truncated && entries.length === 1 ? entries[0] : undefined;
    // ppolicy's pwdCheckQuality is a module's check, not AD's complexity rule: not re-checked here.
    const value = e
      ? { minLength: Number(first(e.attrs.pwdminlength) ?? 0), complexity: false, historyLength: Number(first(e.attrs.pwdinhistory) ?? 0) }
      : undefined;
    this.#policy = { at: performance.now(), value };
    return value;
  }

  checkRights(): Promise<RightCheck[]> {
    return checkOpenLdapRights(this.#conn, this, {
      userEntry: (uid) => ({
        dn: `uid=${uid},${this.userContainer}`,
        attributes: { ...this.#userAttributes(uid, { sn: ['probe'] }), [this.#disable.attribute]: [this.#disable.value] },
      }),
      groupEntry: (cn) => ({
        dn: `cn=${cn},${this.groupContainer}`,
        attributes: { objectClass: profile.group.objectClass, cn: [cn], member: [profile.placeholderMember!] },
      }),
      setPassword: (dn, pw) => this.setPassword(dn, pw),
      setEnabled: (dn, enabled) => this.setEnabled(dn, enabled),
    });
  }

  /** An unknown disable attribute is a configuration matter: say which overlay or schema it needs. */
  async #withDisableHint(op: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (err) {
      const cause = (err as { cause?: { code?: unknown } }).cause;
      if (cause?.code === 17 || /undefined attribute type|attribute type undefined/i.test((err as Error).message)) {
        throw new IdsyncError(
          'PROVISION_INVALID',
          `${(err as Error).message}. The server does not know the disable attribute "${this.#disable.attribute}": ` +
            'load the ppolicy overlay (for pwdAccountLockedTime) or configure another way to disable accounts',
          { cause: err },
        );
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.#conn.close();
  }
}

function nonEmpty(attrs: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(attrs)
      .map(([k, v]) => [k.toLowerCase(), v.filter((x) => x !== '')] as const)
      .filter(([, v]) => v.length > 0),
  );
}

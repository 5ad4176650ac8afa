/*
 * What outbound provisioning asks of a directory it writes to (issue 12): the same shape as the
 * inbound flow, in the other direction. store → select → plan → apply → directory. The planner
 * (src/provision/plan.ts) compares what the store wants with what the directory holds, through
 * this interface, and `applyExport` carries the plan out through it. One implementation per kind
 * of directory lives in src/directory/write/; what differs between them as data (object classes,
 * the id attribute, how an account is disabled) is in the profiles (src/directory/profiles/).
 *
 * Every object is identified by the directory's own immutable id (AD `objectGUID`, OpenLDAP
 * `entryUUID`), never by DN, so that a rename or move made in the directory is followed rather
 * than duplicated.
 */

/** The directory's immutable id of an object, in text: a GUID (AD, lower-case 8-4-4-4-12) or an entryUUID. */
export type TargetId = string;

/** An LDAP attribute's values as the directory takes them: strings (binary values are not exported). */
export type TargetAttributes = Record<string, string[]>;

/** An object as the directory holds it. */
export interface TargetEntry {
  id: TargetId;
  dn: string;
  /** The exported attributes as read back (names as in the export map, lower-case keys). */
  attributes: TargetAttributes;
  /** Users: whether the account can sign in (AD: userAccountControl without ACCOUNTDISABLE; OpenLDAP: the configured disable mark absent). */
  enabled?: boolean;
  /**
   * Why idsync must not touch this object, when it must not: outside the root container,
   * `adminCount=1`, or (users) a member of a privileged group through any nesting, or (groups)
   * itself privileged or nested in one. The code is PROVISION_PROTECTED; this is the message.
   */
  protectedReason?: string;
}

export interface NewUser {
  /** The RDN value (AD: `CN=<full name>`; OpenLDAP: `uid=<username>`), unescaped. */
  rdn: string;
  /** The export-mapped attributes, username attribute included. */
  attributes: TargetAttributes;
}

export interface NewGroup {
  rdn: string;
  attributes: TargetAttributes;
  /** Member DNs at creation (OpenLDAP groupOfNames needs at least one value: the implementation handles it). */
  members: string[];
}

/** One attribute change: `values: []` clears the attribute. */
export interface AttributeChange {
  attribute: string;
  values: string[];
}

/** The domain's password rules (AD: read from the domain object; OpenLDAP: ppolicy's default policy, if any). */
export interface PasswordPolicy {
  minLength: number;
  /** AD DOMAIN_PASSWORD_COMPLEX (pwdProperties bit 0): 3 of 4 character classes, and not containing the account name. */
  complexity: boolean;
  historyLength: number;
}

/** One right the service account needs, and whether it has it. */
export interface RightCheck {
  /** Plain words, as the docs name it: "create user accounts in OU=Staff,…", "reset passwords". */
  right: string;
  ok: boolean;
  detail?: string;
}

export interface ProvisionTarget {
  readonly kind: 'active-directory' | 'openldap';
  /** The containers objects are created in (the `provisioning` block's). */
  readonly userContainer: string;
  readonly groupContainer: string;

  /** By immutable id, anywhere in the naming context; undefined when it no longer exists. */
  findUser(id: TargetId): Promise<TargetEntry | undefined>;
  /** By username (sAMAccountName / uid) anywhere in the naming context: how a conflict is found. */
  findUserByName(username: string): Promise<TargetEntry | undefined>;
  /**
   * Several usernames in few searches (optional): what findUserByName would answer for each name
   * it could decide, keyed by the lower-cased name (usernames match without regard to case). A
   * name it leaves out (several entries, say) is asked one by one, which reports the reason.
   */
  findUsersByName?(usernames: string[]): Promise<Map<string, TargetEntry | undefined>>;
  findGroup(id: TargetId): Promise<TargetEntry | undefined>;
  findGroupByName(name: string): Promise<TargetEntry | undefined>;

  /** Creates a user in the user container, disabled, with no password. */
  createUser(user: NewUser): Promise<TargetEntry>;
  /**
   * Where the directory can: creates the user with its password, enabled when asked, in one
   * atomic add, so the account exists with its password or not at all (AD). The password is
   * checked and refused as by setPassword. Absent: createUser, setPassword, then enabling.
   */
  createUserWithPassword?(user: NewUser, password: string, options?: { enable?: boolean }): Promise<TargetEntry>;
  /** Replaces attributes; AD takes them in one modify. */
  modify(dn: string, changes: AttributeChange[]): Promise<void>;
  /** A new RDN in the same container; the new DN. */
  rename(dn: string, rdn: string): Promise<string>;
  /**
   * Sets a password by administrative reset. AD: replace of `unicodePwd` (quoted UTF-16LE), only
   * over LDAPS or StartTLS (PROVISION_INSECURE otherwise). OpenLDAP: the Password Modify extended
   * operation (RFC 3062), so the server hashes by its own policy. A refusal is decoded into
   * PROVISION_PASSWORD_POLICY naming the rule (AD's 0000052D).
   *
   * `enable: true` enables the account with the same write when the directory allows it (AD: one
   * modify carrying both unicodePwd and userAccountControl, atomic by RFC 4511 section 4.6, so a
   * refused password leaves the account disabled), and right after the password otherwise: a new
   * user costs two writes instead of three. Without it the account's state is left as it was.
   */
  setPassword(dn: string, password: string, options?: { enable?: boolean }): Promise<void>;
  setEnabled(dn: string, enabled: boolean): Promise<void>;
  createGroup(group: NewGroup): Promise<TargetEntry>;
  /** Adds and removes member DNs in one modify. */
  changeMembers(groupDn: string, add: string[], remove: string[]): Promise<void>;

  passwordPolicy(): Promise<PasswordPolicy | undefined>;
  /** Every right provisioning needs on the containers, each checked (AD: allowed*Effective; OpenLDAP: a harmless probe). */
  checkRights(): Promise<RightCheck[]>;
  close(): Promise<void>;
}

import { escapeFilterValue, sidToString } from '../codecs.js';
import type { ReadEntry, WriteConnection } from './connection.js';

/**
 * The Active Directory accounts and groups idsync must never touch (issue 12, "Never touch what
 * idsync must not own"), found by SID, never by name (names are localised and can be renamed):
 * Domain Admins (domain SID + RID 512), Schema Admins (518) and Enterprise Admins (519), which live
 * in the forest root domain, and the built-in Administrators (S-1-5-32-544) (MS-DTYP 2.4.2.4,
 * well-known SIDs). Membership is flattened through any nesting with LDAP_MATCHING_RULE_IN_CHAIN
 * (1.2.840.113556.1.4.1941, MS-ADTS 3.1.1.3.4.4.3), and through primaryGroupID, which never
 * appears in a group's member attribute. adminCount=1 (AdminSDHolder, MS-ADTS 3.1.1.6.1) marks the
 * rest: accounts that are or were privileged through groups we do not list (Account Operators...).
 */

const IN_CHAIN = '1.2.840.113556.1.4.1941';
const DOMAIN_USERS_RID = 513;

export interface PrivilegedGroup {
  name: string;
  sid: string;
  dn: string;
}

/** Attributes protectedReason needs on the entry it is given. */
export const PROTECTION_ATTRIBUTES = ['adminCount', 'primaryGroupID'];
export const PROTECTION_BINARY = ['objectSid'];

export class PrivilegedGroups {
  readonly #conn: WriteConnection;
  readonly #domainSid: string;
  readonly #rootSid: string;
  #groups?: Promise<PrivilegedGroup[]>;
  /** Verdicts on primary groups by RID: a handful per domain, asked for every user. */
  readonly #primary = new Map<number, { at: number; reason: string | undefined }>();

  constructor(conn: WriteConnection, domainSid: string, rootDomainSid: string) {
    this.#conn = conn;
    this.#domainSid = domainSid;
    this.#rootSid = rootDomainSid;
  }

  /**
   * The groups, read once by `<SID=…>` (MS-ADTS 3.1.1.3.1.2.4); one the DC does not hold (Enterprise Admins, read from a child
   * domain's DC) is left out.
   */
  groups(): Promise<PrivilegedGroup[]> {
    this.#groups ??= (async () => {
      const wanted = [
        { name: 'Domain Admins', sid: `${this.#domainSid}-512` },
        { name: 'Schema Admins', sid: `${this.#rootSid}-518` },
        { name: 'Enterprise Admins', sid: `${this.#rootSid}-519` },
        { name: 'Administrators', sid: 'S-1-5-32-544' },
      ];
      const out: PrivilegedGroup[] = [];
      for (const g of wanted) {
        const e = await this.#conn.readOne(`<SID=${g.sid}>`, ['1.1']);
        if (e) out.push({ ...g, dn: e.dn });
      }
      return out;
    })().catch((err) => {
      this.#groups = undefined;
      throw err;
    });
    return this.#groups;
  }

  /** Why `entry` (read with PROTECTION_ATTRIBUTES and objectSid) is privileged, or undefined. */
  async reason(entry: ReadEntry, kind: 'user' | 'group'): Promise<string | undefined> {
    if (entry.attrs.admincount?.[0] === '1') return 'adminCount=1 (a privileged account or group, protected by AdminSDHolder)';
    const groups = await this.groups();
    const sid = entry.binary.objectsid?.[0];
    if (kind === 'group' && sid) {
      const own = groups.find((g) => g.sid === sidToString(sid));
      if (own) return `it is the privileged group ${own.name} (${own.sid})`;
    }
    const nested = await this.#inChain(entry.dn, groups);
    if (nested) return nested;
    const rid = Number(entry.attrs.primarygroupid?.[0] ?? DOMAIN_USERS_RID);
    return kind === 'user' ? this.#primaryGroup(rid, groups) : undefined;
  }

  async #inChain(dn: string, groups: PrivilegedGroup[]): Promise<string | undefined> {
    if (groups.length === 0) return undefined;
    const clause = (g: PrivilegedGroup) => `(memberOf:${IN_CHAIN}:=${escapeFilterValue(g.dn)})`;
    // One search settles the common case (not privileged); naming the group costs more only when it is.
    if (!(await this.#conn.readOne(dn, ['1.1'], [], `(|${groups.map(clause).join('')})`))) return undefined;
    for (const g of groups) {
      if (await this.#conn.readOne(dn, ['1.1'], [], clause(g))) return `a member of ${g.name} (${g.sid}), directly or through nested groups`;
    }
    return 'a member of a privileged group, through nested groups';
  }

  async #primaryGroup(rid: number, groups: PrivilegedGroup[]): Promise<string | undefined> {
    const cached = this.#primary.get(rid);
    if (cached && performance.now() - cached.at < 60_000) return cached.reason;
    let reason: string | undefined;
    const own = groups.find((g) => g.sid === `${this.#domainSid}-${rid}`);
    if (own) reason = `its primary group is ${own.name} (${own.sid})`;
    else {
      const group = await this.#conn.readOne(`<SID=${this.#domainSid}-${rid}>`, ['1.1']);
      const nested = group ? await this.#inChain(group.dn, groups) : undefined;
      if (nested) reason = `its primary group (RID ${rid}) is ${nested}`;
    }
    this.#primary.set(rid, { at: performance.now(), reason });
    return reason;
  }
}

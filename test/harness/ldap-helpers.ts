// Directory-agnostic helpers used by both the Samba and the slapd harness objects.
//
// Every helper opens its own short-lived connection: a loopback TLS handshake + bind costs a few
// milliseconds, and it keeps helpers correct across a server restart (a cached client would hold
// a dead socket). Bulk paths keep one client for the whole batch.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { AlreadyExistsError, Attribute, Change, Client, TypeOrValueExistsError, NoSuchAttributeError } from 'ldapts';
import { escapeDnValue } from './ldif.js';

export type AttrValues = string | number | Buffer | Array<string | number | Buffer>;

export interface LdapEndpoint {
  url: string;
  bindDn: string;
  password: string;
  /** PEM file of the CA that signed the server certificate. */
  caFile: string;
  /** false when the server deliberately presents a certificate whose name does not match. */
  verifyHostname: boolean;
}

/** Splits "cn=a\,b,ou=x,dc=y" into ["cn=a\,b", "ou=x,dc=y"] at the first unescaped comma. */
export function splitDn(dn: string): [rdn: string, parent: string] {
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') i++;
    else if (dn[i] === ',') return [dn.slice(0, i), dn.slice(i + 1)];
  }
  return [dn, ''];
}

export function toAttribute(type: string, values: AttrValues): Attribute {
  const list = Array.isArray(values) ? values : [values];
  if (list.some((v) => Buffer.isBuffer(v))) {
    return new Attribute({ type, values: list.map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8'))) });
  }
  return new Attribute({ type, values: list.map(String) });
}

/** Builds add() attributes, dropping undefined/empty values so callers can pass optional fields straight through. */
export function toAttributes(attrs: Record<string, AttrValues | undefined | null>): Attribute[] {
  const out: Attribute[] = [];
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out.push(toAttribute(k, v));
  }
  return out;
}

function isBenignDuplicate(e: unknown): boolean {
  return e instanceof TypeOrValueExistsError || e instanceof AlreadyExistsError;
}

export abstract class LdapHelpers {
  /** How the server spells RDN attribute names in DNs it returns (AD: "OU=", OpenLDAP: "ou="). */
  protected abstract readonly upperRdn: boolean;
  protected abstract endpoint(): LdapEndpoint;
  abstract readonly baseDn: string;

  tlsOptions(): ConnectionOptions {
    const ep = this.endpoint();
    const ca = readFileSync(ep.caFile);
    // The chain is always verified; only the name check is skipped for deliberately wrong certs.
    return ep.verifyHostname ? { ca } : { ca, checkServerIdentity: () => undefined };
  }

  /** A connected, bound ldapts Client (admin credentials). The caller must unbind() it. */
  async ldap(opts: { url?: string; bindDn?: string; password?: string; timeoutMs?: number } = {}): Promise<Client> {
    const ep = this.endpoint();
    const client = new Client({
      url: opts.url ?? ep.url,
      tlsOptions: this.tlsOptions(),
      timeout: opts.timeoutMs ?? 60_000,
      connectTimeout: 10_000,
    });
    try {
      await client.bind(opts.bindDn ?? ep.bindDn, opts.password ?? ep.password);
    } catch (e) {
      await client.unbind().catch(() => undefined);
      throw e;
    }
    return client;
  }

  async withClient<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const c = await this.ldap();
    try {
      return await fn(c);
    } finally {
      await c.unbind().catch(() => undefined);
    }
  }

  /** Resolves "Sales" to "OU=Sales,<base>"; anything containing '=' is taken as a DN already. */
  ouDn(ou: string | undefined): string {
    if (!ou) return this.baseDn;
    return ou.includes('=') ? ou : `${this.upperRdn ? 'OU' : 'ou'}=${escapeDnValue(ou)},${this.baseDn}`;
  }

  async addOu(name: string, parentDn?: string): Promise<string> {
    const dn = `${this.upperRdn ? 'OU' : 'ou'}=${escapeDnValue(name)},${parentDn ?? this.baseDn}`;
    await this.withClient((c) => c.add(dn, toAttributes({ objectClass: ['top', 'organizationalUnit'], ou: name })));
    return dn;
  }

  /** Generic add for anything the typed helpers do not cover. */
  async addEntry(dn: string, attrs: Record<string, AttrValues | undefined | null>): Promise<string> {
    await this.withClient((c) => c.add(dn, toAttributes(attrs)));
    return dn;
  }

  /** Replaces an attribute; `null` or `[]` removes it entirely. */
  async modify(dn: string, attr: string, values: AttrValues | null): Promise<string> {
    const list = values === null ? [] : Array.isArray(values) ? values : [values];
    await this.withClient(async (c) => {
      try {
        await c.modify(dn, new Change({ operation: 'replace', modification: toAttribute(attr, list as AttrValues) }));
      } catch (e) {
        // Clearing an attribute that is already absent is a no-op for a test's purposes.
        if (!(list.length === 0 && e instanceof NoSuchAttributeError)) throw e;
      }
    });
    return dn;
  }

  /** Several changes in one modify operation (atomic on the server). */
  async modifyMany(dn: string, changes: Array<{ op: 'add' | 'delete' | 'replace'; attr: string; values: AttrValues }>): Promise<string> {
    await this.withClient((c) =>
      c.modify(
        dn,
        changes.map((ch) => new Change({ operation: ch.op, modification: toAttribute(ch.attr, ch.values) })),
      ),
    );
    return dn;
  }

  /** Changes the RDN, keeping the parent. `newRdn` like "CN=New Name". Returns the new DN. */
  async rename(dn: string, newRdn: string): Promise<string> {
    const [, parent] = splitDn(dn);
    await this.withClient((c) => c.modifyDN(dn, newRdn));
    return parent ? `${newRdn},${parent}` : newRdn;
  }

  /** Moves an entry under another parent, keeping its RDN. Returns the new DN. */
  async move(dn: string, newParentDn: string): Promise<string> {
    const [rdn] = splitDn(dn);
    const newDn = `${rdn},${newParentDn}`;
    // ldapts splits newDN at its first unescaped comma into newRdn + newSuperior.
    await this.withClient((c) => c.modifyDN(dn, newDn));
    return newDn;
  }

  /** Deletes an entry; with recursive, deletes its subtree leaves-first (works on both servers). */
  async deleteEntry(dn: string, opts: { recursive?: boolean } = {}): Promise<string> {
    await this.withClient(async (c) => {
      if (opts.recursive) {
        const { searchEntries } = await c.search(dn, { scope: 'sub', attributes: ['1.1'], paged: { pageSize: 500 } });
        const dns = searchEntries.map((e) => e.dn).sort((a, b) => depth(b) - depth(a));
        for (const d of dns) await c.del(d);
      } else {
        await c.del(dn);
      }
    });
    return dn;
  }

  protected async memberAttr(_groupDn: string): Promise<string> {
    return 'member';
  }

  async addMembers(groupDn: string, memberDns: string[], opts: { ignoreExisting?: boolean } = {}): Promise<string> {
    if (memberDns.length === 0) return groupDn;
    const attr = await this.memberAttr(groupDn);
    await this.withClient(async (c) => {
      try {
        await c.modify(groupDn, new Change({ operation: 'add', modification: toAttribute(attr, memberDns) }));
      } catch (e) {
        if (!(opts.ignoreExisting && isBenignDuplicate(e))) throw e;
        // One value already present fails the whole modify: fall back to one value at a time.
        for (const m of memberDns) {
          await c.modify(groupDn, new Change({ operation: 'add', modification: toAttribute(attr, m) })).catch((err: unknown) => {
            if (!isBenignDuplicate(err)) throw err;
          });
        }
      }
    });
    return groupDn;
  }

  async removeMembers(groupDn: string, memberDns: string[]): Promise<string> {
    if (memberDns.length === 0) return groupDn;
    const attr = await this.memberAttr(groupDn);
    await this.withClient((c) => c.modify(groupDn, new Change({ operation: 'delete', modification: toAttribute(attr, memberDns) })));
    return groupDn;
  }

  /** Reads one entry (or undefined if it does not exist). */
  async get(dn: string, attributes: string[] = ['*'], explicitBufferAttributes: string[] = []) {
    return this.withClient(async (c) => {
      try {
        const { searchEntries } = await c.search(dn, { scope: 'base', attributes, explicitBufferAttributes });
        return searchEntries[0];
      } catch (e) {
        if ((e as { code?: number }).code === 32) return undefined; // noSuchObject
        throw e;
      }
    });
  }

  async search(base: string, filter: string, attributes: string[] = ['*'], scope: 'base' | 'one' | 'sub' = 'sub') {
    return this.withClient(async (c) => (await c.search(base, { scope, filter, attributes, paged: { pageSize: 1000 } })).searchEntries);
  }
}

function depth(dn: string): number {
  let n = 0;
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') i++;
    else if (dn[i] === ',') n++;
  }
  return n;
}

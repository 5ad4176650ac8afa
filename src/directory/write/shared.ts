import type { AttributeChange, TargetAttributes } from '../../provision/target.js';
import { IdsyncError } from '../../errors.js';
import { dnKey, isUnder } from '../codecs.js';
import type { ReadEntry, WriteConnection } from './connection.js';

/** What both targets are given by the factory (src/directory/write/index.ts). */
export interface TargetOptions {
  userContainer: string;
  groupContainer: string;
}

/**
 * Attributes a modify() may never carry: passwords go through setPassword (checked, encrypted
 * only), enabling through setEnabled, identity and membership through their own operations.
 */
const NOT_BY_MODIFY = new Set(['unicodepwd', 'userpassword', 'useraccountcontrol', 'objectguid', 'entryuuid', 'objectclass', 'member', 'uniquemember']);

export function checkModifiable(dn: string, changes: AttributeChange[], extra: string[] = []): void {
  const also = new Set(extra.map((a) => a.toLowerCase()));
  for (const ch of changes) {
    const a = ch.attribute.toLowerCase();
    if (NOT_BY_MODIFY.has(a) || also.has(a)) {
      throw new IdsyncError('PROVISION_INVALID', `${dn}: "${ch.attribute}" is not changed by an attribute update (it has an operation of its own)`, {
        where: dn,
      });
    }
  }
}

/** Why an object is out of bounds by its place: not in (or below) its root container. */
export function outsideContainer(dn: string, container: string, kind: 'user' | 'group'): string | undefined {
  return isUnder(dnKey(dn), dnKey(container)) ? undefined : `outside the ${kind} container ${container}`;
}

export function protectedError(dn: string, reason: string): IdsyncError {
  return new IdsyncError('PROVISION_PROTECTED', `${dn}: idsync must not touch this object: ${reason}`, { where: dn });
}

/** An RDN value's parent: everything after the first unescaped comma. */
export function parentDn(dn: string): string {
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') i++;
    else if (dn[i] === ',') return dn.slice(i + 1);
  }
  return '';
}

/** The attributes of a read entry, lower-case keys, without those the target keeps for itself. */
export function exportedAttributes(e: ReadEntry, internal: string[]): TargetAttributes {
  const skip = new Set(internal.map((a) => a.toLowerCase()));
  const out: TargetAttributes = {};
  for (const [k, v] of Object.entries(e.attrs)) if (!skip.has(k) && !k.includes(';range=')) out[k] = v;
  return out;
}

/**
 * Every value of a group's member attribute. Active Directory answers a large attribute in ranges
 * (MS-ADTS 3.1.1.3.1.3.3: `member;range=0-1499`); continue until the high bound is `*`.
 */
export async function readMembers(conn: WriteConnection, dn: string, attribute: string): Promise<string[]> {
  const name = attribute.toLowerCase();
  const first = await conn.readOne(dn, [attribute]);
  if (!first) return [];
  let out = [...(first.attrs[name] ?? [])];
  let ranged = Object.keys(first.attrs).find((k) => k.startsWith(`${name};range=`));
  let e = first;
  while (ranged) {
    out = out.concat(e.attrs[ranged]);
    const hi = ranged.slice(ranged.lastIndexOf('-') + 1);
    if (hi === '*') break;
    const next = await conn.readOne(dn, [`${attribute};range=${Number(hi) + 1}-*`]);
    if (!next) break;
    e = next;
    ranged = Object.keys(next.attrs).find((k) => k.startsWith(`${name};range=`));
  }
  return out;
}

/** Adds that are not there yet and removals that are, compared as DNs (RFC 4514: case and spacing do not count). */
export function memberDelta(current: string[], add: string[], remove: string[]): { add: string[]; remove: string[] } {
  const have = new Map(current.map((m) => [dnKey(m), m]));
  const removing = new Set(remove.map(dnKey));
  const adds = new Map<string, string>();
  for (const m of add) if (!have.has(dnKey(m)) && !removing.has(dnKey(m)) && !adds.has(dnKey(m))) adds.set(dnKey(m), m);
  const removes = remove.filter((m) => have.has(dnKey(m))).map((m) => have.get(dnKey(m))!);
  return { add: [...adds.values()], remove: [...new Set(removes)] };
}

/** A short-lived memory of what this target created: its own fresh entries need no second look. */
export class RecentlyCreated<T> {
  readonly #items = new Map<string, { at: number; value: T }>();
  constructor(private readonly ttlMs: number) {}
  set(dn: string, value: T): void {
    if (this.#items.size >= 10_000) this.#items.clear();
    this.#items.set(dnKey(dn), { at: performance.now(), value });
  }
  get(dn: string): T | undefined {
    const hit = this.#items.get(dnKey(dn));
    if (!hit) return undefined;
    if (performance.now() - hit.at > this.ttlMs) {
      this.#items.delete(dnKey(dn));
      return undefined;
    }
    return hit.value;
  }
  delete(dn: string): void {
    this.#items.delete(dnKey(dn));
  }
}

export function first(values: string[] | undefined): string | undefined {
  return values && values.length > 0 ? values[0] : undefined;
}

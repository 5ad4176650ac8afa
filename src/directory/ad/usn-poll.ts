import { guidToString } from '../codecs.js';
import type { DirectoryEntry } from '../entry.js';
import { mapDirectoryError } from '../errors.js';
import { isTombstoneDn } from './dirsync-change.js';
import { parseExtendedDn } from './extended-dn.js';
import type { RequestControl } from '../stream/requests.js';
import { rawSearchPages, sessionServer, toDirectoryEntry, type AdSession } from './raw-search.js';

/**
 * The fallback when DirSync is refused: uSNChanged polling (Microsoft, "Polling for Changes Using
 * USNChanged"). Every write on a DC stamps the object with that DC's next USN. Read rootDSE
 * highestCommittedUSN (readDcIdentity) before a full sync; later, ask the same DC for
 * `(uSNChanged>=last+1)` and store the highestCommittedUSN read before that search. Unlike DirSync
 * this returns whole objects (every requested attribute), so the caller diffs against its store,
 * and it needs no special right. Deletions are not in a normal search: deletedSince() reads the
 * tombstones.
 *
 * USNs are per DC: check readDcIdentity() (host and invocationId) before trusting `sinceUsn`.
 */

export const SHOW_DELETED_OID = '1.2.840.113556.1.4.417';

/**
 * LDAP_SERVER_SHOW_DELETED_OID (MS-ADTS 3.1.1.3.4.1.14): tombstones become visible; no value.
 * Critical: a server that does not know it must refuse rather than silently hide tombstones.
 */
export const SHOW_DELETED: RequestControl = { oid: SHOW_DELETED_OID, critical: true };

/**
 * The Deleted Objects container of a naming context through its well-known GUID
 * (GUID_DELETED_OBJECTS_CONTAINER_W, MS-ADTS 6.1.1.4), which works whatever the container's
 * name or language; checked on Samba 4.17.
 */
export function deletedObjectsBase(ncRoot: string): string {
  return `<WKGUID=18E2EA80684F11D2B9AA00C04F79F805,${ncRoot}>`;
}

function usnValue(v: bigint | number | string, what: string): bigint {
  const s = String(v).trim();
  if (!/^\d+$/.test(s)) throw new RangeError(`${what} must be a non-negative integer USN, got ${s}`);
  return BigInt(s);
}

function usnFilter(sinceUsn: bigint | number | string, untilUsn?: bigint | number | string): string {
  const from = `(uSNChanged>=${usnValue(sinceUsn, 'sinceUsn') + 1n})`;
  return untilUsn === undefined ? from : `${from}(uSNChanged<=${usnValue(untilUsn, 'untilUsn')})`;
}

function withAttrs(attrs: string[], extra: string[]): string[] {
  const have = new Set(attrs.map((a) => a.toLowerCase()));
  return [...attrs, ...extra.filter((a) => !have.has(a.toLowerCase()))];
}

export interface UsnChangesOptions {
  base: string;
  filter: string;
  attributes: string[];
  /** The watermark stored after the last sync: objects with uSNChanged > sinceUsn are returned. */
  sinceUsn: bigint | number | string;
  /** Optional upper bound (the highestCommittedUSN read just before), so a poll is a closed range. */
  untilUsn?: bigint | number | string;
  pageSize?: number;
}

/**
 * Objects under `base` matching `filter` that changed after `sinceUsn`, a page at a time. A group
 * whose members changed counts as changed (its uSNChanged moves; checked on Samba), but the value
 * list is the whole current one. objectGUID and uSNChanged are always included.
 */
export async function* usnChanges(session: AdSession, opts: UsnChangesOptions): AsyncGenerator<DirectoryEntry[]> {
  const filter = `(&${opts.filter}${usnFilter(opts.sinceUsn, opts.untilUsn)})`;
  try {
    for await (const page of rawSearchPages(session, opts.base, {
      scope: 'sub',
      filter,
      attributes: withAttrs(opts.attributes, ['objectGUID', 'uSNChanged']),
      pageSize: opts.pageSize ?? 500,
      timeLimit: 0,
    })) {
      yield page.entries.map(toDirectoryEntry);
    }
  } catch (err) {
    throw mapDirectoryError(err, { server: sessionServer(session), operation: `search ${filter} under`, target: opts.base });
  }
}

export interface DeletedObject {
  guid: string;
  /** The tombstone's DN (`CN=alice\0ADEL:<guid>,CN=Deleted Objects,…`). */
  dn: string;
  /** The RDN value before deletion (the tombstone's name without `\nDEL:<guid>`). */
  name?: string;
  /** DN of the container the object was deleted from. */
  lastKnownParent?: string;
  objectClass: string[];
  /** Kept on tombstones (MS-ADTS 3.1.1.5.5.1.1 keeps sAMAccountName and objectSid). */
  sAMAccountName?: string;
  uSNChanged: bigint;
}

export interface DeletedSinceOptions {
  ncRoot: string;
  sinceUsn: bigint | number | string;
  untilUsn?: bigint | number | string;
  /** Extra condition, e.g. (objectClass=user); objectCategory is gone from tombstones, do not use it. */
  filter?: string;
  pageSize?: number;
}

/**
 * Objects deleted after `sinceUsn`: a one-level search of the Deleted Objects container with the
 * Show Deleted control. Needs the right to list that container's children: Domain Admins have it;
 * a plain user sees the container but none of the tombstones in it (checked on Samba: empty
 * result, no error), so an empty answer for an unprivileged account proves nothing.
 */
export async function deletedSince(session: AdSession, opts: DeletedSinceOptions): Promise<DeletedObject[]> {
  const base = deletedObjectsBase(opts.ncRoot);
  const filter = `(&(isDeleted=TRUE)${opts.filter ?? ''}${usnFilter(opts.sinceUsn, opts.untilUsn)})`;
  const out: DeletedObject[] = [];
  try {
    for await (const page of rawSearchPages(session, base, {
      scope: 'one',
      filter,
      attributes: ['objectGUID', 'name', 'lastKnownParent', 'objectClass', 'sAMAccountName', 'uSNChanged', 'isDeleted'],
      controls: [SHOW_DELETED],
      pageSize: opts.pageSize ?? 500,
      timeLimit: 0,
    })) {
      for (const raw of page.entries) {
        const e = toDirectoryEntry(raw);
        const guid = e.buffer('objectGUID');
        if (guid?.length !== 16) continue;
        const d: DeletedObject = {
          guid: guidToString(guid),
          dn: parseExtendedDn(e.dn).dn,
          objectClass: e.strings('objectClass'),
          uSNChanged: BigInt(e.string('uSNChanged') ?? '0'),
        };
        const name = e.string('name');
        if (name) d.name = name.replace(/\nDEL:[0-9a-f-]{36}$/i, '');
        const parent = e.string('lastKnownParent');
        if (parent) d.lastKnownParent = parseExtendedDn(parent).dn;
        const sam = e.string('sAMAccountName');
        if (sam) d.sAMAccountName = sam;
        if (e.string('isDeleted')?.toUpperCase() === 'TRUE' || isTombstoneDn(d.dn)) out.push(d);
      }
    }
  } catch (err) {
    throw mapDirectoryError(err, { server: sessionServer(session), operation: `search ${filter} under`, target: base });
  }
  return out;
}

export interface UsnStampedObject {
  guid: string;
  dn: string;
  /** Lower-cased. */
  objectClass: string[];
  deleted: boolean;
  uSNChanged: bigint;
}

/** At most this many USNs per probe: a larger step is a bulk change, for DirSync. */
export const PROBE_MAX_USNS = 100;

/**
 * The objects whose uSNChanged is now one of the USNs in (afterUsn, upToUsn], tombstones
 * included. An OR of equality tests rather than a range: Samba answers equality on its uSNChanged
 * index (under 1 ms at 20,000 users) but scans the partition for `>=` (200-330 ms at 20,000;
 * the same scan delays its change notifications, see ad-notify.ts). A USN whose object changed
 * again later matches nothing here: the object is found under its later USN.
 */
export async function objectsAtUsns(session: AdSession, opts: { ncRoot: string; afterUsn: bigint; upToUsn: bigint }): Promise<UsnStampedObject[]> {
  const count = opts.upToUsn - opts.afterUsn;
  if (count <= 0n) return [];
  if (count > BigInt(PROBE_MAX_USNS)) throw new RangeError(`objectsAtUsns: ${count} USNs, at most ${PROBE_MAX_USNS}`);
  const terms: string[] = [];
  for (let u = opts.afterUsn + 1n; u <= opts.upToUsn; u++) terms.push(`(uSNChanged=${u})`);
  const filter = terms.length === 1 ? terms[0] : `(|${terms.join('')})`;
  const out: UsnStampedObject[] = [];
  try {
    for await (const page of rawSearchPages(session, opts.ncRoot, {
      scope: 'sub',
      filter,
      attributes: ['objectGUID', 'objectClass', 'isDeleted', 'uSNChanged'],
      controls: [SHOW_DELETED],
      pageSize: 500,
      timeLimit: 0,
    })) {
      for (const raw of page.entries) {
        const e = toDirectoryEntry(raw);
        const guid = e.buffer('objectGUID');
        if (guid?.length !== 16) continue;
        out.push({
          guid: guidToString(guid),
          dn: parseExtendedDn(e.dn).dn,
          objectClass: e.strings('objectClass').map((c) => c.toLowerCase()),
          deleted: e.string('isDeleted')?.toUpperCase() === 'TRUE' || isTombstoneDn(e.dn),
          uSNChanged: BigInt(e.string('uSNChanged') ?? '0'),
        });
      }
    }
  } catch (err) {
    throw mapDirectoryError(err, { server: sessionServer(session), operation: `search ${filter.slice(0, 80)} under`, target: opts.ncRoot });
  }
  return out;
}

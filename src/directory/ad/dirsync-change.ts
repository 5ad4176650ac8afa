import { guidToString } from '../codecs.js';
import { DirectoryEntry } from '../entry.js';
import { parseExtendedDn, type ExtendedDn } from './extended-dn.js';
import type { RawEntry } from './raw-search.js';

/**
 * One entry of a DirSync answer, read as MS-ADTS 3.1.1.3.4.1.3 defines it:
 * - only attributes changed since the cookie are sent; an attribute sent with no values was cleared;
 * - objectGUID and instanceType always come (the server adds them), parentGUID comes with `name`;
 * - with INCREMENTAL_VALUES, linked attributes (member, manager, …) come as deltas:
 *   `member;range=1-1` holds values added, `member;range=0-0` values removed;
 * - a deleted object comes back as its tombstone: isDeleted TRUE, DN under CN=Deleted Objects.
 * Backlinks (memberOf) are never sent, and the RDN attribute (cn) is not either: a rename shows
 * as a changed `name` and a new DN.
 */

export interface LinkedValue {
  /** objectGUID of the target; present whenever the Extended DN control was honoured. */
  guid?: string;
  sid?: string;
  /** The target's DN at the time of the answer (for a removed value: its last known DN). */
  dn: string;
}

export interface LinkedChange {
  added: LinkedValue[];
  removed: LinkedValue[];
  /**
   * The whole current value list, when the server sent the attribute without range options:
   * without INCREMENTAL_VALUES (or at Windows 2000 functional level) a changed linked attribute
   * is sent in full, and the empty list then means "no members left".
   */
  replaced?: LinkedValue[];
}

export interface DirSyncChange {
  /** objectGUID (MS-DTYP 2.3.4.2 string form): the identity to match on, never the DN. */
  guid: string;
  /** Current DN without extended parts; for a tombstone the `…\0ADEL:<guid>,CN=Deleted Objects,…` DN. */
  dn: string;
  /** objectSid (S-1-…) when the server put it in the extended DN. */
  sid?: string;
  deleted: boolean;
  /** Tombstones: the DN of the container the object was deleted from. */
  lastKnownParent?: string;
  /** New parent after a rename or move (sent together with `name`). */
  parentGuid?: string;
  /** Only when it changed (i.e. on creation); [] otherwise. */
  objectClass: string[];
  /**
   * Changed non-linked attributes as the server sent them (values as bytes; strings() decodes).
   * objectGUID, instanceType and parentGUID are left out (see the fields above); cleared attributes
   * are present with no values and also listed in `cleared`.
   */
  attributes: DirectoryEntry;
  /** Lower-cased names of attributes sent with no values: cleared in the directory. */
  cleared: string[];
  /** Linked-attribute changes by lower-cased attribute name (member, manager, …). */
  linked: Record<string, LinkedChange>;
  /** Shorthands for linked.member. */
  memberAdded: LinkedValue[];
  memberRemoved: LinkedValue[];
}

const SERVER_ADDED = new Set(['objectguid', 'instancetype', 'parentguid']);
const INCREMENTAL = /^(.+);range=([01])-\2$/i;

export interface ParseOptions {
  /** Attributes whose plain (unranged) values are DNs to report as linked `replaced`; default ['member']. */
  linkedAttributes?: string[];
}

function toLinked(buf: Buffer): LinkedValue {
  const x: ExtendedDn = parseExtendedDn(buf.toString('utf8'));
  const v: LinkedValue = { dn: x.dn };
  if (x.guid) v.guid = x.guid;
  if (x.sid) v.sid = x.sid;
  return v;
}

function linkedOf(linked: Record<string, LinkedChange>, name: string): LinkedChange {
  return (linked[name] ??= { added: [], removed: [] });
}

export function parseDirSyncEntry(entry: RawEntry, opts: ParseOptions = {}): DirSyncChange {
  const linkedNames = new Set((opts.linkedAttributes ?? ['member']).map((a) => a.toLowerCase()));
  const head = parseExtendedDn(entry.dn);
  const attrs: [string, Buffer[]][] = [];
  const cleared: string[] = [];
  const linked: Record<string, LinkedChange> = {};
  let guidBytes: Buffer | undefined;
  let parentGuid: string | undefined;
  let objectClass: string[] = [];
  let deletedFlag = false;
  let lastKnownParent: string | undefined;

  for (const a of entry.attributes) {
    const lower = a.type.toLowerCase();
    const ranged = INCREMENTAL.exec(a.type);
    if (ranged) {
      const change = linkedOf(linked, ranged[1].toLowerCase());
      (ranged[2] === '1' ? change.added : change.removed).push(...a.values.map(toLinked));
      continue;
    }
    if (lower === 'objectguid') guidBytes = a.values[0];
    else if (lower === 'parentguid' && a.values[0]?.length === 16) parentGuid = guidToString(a.values[0]);
    if (SERVER_ADDED.has(lower)) continue;
    if (linkedNames.has(lower)) {
      linkedOf(linked, lower).replaced = a.values.map(toLinked);
      continue;
    }
    if (lower === 'objectclass') objectClass = a.values.map((v) => v.toString('utf8'));
    if (lower === 'isdeleted') deletedFlag = a.values[0]?.toString('utf8').toUpperCase() === 'TRUE';
    // Samba sends lastKnownParent as an extended DN even without the control; keep the plain DN.
    if (lower === 'lastknownparent' && a.values[0]) lastKnownParent = parseExtendedDn(a.values[0].toString('utf8')).dn;
    if (a.values.length === 0) cleared.push(lower);
    attrs.push([a.type, a.values]);
  }

  let guid: string | undefined;
  if (guidBytes?.length === 16) guid = guidToString(guidBytes);
  else guid = head.guid;
  if (!guid) throw new Error(`DirSync entry "${entry.dn}" has no objectGUID`);

  const change: DirSyncChange = {
    guid,
    dn: head.dn,
    deleted: deletedFlag || isTombstoneDn(head.dn),
    objectClass,
    attributes: new DirectoryEntry(head.dn, attrs),
    cleared,
    linked,
    memberAdded: linked.member?.added ?? [],
    memberRemoved: linked.member?.removed ?? [],
  };
  if (head.sid) change.sid = head.sid;
  if (parentGuid) change.parentGuid = parentGuid;
  if (lastKnownParent) change.lastKnownParent = lastKnownParent;
  return change;
}

/**
 * A tombstone's RDN is mangled to `<old RDN value>\0ADEL:<guid>` (MS-ADTS 3.1.1.5.5.1.2). Used
 * besides isDeleted because a caller allowed to see a tombstone's DN may not see isDeleted.
 */
export function isTombstoneDn(dn: string): boolean {
  let end = dn.length;
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') i++;
    else if (dn[i] === ',') {
      end = i;
      break;
    }
  }
  const rdn = dn.slice(0, end);
  return /\\0ADEL:[0-9a-f-]{36}$/i.test(rdn) || /\nDEL:[0-9a-f-]{36}$/i.test(rdn);
}

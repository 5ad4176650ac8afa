import asn1 from 'asn1';
import { BerDecodeError, Cursor, Tag, boolean, detach, elements, integer, single, writeOctets } from './ber.js';
import type { RequestControl } from './requests.js';

/**
 * BER encoding and decoding of the RFC 4533 (LDAP Content Synchronization Operation) controls and
 * the Sync Info intermediate response, section by section. The ASN.1 module of RFC 4533 uses the
 * LDAP conventions (IMPLICIT TAGS), so a context tag replaces the universal one: newcookie [0] is
 * a primitive 0x80, refreshDelete [1] a constructed 0xa1, and so on (the same values as
 * LDAP_TAG_SYNC_* in OpenLDAP's ldap.h).
 *
 *   syncUUID   ::= OCTET STRING (SIZE(16))
 *   syncCookie ::= OCTET STRING
 */

const { BerWriter } = asn1;

export const SYNC_REQUEST_OID = '1.3.6.1.4.1.4203.1.9.1.1';
export const SYNC_STATE_OID = '1.3.6.1.4.1.4203.1.9.1.2';
export const SYNC_DONE_OID = '1.3.6.1.4.1.4203.1.9.1.3';
export const SYNC_INFO_OID = '1.3.6.1.4.1.4203.1.9.1.4';
/** RFC 4533 section 2.6: the server cannot continue from the cookie; the client must reload. */
export const E_SYNC_REFRESH_REQUIRED = 4096;

export type SyncMode = 'refreshOnly' | 'refreshAndPersist';
export type SyncStateName = 'present' | 'add' | 'modify' | 'delete';

export interface SyncRequest {
  mode: SyncMode;
  cookie?: Buffer;
  reloadHint?: boolean;
}

export interface SyncState {
  state: SyncStateName;
  /** entryUUID (RFC 4530) as lower-case 8-4-4-4-12 hex. */
  uuid: string;
  cookie?: Buffer;
}

export interface SyncDone {
  cookie?: Buffer;
  refreshDeletes: boolean;
}

export type SyncInfo =
  | { kind: 'newcookie'; cookie: Buffer }
  | { kind: 'refreshDelete'; cookie?: Buffer; refreshDone: boolean }
  | { kind: 'refreshPresent'; cookie?: Buffer; refreshDone: boolean }
  | { kind: 'syncIdSet'; cookie?: Buffer; refreshDeletes: boolean; uuids: string[] };

const modes: Record<SyncMode, number> = { refreshOnly: 1, refreshAndPersist: 3 };
const states: SyncStateName[] = ['present', 'add', 'modify', 'delete'];

const TAG_NEW_COOKIE = 0x80;
const TAG_REFRESH_DELETE = 0xa1;
const TAG_REFRESH_PRESENT = 0xa2;
const TAG_SYNC_ID_SET = 0xa3;

/** 16 raw bytes → "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (RFC 4122 byte order, as entryUUID prints). */
export function uuidToString(bytes: Buffer): string {
  if (bytes.length !== 16) throw new BerDecodeError(`syncUUID must be 16 bytes, got ${bytes.length}`);
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function uuidToBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

/**
 * Section 2.2, the Sync Request control value:
 *   syncRequestValue ::= SEQUENCE { mode ENUMERATED { refreshOnly (1), refreshAndPersist (3) },
 *                                   cookie syncCookie OPTIONAL, reloadHint BOOLEAN DEFAULT FALSE }
 * The control MUST be critical-capable; we send it critical so a server without syncprov refuses
 * (unavailableCriticalExtension) instead of answering a plain search.
 */
export function encodeSyncRequestValue(req: SyncRequest): Buffer {
  const w = new BerWriter();
  w.startSequence();
  w.writeEnumeration(modes[req.mode]);
  if (req.cookie !== undefined) writeOctets(w, req.cookie);
  if (req.reloadHint) w.writeBoolean(true); // DEFAULT FALSE is omitted (X.690 11.5)
  w.endSequence();
  return w.buffer;
}

export function syncRequestControl(req: SyncRequest): RequestControl {
  return { oid: SYNC_REQUEST_OID, critical: true, value: encodeSyncRequestValue(req) };
}

/**
 * Section 2.3, the Sync State control on each SearchResultEntry (and reference):
 *   syncStateValue ::= SEQUENCE { state ENUMERATED { present (0), add (1), modify (2), delete (3) },
 *                                 entryUUID syncUUID, cookie syncCookie OPTIONAL }
 */
export function decodeSyncState(value: Buffer): SyncState {
  const c = new Cursor(single(value, Tag.Sequence, 'syncStateValue').value, 'syncStateValue');
  const n = integer(c.required(Tag.Enumerated, 'state'), 'state');
  const state = states[n];
  if (state === undefined) throw new BerDecodeError(`syncStateValue: unknown state ${n}`);
  const uuid = uuidToString(c.required(Tag.OctetString, 'entryUUID'));
  const cookie = c.optional(Tag.OctetString);
  return { state, uuid, ...(cookie ? { cookie: detach(cookie) } : {}) };
}

/**
 * Section 2.4, the Sync Done control on SearchResultDone:
 *   syncDoneValue ::= SEQUENCE { cookie syncCookie OPTIONAL, refreshDeletes BOOLEAN DEFAULT FALSE }
 */
export function decodeSyncDone(value: Buffer): SyncDone {
  const c = new Cursor(single(value, Tag.Sequence, 'syncDoneValue').value, 'syncDoneValue');
  const cookie = c.optional(Tag.OctetString);
  const rd = c.optional(Tag.Boolean);
  return { ...(cookie ? { cookie: detach(cookie) } : {}), refreshDeletes: rd ? boolean(rd, 'refreshDeletes') : false };
}

/** The { cookie OPTIONAL, refreshDone BOOLEAN DEFAULT TRUE } body of refreshDelete / refreshPresent. */
function refreshBody(content: Buffer, what: string): { cookie?: Buffer; refreshDone: boolean } {
  const c = new Cursor(content, what);
  const cookie = c.optional(Tag.OctetString);
  const done = c.optional(Tag.Boolean);
  return { ...(cookie ? { cookie: detach(cookie) } : {}), refreshDone: done ? boolean(done, `${what}.refreshDone`) : true };
}

/**
 * Section 2.5, the Sync Info Message (an Intermediate Response named SYNC_INFO_OID):
 *   syncInfoValue ::= CHOICE {
 *     newcookie      [0] syncCookie,
 *     refreshDelete  [1] SEQUENCE { cookie syncCookie OPTIONAL, refreshDone BOOLEAN DEFAULT TRUE },
 *     refreshPresent [2] SEQUENCE { cookie syncCookie OPTIONAL, refreshDone BOOLEAN DEFAULT TRUE },
 *     syncIdSet      [3] SEQUENCE { cookie syncCookie OPTIONAL, refreshDeletes BOOLEAN DEFAULT FALSE,
 *                                   syncUUIDs SET OF syncUUID } }
 */
export function decodeSyncInfo(value: Buffer): SyncInfo {
  const els = elements(value);
  if (els.length !== 1) throw new BerDecodeError(`syncInfoValue: expected one CHOICE element, got ${els.length}`);
  const { tag, value: content } = els[0];
  switch (tag) {
    case TAG_NEW_COOKIE:
      return { kind: 'newcookie', cookie: detach(content) };
    case TAG_REFRESH_DELETE:
      return { kind: 'refreshDelete', ...refreshBody(content, 'refreshDelete') };
    case TAG_REFRESH_PRESENT:
      return { kind: 'refreshPresent', ...refreshBody(content, 'refreshPresent') };
    case TAG_SYNC_ID_SET: {
      const c = new Cursor(content, 'syncIdSet');
      const cookie = c.optional(Tag.OctetString);
      const rd = c.optional(Tag.Boolean);
      const set = c.required(Tag.Set, 'syncUUIDs');
      const uuids = elements(set).map((e) => {
        if (e.tag !== Tag.OctetString) throw new BerDecodeError(`syncIdSet: syncUUID with tag 0x${e.tag.toString(16)}`);
        return uuidToString(e.value);
      });
      return { kind: 'syncIdSet', ...(cookie ? { cookie: detach(cookie) } : {}), refreshDeletes: rd ? boolean(rd, 'refreshDeletes') : false, uuids };
    }
    default:
      throw new BerDecodeError(`syncInfoValue: unknown CHOICE tag 0x${tag.toString(16)}`);
  }
}

import asn1 from 'asn1';
import type { BerReader as BerReaderType } from 'asn1';
import type { LdapControl } from '../stream/protocol.js';
import type { RequestControl } from '../stream/requests.js';

/**
 * The DirSync control, LDAP_SERVER_DIRSYNC_OID (MS-ADTS 3.1.1.3.4.1.3).
 *
 * Request value:  SEQUENCE { Flags INTEGER, MaxBytes INTEGER, Cookie OCTET STRING }
 * Response value: SEQUENCE { MoreResults INTEGER, unused INTEGER, CookieServer OCTET STRING }
 *
 * The request and the response carry the same OID: the response control comes back on the
 * SearchResultDone (dirSyncResponse() finds and decodes it).
 */

const { Ber, BerReader, BerWriter } = asn1;

export const DIRSYNC_OID = '1.2.840.113556.1.4.841';

/** MS-ADTS 3.1.1.3.4.1.3, the Flags field. */
export const DirSyncFlags = {
  /** Return only what the caller may read; without it the caller needs Replicating Directory Changes. */
  OBJECT_SECURITY: 0x1,
  /** Parents before children (Windows honours it; Samba ignores it). */
  ANCESTORS_FIRST_ORDER: 0x800,
  /** Skip attributes marked confidential or never-sent-to-RODC. */
  PUBLIC_DATA_ONLY: 0x2000,
  /** Linked values (member) as deltas: `member;range=1-1` added, `member;range=0-0` removed. */
  INCREMENTAL_VALUES: 0x80000000,
} as const;

export interface DirSyncRequestValue {
  flags: number;
  /** Upper bound of the response size the server aims for; Samba ignores it. */
  maxBytes: number;
  /** Empty for a first, full synchronisation. */
  cookie: Buffer;
}

export interface DirSyncResponseValue {
  /** Non-zero: the server has more changes; repeat the search with `cookie` at once. */
  moreResults: number;
  unused: number;
  cookie: Buffer;
}

/**
 * Flags are a 32-bit field that MS-ADTS declares as a (signed) INTEGER. INCREMENTAL_VALUES is the
 * sign bit, so it must travel as the negative 4-byte two's-complement form `02 04 80 00 00 00`:
 * the 5-byte positive form `02 05 00 80 00 00 00` is rejected by Windows with a protocol error
 * (ldap3 issue 642, go-ldap PR 571). `| 0` reinterprets the unsigned number as int32; the asn1
 * writer then emits the minimal two's-complement encoding, which for the sign bit is 4 bytes.
 */
export function toInt32(flags: number): number {
  if (!Number.isInteger(flags) || flags < -0x80000000 || flags > 0xffffffff) {
    throw new RangeError(`DirSync flags must fit in 32 bits, got ${flags}`);
  }
  return flags | 0;
}

export function encodeDirSyncRequestValue(v: DirSyncRequestValue): Buffer {
  if (!Number.isInteger(v.maxBytes) || v.maxBytes < 0 || v.maxBytes > 0x7fffffff) {
    throw new RangeError(`DirSync maxBytes must be 0..2^31-1, got ${v.maxBytes}`);
  }
  const w = new BerWriter();
  w.startSequence();
  w.writeInt(toInt32(v.flags));
  w.writeInt(v.maxBytes);
  // The asn1 writer refuses a zero-length writeBuffer; writeString('') writes the same `04 00`.
  if (v.cookie.length > 0) w.writeBuffer(v.cookie, Ber.OctetString);
  else w.writeString('');
  w.endSequence();
  return w.buffer;
}

export class DirSyncDecodeError extends Error {
  override readonly name = 'DirSyncDecodeError';
}

export function decodeDirSyncResponseValue(value: Buffer): DirSyncResponseValue {
  const r = new BerReader(value);
  try {
    if (r.readSequence() === null) throw new DirSyncDecodeError('empty DirSync response control value');
    const end = r.offset + r.length;
    if (end > value.length) throw new DirSyncDecodeError('DirSync response control value is truncated');
    const moreResults = readInteger(r, 'MoreResults');
    const unused = readInteger(r, 'unused');
    const cookie = r.readString(Ber.OctetString, true);
    if (cookie === null) throw new DirSyncDecodeError('DirSync response control has no cookie');
    return { moreResults, unused, cookie: Buffer.from(cookie) };
  } catch (err) {
    if (err instanceof DirSyncDecodeError) throw err;
    throw new DirSyncDecodeError(`malformed DirSync response control: ${(err as Error).message}`);
  }
}

function readInteger(r: BerReaderType, field: string): number {
  const n = r.readInt();
  if (n === null) throw new DirSyncDecodeError(`DirSync response control: ${field} is missing`);
  return n;
}

/** The request control. MS-ADTS: it must be critical; Samba answers a non-critical one with operationsError. */
export function dirSyncControl(request: Partial<DirSyncRequestValue> & { flags: number }): RequestControl {
  const value = encodeDirSyncRequestValue({ flags: request.flags, maxBytes: request.maxBytes ?? 0, cookie: request.cookie ?? Buffer.alloc(0) });
  return { oid: DIRSYNC_OID, critical: true, value };
}

/** The response control among a SearchResultDone's controls; undefined when the server sent none. Throws DirSyncDecodeError when it is unreadable. */
export function dirSyncResponse(controls: readonly LdapControl[]): DirSyncResponseValue | undefined {
  const c = controls.find((x) => x.oid === DIRSYNC_OID);
  if (!c) return undefined;
  if (!c.value) throw new DirSyncDecodeError('DirSync response control has no value');
  return decodeDirSyncResponseValue(c.value);
}

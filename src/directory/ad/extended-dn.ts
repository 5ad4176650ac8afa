import asn1 from 'asn1';
import type { RequestControl } from '../stream/requests.js';
import { guidToString, sidToString } from '../codecs.js';

const { BerWriter } = asn1;

/**
 * Extended DNs (MS-ADTS 3.1.1.3.4.1.5, LDAP_SERVER_EXTENDED_DN_OID): `<GUID=…>;<SID=…>;CN=Alice,…`.
 * DirSync returns linked values (member) in this form: the GUID identifies the member even when
 * the DN has changed or the member has been deleted since.
 *
 * Windows writes the parts in one of two forms, chosen by the Extended DN control's flag:
 * hexadecimal bytes (`<GUID=a1b2…>` 32 hex digits in byte order, `<SID=0105…>`) or strings
 * (`<GUID=xxxxxxxx-xxxx-…>`, `<SID=S-1-5-…>`). Samba's DirSync uses the string form. Both are read.
 * Objects without a SID (OUs, contacts) have no `<SID=…>` part.
 */

export const EXTENDED_DN_OID = '1.2.840.113556.1.4.529';

/**
 * Asks for extended DNs (MS-ADTS 3.1.1.3.4.1.5): value `SEQUENCE { Flag INTEGER }`, 1 = string form.
 * Without it DirSync hands back linked values as plain DNs (checked on Samba 4.17: `member;range=1-1:
 * CN=bob,OU=…`), which a rename since the change makes ambiguous. With it, the entry DNs are
 * extended too. Not critical: a server that ignores it still answers, and the parser copes.
 */
export function extendedDnControl(stringForm = true): RequestControl {
  const w = new BerWriter();
  w.startSequence();
  w.writeInt(stringForm ? 1 : 0);
  w.endSequence();
  return { oid: EXTENDED_DN_OID, value: w.buffer };
}

export interface ExtendedDn {
  /** objectGUID in the usual string form (MS-DTYP 2.3.4.2), lower case; undefined if absent. */
  guid?: string;
  /** objectSid as S-1-…; undefined for objects without one. */
  sid?: string;
  /** The plain DN after the extended parts (may be empty). */
  dn: string;
}

const GUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^(?:[0-9a-f]{2})+$/i;

export function parseExtendedDn(value: string): ExtendedDn {
  const out: ExtendedDn = { dn: '' };
  let rest = value;
  // Extended parts only ever come first and each is `<NAME=VALUE>` followed by `;` (or the end).
  // The DN itself may contain `;` and `<` in escaped or quoted values, so stop at the first
  // character that does not open a part.
  for (;;) {
    const m = /^<([A-Za-z]+)=([^>]*)>(;|$)/.exec(rest);
    if (!m) break;
    const [whole, name, v] = m;
    const key = name.toUpperCase();
    if (key === 'GUID') out.guid = decodeGuid(v);
    else if (key === 'SID') out.sid = decodeSid(v);
    rest = rest.slice(whole.length);
  }
  out.dn = rest;
  return out;
}

function decodeGuid(v: string): string {
  if (GUID_TEXT.test(v)) return v.toLowerCase();
  if (v.length === 32 && HEX.test(v)) return guidToString(Buffer.from(v, 'hex'));
  throw new Error(`extended DN: cannot read GUID "${v}"`);
}

function decodeSid(v: string): string {
  if (/^S-\d+-\d+(-\d+)*$/i.test(v)) return v.toUpperCase();
  if (HEX.test(v)) return sidToString(Buffer.from(v, 'hex'));
  throw new Error(`extended DN: cannot read SID "${v}"`);
}

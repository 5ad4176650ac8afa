/**
 * Decoders for the binary and encoded values directories hand back. Each cites the specification
 * clause that fixes the layout, because getting a byte order wrong silently re-keys every user.
 */

/** MS-DTYP 2.3.4.2: the first three groups are little-endian in the byte form. */
export function guidToString(buf: Buffer): string {
  if (buf.length !== 16) throw new Error(`objectGUID must be 16 bytes, got ${buf.length}`);
  const h = buf.toString('hex');
  const rev = (s: string) => s.match(/../g)!.reverse().join('');
  return `${rev(h.slice(0, 8))}-${rev(h.slice(8, 12))}-${rev(h.slice(12, 16))}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The inverse of guidToString, escaped for use in an LDAP filter (RFC 4515 section 3). */
export function guidToFilterValue(guid: string): string {
  const h = guid.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(h)) throw new Error(`not a GUID: ${guid}`);
  const rev = (s: string) => s.match(/../g)!.reverse().join('');
  const bytes = rev(h.slice(0, 8)) + rev(h.slice(8, 12)) + rev(h.slice(12, 16)) + h.slice(16);
  return bytes.replace(/(..)/g, '\\$1');
}

/** MS-DTYP 2.4.2.2: revision, count, 48-bit big-endian authority, count x uint32 LE sub-authorities. */
export function sidToString(buf: Buffer): string {
  if (buf.length < 8) throw new Error(`objectSid too short (${buf.length} bytes)`);
  const revision = buf[0];
  const count = buf[1];
  if (buf.length !== 8 + count * 4) throw new Error(`objectSid length ${buf.length} does not match ${count} sub-authorities`);
  const authority = buf.readUIntBE(2, 6);
  const subs: number[] = [];
  for (let i = 0; i < count; i++) subs.push(buf.readUInt32LE(8 + i * 4));
  return `S-${revision}-${authority}${subs.map((s) => `-${s}`).join('')}`;
}

/** The relative identifier is the last sub-authority; primaryGroupID holds the group's RID. */
export function ridFromSid(buf: Buffer): number {
  if (buf.length < 12) throw new Error('objectSid has no sub-authority');
  return buf.readUInt32LE(buf.length - 4);
}

export const UserAccountControl = {
  ACCOUNTDISABLE: 0x2,
  LOCKOUT: 0x10,
  PASSWD_NOTREQD: 0x20,
  NORMAL_ACCOUNT: 0x200,
  DONT_EXPIRE_PASSWD: 0x10000,
  PASSWORD_EXPIRED: 0x800000,
} as const;

const FILETIME_EPOCH_OFFSET_MS = 11644473600000n;
const FILETIME_NEVER = 0x7fffffffffffffffn;

/**
 * accountExpires is a FILETIME (100-ns ticks since 1601-01-01); 0 and 0x7FFFFFFFFFFFFFFF mean
 * "never" (MS-ADA1, Account-Expires). Returns undefined for never.
 */
export function fileTimeToDate(value: string): Date | undefined {
  if (!/^-?\d+$/.test(value.trim())) throw new Error(`not a FILETIME: ${value}`);
  const ticks = BigInt(value.trim());
  if (ticks <= 0n || ticks >= FILETIME_NEVER) return undefined;
  return new Date(Number(ticks / 10000n - FILETIME_EPOCH_OFFSET_MS));
}

export function dateToFileTime(date: Date): string {
  return ((BigInt(date.getTime()) + FILETIME_EPOCH_OFFSET_MS) * 10000n).toString();
}

/**
 * A comparison key for DNs. Directories return DNs in member values with the case and spacing of
 * whoever wrote them; RFC 4514 says attribute types and (for the attributes in DNs we meet) values
 * compare case-insensitively. We lower-case and drop the insignificant spaces around separators,
 * leaving escaped characters alone.
 */
// Spaces next to a separator, or an escape: only then is the character-by-character walk needed.
const NEEDS_WALK = /\\| [,=+]|[,=+] |^ | $/;

/** True when dnKey(dn) is dn itself: lower-case ASCII without spaces or escapes, the common case. */
function isKey(dn: string): boolean {
  for (let i = 0; i < dn.length; i++) {
    const c = dn.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c === 0x20 || c === 0x5c || c > 0x7e) return false;
  }
  return true;
}

export function dnKey(dn: string): string {
  // Hot path: a sync computes this for every member value and user (millions at 100,000 users);
  // one pass over the characters settles most DNs without a regular expression or a new string.
  if (isKey(dn)) return dn;
  if (!NEEDS_WALK.test(dn)) return dn.toLowerCase();
  let out = '';
  let i = 0;
  const s = dn.trim();
  while (i < s.length) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      out += c + s[i + 1].toLowerCase();
      i += 2;
      continue;
    }
    if (c === ',' || c === '=' || c === '+') {
      out = out.replace(/ +$/, '') + c;
      i++;
      while (s[i] === ' ') i++;
      continue;
    }
    out += c.toLowerCase();
    i++;
  }
  return out;
}

/** RFC 4517 uniqueMember values may carry an optional `#'0101'B` UID suffix after the DN. */
export function stripUniqueMemberUid(value: string): string {
  return value.endsWith("'B") ? value.replace(/#'[01]*'B$/, '') : value;
}

/** True when `dn` is `ancestor` or lies below it. Both are dnKey()s. */
export function isUnder(dnK: string, ancestorK: string): boolean {
  return dnK === ancestorK || dnK.endsWith(`,${ancestorK}`);
}

/** Escape a value for an LDAP filter (RFC 4515 section 3). */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Escape a value for an RDN (RFC 4514 section 2.4): `, + " \ < > ;` and NUL anywhere, a space or
 * `#` first, a space last.
 */
export function escapeDnValue(value: string): string {
  return value
    .replace(/[,+"\\<>;]/g, (c) => `\\${c}`)
    .replace(/\0/g, '\\00')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

// Minimal RFC 2849 LDIF writer: enough to feed slapadd/ldbadd/ldapadd with generated entries.
// Values that are not "SAFE-STRING" (leading space/colon/<, non-ASCII, NUL/CR/LF, trailing
// space) or are Buffers are base64-encoded, so arbitrary test data survives the round trip.

export type LdifValue = string | number | Buffer;
export type LdifAttrs = Record<string, LdifValue | LdifValue[] | undefined>;

export interface LdifEntry {
  dn: string;
  attrs: LdifAttrs;
}

// SAFE-INIT-CHAR excludes NUL, LF, CR, SPACE, ':' and '<'; SAFE-CHAR excludes NUL, LF, CR; all ASCII.
// biome-ignore lint/suspicious/noControlCharactersInRegex: RFC 2849 defines SAFE-STRING by control-character ranges.
const SAFE = /^(?:[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*)?$/;

function line(name: string, value: LdifValue): string {
  if (Buffer.isBuffer(value)) return `${name}:: ${value.toString('base64')}`;
  const s = String(value);
  if (SAFE.test(s) && !s.endsWith(' ')) return `${name}: ${s}`;
  return `${name}:: ${Buffer.from(s, 'utf8').toString('base64')}`;
}

/** One entry as an LDIF record, terminated by a blank line. Attribute order is preserved. */
export function ldifRecord(entry: LdifEntry): string {
  const out = [line('dn', entry.dn)];
  for (const [name, raw] of Object.entries(entry.attrs)) {
    if (raw === undefined) continue;
    for (const v of Array.isArray(raw) ? raw : [raw]) out.push(line(name, v));
  }
  return `${out.join('\n')}\n\n`;
}

export function toLdif(entries: Iterable<LdifEntry>): string {
  let s = '';
  for (const e of entries) s += ldifRecord(e);
  return s;
}

/** RFC 4514 escaping of one RDN value (for building DNs from test names with commas etc.). */
export function escapeDnValue(v: string): string {
  let s = v.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  if (s.startsWith(' ') || s.startsWith('#')) s = `\\${s}`;
  if (s.endsWith(' ') && s.length > 1) s = `${s.slice(0, -1)}\\ `;
  return s;
}

/** RFC 4515 escaping of a filter assertion value. */
export function escapeFilterValue(v: string): string {
  return v.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

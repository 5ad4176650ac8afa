import { dnKey } from '../directory/codecs.js';

/**
 * The few DN operations provisioning needs (RFC 4514): the DN an object will have when created,
 * which crash recovery compares with what it finds (src/provision/deliver.ts), and the RDN value
 * of a DN the directory holds, which a rename compares with the one wanted.
 */

/** Escapes an attribute value for a DN (RFC 4514 section 2.4). */
export function escapeRdnValue(value: string): string {
  let out = value.replace(/[\\",+;<>=]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

export function childDn(rdnAttribute: string, rdnValue: string, container: string): string {
  return `${rdnAttribute}=${escapeRdnValue(rdnValue)},${container}`;
}

/** The value of a DN's first RDN, unescaped (`CN=Smith\, Ann,OU=x` → `Smith, Ann`); a multi-valued RDN gives its first value. */
export function rdnValueOf(dn: string): string {
  let i = dn.indexOf('=');
  if (i < 0) return '';
  let out = '';
  for (i++; i < dn.length; i++) {
    const c = dn[i];
    if (c === ',' || c === '+') break;
    if (c === '\\' && i + 1 < dn.length) {
      const hex = dn.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        // A run of hex escapes is UTF-8 bytes.
        const bytes: number[] = [];
        while (dn[i] === '\\' && /^[0-9a-fA-F]{2}$/.test(dn.slice(i + 1, i + 3))) {
          bytes.push(Number.parseInt(dn.slice(i + 1, i + 3), 16));
          i += 3;
        }
        out += Buffer.from(bytes).toString('utf8');
        i--;
        continue;
      }
      out += dn[++i];
      continue;
    }
    out += c;
  }
  return out.trim();
}

export function sameDn(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && dnKey(a) === dnKey(b);
}

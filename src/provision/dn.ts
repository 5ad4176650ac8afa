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

/**
 * The RDN value a new or renamed AD user takes when another object of its container already holds
 * CN=<full name>: `John Smith (jsmith)`, as administrators tell two John Smiths apart by hand. A CN
 * is unique only within its container (the sAMAccountName is unique in the domain), so the
 * username makes it unique; the planner takes either form as the user's own and renames neither.
 */
export function collisionRdn(rdn: string, username: string): string {
  return `${rdn} (${username})`;
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

/** The DN without its first RDN (`CN=Smith\\, Ann,OU=x` → `OU=x`). */
export function parentOf(dn: string): string {
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') i++;
    else if (dn[i] === ',') return dn.slice(i + 1);
  }
  return '';
}

export function sameDn(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && dnKey(a) === dnKey(b);
}

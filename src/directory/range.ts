import type { DirectoryConnection } from './connection.js';
import type { DirectoryEntry } from './entry.js';

const RANGED = /^(.+);range=(\d+)-(\d+|\*)$/i;

/** The attribute name to request for the first chunk of a multi-valued attribute. */
export function firstRangeRequest(attr: string, rangeSize?: number): string {
  return rangeSize ? `${attr};range=0-${rangeSize - 1}` : attr;
}

/**
 * All values of a multi-valued attribute, following MS-ADTS 3.1.1.3.1.3.3 range retrieval: the
 * server answers `member;range=0-1499` and we ask again from 1500 until the echoed upper bound is
 * `*`. Servers that do not range (OpenLDAP) answer with the plain attribute and this returns it.
 */
export async function readAllValues(conn: DirectoryConnection, entry: DirectoryEntry, attr: string, rangeSize?: number): Promise<string[]> {
  const lower = attr.toLowerCase();
  const values: string[] = [...entry.strings(attr)];
  let next: number | undefined;
  for (const name of entry.names()) {
    const m = RANGED.exec(name);
    if (!m || m[1] !== lower) continue;
    const chunk = entry.strings(name);
    values.push(...chunk);
    // An empty chunk (an attribute sent without values) means nothing more.
    if (m[3] !== '*' && chunk.length > 0) next = Number(m[3]) + 1;
  }
  while (next !== undefined) {
    const request = rangeSize ? `${attr};range=${next}-${next + rangeSize - 1}` : `${attr};range=${next}-*`;
    const more = await conn.read(entry.dn, [request]);
    next = undefined;
    if (!more) break;
    for (const name of more.names()) {
      const m = RANGED.exec(name);
      if (!m || m[1] !== lower) continue;
      const chunk = more.strings(name);
      values.push(...chunk);
      if (m[3] !== '*' && chunk.length > 0) next = Number(m[3]) + 1;
    }
  }
  return values;
}

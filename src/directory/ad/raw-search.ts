import { DirectoryEntry } from '../entry.js';
import type { LdapStream } from '../stream/ldap-stream.js';
import type { LdapControl, LdapResult } from '../stream/protocol.js';
import { pagedResultsControl, pagedResultsCookie, type RequestControl } from '../stream/requests.js';
import type { SearchMessage, SearchStream } from '../stream/search-stream.js';

/**
 * A search that hands back entries exactly as the server sent them, with the response controls of
 * its SearchResultDone, over idsync's own LDAP stream layer.
 *
 * Under DirSync an attribute the server omits is unchanged, and one it sends with no values was
 * cleared (MS-ADTS 3.1.1.3.4.1.3): the two must stay apart, so entries keep exactly the attributes
 * the server sent, with raw value bytes. The stream layer also refuses to reconnect behind the
 * caller's back: a lost connection is an error, never a later request that runs unbound.
 */

/** Something that owns a bound stream: an LdapStream itself, or a DirectoryConnection. */
export type AdSession = LdapStream | { readonly stream: LdapStream; readonly server?: { readonly url: string } };

export function sessionStream(s: AdSession): LdapStream {
  return 'stream' in s ? s.stream : s;
}

/** For error messages (mapDirectoryError names the server). */
export function sessionServer(s: AdSession): string | undefined {
  return s.server?.url;
}

export interface RawAttribute {
  /** The attribute description as the server spelt it, options included (`member;range=1-1`). */
  type: string;
  /** Raw value octets; empty for an attribute sent without values. */
  values: Buffer[];
}

export interface RawEntry {
  dn: string;
  attributes: RawAttribute[];
}

export interface RawSearchOptions {
  scope?: 'base' | 'one' | 'sub';
  filter?: string;
  attributes: string[];
  controls?: RequestControl[];
  sizeLimit?: number;
  /** Seconds, on the server; 0 = none (a first DirSync of a large domain takes a while). */
  timeLimit?: number;
}

export interface RawSearchResult {
  entries: RawEntry[];
  /** Continuation references (e.g. to DomainDnsZones under the domain root); not followed. */
  references: string[];
  /** Response controls of the SearchResultDone (DirSync's cookie, paging). */
  controls: LdapControl[];
}

/**
 * A refused search as an error with the LDAP result code in `code` and the server's
 * words in `message`. DirSync tells "not a naming context" from "no rights" by both (dirsync.ts),
 * and mapDirectoryError maps it by code like every other LDAP failure.
 */
export class LdapResultError extends Error {
  override readonly name = 'LdapResultError';
  readonly code: number;
  constructor(readonly result: LdapResult) {
    super(result.diagnosticMessage || `LDAP result ${result.resultCode}`);
    this.code = result.resultCode;
  }
}

/**
 * The next message, or a timeout when the server stays silent for `ms` (the stream layer has no
 * limit of its own: persistent searches are silent by design). The search is abandoned on timeout.
 */
async function nextMessage(search: SearchStream, ms: number): Promise<IteratorResult<SearchMessage>> {
  if (ms <= 0) return search.next();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      search.abandon();
      reject(new Error(`timed out: no answer for ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([search.next(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One search, all entries in memory. For DirSync (which must not be combined with paging: the
 * cookie is the paging) and for small reads.
 */
export async function rawSearch(session: AdSession, base: string, opts: RawSearchOptions): Promise<RawSearchResult> {
  const stream = sessionStream(session);
  const search = stream.search({
    base,
    scope: opts.scope ?? 'sub',
    filter: opts.filter ?? '(objectClass=*)',
    attributes: opts.attributes,
    controls: opts.controls,
    sizeLimit: opts.sizeLimit ?? 0,
    timeLimit: opts.timeLimit ?? 0,
  });
  const out: RawSearchResult = { entries: [], references: [], controls: [] };
  for (;;) {
    const { value: m, done } = await nextMessage(search, stream.operationTimeoutMs);
    if (done) throw new Error('the search ended without a result (connection closed)');
    if (m.type === 'entry') out.entries.push({ dn: m.dn, attributes: m.attributes });
    else if (m.type === 'reference') out.references.push(...m.uris);
    else if (m.type === 'done') {
      if (m.result.resultCode !== 0) throw new LdapResultError(m.result);
      out.controls = m.controls;
      return out;
    }
  }
}

/** A paged search (RFC 2696), one page at a time, so memory follows the page size. */
export async function* rawSearchPages(session: AdSession, base: string, opts: RawSearchOptions & { pageSize: number }): AsyncGenerator<RawSearchResult> {
  let cookie: Buffer = Buffer.alloc(0);
  for (;;) {
    const page = await rawSearch(session, base, { ...opts, controls: [...(opts.controls ?? []), pagedResultsControl(opts.pageSize, cookie)] });
    yield page;
    const next = pagedResultsCookie(page.controls);
    if (!next?.length) return;
    cookie = next;
  }
}

/** Case-insensitive view of a raw entry; attributes sent without values stay present as []. */
export function toDirectoryEntry(e: RawEntry): DirectoryEntry {
  return new DirectoryEntry(
    e.dn,
    e.attributes.map((a): [string, Buffer[]] => [a.type, a.values]),
  );
}

import {
  Client, Control, FilterParser, MessageResponseStatus, PagedResultsControl, SearchRequest, StatusCodeParser,
  type SearchResponse,
} from 'ldapts';
import { DirectoryEntry } from '../entry.js';

/**
 * A search that hands back entries exactly as the server sent them.
 *
 * ldapts's search() runs every entry through SearchEntry.toObject(), which adds each requested
 * attribute the entry lacks as `[]`. Under DirSync that is wrong: an attribute the server omits is
 * unchanged, one it sends with no values was cleared (MS-ADTS 3.1.1.3.4.1.3), and toObject makes
 * both look the same. It also folds single values to scalars and decodes text it cannot know is
 * binary. So this module builds the SearchRequest itself, sends it with the client's own request
 * machinery, and reads the parsed SearchEntry objects (name + Attribute[] with raw buffers).
 *
 * That machinery (`_send`, `_nextMessageId`, `_connect`) is private in ldapts's typings. package.json
 * pins ldapts 8.0.17 exactly; assertInternals() turns an upgrade that renames them into a clear
 * error, and raw-search.unit.test.ts checks it, so the break shows up in `npm run test:unit`.
 */

/** Something that owns a bound ldapts client; a DirectoryConnection (adClient()) fits. */
export type AdSession = Client | { adClient(): Promise<Client>; readonly server?: { readonly url: string } };

export async function sessionClient(s: AdSession): Promise<Client> {
  return s instanceof Client ? s : s.adClient();
}

/** For error messages (mapDirectoryError names the server). */
export function sessionServer(s: AdSession): string | undefined {
  return s instanceof Client ? undefined : s.server?.url;
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
  controls?: Control[];
  sizeLimit?: number;
  /** Seconds; ldapts's default is 10, too short for a first DirSync of a large domain. 0 = none. */
  timeLimit?: number;
}

export interface RawSearchResult {
  entries: RawEntry[];
  /** Continuation references (e.g. to DomainDnsZones under the domain root); not followed. */
  references: string[];
}

interface LdaptsInternals {
  isConnected: boolean;
  _connect(): Promise<void> | void;
  _nextMessageId(): number;
  _send(message: SearchRequest): Promise<SearchResponse | undefined>;
}

export function assertInternals(client: Client): LdaptsInternals {
  const c = client as unknown as Partial<LdaptsInternals>;
  for (const name of ['_connect', '_nextMessageId', '_send'] as const) {
    if (typeof c[name] !== 'function') {
      throw new Error(`ldapts Client has no ${name}(): raw searches (src/directory/ad/raw-search.ts) need ldapts 8.0.x`);
    }
  }
  return c as LdaptsInternals;
}

function buildRequest(base: string, opts: RawSearchOptions, controls: Control[]): SearchRequest {
  return new SearchRequest({
    messageId: -1, // set per send, as ldapts does
    baseDN: base,
    scope: opts.scope ?? 'sub',
    filter: FilterParser.parseString(opts.filter ?? '(objectClass=*)'),
    attributes: opts.attributes,
    sizeLimit: opts.sizeLimit ?? 0,
    timeLimit: opts.timeLimit ?? 0,
    controls,
  });
}

async function send(client: Client, request: SearchRequest): Promise<SearchResponse> {
  const c = assertInternals(client);
  // Like ldapts's own operations: reconnect lazily (which does not re-bind; the server then
  // answers as anonymous and the caller sees the server's refusal).
  if (!c.isConnected) await c._connect.call(client);
  request.messageId = c._nextMessageId.call(client);
  const result = await c._send.call(client, request);
  if (!result) throw new Error('search ended without a result');
  if (result.status !== MessageResponseStatus.Success) throw StatusCodeParser.parse(result);
  return result;
}

function collect(result: SearchResponse, out: RawSearchResult): void {
  for (const e of result.searchEntries) {
    out.entries.push({ dn: e.name, attributes: e.attributes.map((a) => ({ type: a.type, values: a.parsedBuffers })) });
  }
  for (const r of result.searchReferences) out.references.push(...r.uris);
}

/**
 * One search, all entries in memory. For DirSync (which must not be combined with paging: the
 * cookie is the paging) and for small reads. Controls are parsed back into the objects passed in.
 */
export async function rawSearch(client: Client, base: string, opts: RawSearchOptions): Promise<RawSearchResult> {
  const out: RawSearchResult = { entries: [], references: [] };
  collect(await send(client, buildRequest(base, opts, [...(opts.controls ?? [])])), out);
  return out;
}

/** A paged search (RFC 2696), one page at a time, so memory follows the page size. */
export async function* rawSearchPages(client: Client, base: string, opts: RawSearchOptions & { pageSize: number }): AsyncGenerator<RawSearchResult> {
  const paging = new PagedResultsControl({ value: { size: opts.pageSize } });
  const request = buildRequest(base, opts, [...(opts.controls ?? []), paging]);
  for (;;) {
    const result = await send(client, request);
    const page: RawSearchResult = { entries: [], references: [] };
    collect(result, page);
    yield page;
    // ldapts creates a fresh PagedResultsControl for the response (it knows that OID).
    const answer = (result.controls ?? []).find((c): c is PagedResultsControl => c instanceof PagedResultsControl);
    const cookie = answer?.value?.cookie;
    if (!cookie?.length) return;
    paging.value = { size: opts.pageSize, cookie };
  }
}

/** Case-insensitive view of a raw entry; attributes sent without values stay present as []. */
export function toDirectoryEntry(e: RawEntry): DirectoryEntry {
  return new DirectoryEntry(e.dn, e.attributes.map((a): [string, Buffer[]] => [a.type, a.values]));
}

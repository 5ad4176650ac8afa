import { IdsyncError } from '../../errors.js';
import { mapDirectoryError } from '../errors.js';
import { DirSyncFlags, dirSyncControl, dirSyncResponse, type DirSyncResponseValue } from './dirsync-control.js';
import { parseDirSyncEntry, type DirSyncChange, type ParseOptions } from './dirsync-change.js';
import { extendedDnControl } from './extended-dn.js';
import { rawSearch, sessionServer, type AdSession, type RawSearchResult } from './raw-search.js';

export { DirSyncFlags } from './dirsync-control.js';
export type { DirSyncChange, LinkedChange, LinkedValue } from './dirsync-change.js';

/**
 * Incremental change tracking with the DirSync control (MS-ADTS 3.1.1.3.4.1.3), the way Entra
 * Connect imports from AD. The first search (empty cookie) returns every matching object; each
 * answer carries a cookie, and a search with that cookie returns only what changed since, deletions
 * included (as tombstones). Keep the cookie in the same transaction as the data it produced.
 *
 * Rules the server enforces, checked on Samba 4.17:
 * - the base must be the naming-context root (anything else: result 50 without OBJECT_SECURITY,
 *   53 with it); the scope is always subtree;
 * - DirSync does not combine with paged results: the cookie is the paging, and the server says
 *   "more" (MoreResults ≠ 0) until it has sent everything. Samba always says 0 and ignores MaxBytes;
 * - without OBJECT_SECURITY the bind account needs "Replicating Directory Changes"
 *   (DS-Replication-Get-Changes, 1131f6aa-9c07-11d1-f79f-00c04fc2dcd2) on the NC root, else 50;
 * - the filter is evaluated on the current object, tombstones included: a tombstone keeps
 *   objectClass but loses objectCategory, so `(objectCategory=person)` never matches a deletion.
 */

export interface DirSyncOptions extends ParseOptions {
  /** Naming-context root, e.g. DC=corp,DC=example,DC=test (rootDSE defaultNamingContext). */
  ncRoot: string;
  filter: string;
  /** Attributes to track. objectGUID, name, isDeleted, lastKnownParent and objectClass are added. */
  attributes: string[];
  /** The cookie of the last answer; empty or absent for a full first pass. */
  cookie?: Buffer;
  /** DirSyncFlags; default INCREMENTAL_VALUES (member changes as deltas). */
  flags?: number;
  /** MaxBytes hint (Windows caps each answer by it; Samba ignores it). Default 1 MiB. */
  maxBytes?: number;
  /** Stop after this many rounds even if the server has more (then `more` is true). Default unbounded. */
  maxRounds?: number;
}

export interface DirSyncRound {
  changes: DirSyncChange[];
  /** Cookie to store with these changes; the next call resumes after them. */
  cookie: Buffer;
  /** The server has more changes for this cookie. */
  more: boolean;
}

export interface DirSyncResult extends DirSyncRound {
  kind: 'changes';
  rounds: number;
}

/** The bind account may not use DirSync without OBJECT_SECURITY: fall back to uSNChanged polling. */
export interface DirSyncInsufficientRights {
  kind: 'insufficient-rights';
  /** LDAP result code (50, insufficientAccessRights). */
  resultCode: number;
  /** The server's words, for the run report. */
  message: string;
}

export class DirSyncAccessDenied extends IdsyncError {
  readonly resultCode: number;
  constructor(message: string, resultCode: number, cause: unknown) {
    super('DIRECTORY_OPERATION_FAILED', message, { cause });
    this.name = 'DirSyncAccessDenied';
    this.resultCode = resultCode;
  }
}

const ALWAYS = ['objectGUID', 'name', 'isDeleted', 'lastKnownParent', 'objectClass'];

function requestedAttributes(attrs: string[]): string[] {
  const out = [...attrs];
  const have = new Set(attrs.map((a) => a.toLowerCase()));
  // Without `name`, Samba drops an entry whose only change is a move (parentGUID counts only
  // alongside name); with it, renames and moves come back as a new DN plus parentGUID.
  for (const a of ALWAYS) if (!have.has(a.toLowerCase()) && !have.has('*')) out.push(a);
  return out;
}

function translateError(err: unknown, session: AdSession, opts: DirSyncOptions, flags: number): Error {
  const e = err as { code?: unknown; message?: string };
  const server = sessionServer(session);
  if (e?.code === 50 || e?.code === 53) {
    // Samba gives 50 (53 with OBJECT_SECURITY) both for a base that is not an NC root and for
    // a missing right; only the message tells them apart.
    if (/naming context/i.test(e.message ?? '')) {
      return new IdsyncError(
        'DIRECTORY_MISCONFIGURED',
        `${server ? `${server}: ` : ''}DirSync base ${opts.ncRoot} is not a naming-context root (use the domain's DN, rootDSE defaultNamingContext)`,
        { where: opts.ncRoot, cause: err },
      );
    }
    if (e.code === 50) {
      const how = flags & DirSyncFlags.OBJECT_SECURITY ? '' : ' (it needs "Replicating Directory Changes" on the domain root, or the OBJECT_SECURITY flag)';
      return new DirSyncAccessDenied(`${server ? `${server}: ` : ''}DirSync refused: insufficient access rights${how}: ${e.message ?? ''}`.trim(), 50, err);
    }
  }
  return mapDirectoryError(err, { server, operation: `DirSync ${opts.filter} under`, target: opts.ncRoot });
}

/**
 * Answers one by one, each with its cookie, so a caller can commit a round before asking for the
 * next and memory follows the server's answer size. Throws DirSyncAccessDenied on missing rights.
 */
export async function* dirSyncRounds(session: AdSession, opts: DirSyncOptions): AsyncGenerator<DirSyncRound> {
  const flags = opts.flags ?? DirSyncFlags.INCREMENTAL_VALUES;
  const attributes = requestedAttributes(opts.attributes);
  let cookie = opts.cookie ?? Buffer.alloc(0);
  for (;;) {
    let entries: RawSearchResult['entries'];
    let controls: RawSearchResult['controls'];
    try {
      ({ entries, controls } = await rawSearch(session, opts.ncRoot, {
        scope: 'sub',
        filter: opts.filter,
        attributes,
        controls: [dirSyncControl({ flags, maxBytes: opts.maxBytes ?? 1024 * 1024, cookie }), extendedDnControl(true)],
        timeLimit: 0,
      }));
    } catch (err) {
      throw translateError(err, session, opts, flags);
    }
    let response: DirSyncResponseValue | undefined;
    try {
      response = dirSyncResponse(controls);
    } catch (err) {
      throw new IdsyncError(
        'DIRECTORY_OPERATION_FAILED',
        `DirSync answer from ${sessionServer(session) ?? 'the server'} is unreadable: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (!response) {
      throw new IdsyncError(
        'DIRECTORY_OPERATION_FAILED',
        `${sessionServer(session) ?? 'the server'} answered a DirSync search without a DirSync control: is it Active Directory?`,
      );
    }
    cookie = response.cookie;
    const more = response.moreResults !== 0;
    yield { changes: entries.map((e) => parseDirSyncEntry(e, opts)), cookie, more };
    if (!more) return;
  }
}

/**
 * All changes since `cookie`, repeating while the server has more (up to maxRounds). Missing rights
 * come back as a result, not an error, so the caller can switch to uSNChanged polling.
 */
export async function dirSync(session: AdSession, opts: DirSyncOptions): Promise<DirSyncResult | DirSyncInsufficientRights> {
  const changes: DirSyncChange[] = [];
  let cookie = opts.cookie ?? Buffer.alloc(0);
  let more = false;
  let rounds = 0;
  try {
    for await (const round of dirSyncRounds(session, opts)) {
      changes.push(...round.changes);
      cookie = round.cookie;
      more = round.more;
      rounds++;
      if (more && rounds >= (opts.maxRounds ?? Infinity)) break;
    }
  } catch (err) {
    if (err instanceof DirSyncAccessDenied) return { kind: 'insufficient-rights', resultCode: err.resultCode, message: err.message };
    throw err;
  }
  return { kind: 'changes', changes, cookie, more, rounds };
}

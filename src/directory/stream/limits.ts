import { createHash } from 'node:crypto';
import type { DirectoryLimits } from '../../config/load.js';
import { IdsyncError } from '../../errors.js';

/**
 * What one LDAP server may make idsync hold, so that a broken or hostile server fails a run with
 * a clear error instead of growing memory or looping without end (issue 10 item 9):
 *
 * - one message: `limits.maxMessageMB` (framing.ts refuses a larger one from its header, before
 *   buffering it). A group with 300,000 members is about 20 MB; decoding costs several times
 *   the message, so this bounds memory where the old 256 MB limit did not.
 * - one page: `limits.maxPageEntries`, by default ten times the page size asked for. RFC 2696
 *   section 3 lets a server send fewer entries than asked, never more; a server without paging
 *   answers a whole search in one page, which this also bounds.
 * - one run: `timeouts.runMs` (connection.ts), because the limits above do not stop a server
 *   that sends pages forever.
 */

export const DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

export const DEFAULT_LIMITS: DirectoryLimits = { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES };

/** Entries one page may hold when `limits.maxPageEntries` is not set. */
export function maxPageEntries(limits: DirectoryLimits | undefined, pageSize: number): number {
  return limits?.maxPageEntries ?? Math.max(10 * pageSize, 1000);
}

export function pageTooLarge(server: string, max: number, target: string): IdsyncError {
  return new IdsyncError(
    'DIRECTORY_LIMIT_EXCEEDED',
    `${server}: the server sent more than ${max} entries in one page of the search under ${target} (a page that never ends, or paging ignored); ` +
      'raise limits.maxPageEntries if the directory really sends such pages',
    { where: target },
  );
}

export function messageTooLarge(server: string, size: number, max: number): IdsyncError {
  return new IdsyncError(
    'DIRECTORY_LIMIT_EXCEEDED',
    `${server}: the server announced a message of ${size} bytes, over the ${max}-byte limit (limits.maxMessageMB); refused before reading it`,
  );
}

export function runTooLong(server: string, runMs: number, target: string): IdsyncError {
  return new IdsyncError(
    'DIRECTORY_TIMEOUT',
    `${server}: the run has read from the directory for longer than timeouts.runMs (${runMs} ms) and was stopped during the search under ${target}; ` +
      'nothing was removed. Raise timeouts.runMs if the directory is really that large',
    { where: target },
  );
}

/**
 * RFC 2696 section 3: the cookie is opaque and a server may keep one per result set, so seeing
 * the same cookie again is not an error by itself. The same cookie with the same entries is: the
 * server made no progress and would send that page forever. Pages are remembered by a digest of
 * the cookie and the page's DNs (32 bytes each, for as long as the search lasts).
 */
export class PagingLoopGuard {
  #seen = new Set<string>();

  /** Throws DIRECTORY_PROTOCOL when this cookie and these DNs came before in this search. */
  check(cookie: Buffer, dns: readonly string[], context: { server: string; target: string }): void {
    const h = createHash('sha256');
    h.update(String(cookie.length)).update(':').update(cookie);
    for (const dn of dns) h.update('\0').update(dn);
    const key = h.digest('base64');
    if (this.#seen.has(key)) {
      throw new IdsyncError(
        'DIRECTORY_PROTOCOL',
        `${context.server}: the server returned the same paging cookie with the same ${dns.length} entries again ` +
          `during the search under ${context.target}; it makes no progress and would loop forever (RFC 2696)`,
        { where: context.target },
      );
    }
    this.#seen.add(key);
  }
}

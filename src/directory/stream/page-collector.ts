import type { DirectoryEntry } from '../entry.js';
import { mapDirectoryError } from '../errors.js';
import { runTooLong } from './limits.js';
import type { LdapResponse } from './protocol.js';

/** Options of the bulk searches (LdapStream.searchPages, searchAll). */
export interface CollectOptions {
  /** Lower-cased names of attributes whose values are bytes; all others are decoded as UTF-8 text. */
  binary?: ReadonlySet<string>;
  /** Fail when the server sends nothing for this long (ms) while a page is awaited; 0 = never. */
  timeoutMs?: number;
  /** Entries one page (or an unpaged search) may hold; default unbounded. */
  maxEntries?: number;
  /**
   * The run bound: a performance.now() time after which the search fails with DIRECTORY_TIMEOUT
   * however busy the server keeps it (timeouts.runMs, connection.ts), and the length it stands
   * for, for the message.
   */
  deadline?: { at: number; runMs: number };
}

/** A page as it completed: its entries and its SearchResultDone. */
export interface Collected {
  entries: DirectoryEntry[];
  done: LdapResponse & { op: 'searchDone' };
}

const NO_BINARY: ReadonlySet<string> = new Set();

/**
 * The entries of one search request, gathered until its SearchResultDone (one page of a paged
 * search), with the two limits on waiting for it: silence from the server (timeoutMs) and the
 * run bound (deadline). LdapStream feeds it the page's entries as they arrive.
 */
export class PageCollector {
  readonly kind = 'collect';
  readonly entries: DirectoryEntry[] = [];
  readonly binary: ReadonlySet<string>;
  /** More entries than this in one page is a broken or hostile server (limits.ts). */
  readonly maxEntries: number;
  /** When the last message for it arrived (ms), for the silence limit. */
  lastActivity = performance.now();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    /** The search base, for errors. */
    readonly target: string,
    options: CollectOptions,
    private readonly settle: { resolve: (r: Collected) => void; reject: (e: unknown) => void },
  ) {
    this.binary = options.binary ?? NO_BINARY;
    this.maxEntries = options.maxEntries ?? Infinity;
  }

  resolve(r: Collected): void {
    clearTimeout(this.#timer);
    this.settle.resolve(r);
  }

  reject(e: unknown): void {
    clearTimeout(this.#timer);
    this.settle.reject(e);
  }

  /**
   * Arms the limits of `options`. `stillPending` says whether the request still waits;
   * `abandon` gives it up at the server once it has been failed here.
   */
  watch(
    options: CollectOptions,
    what: { server: string; operation: string; target: string },
    hooks: { stillPending: () => boolean; abandon: () => void },
  ): void {
    const deadline = options.deadline;
    const limit = options.timeoutMs ?? 0;
    if (!(limit > 0 || deadline)) return;
    // One timer per request, re-armed for the remainder instead of reset per message: a page is
    // a thousand messages, and the limit is on silence, not on the whole page. The run bound
    // is on the whole page, however steadily the server sends.
    const check = (confirmed = false) => {
      const now = performance.now();
      if (deadline && now >= deadline.at) {
        this.reject(runTooLong(what.server, deadline.runMs, this.target));
        hooks.abandon();
        return;
      }
      const idle = now - this.lastActivity;
      if (limit <= 0 || idle < limit) {
        const wait = Math.min(limit > 0 ? limit - idle : Infinity, deadline ? deadline.at - now : Infinity);
        this.#timer = setTimeout(check, Math.max(1, Math.min(wait, 2 ** 31 - 1)));
        return;
      }
      // Timers run before pending socket reads: when the caller kept the thread busy past the
      // limit, the answer may be waiting unread. Look once more after the reads (setImmediate).
      if (!confirmed) {
        setImmediate(() => hooks.stillPending() && check(true));
        return;
      }
      this.reject(mapDirectoryError(new Error(`timed out: no answer for ${limit} ms`), what));
      hooks.abandon();
    };
    this.#timer = setTimeout(check, Math.max(1, Math.min(limit > 0 ? limit : Infinity, deadline ? deadline.at - performance.now() : Infinity, 2 ** 31 - 1)));
  }
}

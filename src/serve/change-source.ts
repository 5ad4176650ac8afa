import type { DirectoryConfig } from '../config/load.js';
import type { DirectoryConnection } from '../directory/connection.js';
import type { SyncState, SyncStatePatch } from '../store/sync-state.js';
import type { ChangeSet } from '../sync/incremental.js';

export interface SourceContext {
  cfg: DirectoryConfig;
  /** A bound connection for reads the source needs besides its stream. */
  conn: DirectoryConnection;
  /** The stored position (taken by `baseline` before the full sync, then moved by each change set). */
  state: SyncState | undefined;
  signal: AbortSignal;
  /** Applies a change set (and stores its position) before the source reads further. */
  apply(cs: ChangeSet): Promise<void>;
  /** The stream cannot continue from its position (cookie refused, server changed): reload. */
  resync(reason: string): Promise<void>;
  /** Reports the mode and connection state shown by `idsync status`. */
  status(s: { mode: string; connected: boolean; message?: string }): Promise<void>;
  now(): Date;
}

/**
 * One way of learning about changes in a directory: RFC 4533 Content Sync, DirSync, uSNChanged
 * or modifyTimestamp polling. `run` returns when the signal aborts and throws when the connection
 * fails; the worker reconnects with backoff and calls it again from the stored position.
 */
export interface ChangeSource {
  readonly mode: string;
  /**
   * The stream's position "now", taken just before a full sync: everything after it reaches the
   * store through the stream, everything before it through the full sync (overlap is harmless:
   * applying a change twice changes nothing the second time).
   */
  baseline(ctx: { cfg: DirectoryConfig; conn: DirectoryConnection; now(): Date }): Promise<SyncStatePatch>;
  run(ctx: SourceContext): Promise<void>;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Thrown by `resync` after the reload: the worker starts the source again from the new position. */
export class SourceRestart extends Error {
  constructor(reason: string) {
    super(`change stream restarted: ${reason}`);
    this.name = 'SourceRestart';
  }
}

import { sql } from 'kysely';
import type { Db } from '../db-handle.js';

/**
 * Lets the open transaction commit without waiting for its WAL to reach the disk
 * (synchronous_commit = off, for this transaction only). For the page transactions of a sync:
 * each waited about 10 ms for an fsync here, a second over the hundred pages of a 100,000-user
 * first sync. A crash of the server or the machine can lose the last commits (at most about
 * three times wal_writer_delay, 0.6 s by default) but never leaves a page half written: the store
 * stays consistent and the next run redoes what was lost, which is what a run killed midway
 * already means, and the guarantee the SQLite store gives with synchronous = NORMAL.
 */
export async function pgAsyncCommit(db: Db): Promise<void> {
  if (!db.isTransaction) throw new Error('pgAsyncCommit() needs an open transaction');
  await sql`set local synchronous_commit = off`.execute(db);
}

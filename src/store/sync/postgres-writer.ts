import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { KyselySyncWriter } from './kysely-writer.js';
import type { SyncReads, SyncStore, SyncWriter } from './writer.js';

/**
 * The PostgreSQL sync writer: Kysely, a page's rows per call (insertUsers, updateUsers and
 * addMembers take a page at a time), so that multi-row primitives (unnest, COPY) can replace
 * the statements here without the sync noticing.
 */
export class PostgresSyncWriter extends KyselySyncWriter {}

export class PostgresSyncStore implements SyncStore {
  readonly reads: SyncReads;

  constructor(private readonly db: Kysely<Database>) {
    this.reads = new PostgresSyncWriter(db);
  }

  transaction<T>(fn: (w: SyncWriter) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new PostgresSyncWriter(trx)));
  }
}

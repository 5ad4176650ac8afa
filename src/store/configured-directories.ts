import type { Selectable } from 'kysely';
import type { Db, Store } from './db.js';
import type { ApiDirectoriesTable, RunsTable } from './schema.js';
import { listSyncStates } from './sync-state.js';

/*
 * What the directory registry (src/directories) asks of the store: the directories created through
 * the admin API, which live in the store rather than in the configuration file, and what the store
 * knows of every configured directory (its row, its sync state, its last run). The registry keeps
 * the policy (the file wins a name, passwords are sealed, a stored password only goes where it
 * went before); this is storage. The same Kysely code serves SQLite and PostgreSQL, and the suite
 * in configured-directories.test.ts runs it over both.
 */

/** A directory created through the API: its input as JSON, without the password; the password sealed (or, from an older idsync, in clear). */
export type StoredDirectoryRow = Selectable<ApiDirectoriesTable>;

export interface StoredDirectoryWrite {
  /** The directory's input as JSON, without the password. */
  config: string;
  /** Sealed by the caller; null when the directory binds anonymously. */
  bindPassword: string | null;
  actor: string;
}

export interface StoredDirectories {
  /** Whether any is stored: a deployment that never stored one needs no key to start. */
  any(): Promise<boolean>;
  /** Every stored directory, by name. */
  list(): Promise<StoredDirectoryRow[]>;
  find(name: string): Promise<StoredDirectoryRow | undefined>;
  /** Names and configurations by name, without reading the passwords (for `idsync status`). */
  summaries(): Promise<{ name: string; config: string }[]>;
  insert(name: string, d: StoredDirectoryWrite, now: Date): Promise<void>;
  replace(id: number, d: StoredDirectoryWrite, now: Date): Promise<void>;
  remove(id: number): Promise<void>;
  /** The stored passwords, for sealing those an idsync without encryption at rest stored in clear. */
  passwords(): Promise<{ id: number; name: string; bindPassword: string }[]>;
  /**
   * Replaces a password only if it is still `from`: another process on the store may have sealed
   * or changed it since it was read. Whether it was replaced.
   */
  swapPassword(id: number, from: string, to: string): Promise<boolean>;
}

/** A directory's row in the store, once it has synced: what a later sync would refuse to change. */
export interface SyncedDirectory {
  type: string;
  username_attribute: string;
  first_synced_at: string | null;
}

type SyncStates = Awaited<ReturnType<typeof listSyncStates>>;
type LastRun = Pick<Selectable<RunsTable>, 'id' | 'kind' | 'status' | 'started_at' | 'finished_at' | 'error_code'>;

/** What the store knows of every directory, by name. */
export interface DirectoryFacts {
  rows: Map<string, { username_attribute: string; first_synced_at: string | null }>;
  states: SyncStates;
  /** The latest run that was not a dry run. */
  runs: Map<string, LastRun>;
}

export interface DirectoryStatus {
  /** The directory's row, if a sync ever wrote it. */
  synced(name: string): Promise<SyncedDirectory | undefined>;
  /** Every directory's row, sync state and last run, in three queries whatever their number. */
  facts(): Promise<DirectoryFacts>;
}

export class KyselyStoredDirectories implements StoredDirectories {
  constructor(private readonly db: Db) {}

  async any(): Promise<boolean> {
    return !!(await this.db.selectFrom('api_directories').select('id').limit(1).executeTakeFirst());
  }

  list(): Promise<StoredDirectoryRow[]> {
    return this.db.selectFrom('api_directories').selectAll().orderBy('name').execute();
  }

  find(name: string): Promise<StoredDirectoryRow | undefined> {
    return this.db.selectFrom('api_directories').selectAll().where('name', '=', name).executeTakeFirst();
  }

  summaries(): Promise<{ name: string; config: string }[]> {
    return this.db.selectFrom('api_directories').select(['name', 'config']).orderBy('name').execute();
  }

  async insert(name: string, d: StoredDirectoryWrite, now: Date): Promise<void> {
    const ts = now.toISOString();
    await this.db
      .insertInto('api_directories')
      .values({ name, config: d.config, bind_password: d.bindPassword, created_at: ts, updated_at: ts, updated_by: d.actor })
      .execute();
  }

  async replace(id: number, d: StoredDirectoryWrite, now: Date): Promise<void> {
    await this.db
      .updateTable('api_directories')
      .set({ config: d.config, bind_password: d.bindPassword, updated_at: now.toISOString(), updated_by: d.actor })
      .where('id', '=', id)
      .execute();
  }

  async remove(id: number): Promise<void> {
    await this.db.deleteFrom('api_directories').where('id', '=', id).execute();
  }

  async passwords(): Promise<{ id: number; name: string; bindPassword: string }[]> {
    const rows = await this.db
      .selectFrom('api_directories')
      .select(['id', 'name', 'bind_password'])
      .where('bind_password', 'is not', null)
      .orderBy('name')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, bindPassword: r.bind_password! }));
  }

  async swapPassword(id: number, from: string, to: string): Promise<boolean> {
    const r = await this.db.updateTable('api_directories').set({ bind_password: to }).where('id', '=', id).where('bind_password', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

export class KyselyDirectoryStatus implements DirectoryStatus {
  constructor(private readonly db: Db) {}

  synced(name: string): Promise<SyncedDirectory | undefined> {
    return this.db.selectFrom('directories').select(['type', 'username_attribute', 'first_synced_at']).where('name', '=', name).executeTakeFirst();
  }

  async facts(): Promise<DirectoryFacts> {
    const rows = await this.db.selectFrom('directories').select(['name', 'username_attribute', 'first_synced_at']).execute();
    const states = await listSyncStates(this.db);
    const latest = this.db
      .selectFrom('runs')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('dry_run', '=', 0)
      .groupBy('directory_name');
    const runs = await this.db
      .selectFrom('runs')
      .select(['id', 'directory_name', 'kind', 'status', 'started_at', 'finished_at', 'error_code'])
      .where('id', 'in', latest)
      .execute();
    return { rows: new Map(rows.map((r) => [r.name, r])), states, runs: new Map(runs.map((r) => [r.directory_name, r])) };
  }
}

/** The directories stored through the API, for this store (one implementation serves both dialects today). */
export function storedDirectories(store: Store): StoredDirectories {
  return new KyselyStoredDirectories(store.db);
}

export function directoryStatus(store: Store): DirectoryStatus {
  return new KyselyDirectoryStatus(store.db);
}

import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, sql, type MigrationResultSet, type Transaction } from 'kysely';
import { IdsyncError } from '../errors.js';
import { IdsyncMigrations } from './migrations.js';
import { pgMigrationsCurrent, pgMigrationsNewer } from './postgres/migrations-check.js';
import { fastPath, registerFastPath, SqliteFastPath } from './sqlite-fast-path.js';
import { StorePostgresDialect } from './postgres-introspector.js';
import { StoreSqliteDialect, withStatementCache } from './sqlite-dialect.js';
import type { Database } from './schema.js';
import { storeQueries, type StoreQueries } from './queries.js';
import { PostgresSyncStore } from './sync/postgres-writer.js';
import { SqliteSyncStore } from './sync/sqlite-writer.js';
import type { SyncStore } from './sync/writer.js';

export type { Db, StoreDialect } from './db-handle.js';
import type { StoreDialect } from './db-handle.js';

/**
 * Switching a new database file to WAL needs a moment of exclusive access, and SQLite answers
 * SQLITE_BUSY at once, without waiting in its busy handler, while another process is opening the
 * same new file. Once one process has switched it, the mode is recorded in the file: the others
 * only have to see it.
 */
function useWal(database: BetterSqlite3.Database): void {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if (database.pragma('journal_mode', { simple: true }) !== 'wal') database.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * The store holds argon2 hashes, session and token hashes and encrypted bind passwords: only its
 * owner may read it (issue 10 item 12: it was created 0644). A new file is created 0600 before
 * SQLite opens it, and SQLite's unix VFS gives the -wal and -shm files it creates the mode of the
 * database file (findCreateFileMode in os_unix.c). An existing store, WAL and SHM readable by
 * others are narrowed to 0600 when they belong to us; if they do not, they are left as they are.
 */
function ownerOnly(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      const st = statSync(f);
      if (st.mode & 0o077 && st.uid === process.getuid?.()) chmodSync(f, st.mode & 0o700);
    } catch {
      // Not there, or not ours to change.
    }
  }
}

/**
 * pg_advisory_lock class ("idsy" in ASCII) held, with a key derived from the schema's name, while
 * a PostgreSQL store is created or migrated: stores in other schemas of the same database do not
 * wait for each other.
 */
const MIGRATION_LOCK_CLASS = 0x69647379;

function throwIfFailed({ error, results }: MigrationResultSet): void {
  if (!error) return;
  const failed = results?.find((r) => r.status === 'Error');
  throw new IdsyncError('STORE_UNAVAILABLE', `store migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message}`, { cause: error });
}

/** A password in a postgres URL must not reach a message. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1[redacted]@');
}

export class Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  readonly url: string;
  /** The sync write path (src/store/sync/writer.ts), for this store's database. */
  readonly sync: SyncStore;

  /** PostgreSQL: the schema that holds idsync's tables, created by migrate() when missing. */
  readonly #schema: string | undefined;

  private constructor(db: Kysely<Database>, dialect: StoreDialect, url: string, sync: SyncStore, schema?: string) {
    this.db = db;
    this.sync = sync;
    this.dialect = dialect;
    this.url = url;
    this.#schema = schema;
  }

  /**
   * `sqlite:PATH` (the default, a file created on first use) or `postgres://…`. A `schema` query
   * parameter on a postgres URL puts idsync's tables in that schema (created if missing), which is
   * how one database can hold several stores (and how the tests isolate themselves).
   */
  static async open(url: string): Promise<Store> {
    let store: Store;
    if (url.startsWith('sqlite:')) {
      const file = url.slice('sqlite:'.length);
      let database: BetterSqlite3.Database;
      try {
        if (file !== ':memory:') {
          mkdirSync(path.dirname(file), { recursive: true });
          ownerOnly(file);
        }
        database = new BetterSqlite3(file);
      } catch (err) {
        throw new IdsyncError('STORE_UNAVAILABLE', `cannot open SQLite store ${file}: ${(err as Error).message}`, { cause: err });
      }
      // WAL lets readers (the CLI's `runs`, an API) work while a sync writes; with NORMAL sync
      // every commit is atomic and the store stays consistent (a power cut may lose the last
      // commits, which the next run redoes). The page cache is set to SQLite's own default of
      // 2 MiB: better-sqlite3 builds SQLite with 16 MB, which a 100,000-user first sync fills (12 MB
      // more peak RSS, no faster; 8 and 32 MiB measured no faster either).
      database.pragma('busy_timeout = 10000');
      try {
        useWal(database);
      } catch (err) {
        database.close();
        throw new IdsyncError('STORE_UNAVAILABLE', `cannot open SQLite store ${file}: ${(err as Error).message}`, { cause: err });
      }
      database.pragma('synchronous = NORMAL');
      database.pragma('foreign_keys = ON');
      database.pragma('cache_size = -2000');
      const db = new Kysely<Database>({ dialect: new StoreSqliteDialect({ database: withStatementCache(database) }) });
      const fast = new SqliteFastPath(database);
      store = new Store(db, 'sqlite', url, new SqliteSyncStore(db, fast));
      registerFastPath(store.db, fast);
    } else if (/^postgres(ql)?:\/\//.test(url)) {
      const u = new URL(url);
      const schema = u.searchParams.get('schema') ?? undefined;
      u.searchParams.delete('schema');
      if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
        throw new IdsyncError('CONFIG_INVALID', `store: schema "${schema}" must be lower-case letters, digits and underscores`, { where: 'store' });
      }
      // Loaded on demand: the embedded SQLite default should not pay for the PostgreSQL driver.
      const { default: pg } = await import('pg');
      const pool = new pg.Pool({ connectionString: u.toString(), max: 4, options: schema ? `-c search_path=${schema}` : undefined });
      const db = new Kysely<Database>({ dialect: new StorePostgresDialect({ pool }) });
      try {
        await sql`select 1`.execute(db);
      } catch (err) {
        await db.destroy().catch(() => undefined);
        throw new IdsyncError('STORE_UNAVAILABLE', `cannot reach PostgreSQL store ${redactUrl(url)}: ${(err as Error).message}`, { cause: err });
      }
      store = new Store(db, 'postgres', url, new PostgresSyncStore(db), schema);
    } else {
      throw new IdsyncError('CONFIG_INVALID', `store: must be sqlite:PATH or a postgres:// URL`, { where: 'store' });
    }
    try {
      await store.migrate();
    } catch (err) {
      await store.close().catch(() => undefined);
      throw err;
    }
    return store;
  }

  /**
   * Brings the schema up to date, safely when several processes open a new store at once (as
   * `idsync serve` and an `idsync status` started beside it do). Kysely alone does not make that
   * safe: it creates its own bookkeeping tables before taking its lock, and on SQLite it takes no
   * lock and no transaction at all (SqliteAdapter: no transactional DDL, a no-op migration lock),
   * so both processes created the tables and one failed ("table admins already exists", or on
   * PostgreSQL "relation kysely_migration_lock does not exist").
   *
   * SQLite: pending migrations run inside BEGIN IMMEDIATE; a second process waits for the write
   * lock (busy_timeout), then finds nothing left to do, and a migration that fails leaves the
   * schema as it was. A store that is up to date takes no lock. PostgreSQL: the schema is created
   * and migrated under a session advisory lock, with Kysely's bookkeeping tables in the store's
   * own schema.
   */
  async migrate(): Promise<void> {
    const provider = new IdsyncMigrations(this.dialect);
    if (this.dialect === 'postgres') await this.#migratePostgres(provider);
    else await this.#migrateSqlite(provider);
  }

  async #migrateSqlite(provider: IdsyncMigrations): Promise<void> {
    const migrator = new Migrator({ db: this.db, provider });
    if (!(await migrator.getMigrations()).some((m) => !m.executedAt)) return;
    await sql`begin immediate`.execute(this.db).catch((err: { code?: string; message: string }) => {
      if (err.code !== 'SQLITE_BUSY') throw err;
      throw new IdsyncError(
        'STORE_UNAVAILABLE',
        `the store needs migrating and another process has held its write lock for 10 s (a sync, or another idsync migrating it); try again when it is done`,
        { cause: err },
      );
    });
    let result: MigrationResultSet;
    try {
      result = await migrator.migrateToLatest();
    } catch (err) {
      await sql`rollback`.execute(this.db);
      throw err;
    }
    await sql.raw(result.error ? 'rollback' : 'commit').execute(this.db);
    throwIfFailed(result);
  }

  async #migratePostgres(provider: IdsyncMigrations): Promise<void> {
    const names = Object.keys(await provider.getMigrations());
    if (await pgMigrationsCurrent(this.db, names)) return;
    // A newer idsync migrated the store (a rolling upgrade under way, issue 16): its migrations
    // only add, so this version runs on it as it is.
    if (await pgMigrationsNewer(this.db, names)) return;
    await this.db.connection().execute(async (conn) => {
      const key = sql`${MIGRATION_LOCK_CLASS}::int4, hashtext(${this.#schema ?? ''})`;
      await sql`select pg_advisory_lock(${key})`.execute(conn);
      try {
        // Created only when missing: CREATE SCHEMA checks the CREATE right on the database
        // before it looks, and a least-privileged account need not have it.
        const schema = this.#schema;
        if (schema && !(await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(conn)).rows.length) {
          await sql`create schema if not exists ${sql.id(schema)}`.execute(conn).catch((err: Error) => {
            throw new IdsyncError('STORE_UNAVAILABLE', `cannot create schema ${schema} in PostgreSQL store ${redactUrl(this.url)}: ${err.message}`, {
              cause: err,
            });
          });
        }
        // Named, because Kysely looks for its own tables in every schema of the database
        // otherwise: with another store's schema beside this one, it took that store's
        // kysely_migration for its own and never created this one's.
        const own = schema ?? (await sql<{ s: string | null }>`select current_schema() as s`.execute(conn)).rows[0]?.s ?? undefined;
        throwIfFailed(await new Migrator({ db: conn, provider, migrationTableSchema: own }).migrateToLatest());
      } finally {
        await sql`select pg_advisory_unlock(${key})`.execute(conn);
      }
    });
  }

  async transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    const fast = fastPath(this.db);
    return this.db.transaction().execute((trx) => {
      if (fast) registerFastPath(trx, fast);
      return fn(trx);
    });
  }

  // ── The store's interfaces for the API, auth and the CLI (src/store/queries.ts), for this
  // store's dialect. Built on first use: a sync-only command never needs them.
  #queries?: StoreQueries;
  #q(): StoreQueries {
    return (this.#queries ??= storeQueries(this.db, this.dialect));
  }
  get admins() {
    return this.#q().admins;
  }
  get sessions() {
    return this.#q().sessions;
  }
  get apiTokens() {
    return this.#q().apiTokens;
  }
  get loginThrottle() {
    return this.#q().loginThrottle;
  }
  get auditLog() {
    return this.#q().auditLog;
  }
  get runHistory() {
    return this.#q().runHistory;
  }
  get userQueries() {
    return this.#q().userQueries;
  }
  get groupQueries() {
    return this.#q().groupQueries;
  }
  get trash() {
    return this.#q().trash;
  }
  get users() {
    return this.#q().users;
  }
  get localGroups() {
    return this.#q().localGroups;
  }
  get userPasswords() {
    return this.#q().userPasswords;
  }
  get enrollmentLinks() {
    return this.#q().enrollmentLinks;
  }
  get authenticators() {
    return this.#q().authenticators;
  }
  get secondFactor() {
    return this.#q().secondFactor;
  }
  get mailOutbox() {
    return this.#q().mailOutbox;
  }
  get mailTemplates() {
    return this.#q().mailTemplates;
  }
  get enrollmentMail() {
    return this.#q().enrollmentMail;
  }
  get provisioning() {
    return this.#q().provisioning;
  }
  get agents() {
    return this.#q().agents;
  }
  get passwordSync() {
    return this.#q().passwordSync;
  }
  ping(): Promise<void> {
    return this.#q().ping();
  }
  /** Runs `fn` in one transaction, with the same interfaces bound to it. */
  transact<T>(fn: (q: StoreQueries) => Promise<T>): Promise<T> {
    return this.transaction((trx) => fn(storeQueries(trx, this.dialect)));
  }
  // ── end of the store's interfaces.

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

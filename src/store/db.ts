import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import { IdsyncError } from '../errors.js';
import { IdsyncMigrations } from './migrations.js';
import { fastPath, registerFastPath, SqliteFastPath } from './sqlite-fast-path.js';
import type { Database } from './schema.js';

export type StoreDialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database> | Transaction<Database>;

/** A password in a postgres URL must not reach a message. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1[redacted]@');
}

export class Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  readonly url: string;

  private constructor(db: Kysely<Database>, dialect: StoreDialect, url: string) {
    this.db = db;
    this.dialect = dialect;
    this.url = url;
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
      if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
      let database: BetterSqlite3.Database;
      try {
        database = new BetterSqlite3(file);
      } catch (err) {
        throw new IdsyncError('STORE_UNAVAILABLE', `cannot open SQLite store ${file}: ${(err as Error).message}`, { cause: err });
      }
      // WAL lets readers (the CLI's `runs`, an API) work while a sync writes; with NORMAL sync
      // every commit is atomic and the store stays consistent (a power cut may lose the last
      // commits, which the next run redoes). The page cache stays at SQLite's 2 MiB: 8 and 32 MiB
      // measured no faster on a 100,000-user first sync, and cost their size in RSS.
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = NORMAL');
      database.pragma('foreign_keys = ON');
      database.pragma('busy_timeout = 10000');
      store = new Store(new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), 'sqlite', url);
      registerFastPath(store.db, new SqliteFastPath(database));
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
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
      try {
        if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
        else await sql`select 1`.execute(db);
      } catch (err) {
        await db.destroy().catch(() => undefined);
        throw new IdsyncError('STORE_UNAVAILABLE', `cannot reach PostgreSQL store ${redactUrl(url)}: ${(err as Error).message}`, { cause: err });
      }
      store = new Store(db, 'postgres', url);
    } else {
      throw new IdsyncError('CONFIG_INVALID', `store: must be sqlite:PATH or a postgres:// URL`, { where: 'store' });
    }
    await store.migrate();
    return store;
  }

  async migrate(): Promise<void> {
    const migrator = new Migrator({ db: this.db, provider: new IdsyncMigrations(this.dialect) });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error');
      throw new IdsyncError('STORE_UNAVAILABLE', `store migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    const fast = fastPath(this.db);
    return this.db.transaction().execute((trx) => {
      if (fast) registerFastPath(trx, fast);
      return fn(trx);
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

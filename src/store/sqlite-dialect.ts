import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDatabase,
  type SqliteDialectConfig,
  SqliteDriver,
  type SqliteStatement,
} from 'kysely';

/**
 * Kysely's SQLite dialect, with every transaction begun IMMEDIATE: it takes the write lock at its
 * start, waiting for it under busy_timeout. Kysely begins DEFERRED; a transaction that reads and
 * then writes (most of the store's: look the user up, then add it) fails at once with "database
 * is locked" when another process committed in between, because its read snapshot is stale
 * (SQLITE_BUSY_SNAPSHOT, https://sqlite.org/rescode.html#busy_snapshot) and SQLite does not wait
 * for that. Several `idsync` commands writing at once, or a command beside `idsync serve`, met it.
 * Readers outside transactions are not held up: WAL lets them read while a writer writes.
 */
export class StoreSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** Statements kept prepared; past this the least recently used is dropped. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * The database as Kysely sees it, with its statements prepared once per SQL text. Kysely prepares
 * every query again (SqliteConnection.executeQuery), and a store that runs the same few statements
 * thousands of times spent a third of its SQLite time there: `idsync provision` of 5,000 users,
 * 0.6 of 2.1 s (bench/provision.ts --sql-trace). Reusing a statement is safe here: Kysely's
 * SQLite driver runs one query at a time on its one connection (its connection mutex, held for a
 * whole stream too), and SQLite prepares a statement again by itself when the schema changed
 * (sqlite3_prepare_v3, SQLITE_SCHEMA).
 */
export function withStatementCache(db: SqliteDatabase, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (stmt) {
        // Most recently used last: Map keeps insertion order.
        cache.delete(sql);
      } else {
        stmt = db.prepare(sql);
        if (cache.size >= size) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

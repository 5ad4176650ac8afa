import { CompiledQuery, type DatabaseConnection, type Driver, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from 'kysely';

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

import type { Kysely, Migration } from 'kysely';

/**
 * Password hash sync (issue 14). `password_sync`: one row per user of a source directory, keyed by
 * the directory's name and the user's external id (objectGUID for AD), so a change that arrives
 * before the user is in the store is kept and takes effect when the user is synced (the verify
 * path joins it to `users` then). The verifier is a PHC string carrying its parameters.
 * `password_sync_log`: every attempt, pruned by age (7 days by default). `password_sync_batches`:
 * the last outbox batch applied per agent, directory and outbox epoch (exactly once).
 */
export function passwordSync(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<any>) {
      const serial = dialect === 'postgres' ? 'serial' : 'integer';
      await db.schema
        .createTable('password_sync')
        .addColumn('directory', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('verifier', 'text')
        .addColumn('pwd_last_set', 'text')
        .addColumn('changed_at', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('password_sync_pk', ['directory', 'external_id'])
        .execute();
      await db.schema
        .createTable('password_sync_log')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('directory', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('password_sync_log_user').on('password_sync_log').columns(['directory', 'external_id', 'at']).execute();
      await db.schema.createIndex('password_sync_log_at').on('password_sync_log').column('at').execute();
      await db.schema
        .createTable('password_sync_batches')
        .addColumn('agent', 'text', (c) => c.notNull())
        .addColumn('directory', 'text', (c) => c.notNull())
        .addColumn('epoch', 'text', (c) => c.notNull())
        .addColumn('last_seq', 'integer', (c) => c.notNull())
        .addColumn('applied_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('password_sync_batches_pk', ['agent', 'directory', 'epoch'])
        .execute();
      // `idsync passwords resync` from another process: the serve holding the agents' channels takes it.
      await db.schema
        .createTable('password_sync_requests')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('directory', 'text')
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('password_sync_requests').execute();
      await db.schema.dropTable('password_sync_batches').execute();
      await db.schema.dropTable('password_sync_log').execute();
      await db.schema.dropTable('password_sync').execute();
    },
  };
}

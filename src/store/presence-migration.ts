import type { Kysely, Migration } from 'kysely';

/**
 * Issue 10 item 5. `serve_processes`: one row per running `idsync serve`, with a heartbeat, so
 * that a command run beside it (`idsync approve`) knows that the directories' writes go through
 * serve's queues and refuses to write around them. Item 13's per-directory lease answers the same
 * question more precisely once it lands; this row only says "a serve is alive on this store".
 */
export function servePresence(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('serve_processes')
        .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) => c.primaryKey())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('api', 'text')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('heartbeat_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('serve_processes').execute();
    },
  };
}

import type { Kysely, Migration } from 'kysely';

/**
 * Issue 16 (several idsync nodes on one PostgreSQL), migration 0021. Only additions, so that the
 * previous version keeps running beside this one during a rolling upgrade (docs/multi-node.md):
 *
 * - `nodes`: one row per running `idsync serve`, with its name, version and heartbeat, for
 *   `idsync nodes`, the API and the panel. Whether a node is alive is not read from the heartbeat
 *   on PostgreSQL but from its advisory lock (src/store/nodes.ts).
 * - `node_jobs`: work asked of a directory on a node that does not hold its lease ("sync now", a
 *   single user, an approval), run by the holder (src/store/node-jobs.ts).
 * - `leases.node`: which node holds a lease (null when written by a version before this one).
 */
export function nodes(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('nodes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('api', 'text')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('heartbeat_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('node_jobs')
        .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) => c.primaryKey())
        .addColumn('directory', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('args', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('node', 'text')
        .addColumn('result', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('node_jobs_queued').on('node_jobs').columns(['state', 'directory']).execute();
      await db.schema.alterTable('leases').addColumn('node', 'text').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('leases').dropColumn('node').execute();
      await db.schema.dropTable('node_jobs').execute();
      await db.schema.dropTable('nodes').execute();
    },
  };
}

import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Issue 10, items 7 and 11. `login_throttle` holds the login failure counters in the store rather
 * than in process memory, so that one atomic statement can count an attempt before its password
 * is hashed (parallel requests then cannot all pass the check), so that several idsync processes
 * on one store share the lock, and so that `idsync admin unlock` can lift it from outside.
 * `api_tokens.created_by_admin_id` / `created_by_token_id` say who created a token, so that it is
 * revoked with its creator (the name in `created_by` is for people, and names can be reused).
 */
export function authSecurity(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('login_throttle')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('locked_until', 'bigint', (c) => c.notNull())
        .addColumn('last_attempt', 'text', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('api_tokens').addColumn('created_by_admin_id', 'integer').execute();
      await db.schema.alterTable('api_tokens').addColumn('created_by_token_id', 'integer').execute();
      // Tokens made before this migration name their creator only; an admin of that name made them.
      await sql`update api_tokens set created_by_admin_id = (select a.id from admins a where a.username = api_tokens.created_by)`.execute(db);
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('login_throttle').execute();
      await db.schema.alterTable('api_tokens').dropColumn('created_by_token_id').execute();
      await db.schema.alterTable('api_tokens').dropColumn('created_by_admin_id').execute();
    },
  };
}

import type { Kysely, Migration } from 'kysely';

/**
 * Issue 12 ("Store-owned identities", "Delivery"). What outbound provisioning keeps in the store:
 *
 * - `local_groups` / `local_group_members`: groups an administrator makes in idsync (no directory
 *   owns them). Names are unique in any letter case (`name_key`), as usernames are. A member is any
 *   store user, local or synced; both keys cascade, so removing a group or a user drops the rows.
 * - `user_passwords`: the argon2id verifier of a local user's password (a PHC string, which carries
 *   its salt and parameters). The clear password is never stored; the copy waiting for a directory
 *   is sealed in the outbox below.
 * - `provision_outbox`: one row per (target, object), written in the same transaction as the change;
 *   a later change coalesces into it by bumping `version`. `permanent` marks a failure that waits
 *   for the object to change again (policy, conflict, privilege). No foreign key on `object_id`: it
 *   names a user or a local group by `kind`, and a removed object's last change must still be
 *   delivered.
 * - `provision_exports`: the export state per (target, object), with the directory's own id of it.
 */
export function provisioning(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<any>) {
      const serial = dialect === 'postgres' ? 'serial' : 'integer';
      await db.schema
        .createTable('local_groups')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('local_group_members')
        .addColumn('group_id', 'integer', (c) => c.notNull().references('local_groups.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('local_group_members_pk', ['group_id', 'user_id'])
        .execute();
      await db.schema.createIndex('local_group_members_user').on('local_group_members').column('user_id').execute();

      await db.schema
        .createTable('user_passwords')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('verifier', 'text', (c) => c.notNull())
        .addColumn('set_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('provision_outbox')
        .addColumn('directory_id', 'integer', (c) => c.notNull().references('directories.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('object_id', 'integer', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('sealed_password', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('permanent', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('enqueued_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('provision_outbox_pk', ['directory_id', 'kind', 'object_id'])
        .execute();
      await db.schema.createIndex('provision_outbox_due').on('provision_outbox').columns(['directory_id', 'permanent', 'next_attempt_at']).execute();

      await db.schema
        .createTable('provision_exports')
        .addColumn('directory_id', 'integer', (c) => c.notNull().references('directories.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('object_id', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('target_dn', 'text')
        .addColumn('exported_hash', 'text')
        .addColumn('code', 'text')
        .addColumn('reason', 'text')
        .addColumn('permanent', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('provision_exports_pk', ['directory_id', 'kind', 'object_id'])
        .execute();
      await db.schema.createIndex('provision_exports_object').on('provision_exports').columns(['kind', 'object_id']).execute();
      await db.schema.createIndex('provision_exports_target').on('provision_exports').columns(['directory_id', 'kind', 'target_id']).execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['provision_exports', 'provision_outbox', 'user_passwords', 'local_group_members', 'local_groups']) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  };
}

import type { Kysely, Migration } from 'kysely';

/**
 * The second factor's state (issue 15), beside migration 0019's links and authenticators.
 *
 * - `recovery_codes`: one-time codes shown once at the end of enrollment; only a keyed hash of
 *   each (HMAC with the secrets key, src/enrollment/recovery-codes.ts), used once (`used_at`).
 * - `factor_statuses`: a user's second-factor status as Duo has it (active, bypass, disabled,
 *   locked_out) and the failed attempts that lead to a lockout; no row means active.
 * - `group_factor_statuses`: a synced group's or a local group's status (active, bypass,
 *   disabled); no row means active.
 * - `factor_challenges`: a WebAuthn challenge or a TOTP secret being enrolled, single use and
 *   short-lived (the secret sealed with the secrets key, like an enrolled one).
 */
export function secondFactor(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<any>) {
      const serial = dialect === 'postgres' ? 'serial' : 'integer';
      await db.schema
        .createTable('recovery_codes')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .addUniqueConstraint('recovery_codes_user_hash', ['user_id', 'code_hash'])
        .execute();
      await db.schema
        .createTable('factor_statuses')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked_until', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .execute();
      await db.schema
        .createTable('group_factor_statuses')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('group_id', 'integer', (c) => c.unique().references('groups.id').onDelete('cascade'))
        .addColumn('local_group_id', 'integer', (c) => c.unique().references('local_groups.id').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .execute();
      await db.schema
        .createTable('factor_challenges')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('factor_challenges_expires').on('factor_challenges').column('expires_at').execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['factor_challenges', 'group_factor_statuses', 'factor_statuses', 'recovery_codes']) await db.schema.dropTable(t).execute();
    },
  };
}

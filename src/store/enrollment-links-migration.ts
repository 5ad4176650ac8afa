import type { Kysely, Migration } from 'kysely';

/**
 * Enrollment links and authenticators (issue 15). One row per link sent to a user: the store keeps only the SHA-256 of
 * the token (the token is derived from the secrets key and `nonce`, src/enrollment/links.ts, so
 * "resend" can send the same link again). A user has at most one open link: issuing a new one
 * closes the others (`closed_at`). `used_at` makes the link single-use. The send columns let the
 * reminder schedule (2 days after the first email, 8 days after the first reminder) survive a kill.
 */
export function enrollmentLinks(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<any>) {
      const serial = dialect === 'postgres' ? 'serial' : 'integer';
      await db.schema
        .createTable('enrollment_links')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .addColumn('closed_at', 'text')
        .addColumn('first_sent_at', 'text')
        .addColumn('last_sent_at', 'text')
        .addColumn('reminders_sent', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('resends', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // A user's second factors (issue 15). `secret`: the TOTP secret sealed with the store's
      // secrets key (src/directories/secret-box.ts), never in clear. `last_step`: the last TOTP
      // time step accepted, so a code is refused the second time in its step. WebAuthn: the
      // credential's id (unique across users), COSE public key and signature counter.
      await db.schema
        .createTable('authenticators')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('secret', 'text')
        .addColumn('last_step', 'integer')
        .addColumn('credential_id', 'text', (c) => c.unique())
        .addColumn('public_key', 'text')
        .addColumn('sign_count', 'integer')
        .addColumn('transports', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema.createIndex('authenticators_user').on('authenticators').column('user_id').execute();
      await db.schema.createIndex('enrollment_links_user').on('enrollment_links').columns(['user_id', 'closed_at']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('authenticators').execute();
      await db.schema.dropTable('enrollment_links').execute();
    },
  };
}

import type { Kysely, Migration } from 'kysely';

/**
 * Mail (issue 15, migration 0020).
 *
 * - `mail_outbox`: every email (and every alert webhook call) idsync sends, one row each, with its
 *   state (`pending`, `sent`, `failed`, `cancelled`), attempts, next attempt and last error, so an
 *   SMTP outage loses nothing and shows in the API. An enrollment email's row holds only the link's
 *   id and the template (`template`): its body, which carries the link's token, is rendered at send
 *   time and never stored. Alerts and test emails hold their rendered text (no secret in them).
 *   `dedupe_key` (unique; NULLs are distinct on both databases) makes "each alert once per event"
 *   and "one first email per link" one conditional insert.
 * - `mail_templates`: the enrollment and reminder templates edited in the settings; a kind without
 *   a row uses the built-in text (src/mail/templates.ts).
 */
export function mail(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<any>) {
      const serial = dialect === 'postgres' ? 'serial' : 'integer';
      await db.schema
        .createTable('mail_outbox')
        .addColumn('id', serial, (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('template', 'text')
        .addColumn('link_id', 'integer')
        .addColumn('user_id', 'integer')
        .addColumn('event', 'text')
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('text_body', 'text')
        .addColumn('html_body', 'text')
        .addColumn('dedupe_key', 'text', (c) => c.unique())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('last_attempt_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('alerted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .execute();
      await db.schema.createIndex('mail_outbox_due').on('mail_outbox').columns(['state', 'next_attempt_at']).execute();
      await db.schema.createIndex('mail_outbox_link').on('mail_outbox').column('link_id').execute();
      await db.schema
        .createTable('mail_templates')
        .addColumn('kind', 'text', (c) => c.primaryKey())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('text_body', 'text', (c) => c.notNull())
        .addColumn('html_body', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('mail_templates').execute();
      await db.schema.dropTable('mail_outbox').execute();
    },
  };
}

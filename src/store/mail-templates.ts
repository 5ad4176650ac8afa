import type { Db } from './db-handle.js';

export type TemplateKind = 'enrollment' | 'reminder';

export interface StoredTemplate {
  subject: string;
  text: string;
  html: string;
  updatedAt: string;
  updatedBy: string | null;
}

/** The email templates edited in the settings (issue 15); checking them is src/mail/templates.ts's. */
export interface MailTemplates {
  get(kind: TemplateKind): Promise<StoredTemplate | undefined>;
  set(kind: TemplateKind, t: { subject: string; text: string; html: string }, by: string | null, now: Date): Promise<void>;
  /** Back to the built-in text. */
  reset(kind: TemplateKind): Promise<void>;
}

export class KyselyMailTemplates implements MailTemplates {
  constructor(private readonly db: Db) {}

  async get(kind: TemplateKind): Promise<StoredTemplate | undefined> {
    const r = await this.db.selectFrom('mail_templates').selectAll().where('kind', '=', kind).executeTakeFirst();
    return r && { subject: r.subject, text: r.text_body, html: r.html_body, updatedAt: r.updated_at, updatedBy: r.updated_by };
  }

  async set(kind: TemplateKind, t: { subject: string; text: string; html: string }, by: string | null, now: Date): Promise<void> {
    const row = { subject: t.subject, text_body: t.text, html_body: t.html, updated_at: now.toISOString(), updated_by: by };
    await this.db
      .insertInto('mail_templates')
      .values({ kind, ...row })
      .onConflict((oc) => oc.column('kind').doUpdateSet(row))
      .execute();
  }

  async reset(kind: TemplateKind): Promise<void> {
    await this.db.deleteFrom('mail_templates').where('kind', '=', kind).execute();
  }
}

import { IdsyncError } from '../errors.js';
import type { Store } from '../store/db.js';
import type { TemplateKind } from '../store/mail-templates.js';

/**
 * Enrollment email templates (issue 15, "Templates"): subject, plain text and HTML, with the
 * placeholders `<enrollment-link>`, `<username>` and `<full-name>`. Both bodies must contain
 * `<enrollment-link>` (an email without the link enrols nobody), so saving one without it is
 * refused with MAIL_TEMPLATE_LINK_MISSING.
 */
export interface MailTemplate {
  subject: string;
  text: string;
  html: string;
}

export const LINK_PLACEHOLDER = '<enrollment-link>';
export const TEMPLATE_KINDS: readonly TemplateKind[] = ['enrollment', 'reminder'];

export const DEFAULT_TEMPLATES: Record<TemplateKind, MailTemplate> = {
  enrollment: {
    subject: 'Set up your second factor',
    text:
      'Hello <full-name>,\n\nYour account <username> needs a second factor. Follow this link to enrol an authenticator app, a passkey or a ' +
      'security key:\n\n<enrollment-link>\n\nThe link is personal, works once, and is valid for 30 days.\n',
    html:
      '<p>Hello <full-name>,</p><p>Your account <b><username></b> needs a second factor. Follow this link to enrol an authenticator app, a ' +
      'passkey or a security key:</p><p><a href="<enrollment-link>">Enrol now</a></p><p>The link is personal, works once, and is valid for 30 days.</p>',
  },
  reminder: {
    subject: 'Reminder: set up your second factor',
    text:
      'Hello <full-name>,\n\nYour account <username> still has no second factor. Follow this link to enrol one:\n\n<enrollment-link>\n\n' +
      'The link is personal and works once.\n',
    html:
      '<p>Hello <full-name>,</p><p>Your account <b><username></b> still has no second factor.</p><p><a href="<enrollment-link>">Enrol now</a></p>' +
      '<p>The link is personal and works once.</p>',
  },
};

/** Refuses a template whose bodies lack the link, or whose subject is empty or spans lines. */
export function checkTemplate(t: MailTemplate): void {
  for (const [field, body] of [
    ['text', t.text],
    ['html', t.html],
  ] as const) {
    if (!body.includes(LINK_PLACEHOLDER)) {
      throw new IdsyncError('MAIL_TEMPLATE_LINK_MISSING', `the ${field} body must contain ${LINK_PLACEHOLDER}: an email without the link enrols nobody`, {
        where: field,
      });
    }
  }
  if (!t.subject.trim() || /[\r\n]/.test(t.subject))
    throw new IdsyncError('VALIDATION_FAILED', 'the subject must be one line, not empty', { where: 'subject' });
}

export async function templateFor(store: Store, kind: TemplateKind): Promise<MailTemplate & { custom: boolean }> {
  const stored = await store.mailTemplates.get(kind);
  return stored ? { subject: stored.subject, text: stored.text, html: stored.html, custom: true } : { ...DEFAULT_TEMPLATES[kind], custom: false };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface TemplateValues {
  link: string;
  username: string;
  fullName: string | null;
}

/** Fills the placeholders; in the HTML body the values are escaped (a name is not markup). */
export function renderTemplate(t: MailTemplate, v: TemplateValues): MailTemplate {
  const fill = (s: string, esc: (x: string) => string) =>
    s.replace(/<enrollment-link>|<username>|<full-name>/g, (p) =>
      esc(p === LINK_PLACEHOLDER ? v.link : p === '<username>' ? v.username : (v.fullName ?? v.username)),
    );
  const plain = (x: string) => x;
  return {
    subject: fill(t.subject, plain).replace(/[\r\n]+/g, ' '),
    text: fill(t.text, plain),
    html: fill(t.html, escapeHtml),
  };
}

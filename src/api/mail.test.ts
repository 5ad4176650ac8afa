import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretBoxFor } from '../directories/secret-box.js';
import { issueLink } from '../enrollment/links.js';
import { syncedUserRow } from '../../test/support/user-rows.js';
import { ApiHarness } from './test-support.js';

/** The mail routes (issue 15): pending enrollments and resend, the outbox, the templates; no link token in any answer. */
let h: ApiHarness;
let token: string;
beforeAll(async () => {
  h = await ApiHarness.create({ api: { publicUrl: 'https://idsync.corp.example.test' } });
  const t = new Date();
  const dir = await h.store.db
    .insertInto('directories')
    .values({ name: 'corp', type: 'openldap', username_attribute: 'uid', first_synced_at: null, created_at: t.toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const user = await h.store.db
    .insertInto('users')
    .values({ ...syncedUserRow(dir.id, 'ann', t), email: 'ann@corp.example.test' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const box = secretBoxFor((await import('../config/load.js')).parseConfig({ store: h.store.url }, { baseDir: h.dir, env: {} }));
  const link = await issueLink(h.store, box, user.id, t);
  token = link.token;
  h.secrets.add(token);
  await h.store.mailOutbox.enqueue({ kind: 'enrollment', template: 'first', linkId: link.id, userId: user.id, recipient: 'ann@corp.example.test' }, t);
});
afterAll(async () => {
  await h?.close();
});

describe('mail API', () => {
  it('lists pending enrollments and the outbox, without the token', async () => {
    const list = await h.call('GET', '/api/v1/enrollments', { as: 'read_only' });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, items: [{ username: 'ann', email: 'ann@corp.example.test', remindersSent: 0, mailState: 'pending' }] });
    const outbox = await h.call('GET', '/api/v1/mail/outbox', { as: 'read_only' });
    expect(outbox.body).toMatchObject({ counts: { pending: 1 }, smtpConfigured: false, items: [{ kind: 'enrollment', template: 'first', state: 'pending' }] });
    expect(list.text + outbox.text).not.toContain(token);
  });

  it('resends the same link (user manager and up), audited', async () => {
    const r = await h.call('POST', '/api/v1/enrollments/ann/resend', { as: 'user_manager' });
    expect(r.status).toBe(202);
    expect(r.text).not.toContain(token);
    const rows = await h.store.db.selectFrom('mail_outbox').selectAll().where('template', '=', 'resend').execute();
    expect(rows).toHaveLength(1);
    const audit = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'resendEnrollment').execute();
    expect(audit).toMatchObject([{ target: 'ann', outcome: 'success' }]);
    expect((await h.call('POST', '/api/v1/enrollments/nobody/resend', { as: 'user_manager' })).body.error.code).toBe('STORE_NOT_FOUND');
  });

  it('edits templates; a body without <enrollment-link> is refused with MAIL_TEMPLATE_LINK_MISSING', async () => {
    const bad = await h.call('PUT', '/api/v1/mail/templates/enrollment', { body: { subject: 'Hi', text: 'no link', html: '<p><enrollment-link></p>' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('MAIL_TEMPLATE_LINK_MISSING');
    const good = await h.call('PUT', '/api/v1/mail/templates/enrollment', {
      body: { subject: 'Enrol, <username>', text: 'Go: <enrollment-link>', html: '<a href="<enrollment-link>">go</a>' },
    });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ subject: 'Enrol, <username>', custom: true });
    const got = await h.call('GET', '/api/v1/mail/templates', { as: 'read_only' });
    expect(got.body.templates.enrollment.custom).toBe(true);
    expect(got.body.templates.reminder.custom).toBe(false);
    const reset = await h.call('PUT', '/api/v1/mail/templates/enrollment', { body: { reset: true } });
    expect(reset.body.custom).toBe(false);
    expect((await h.call('PUT', '/api/v1/mail/templates/enrollment', { as: 'user_manager', body: { reset: true } })).status).toBe(403);
  });
});

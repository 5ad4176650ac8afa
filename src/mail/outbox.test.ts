import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TestSmtp } from '../../test/harness/smtp.js';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { parseConfig, type IdsyncConfig } from '../config/load.js';
import { SecretBox } from '../directories/secret-box.js';
import type { IdsyncError } from '../errors.js';
import { raiseAlert, runAlerts } from './alerts.js';
import { MailDelivery } from './sender.js';
import { checkTemplate, DEFAULT_TEMPLATES, renderTemplate } from './templates.js';
import { sendTestMail } from './transport.js';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './webhook.js';

/** The mail outbox against a real SMTP server (test/harness/smtp.ts) over both stores (issue 15). */
const box = SecretBox.fromText('k'.repeat(40), 'test');
let smtp: TestSmtp;
let hook: Server;
const calls: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
let hookStatus = 200;

beforeAll(async () => {
  smtp = new TestSmtp({ certs: inject('certs'), auth: { user: 'idsync', pass: 'smtp-password-1' } });
  await smtp.start();
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      calls.push({ headers: req.headers, body });
      res.writeHead(hookStatus).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  await smtp.stop();
  hook.close();
});

const WEBHOOK_SECRET = 'webhook-secret-0123456789';

function config(extra: Record<string, unknown> = {}): IdsyncConfig {
  return parseConfig(
    {
      store: 'sqlite::memory:',
      smtp: smtp.config(),
      api: { publicUrl: 'https://idsync.corp.example.test' },
      alerts: {
        to: ['ops@corp.example.test'],
        webhook: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`, secret: WEBHOOK_SECRET },
        mailFailing: { afterAttempts: 2 },
      },
      ...extra,
    },
    { baseDir: tmpdir(), env: {} },
  );
}

describe('templates', () => {
  it('refuses a body without <enrollment-link>, with a stable code', () => {
    expect(() => checkTemplate({ ...DEFAULT_TEMPLATES.enrollment, text: 'no link here' })).toThrow(
      expect.objectContaining({ code: 'MAIL_TEMPLATE_LINK_MISSING' }) as unknown as IdsyncError,
    );
    expect(() => checkTemplate({ ...DEFAULT_TEMPLATES.enrollment, html: '<p>none</p>' })).toThrow(/html body must contain <enrollment-link>/);
    expect(() => checkTemplate(DEFAULT_TEMPLATES.reminder)).not.toThrow();
  });

  it('fills the placeholders, escaping values in HTML', () => {
    const r = renderTemplate(DEFAULT_TEMPLATES.enrollment, { link: 'https://x/enroll#T', username: 'bob', fullName: 'Bob <b>' });
    expect(r.text).toContain('https://x/enroll#T');
    expect(r.text).toContain('Hello Bob <b>,');
    expect(r.html).toContain('Hello Bob &#60;b&#62;,');
    expect(r.html).toContain('href="https://x/enroll#T"');
  });
});

describe('idsync mail test', () => {
  it('sends one email through the configured server, TLS verified, with AUTH', async () => {
    const before = smtp.received.length;
    await sendTestMail(config().smtp, 'someone@corp.example.test');
    const [m] = (await smtp.waitFor(before + 1)).slice(before);
    expect(m.to).toEqual(['someone@corp.example.test']);
    expect(m.parsed.subject).toBe('idsync test email');
  });

  it('reports the SMTP error clearly: a wrong password, an untrusted certificate, no server', async () => {
    const wrong = config({ smtp: smtp.config({ password: 'nope' }) }).smtp;
    await expect(sendTestMail(wrong, 'a@corp.example.test')).rejects.toMatchObject({ code: 'MAIL_SEND_FAILED', message: expect.stringMatching(/535|auth/i) });
    const untrusted = config({ smtp: { ...smtp.config(), caFile: undefined } }).smtp;
    await expect(sendTestMail(untrusted, 'a@corp.example.test')).rejects.toMatchObject({
      code: 'MAIL_SEND_FAILED',
      message: expect.stringMatching(/certificate/i),
    });
    await expect(sendTestMail(undefined, 'a@corp.example.test')).rejects.toMatchObject({ code: 'MAIL_NOT_CONFIGURED' });
  });
});

describe.each(storeBackends('mail_outbox'))('the mail outbox on %s', (_name, url) => {
  it('loses nothing when the SMTP server stops mid-batch, and sends it all once it is back', async () => {
    const store = await openTestStore(url());
    const cfg = config();
    let t = new Date('2026-12-03T10:00:00Z');
    const delivery = new MailDelivery({ store, box, smtp: cfg.smtp, alerts: { ...cfg.alerts!, webhook: undefined }, now: () => t });
    const before = smtp.received.length;
    for (let i = 0; i < 20; i++) {
      await store.mailOutbox.enqueue({ kind: 'test', channel: 'email', recipient: `u${i}@corp.example.test`, subject: `n${i}`, text: 'hi' }, t);
    }
    // Stop the server once the fifth message is in: the rest of the batch meets a closed port.
    const stopping = smtp.waitFor(before + 5).then(() => smtp.stop());
    const first = await delivery.drain();
    await stopping;
    delivery.close();
    expect(first.outage).toBeDefined();
    const counts = await store.mailOutbox.counts();
    expect(counts.sent + counts.pending).toBe(20);
    expect(counts.failed).toBe(0);
    const failing = (await store.mailOutbox.list({ state: 'pending', limit: 50, offset: 0 })).items.filter((r) => r.last_error);
    expect(failing.length).toBeGreaterThanOrEqual(1);
    // The error is on the row (the API and the panel show it), and the next attempt waits.
    expect(failing[0].last_error).toMatch(/ECONNREFUSED|ECONNECTION|closed|ESOCKET/i);
    await smtp.start();
    t = new Date(t.getTime() + 60 * 60_000);
    await delivery.drain();
    delivery.close();
    expect((await store.mailOutbox.counts()).sent).toBe(20);
    const got = smtp.received.slice(before).map((m) => m.parsed.subject);
    for (let i = 0; i < 20; i++) expect(got).toContain(`n${i}`);
  });

  it('a held removal and a failed sync each send one email and one signed webhook call, once', async () => {
    const store = await openTestStore(url());
    const cfg = config();
    const t = new Date('2026-12-03T10:00:00Z');
    const ctx = { store, alerts: cfg.alerts, publicUrl: cfg.api.publicUrl };
    const held = {
      directory: 'corp',
      runId: 41,
      kind: 'full',
      status: 'succeeded' as const,
      dryRun: false,
      heldForApproval: { count: 12, threshold: 'more than 10' },
    };
    const failed = {
      directory: 'corp',
      runId: 42,
      kind: 'full',
      status: 'failed' as const,
      dryRun: false,
      error: { code: 'DIRECTORY_BIND_FAILED', message: 'bad' },
    };
    for (const r of [held, failed, held, failed]) for (const a of runAlerts(r)) await raiseAlert(ctx, a, t);
    const before = smtp.received.length;
    calls.length = 0;
    const delivery = new MailDelivery({ store, box, smtp: cfg.smtp, alerts: cfg.alerts, publicUrl: cfg.api.publicUrl, now: () => t });
    expect(await delivery.drain()).toMatchObject({ sent: 4, failed: 0 });
    delivery.close();
    const mails = smtp.received.slice(before);
    expect(mails.map((m) => m.parsed.subject).sort()).toEqual(['[idsync] 12 removals in corp held for approval', '[idsync] sync of corp failed']);
    expect(mails.find((m) => m.parsed.subject?.includes('held'))?.parsed.text).toContain('https://idsync.corp.example.test/approvals');
    expect(mails.find((m) => m.parsed.subject?.includes('failed'))?.parsed.text).toContain('https://idsync.corp.example.test/runs/42');
    expect(calls).toHaveLength(2);
    for (const c of calls) {
      const ts = Number(c.headers[TIMESTAMP_HEADER]);
      expect(c.headers[SIGNATURE_HEADER]).toBe(signWebhook(WEBHOOK_SECRET, ts, c.body));
      expect(c.headers[SIGNATURE_HEADER]).toMatch(/^sha256=[0-9a-f]{64}$/);
    }
    expect(calls.map((c) => JSON.parse(c.body).type).sort()).toEqual(['removalsHeld', 'syncFailed']);
  });

  it('retries a failing webhook with backoff and raises "mail failing" after the configured attempts', async () => {
    const store = await openTestStore(url());
    const cfg = config();
    let t = new Date('2026-12-03T10:00:00Z');
    const ctx = { store, alerts: cfg.alerts, publicUrl: cfg.api.publicUrl };
    for (const a of runAlerts({ directory: 'x', runId: 7, kind: 'full', status: 'failed', dryRun: false })) await raiseAlert(ctx, a, t);
    const delivery = new MailDelivery({ store, box, smtp: cfg.smtp, alerts: cfg.alerts, publicUrl: cfg.api.publicUrl, now: () => t });
    hookStatus = 503;
    try {
      await delivery.drain();
      const hookRow = (await store.mailOutbox.list({ limit: 10, offset: 0 })).items.find((r) => r.channel === 'webhook')!;
      expect(hookRow).toMatchObject({ state: 'pending', attempts: 1, last_error: 'the webhook answered HTTP 503' });
      // Not due again before its backoff.
      await delivery.drain();
      expect((await store.mailOutbox.byId(hookRow.id))?.attempts).toBe(1);
      t = new Date(t.getTime() + 31_000);
      await delivery.drain();
      const after = await store.mailOutbox.byId(hookRow.id);
      expect(after).toMatchObject({ attempts: 2, alerted: 1 });
      const alerts = (await store.mailOutbox.list({ limit: 20, offset: 0 })).items.filter((r) => r.event === 'mailFailing');
      expect(alerts.map((r) => r.channel).sort()).toEqual(['email', 'webhook']);
      hookStatus = 200;
      t = new Date(t.getTime() + 3_600_000);
      await delivery.drain();
      expect((await store.mailOutbox.byId(hookRow.id))?.state).toBe('sent');
    } finally {
      hookStatus = 200;
      delivery.close();
    }
  });
});

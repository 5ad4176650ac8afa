import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from './harness/index.js';
import { TestSmtp } from './harness/smtp.js';
import { slapdEnrollmentDirectory } from './support/directory-config.js';
import { uniqueName, Workspace } from './support/workspace.js';

/**
 * Mail through the real command line (issue 15): `idsync mail test`, `idsync sync` queueing an
 * enrollment email, `idsync enrollments` listing it, `idsync serve` sending it under the mail
 * lease, and the link's token in none of their output.
 */
let slapd: SlapdDirectory;
let smtp: TestSmtp;
beforeAll(async () => {
  slapd = connectSlapd(inject('slapd'));
  smtp = new TestSmtp({ certs: inject('certs') });
  await smtp.start();
});
afterAll(() => smtp.stop());

describe('mail from the command line', () => {
  it('tests the server, queues at sync, lists pending enrollments, and idsync serve sends', async () => {
    const base = await slapd.addOu(uniqueName('mc'));
    const people = await slapd.addOu('people', base);
    const groups = await slapd.addOu('groups', base);
    const address = `ann.${base.split(',')[0].slice(3)}@corp.example.test`.toLowerCase();
    const ann = await slapd.addUser({ ou: people, uid: 'ann', givenName: 'Ann', sn: 'Tester', mail: address });
    const g = await slapd.addGroup({ ou: groups, cn: 'staff', members: [ann] });
    const ws = new Workspace().configure([slapdEnrollmentDirectory(slapd, base, g)], {
      smtp: smtp.config(),
      api: { listen: '127.0.0.1:0', publicUrl: 'https://idsync.corp.example.test' },
    });

    const before = smtp.received.length;
    const t = await ws.cli(['mail', 'test', 'ops@corp.example.test']);
    expect(t).toMatchObject({ code: 0 });
    expect(t.stdout).toContain('Sent a test email to ops@corp.example.test');
    const bad = await ws.cli(['mail', 'test', 'not an address']);
    expect(bad.code).toBe(2);

    await ws.sync();
    const pending = JSON.parse((await ws.cli(['enrollments', '--json'])).stdout);
    expect(pending).toMatchObject({ total: 1, items: [{ username: 'ann', email: address, firstSentAt: null, remindersSent: 0, mailState: 'pending' }] });
    const outbox = JSON.parse((await ws.cli(['mail', 'outbox', '--json'])).stdout);
    expect(outbox.counts.pending).toBe(1);

    const serve = ws.serve({ env: { IDSYNC_LOG_LEVEL: 'debug' } });
    try {
      await ws.waitFor(async () => smtp.to(address).length > 0);
    } finally {
      await serve.stop();
    }
    const [m] = smtp.to(address);
    expect(smtp.received.length).toBeGreaterThanOrEqual(before + 2);
    const token = m.link!.split('#')[1];
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const after = await ws.cli(['enrollments', '--json']);
    expect(JSON.parse(after.stdout).items[0]).toMatchObject({ username: 'ann', mailState: 'sent', expiresAt: pending.items[0].expiresAt });
    expect(JSON.parse(after.stdout).items[0].firstSentAt).not.toBeNull();
    const resend = await ws.cli(['enrollments', 'resend', 'ann']);
    expect(resend).toMatchObject({ code: 0 });
    // The token is in none of the output: logs, listings, the outbox.
    const outputs = [serve.output(), after.stdout, resend.stdout, (await ws.cli(['mail', 'outbox', '--json'])).stdout];
    for (const o of outputs) expect(o).not.toContain(token);
    expect(serve.output()).toContain('mail sender started');
  });

  it('a failed idsync sync queues one alert email and one webhook call per run', async () => {
    const ws = new Workspace().configure(
      [
        {
          name: 'dead',
          type: 'openldap',
          servers: ['ldap://127.0.0.1:9'],
          transport: 'clear',
          baseDn: 'dc=dead',
          groups: ['cn=g,dc=dead'],
          timeouts: { connectMs: 300 },
        },
      ],
      {
        smtp: smtp.config(),
        alerts: { to: ['ops@corp.example.test'], webhook: { url: 'http://127.0.0.1:9/hook', secret: 'a-webhook-secret-for-tests' } },
        api: { listen: '127.0.0.1:0', publicUrl: 'https://idsync.corp.example.test' },
      },
    );
    await ws.sync([], { expectCode: 3 });
    const outbox = JSON.parse((await ws.cli(['mail', 'outbox', '--json'])).stdout);
    expect(outbox.items.map((m: { event: string; channel: string }) => `${m.event}/${m.channel}`).sort()).toEqual(['syncFailed/email', 'syncFailed/webhook']);
    expect(outbox.items.find((m: { channel: string }) => m.channel === 'email')).toMatchObject({
      recipient: 'ops@corp.example.test',
      subject: '[idsync] sync of dead failed',
    });
    // Another failed run is another event.
    await ws.sync([], { expectCode: 3 });
    expect(JSON.parse((await ws.cli(['mail', 'outbox', '--json'])).stdout).total).toBe(4);
  });
  it('invites users synced before enrollment was turned on: a dry run first, then once', async () => {
    const base = await slapd.addOu(uniqueName('mi'));
    const people = await slapd.addOu('people', base);
    const groups = await slapd.addOu('groups', base);
    const tag = base.split(',')[0].slice(3).toLowerCase();
    const bo = await slapd.addUser({ ou: people, uid: 'bo', givenName: 'Bo', sn: 'Early', mail: `bo.${tag}@corp.example.test` });
    const cy = await slapd.addUser({ ou: people, uid: 'cy', givenName: 'Cy', sn: 'Nomail' });
    const g = await slapd.addGroup({ ou: groups, cn: 'staff', members: [bo, cy] });
    const directory = (enrollment: boolean) => slapdEnrollmentDirectory(slapd, base, g, enrollment);
    const settings = { smtp: smtp.config(), api: { listen: '127.0.0.1:0', publicUrl: 'https://idsync.corp.example.test' } };
    const ws = new Workspace().configure([directory(false)], settings);
    await ws.sync();
    // Synced while enrollment was off: nobody was mailed, and turning it on mails nobody either.
    ws.configure([directory(true)], settings);
    await ws.sync();
    expect(JSON.parse((await ws.cli(['enrollments', '--json'])).stdout).total).toBe(0);

    const usage = await ws.cli(['enrollments', 'invite']);
    expect(usage.code).toBe(2);
    const preview = await ws.cli(['enrollments', 'invite', '--all', '--dry-run']);
    expect(preview.stdout).toContain('would invite bo');
    expect(preview.stdout).toMatch(/skipped cy <no email>: the user has no valid email address/);
    expect(preview.stdout).toContain('nothing was queued');
    expect(JSON.parse((await ws.cli(['mail', 'outbox', '--json'])).stdout).total).toBe(0);

    const sent = await ws.cli(['enrollments', 'invite', '--all']);
    expect(sent.stdout).toContain('Queued 1 enrollment email');
    expect(JSON.parse((await ws.cli(['enrollments', '--json'])).stdout).items.map((p: { username: string }) => p.username)).toEqual(['bo']);
    // Once: bo is pending now, so a second invitation leaves bo to "resend".
    const again = await ws.cli(['enrollments', 'invite', 'bo']);
    expect(again.stdout).toMatch(/skipped bo .*already pending/);
    expect(JSON.parse((await ws.cli(['mail', 'outbox', '--json'])).stdout).total).toBe(1);
  });
});

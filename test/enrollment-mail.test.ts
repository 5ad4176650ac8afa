import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConfig, type IdsyncConfig } from '../src/config/load.js';
import { SecretBox } from '../src/directories/secret-box.js';
import { afterSync, enrollmentPass, resendEnrollment } from '../src/enrollment/mailing.js';
import { hashToken, openLink, useLink } from '../src/enrollment/links.js';
import { MailDelivery } from '../src/mail/sender.js';
import type { Store } from '../src/store/db.js';
import { syncDirectory } from '../src/sync/engine.js';
import { connectSlapd, type SlapdDirectory } from './harness/index.js';
import { TestSmtp } from './harness/smtp.js';
import { openTestStore, storeBackends } from './support/store-backends.js';
import { uniqueName } from './support/workspace.js';

/**
 * Enrollment emails end to end (issue 15): a real slapd synced into the store, a real SMTP server
 * receiving the emails, and an injected clock for the reminders (2 and 10 days), the expiry (30
 * days, then a new link at the next sync) and resend (same link, same expiry).
 */
let slapd: SlapdDirectory;
let smtp: TestSmtp;
beforeAll(async () => {
  slapd = connectSlapd(inject('slapd'));
  smtp = new TestSmtp({ certs: inject('certs') });
  await smtp.start();
});
afterAll(() => smtp.stop());

const DAY = 86_400_000;
const box = SecretBox.fromText('s'.repeat(40), 'test');

async function setup(url: string, importPhones = true) {
  const base = await slapd.addOu(uniqueName('enr'));
  const people = await slapd.addOu('people', base);
  const groups = await slapd.addOu('groups', base);
  const mail = (uid: string) => `${uid}.${base.split(',')[0].slice(3)}@corp.example.test`.toLowerCase();
  const add = (uid: string, extra: Record<string, string> = {}) =>
    slapd.addUser({ ou: people, uid, givenName: uid, sn: 'Tester', displayName: `${uid} Tester`, mail: mail(uid), ...extra });
  const ann = await add('ann');
  const bob = await add('bob', { employeeType: 'disabled' });
  const cat = await slapd.addUser({ ou: people, uid: 'cat', sn: 'Tester', givenName: 'cat' });
  const dan = await add('dan', { telephoneNumber: '+1 212 555 0100' });
  const eve = await add('eve', { mail: 'not-an-address' });
  const g = await slapd.addGroup({ ou: groups, cn: 'staff', members: [ann, bob, cat, dan, eve] });
  const config: IdsyncConfig = parseConfig(
    {
      store: url,
      smtp: smtp.config(),
      api: { publicUrl: 'https://idsync.corp.example.test' },
      directories: [
        {
          name: 'ldap',
          type: 'openldap',
          servers: [slapd.ldapsUrl],
          caFile: slapd.caFile,
          bind: { dn: slapd.bindDn, password: slapd.password },
          baseDn: base,
          groups: [g],
          disabledFilter: '(employeeType=disabled)',
          importPhones,
          enrollment: { email: true },
        },
      ],
    },
    { baseDir: tmpdir(), env: {} },
  );
  return { config, cfg: config.directories[0], mail, people, ann, g };
}

function harness(store: Store, config: IdsyncConfig, clock: { t: Date }) {
  const now = () => clock.t;
  const delivery = new MailDelivery({ store, box, smtp: config.smtp, publicUrl: config.api.publicUrl, now });
  return {
    async sync(user?: string) {
      const r = await syncDirectory(store, config.directories[0], { now, user });
      await afterSync({ store, box }, config.directories[0], r, now());
      return r;
    },
    async tick() {
      await enrollmentPass({ store, box }, now());
      const r = await delivery.drain();
      delivery.close();
      return r;
    },
  };
}

describe.each(storeBackends('enroll_mail'))('enrollment emails on %s', (_name, url) => {
  it('mails only the right users; reminders at 2 and 10 days; a new link after 30 days; resend keeps the link and its expiry', async () => {
    const { config, mail } = await setup(url());
    const store = await openTestStore(config.store);
    const clock = { t: new Date('2026-12-01T09:00:00Z') };
    const h = harness(store, config, clock);
    const before = smtp.received.length;
    await h.sync();
    expect(await h.tick()).toMatchObject({ sent: 1, failed: 0 });
    // ann only: bob is disabled, cat has no email, dan has a phone (importPhones), eve's address is not one.
    const first = smtp.received.slice(before);
    expect(first.map((m) => m.to[0])).toEqual([mail('ann')]);
    expect(first[0].parsed.subject).toBe('Set up your second factor');
    expect(first[0].parsed.text).toContain('Hello ann Tester,');
    const link = first[0].link!;
    expect(link).toMatch(/^https:\/\/idsync\.corp\.example\.test\/enroll#[A-Za-z0-9_-]{43}$/);
    const token = link.split('#')[1];
    expect((await openLink(store, token, clock.t)).ok).toBe(true);
    // The token is in no table: the outbox keeps the link id, the links table the hash.
    const dump = JSON.stringify([
      await store.db.selectFrom('mail_outbox').selectAll().execute(),
      await store.db.selectFrom('enrollment_links').selectAll().execute(),
    ]);
    expect(dump).not.toContain(token);
    expect(dump).toContain(hashToken(token));

    // A second sync mails nobody again.
    await h.sync();
    expect(await h.tick()).toMatchObject({ sent: 0 });

    // Reminders: nothing before 2 days, one at 2 days, the second 8 days after it.
    clock.t = new Date(clock.t.getTime() + 2 * DAY - 60_000);
    expect((await h.tick()).sent).toBe(0);
    clock.t = new Date(clock.t.getTime() + 60_000);
    expect((await h.tick()).sent).toBe(1);
    clock.t = new Date(clock.t.getTime() + 8 * DAY - 60_000);
    expect((await h.tick()).sent).toBe(0);
    clock.t = new Date(clock.t.getTime() + 60_000);
    expect((await h.tick()).sent).toBe(1);
    clock.t = new Date(clock.t.getTime() + 5 * DAY);
    expect((await h.tick()).sent).toBe(0);
    const reminders = smtp.to(mail('ann')).slice(1);
    expect(reminders.map((m) => m.parsed.subject)).toEqual(['Reminder: set up your second factor', 'Reminder: set up your second factor']);
    expect(reminders.every((m) => m.link === link)).toBe(true);
    expect(await store.enrollmentMail.pending({ limit: 10, offset: 0 })).toMatchObject({ total: 1, items: [{ username: 'ann', remindersSent: 2 }] });

    // Resend: the same link, the expiry unchanged.
    const open = await store.enrollmentLinks.openFor((await store.enrollmentMail.pending({ limit: 1, offset: 0 })).items[0].userId);
    const r = await resendEnrollment(store, open!.user_id, clock.t);
    expect(r.expiresAt).toBe(open!.expires_at);
    expect((await h.tick()).sent).toBe(1);
    expect(smtp.to(mail('ann')).at(-1)?.link).toBe(link);
    expect((await store.enrollmentLinks.openFor(open!.user_id))?.expires_at).toBe(open!.expires_at);

    // 30 days: the link expires; nothing is sent until the next sync, which issues a new one.
    clock.t = new Date(Date.parse(open!.expires_at) + 1000);
    expect((await h.tick()).sent).toBe(0);
    expect((await openLink(store, token, clock.t)).ok).toBe(false);
    await expect(resendEnrollment(store, open!.user_id, clock.t)).rejects.toMatchObject({ code: 'ENROLLMENT_NOT_PENDING' });
    await h.sync();
    expect((await h.tick()).sent).toBe(1);
    const renewed = smtp.to(mail('ann')).at(-1)!;
    expect(renewed.parsed.subject).toBe('Set up your second factor');
    expect(renewed.link).not.toBe(link);
    const newLink = await store.enrollmentLinks.openFor(open!.user_id);
    expect(Date.parse(newLink!.expires_at) - clock.t.getTime()).toBe(30 * DAY);

    // Enrolling (the enrollment page uses the link) takes the user off the pending list and stops the reminders.
    expect(await useLink(store, newLink!.id, clock.t)).toBe(true);
    expect((await store.enrollmentMail.pending({ limit: 10, offset: 0 })).total).toBe(0);
    clock.t = new Date(clock.t.getTime() + 3 * DAY);
    expect((await h.tick()).sent).toBe(0);
  });

  it('mails a user who becomes active (single-user sync), and users with phones when importPhones is off', async () => {
    const { config, mail, people } = await setup(url(), false);
    const store = await openTestStore(config.store);
    const clock = { t: new Date('2026-12-01T09:00:00Z') };
    const h = harness(store, config, clock);
    const before = smtp.received.length;
    await h.sync();
    await h.tick();
    expect(
      smtp.received
        .slice(before)
        .map((m) => m.to[0])
        .sort(),
    ).toEqual([mail('ann'), mail('dan')].sort());
    // bob is enabled in the directory, then synced alone: newly active, he is mailed.
    await slapd.modify(`uid=bob,${people}`, 'employeeType', null);
    await h.sync('bob');
    expect((await h.tick()).sent).toBe(1);
    expect(smtp.received.at(-1)?.to).toEqual([mail('bob')]);
  });
});

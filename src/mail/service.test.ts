import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TestSmtp } from '../../test/harness/smtp.js';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { parseConfig, type DirectoryConfig } from '../config/load.js';
import { createLogger } from '../log.js';
import { SyncEvents } from '../serve/events.js';
import { leaseStore } from '../store/leases.js';
import { saveSyncState } from '../store/sync-state.js';
import { MailService } from './service.js';

/** `idsync serve`'s mail (issue 15): one sender per store under the `mail` lease, and the "directory unreachable" alert. */
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = new TestSmtp({ certs: inject('certs') });
  await smtp.start();
});
afterAll(() => smtp.stop());

describe.each(storeBackends('mail_service'))('the mail service on %s', (_name, url) => {
  it('with two serves on one store, only the lease holder sends: each email arrives once', async () => {
    const store = await openTestStore(url());
    const config = parseConfig({ store: store.url, smtp: smtp.config(), api: { secretsKey: 'x'.repeat(40) } }, { baseDir: tmpdir(), env: {} });
    const log = createLogger('silent');
    const services = [0, 1].map(() => new MailService({ config, store, log, events: new SyncEvents(), leases: leaseStore(store), directories: () => [] }));
    const t = new Date();
    const before = smtp.count;
    for (let i = 0; i < 30; i++) {
      await store.mailOutbox.enqueue({ kind: 'test', channel: 'email', recipient: `two${i}@corp.example.test`, subject: `two ${i}`, text: 'x' }, t);
    }
    for (const s of services) s.start();
    try {
      const deadline = Date.now() + 20_000;
      while ((await store.mailOutbox.counts()).sent < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect((await store.mailOutbox.counts()).sent).toBe(30);
      await new Promise((r) => setTimeout(r, 500));
      expect(smtp.count - before).toBe(30);
      const leases = (await leaseStore(store).list()).filter((l) => l.name === 'mail' && l.held);
      expect(leases).toHaveLength(1);
    } finally {
      await Promise.all(services.map((s) => s.stop()));
    }
  });

  it('alerts once when a directory stays unreachable longer than afterMinutes', async () => {
    const store = await openTestStore(url());
    const config = parseConfig(
      {
        store: store.url,
        api: { secretsKey: 'x'.repeat(40), publicUrl: 'https://idsync.corp.example.test' },
        alerts: { to: ['ops@corp.example.test'], directoryUnreachable: { afterMinutes: 10, webhook: false } },
      },
      { baseDir: tmpdir(), env: {} },
    );
    let t = new Date('2026-12-03T10:00:00Z');
    const dir = await store.db
      .insertInto('directories')
      .values({ name: 'corp', type: 'openldap', username_attribute: 'uid', first_synced_at: null, created_at: t.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await saveSyncState(store.db, dir.id, { mode: 'content-sync', connected: 0, last_error: 'DIRECTORY_UNREACHABLE: connection refused' }, t);
    const directories = () => [{ name: 'corp' } as DirectoryConfig];
    const s = new MailService({ config, store, log: createLogger('silent'), now: () => t, events: new SyncEvents(), leases: leaseStore(store), directories });
    await s.pass();
    t = new Date(t.getTime() + 9 * 60_000);
    await s.pass();
    expect((await store.mailOutbox.counts()).pending).toBe(0);
    t = new Date(t.getTime() + 60_000);
    await s.pass();
    t = new Date(t.getTime() + 60_000);
    await s.pass();
    const rows = (await store.mailOutbox.list({ limit: 10, offset: 0 })).items;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'alert',
      event: 'directoryUnreachable',
      recipient: 'ops@corp.example.test',
      subject: '[idsync] directory corp unreachable',
    });
    expect(rows[0].text_body).toContain('https://idsync.corp.example.test/directories/corp');
    // Back, then down again: a new event, a new alert.
    await saveSyncState(store.db, dir.id, { connected: 1 }, t);
    await s.pass();
    await saveSyncState(store.db, dir.id, { connected: 0 }, t);
    await s.pass();
    t = new Date(t.getTime() + 11 * 60_000);
    await s.pass();
    expect((await store.mailOutbox.list({ limit: 10, offset: 0 })).total).toBe(2);
    s.delivery.close();
  });
});

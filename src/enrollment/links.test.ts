import { describe, expect, it } from 'vitest';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { syncedUserRow } from '../../test/support/user-rows.js';
import { SecretBox } from '../directories/secret-box.js';
import { hashToken, issueLink, LINK_VALIDITY_DAYS, openLink, tokenOf, useLink } from './links.js';

/** Enrollment links (issue 15) over every store backend. */
const backends = storeBackends('enrollment_links');
const t0 = new Date('2026-12-03T10:00:00Z');
const box = SecretBox.fromText('k'.repeat(40), 'test');
const day = 24 * 60 * 60 * 1000;

describe.each(backends)('enrollment links on %s', (_name, url) => {
  async function withUser() {
    const store = await openTestStore(url());
    const dir = await store.db
      .insertInto('directories')
      .values({ name: 'ad', type: 'active-directory', username_attribute: 'sAMAccountName', first_synced_at: null, created_at: t0.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const user = await store.db
      .insertInto('users')
      .values(syncedUserRow(dir.id, 'alice', t0))
      .returning('id')
      .executeTakeFirstOrThrow();
    return { store, userId: user.id };
  }

  it('keeps only the hash, opens for 30 days, is single-use, and resends the same token', async () => {
    const { store, userId } = await withUser();
    const issued = await issueLink(store, box, userId, t0);
    expect(issued.expiresAt.getTime() - t0.getTime()).toBe(LINK_VALIDITY_DAYS * day);

    const rows = await store.db.selectFrom('enrollment_links').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(issued.token);
    expect(rows[0]?.token_hash).toBe(hashToken(issued.token));
    // Resend: the same token again, from the row and the key alone.
    expect(tokenOf(box, rows[0]!)).toBe(issued.token);
    // Another key cannot make it (a store dump gives no working link).
    expect(tokenOf(SecretBox.fromText('x'.repeat(40), 'other'), rows[0]!)).not.toBe(issued.token);

    expect(await openLink(store, issued.token, new Date(t0.getTime() + 29 * day))).toMatchObject({ ok: true });
    expect(await openLink(store, issued.token, new Date(t0.getTime() + 30 * day))).toEqual({ ok: false, reason: 'expired' });
    expect(await openLink(store, 'A'.repeat(43), t0)).toEqual({ ok: false, reason: 'unknown' });
    expect(await openLink(store, 'not a token', t0)).toEqual({ ok: false, reason: 'unknown' });

    expect(await useLink(store, issued.id, t0)).toBe(true);
    expect(await useLink(store, issued.id, t0)).toBe(false);
    expect(await openLink(store, issued.token, t0)).toEqual({ ok: false, reason: 'used' });
  });

  it('closes the old link when a new one is issued, and records sends for the reminder schedule', async () => {
    const { store, userId } = await withUser();
    const first = await issueLink(store, box, userId, t0);
    await store.enrollmentLinks.recordSend(first.id, 'first', t0);
    await store.enrollmentLinks.recordSend(first.id, 'reminder', new Date(t0.getTime() + 2 * day));
    await store.enrollmentLinks.recordSend(first.id, 'resend', new Date(t0.getTime() + 3 * day));
    expect(await store.enrollmentLinks.openFor(userId)).toMatchObject({ id: first.id, reminders_sent: 1, resends: 1, first_sent_at: t0.toISOString() });

    const second = await issueLink(store, box, userId, new Date(t0.getTime() + 31 * day));
    expect(second.token).not.toBe(first.token);
    expect(await openLink(store, first.token, t0)).toEqual({ ok: false, reason: 'closed' });
    expect((await store.enrollmentLinks.openFor(userId))?.id).toBe(second.id);
    expect((await store.enrollmentLinks.listOpen()).map((l) => l.id)).toEqual([second.id]);
    expect(await store.enrollmentLinks.closeFor(userId, t0)).toBe(1);
    expect(await store.enrollmentLinks.openFor(userId)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { syncedUserRow } from '../../test/support/user-rows.js';
import { applyPlan } from './apply.js';
import { createdId, Placeholders, type Plan } from './plan.js';
import { emptyCounts } from './report.js';

/**
 * applyPlan over every store backend: a plan's placeholders become store ids (new users in the
 * memberships of new groups, as an increment plans them), and its log is recorded with them.
 */
const now = new Date('2026-11-01T10:00:00Z');
const ts = now.toISOString();

describe.each(storeBackends('apply'))('applyPlan on %s', (_name, url) => {
  it('writes a plan, turning its placeholders into store ids, and logs it against the run', async () => {
    const store = await openTestStore(url());
    const dirId = (
      await store.db
        .insertInto('directories')
        .values({ name: 'corp', type: 'openldap', username_attribute: 'uid', first_synced_at: null, created_at: ts })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const [old] = await store.sync.transaction((w) => w.insertUsers([syncedUserRow(dirId, 'old', now)]));
    const ids = new Placeholders();
    const plan: Plan = { changes: [], log: [] };
    const creates = ['ann', 'bea'].map((n) => {
      const log = { objectType: 'user' as const, name: n, externalId: `e-${n}`, outcome: 'created' as const };
      plan.log.push(log);
      return { kind: 'user.create' as const, ref: ids.take(), row: syncedUserRow(dirId, n, now), groups: [0], log };
    });
    plan.changes.push(...creates);
    const g = ids.take();
    plan.changes.push({
      kind: 'group.create',
      groupId: g,
      row: { directory_id: dirId, external_id: 'g-1', dn: 'cn=eng,dc=x', name: 'eng', created_at: ts, updated_at: ts },
    });
    plan.changes.push({ kind: 'membership.add', groupId: g, userIds: [creates[1].ref, creates[0].ref, old].sort((a, b) => a - b) });
    plan.changes.push({ kind: 'user.trash', userId: old, reason: 'gone', deleteAfter: '2026-12-01T10:00:00.000Z' });
    plan.log.push({ objectType: 'user', name: 'old', userId: old, outcome: 'trashed', reason: 'gone' });
    const counts = emptyCounts();

    await store.sync.transaction(async (w) => {
      const runId = await w.startRun(dirId, 'corp', 'incremental', now);
      await applyPlan(w, plan, { directoryId: dirId, now, counts, runId });
      await w.finishRun(runId, { status: 'succeeded', counts, startedAt: now, now, attempts: [], warnings: [] });
    });

    const [ann, bea] = creates.map(createdId);
    expect(ann).toBeGreaterThan(0);
    expect(bea).toBeGreaterThan(0);
    expect((await store.sync.reads.userByUsername('bea'))?.id).toBe(bea);
    const group = (await store.sync.reads.groups(dirId))[0];
    expect(group.name).toBe('eng');
    // The trash takes the membership the plan added for the old user: its count is the run's.
    expect([...(await store.sync.reads.memberIds(group.id))]).toEqual([ann, bea].sort((a, b) => a - b));
    expect(counts.membersRemoved).toBe(1);
    const logged = await store.db.selectFrom('run_objects').select(['name', 'user_id', 'outcome']).orderBy('id').execute();
    expect(logged).toEqual([
      { name: 'ann', user_id: ann, outcome: 'created' },
      { name: 'bea', user_id: bea, outcome: 'created' },
      { name: 'old', user_id: old, outcome: 'trashed' },
    ]);
  });
});

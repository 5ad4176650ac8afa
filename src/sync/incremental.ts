import type { DirectoryConfig } from '../config/load.js';
import { dnKey } from '../directory/codecs.js';
import { IdsyncError } from '../errors.js';
import type { Db, Store } from '../store/db.js';
import { finishRun, recordObjects } from '../store/runs.js';
import { saveSyncState, type SyncStatePatch } from '../store/sync-state.js';
import { DesiredMembers, syncGroups } from './groups.js';
import type { DirectoryReader, ScopedEntry } from './read.js';
import { applyRemovals, heldElsewhere, holdRemovals, safeguard, type SafeguardDecision } from './removals.js';
import { emptyCounts, type ObjectChange, type RunReport } from './report.js';
import { SeenIds } from './seen.js';
import { syncUserPage, type PendingRemoval } from './user-changes.js';

/**
 * What a change source (DirSync, uSNChanged polling, RFC 4533 Content Sync) reports: which
 * entries changed, under their current DN, and which were deleted, by immutable id. The applier
 * re-reads what it needs, so sources do not have to agree on which attributes they deliver.
 */
export interface ChangeSet {
  changed: { dn: string; id?: string; kind?: 'user' | 'group' }[];
  deleted: { id: string; dn?: string }[];
  /** The stream position after these changes, stored in the same transaction as their effect. */
  state: SyncStatePatch;
  /** When the source learned of the change (for lag). */
  seenAt?: Date;
  /**
   * Users to look at again although the stream did not report them (their memberships may be
   * stale, src/sync/reconcile.ts). One not found at that DN was renamed, moved or deleted: the
   * stream reports that itself, so here it is left alone rather than taken for gone.
   */
  recheck?: { dn: string; id?: string }[];
}

/** Removals applied in this window count towards the threshold with those of the current change. */
export const REMOVAL_WINDOW_MS = 60 * 60 * 1000;

export interface IncrementalContext {
  store: Store;
  cfg: DirectoryConfig;
  directoryId: number;
  reader: DirectoryReader;
  now: () => Date;
}

/**
 * Applies one change set. Cost follows the number of changes: each changed entry is read once by
 * DN; a group change recomputes only the chosen groups above it and looks again only at the users
 * who gained or lost one of them. The result, the run log and the new stream position commit in
 * one transaction, so a process killed mid-way resumes from the previous position and converges.
 */
export async function applyChangeSet(ctx: IncrementalContext, cs: ChangeSet): Promise<RunReport | undefined> {
  const { store, cfg, directoryId, reader } = ctx;
  const startedAt = ctx.now();
  const toEvaluate = new Map<string, string>(); // dnKey → DN
  const changedGroupNodes = new Set<number>();
  const goneIds: { id: string; dn?: string }[] = [...cs.deleted];


  // Renamed or moved users and groups keep their node, so groups that list them keep reaching them.
  const ids = cs.changed.map((c) => c.id).filter((x): x is string => !!x);
  const storedKeys = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await store.db.selectFrom('users').select(['external_id', 'dn_key']).where('directory_id', '=', directoryId).where('external_id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) if (r.dn_key) storedKeys.set(r.external_id!, r.dn_key);
  }
  const idOfKey = new Map<string, string>();
  for (const c of cs.changed) {
    const key = dnKey(c.dn);
    if (c.id) idOfKey.set(key, c.id);
    if (c.id) {
      const oldGroup = reader.graph.nodeOf(c.id);
      const oldUserKey = storedKeys.get(c.id);
      const oldNode = oldGroup ?? (oldUserKey !== undefined ? reader.index.get(oldUserKey) : undefined);
      if (oldNode !== undefined && reader.index.key(oldNode) !== key) reader.index.alias(key, oldNode);
    }
    if (c.kind !== 'user') {
      const before = reader.index.get(key);
      const g = await reader.refreshGroup(c.dn);
      if (g) {
        changedGroupNodes.add(g.node);
        continue;
      }
      if (before !== undefined && c.kind === 'group') changedGroupNodes.add(before);
      if (c.kind === 'group') continue;
    }
    toEvaluate.set(key, c.dn);
  }
  const soft = new Set<string>();
  for (const r of cs.recheck ?? []) {
    const key = dnKey(r.dn);
    if (toEvaluate.has(key)) continue;
    soft.add(key);
    toEvaluate.set(key, r.dn);
  }

  // Deleted groups leave the graph. A deleted user leaves every member list too: AD drops the
  // link values without reporting the groups as changed, and a new entry with the same DN must
  // not inherit the old one's memberships.
  const deletedUserIds: string[] = [];
  for (const d of cs.deleted) {
    const node = reader.graph.nodeOf(d.id);
    if (node !== undefined) {
      changedGroupNodes.add(node);
      reader.graph.remove(node);
    } else deletedUserIds.push(d.id);
  }
  if (deletedUserIds.length) {
    const rows = await store.db.selectFrom('users').select('dn_key').where('directory_id', '=', directoryId).where('external_id', 'in', deletedUserIds).execute();
    const nodes = new Set(rows.map((r) => (r.dn_key ? reader.index.get(r.dn_key) : undefined)).filter((n): n is number => n !== undefined));
    if (nodes.size) for (const g of reader.graph.groups.values()) if (g.members.some((m) => nodes.has(m))) {
      reader.graph.add({ ...g, members: g.members.filter((m) => !nodes.has(m)) });
      changedGroupNodes.add(g.node);
    }
  }

  const rids: number[] = [];
  if (changedGroupNodes.size) {
    const above = reader.graph.ancestors(changedGroupNodes);
    for (const c of reader.chosenNodes) {
      if (!above.has(c.node)) continue;
      if (!reader.graph.groups.has(c.node)) {
        throw new IdsyncError('DIRECTORY_MISCONFIGURED', `directory "${cfg.name}": chosen group ${reader.chosen.find((x) => x.itemIndex === c.index)?.dn} was deleted; a full sync will report it`);
      }
      const diff = reader.membership.recompute(reader.graph, c);
      for (const n of diff.nodes) toEvaluate.set(reader.index.key(n), reader.index.key(n));
      rids.push(...diff.rids);
    }
  }
  for (const rid of new Set(rids)) {
    // AD: users whose primary group joined or left a chosen group's closure.
    for (const dn of await reader.usersWithPrimaryGroup(rid)) toEvaluate.set(dnKey(dn), dn);
  }

  // Read the current state of every user to look at (outside the transaction: network I/O).
  const scoped: ScopedEntry[] = [];
  const missingKeys: string[] = [];
  for (const [key, dn] of toEvaluate) {
    const entry = await reader.readUserAt(dn);
    if (!entry) {
      if (!soft.has(key)) missingKeys.push(key);
      continue;
    }
    scoped.push(await reader.scopeOf(entry));
  }

  const counts = emptyCounts();
  const report: RunReport = { directory: cfg.name, kind: 'incremental', dryRun: false, status: 'succeeded', attempts: [], counts, changes: [], warnings: [], durationMs: 0 };
  const work = async (db: Db, runId: number) => {
    const now = ctx.now();
    const changes: ObjectChange[] = [];
    const seen = new SeenIds();
    const inScope = scoped.filter((s) => s.itemIndex !== undefined);
    const r = await syncUserPage(db, cfg, directoryId, inScope, { now, apply: true, counts, seen, itemLabel: (i) => cfg.syncItems[i].label });
    changes.push(...r.changes);
    let removals: PendingRemoval[] = [...r.removals];

    // Users no longer in scope, gone from the directory, or deleted.
    const outIds = scoped.filter((s) => s.itemIndex === undefined).map((s) => cfg.profile.externalId(s.entry)).filter((x): x is string => !!x);
    // An entry that is gone from under the base DN (moved out, deleted) is found by its id when
    // the source gave one, else by the DN it had.
    const byId = [...outIds, ...goneIds.map((g) => g.id), ...missingKeys.map((k) => idOfKey.get(k)).filter((x): x is string => !!x)];
    const candidates =
      byId.length || missingKeys.length
        ? await db
            .selectFrom('users')
            .select(['id', 'username', 'external_id', 'status'])
            .where('directory_id', '=', directoryId)
            .where('status', '!=', 'trashed')
            .where((eb) => eb.or([...(byId.length ? [eb('external_id', 'in', byId)] : []), ...(missingKeys.length ? [eb('dn_key', 'in', missingKeys)] : [])]))
            .execute()
        : [];
    const only = new Set<number>(r.members.map((m) => m.userId));
    for (const u of candidates) {
      if (u.external_id && seen.has(u.external_id)) continue;
      only.add(u.id);
      removals.push({ userId: u.id, username: u.username, externalId: u.external_id, action: 'trash', reason: 'no longer in scope: removed from the chosen groups and containers, moved out of them, or deleted in the directory' });
    }

    // The safeguard decides before memberships are written: users whose removal it holds stay
    // active, and keep their memberships until the hold is approved.
    let decision: SafeguardDecision | undefined;
    const pending = await heldElsewhere(db, removals, r.members.map((m) => m.userId), now);
    removals = pending.removals;
    if (removals.length) {
      const recent = await recentRemovals(db, directoryId, new Date(now.getTime() - REMOVAL_WINDOW_MS));
      const population = await countActive(db, directoryId);
      decision = safeguard(cfg, recent + removals.length, population + recent);
    }
    const desired = new DesiredMembers();
    for (const m of r.members) desired.add(m.userId, m.groups);
    const keepUsers = decision?.hold ? new Set([...pending.held, ...removals.map((x) => x.userId)]) : pending.held;
    if (only.size) changes.push(...(await syncGroups(db, cfg, directoryId, reader.chosen, desired, { now, apply: true, counts, onlyUsers: only, keepUsers })));

    if (decision) {
      if (decision.hold) {
        counts.held = removals.length;
        const threshold = `${decision.threshold}, counted over the last hour`;
        report.heldForApproval = { runId, count: removals.length, threshold };
        for (const x of removals) changes.push({ objectType: 'user', name: x.username, externalId: x.externalId ?? undefined, userId: x.userId, outcome: 'held', reason: `${x.action} held for approval: ${x.reason}` });
        await holdRemovals(db, runId, directoryId, removals, now, threshold, { supersede: false });
      } else {
        changes.push(...(await applyRemovals(db, removals, cfg, now, counts, true)));
      }
    }
    return changes;
  };

  // A recheck alone is not a change the directory reported: it does not move "last change".
  const reported = cs.changed.length > 0 || cs.deleted.length > 0;
  const lastChange = reported ? { last_change_at: (cs.seenAt ?? startedAt).toISOString() } : {};
  const anything = scoped.length || missingKeys.length || goneIds.length;
  if (!anything) {
    await saveSyncState(store.db, directoryId, { ...cs.state, ...lastChange }, ctx.now());
    return undefined;
  }
  // The run row is written in the same transaction, and dropped again when nothing changed (a
  // polling source re-reading the entries at its boundary), so history only shows real changes.
  const recorded = await store.transaction(async (trx) => {
    const run = await trx
      .insertInto('runs')
      .values({ directory_id: directoryId, directory_name: cfg.name, kind: 'incremental', dry_run: 0, status: 'running', started_at: startedAt.toISOString(), counts: '{}', attempts: '[]', warnings: '[]', pid: process.pid, host: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const changes = await work(trx, run.id);
    const end = ctx.now();
    const state = { ...cs.state, ...lastChange, ...(reported ? { last_applied_at: end.toISOString() } : {}) };
    if (!changes.some((c) => c.outcome !== 'unchanged')) {
      await trx.deleteFrom('runs').where('id', '=', run.id).execute();
      await saveSyncState(trx, directoryId, state, end);
      return undefined;
    }
    await recordObjects(trx, run.id, changes);
    await finishRun(trx, run.id, { status: 'succeeded', counts, startedAt, now: end, attempts: [], warnings: [] });
    await saveSyncState(trx, directoryId, state, end);
    report.changes = changes;
    return run.id;
  });
  if (recorded === undefined) return undefined;
  report.runId = recorded;
  report.durationMs = ctx.now().getTime() - startedAt.getTime();
  return report;
}

async function recentRemovals(db: Db, directoryId: number, since: Date): Promise<number> {
  const r = await db
    .selectFrom('run_objects')
    .innerJoin('runs', 'runs.id', 'run_objects.run_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('runs.directory_id', '=', directoryId)
    .where('runs.kind', '=', 'incremental')
    .where('runs.started_at', '>=', since.toISOString())
    .where('run_objects.outcome', 'in', ['trashed', 'disabled'])
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

async function countActive(db: Db, directoryId: number): Promise<number> {
  const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('directory_id', '=', directoryId).where('status', '!=', 'trashed').executeTakeFirst();
  return Number(r?.n ?? 0);
}


import type { DirectoryConfig } from '../config/load.js';
import { dnKey } from '../directory/codecs.js';
import { IdsyncError } from '../errors.js';
import type { Store } from '../store/db.js';
import { saveSyncState, type SyncStatePatch } from '../store/sync-state.js';
import { applyPlan } from './apply.js';
import { importPasswordHashes } from './password-hashes.js';
import { exportedGroupIds, exportedUserIds } from './exported.js';
import { DesiredMembers } from './groups.js';
import { extendPlan, Placeholders, type PendingRemoval } from './plan.js';
import type { DirectoryReader, ScopedEntry } from './read.js';
import { heldElsewhere, LEFT_SCOPE } from './removals.js';
import { emptyCounts, type RunReport } from './report.js';
import { SeenIds } from './seen.js';
import { decideRemovals, planTail } from './tail.js';
import { addPageMembers, pageUserIds, planUserPage } from './user-changes.js';

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
  const storedKeys = await store.sync.reads.dnKeysByExternalId(directoryId, ids);
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
    const keys = await store.sync.reads.dnKeysByExternalId(directoryId, deletedUserIds);
    const nodes = new Set([...keys.values()].map((k) => reader.index.get(k)).filter((n): n is number => n !== undefined));
    if (nodes.size)
      for (const g of reader.graph.groups.values())
        if (g.members.some((m) => nodes.has(m))) {
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
        throw new IdsyncError(
          'DIRECTORY_MISCONFIGURED',
          `directory "${cfg.name}": chosen group ${reader.chosen.find((x) => x.itemIndex === c.index)?.dn} was deleted; a full sync will report it`,
        );
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
  const report: RunReport = {
    directory: cfg.name,
    kind: 'incremental',
    dryRun: false,
    status: 'succeeded',
    attempts: [],
    counts,
    changes: [],
    warnings: [],
    durationMs: 0,
  };
  // A recheck alone is not a change the directory reported: it does not move "last change".
  const reported = cs.changed.length > 0 || cs.deleted.length > 0;
  const lastChange = reported ? { last_change_at: (cs.seenAt ?? startedAt).toISOString() } : {};
  const anything = scoped.length || missingKeys.length || goneIds.length;
  if (!anything) {
    await saveSyncState(store.db, directoryId, { ...cs.state, ...lastChange }, ctx.now());
    return undefined;
  }
  // Issue 14: a userPassword change moves entryCSN/modifyTimestamp, so the entry is here even when
  // nothing mapped changed; its hash is recorded once the transaction below has written the user.
  const hashes = () => importPasswordHashes(store, cfg, scoped, ctx.now());
  // The run starts in the same transaction, and is dropped again when nothing changed (a polling
  // source re-reading the entries at its boundary), so history only shows real changes.
  const exported = await exportedUserIds(store, cfg, directoryId);
  const exportedGroups = await exportedGroupIds(store, cfg, directoryId);
  const recorded = await store.sync.transaction(async (w) => {
    const runId = await w.startRun(directoryId, cfg.name, 'incremental', startedAt);
    const now = ctx.now();
    const seen = new SeenIds();
    const ids = new Placeholders();
    const inScope = scoped.filter((s) => s.itemIndex !== undefined);
    const page = await planUserPage(w, cfg, directoryId, inScope, { now, counts, seen, itemLabel: (i) => cfg.syncItems[i].label, ids, exported });
    let removals: PendingRemoval[] = [...page.removals];

    // Users no longer in scope, gone from the directory, or deleted.
    const outIds = scoped
      .filter((s) => s.itemIndex === undefined)
      .map((s) => cfg.profile.externalId(s.entry))
      .filter((x): x is string => !!x);
    // An entry that is gone from under the base DN (moved out, deleted) is found by its id when
    // the source gave one, else by the DN it had.
    const byId = [...outIds, ...goneIds.map((g) => g.id), ...missingKeys.map((k) => idOfKey.get(k)).filter((x): x is string => !!x)];
    const candidates = await w.liveUsersByIdentity(directoryId, byId, missingKeys);
    const only = new Set<number>(pageUserIds(page));
    for (const u of candidates) {
      if (u.external_id && seen.has(u.external_id)) continue;
      only.add(u.id);
      removals.push({ userId: u.id, username: u.username, externalId: u.external_id, action: 'trash', reason: LEFT_SCOPE });
    }

    // Removals a pending approval already holds are left to it; users back in scope leave it.
    const pending = await heldElsewhere(
      w,
      removals,
      page.members.map((m) => m.userId),
    );
    removals = pending.removals;
    const decision = removals.length
      ? decideRemovals(cfg, removals, {
          population: await w.countLiveUsers(directoryId),
          recent: await w.recentRemovals(directoryId, new Date(now.getTime() - REMOVAL_WINDOW_MS)),
        })
      : undefined;
    const desired = new DesiredMembers();
    addPageMembers(desired, page);
    const tail = await planTail(w, cfg, directoryId, reader.chosen, desired, {
      now,
      counts,
      ids,
      removals,
      decision,
      keep: pending.held,
      onlyUsers: only,
      full: false,
      exportedGroups,
      thresholdNote: ', counted over the last hour',
    });
    const plan = extendPlan(extendPlan(page, pending.release), tail.plan);
    if (tail.held) report.heldForApproval = { runId, count: tail.held.count, threshold: tail.held.threshold };
    await applyPlan(w, plan, { directoryId, now, counts, runId, record: false });

    const end = ctx.now();
    const state = { ...cs.state, ...lastChange, ...(reported ? { last_applied_at: end.toISOString() } : {}) };
    if (!plan.log.some((c) => c.outcome !== 'unchanged')) {
      await w.discardRun(runId);
      await w.saveSyncState(directoryId, state, end);
      return undefined;
    }
    await w.recordObjects(runId, plan.log);
    await w.finishRun(runId, { status: 'succeeded', counts, startedAt, now: end, attempts: [], warnings: [] });
    await w.saveSyncState(directoryId, state, end);
    report.changes = plan.log;
    return runId;
  });
  await hashes();
  if (recorded === undefined) return undefined;
  report.runId = recorded;
  report.durationMs = ctx.now().getTime() - startedAt.getTime();
  return report;
}

import type { DirectoryConfig } from '../config/load.js';
import type { Logger } from '../log.js';
import { DirectoryConnection } from '../directory/connection.js';
import { IdsyncError, toIdsyncError } from '../errors.js';
import type { Store } from '../store/db.js';
import { ensureDirectory, markSynced } from '../store/directories.js';
import { loadGraphCache, saveGraphCache } from '../store/graph-cache.js';
import { discardRun, finishRun, startRun } from '../store/runs.js';
import type { SyncReads, SyncWriter } from '../store/sync/writer.js';
import { applyPlan } from './apply.js';
import { decodeSnapshot, encodeSnapshot, snapshotFingerprint } from './graph-snapshot.js';
import { DesiredMembers } from './groups.js';
import { Placeholders, type PendingRemoval } from './plan.js';
import { exportedGroupIds, exportedUserIds } from './exported.js';
import { DirectoryReader } from './read.js';
import { departures } from './removals.js';
import { emptyCounts, type ObjectChange, type ProgressEvent, type RunReport } from './report.js';
import { MappingStats } from './mapping-stats.js';
import { importPasswordHashes } from './password-hashes.js';
import { SeenIds, type KnownUser } from './seen.js';
import { syncOneUser, UserNotFoundError } from './single-user.js';
import { decideRemovals, planTail } from './tail.js';
import { addPageMembers, planUserPage, type PagePlan } from './user-changes.js';

export interface SyncOptions {
  dryRun?: boolean;
  /** Single-user sync: only this username. */
  user?: string;
  /** The clock; tests move it forward to reach deletion dates. */
  now?: () => Date;
  onProgress?: (e: ProgressEvent) => void;
  log?: Logger;
  /** Receives the directory's group graph after a successful full sync (for incremental sync). */
  onReader?: (reader: DirectoryReader) => void;
}

export class SyncFailedError extends IdsyncError {
  constructor(
    cause: IdsyncError,
    readonly report: RunReport,
  ) {
    super(cause.code, report.runId ? `${cause.message} (run ${report.runId})` : cause.message, { where: cause.where, cause });
  }
}

/**
 * One sync of one directory: plan → apply, page by page (a dry run only plans, and reports the
 * plan). Users are written a page per
 * transaction together with their run log; group memberships, removals and purges follow in one
 * last transaction once the whole directory has been read. Nothing is written before the
 * directory has answered and every configured group and container has been found, so a broken
 * connection or configuration leaves the store as it was; a run killed midway leaves complete
 * pages behind, and the next run converges.
 */
export async function syncDirectory(store: Store, cfg: DirectoryConfig, opts: SyncOptions = {}): Promise<RunReport> {
  if (!cfg.syncItems.length) {
    // Issue 12: a directory with a provisioning block and no sync items is only written to.
    throw new IdsyncError('USAGE', `directory "${cfg.name}" has no sync items: idsync only writes to it (\`idsync provision\`)`, { where: cfg.name });
  }
  const clock = opts.now ?? (() => new Date());
  const startedAt = clock();
  const dryRun = !!opts.dryRun;
  const log = opts.log?.child({ directory: cfg.name });
  const progress = (e: ProgressEvent) => {
    if (e.phase !== 'users' && e.phase !== 'memberships') log?.debug({ phase: e.phase }, 'sync phase');
    opts.onProgress?.({ ...e, runId: report.runId });
  };
  const counts = emptyCounts();
  const report: RunReport = {
    directory: cfg.name,
    kind: opts.user ? 'user' : 'full',
    dryRun,
    status: 'succeeded',
    attempts: [],
    counts,
    changes: [],
    warnings: [...cfg.warnings],
    durationMs: 0,
  };
  const keep = (changes: ObjectChange[]) => {
    if (dryRun) report.changes.push(...changes);
    // A single-user run reports its one user whatever happened to them (e.g. "back in scope").
    else for (const c of changes) if ((c.outcome !== 'unchanged' || c.warnings?.length || opts.user) && report.changes.length < 1000) report.changes.push(c);
  };

  const dir = await ensureDirectoryFor(store, cfg, startedAt, dryRun);
  if (!dryRun) report.runId = await startRun(store, dir.id, cfg.name, report.kind, startedAt);
  let conn: DirectoryConnection | undefined;
  try {
    progress({ phase: 'connect' });
    // The run bound (timeouts.runMs) starts here: a server that keeps a page or the paging going
    // forever fails the run before any removal (issue 10 item 9).
    conn = await DirectoryConnection.open(cfg, { run: true });
    report.server = conn.server.url;
    report.attempts = conn.attempts;
    for (const a of conn.attempts) if (!a.ok) report.warnings.push(`server ${a.url} skipped: ${a.error?.message}`);
    const reader = new DirectoryReader(conn, cfg);
    const fingerprint = snapshotFingerprint(cfg);
    if (dir.id > 0) await useGraphSnapshot(store, dir.id, fingerprint, reader, log);
    await reader.loadGroups((read) => progress({ phase: 'groups', read }));
    // Saved now, while the run holds little else: the snapshot only memoises group entries, so
    // it stays right whatever happens to the rest of the run.
    if (!dryRun && !reader.snapshotCurrent) await saveGraphSnapshot(store, dir.id, fingerprint, reader, clock(), log);
    await reader.checkContainers();
    const itemLabel = (i: number) => cfg.syncItems[i].label;

    const ids = new Placeholders();
    if (opts.user) {
      await syncOneUser(store, cfg, dir.id, reader, opts.user, { now: clock(), dryRun, counts, keep, itemLabel, runId: report.runId, ids });
    } else {
      progress({ phase: 'scopes' });
      await reader.loadScopes();
      const desired = new DesiredMembers();
      const deferred: PendingRemoval[] = [];
      const known = await knownUsers(store.sync.reads, dir.id);
      const exported = await exportedUserIds(store, cfg, dir.id);
      const exportedGroups = await exportedGroupIds(store, cfg, dir.id);
      const seen = new SeenIds(known);
      const stats = new MappingStats();
      const expected = dir.id > 0 ? known.size : undefined;
      let read = 0;
      for await (const page of reader.userPages()) {
        const now = clock();
        const plan = (db: SyncReads) => planUserPage(db, cfg, dir.id, page, { now, counts, seen, itemLabel, known, stats, ids, exported, describeNew: dryRun });
        // A page is planned and applied in one transaction, with its run log; where the store says
        // planning outside it loses nothing, a page with nothing to write opens none.
        const apply = (w: SyncWriter, p: PagePlan) => applyPlan(w, p, { directoryId: dir.id, now, counts, runId: report.runId! });
        let p: PagePlan;
        if (dryRun) p = await plan(store.sync.reads);
        else if (store.sync.planOutsideTransaction) {
          p = await plan(store.sync.reads);
          if (p.changes.length || p.log.length) await store.sync.transaction((w) => apply(w, p), { relaxedCommit: true });
        } else
          p = await store.sync.transaction(
            async (w) => {
              const p = await plan(w);
              await apply(w, p);
              return p;
            },
            { relaxedCommit: true },
          );
        if (!dryRun) await importPasswordHashes(store, cfg, page, now);
        addPageMembers(desired, p);
        deferred.push(...p.removals);
        keep(p.log);
        read += page.length;
        progress({ phase: 'users', read, expected });
      }

      report.warnings.push(...stats.warnings(cfg));
      progress({ phase: 'removals' });
      // Memberships, removals and purges: one last transaction, once the whole directory has been read.
      const finish = async (db: SyncReads) => {
        const now = clock();
        const removals = [...deferred, ...(await departures(db, dir.id, seen, known))];
        const decision = decideRemovals(cfg, removals, { population: await db.countLiveUsers(dir.id), nothingMatched: read === 0 });
        const { plan, held } = await planTail(db, cfg, dir.id, reader.chosen, desired, {
          now,
          counts,
          ids,
          removals,
          decision,
          full: true,
          exportedGroups,
          onProgress: (done, total) => progress({ phase: 'memberships', done, total }),
        });
        if (held) {
          report.heldForApproval = { runId: report.runId, count: held.count, threshold: held.threshold };
          report.warnings.push(
            `${held.count} ${held.count === 1 ? 'removal' : 'removals'} held for approval (threshold: ${held.threshold}); the users stay active and keep ` +
              `their group memberships until ` +
              `then${report.runId ? `; approve or reject run ${report.runId} (Approvals in the panel, or \`idsync approve ${report.runId}\`)` : ''}`,
          );
        }
        return { plan, now };
      };
      if (dryRun) keep((await finish(store.sync.reads)).plan.log);
      else {
        await store.sync.transaction(
          async (w) => {
            const { plan, now } = await finish(w);
            await applyPlan(w, plan, { directoryId: dir.id, now, counts, runId: report.runId! });
            await w.finishRun(report.runId!, {
              status: 'succeeded',
              counts,
              startedAt,
              now,
              server: report.server,
              attempts: report.attempts,
              warnings: report.warnings,
            });
            keep(plan.log);
          },
          { linksOnly: true },
        );
        await markSynced(store, dir.id, clock());
      }
      opts.onReader?.(reader);
    }
    if (!dryRun && opts.user) {
      await finishRun(store.db, report.runId!, {
        status: 'succeeded',
        counts,
        startedAt,
        now: clock(),
        server: report.server,
        attempts: report.attempts,
        warnings: report.warnings,
      });
    }
    report.durationMs = clock().getTime() - startedAt.getTime();
    progress({ phase: 'done' });
    log?.info({ runId: report.runId, kind: report.kind, dryRun, server: report.server, counts, durationMs: report.durationMs }, 'sync finished');
    return report;
  } catch (err) {
    if (err instanceof UserNotFoundError) {
      // "No such user" is an answer about the name asked for, not a failure of the directory or
      // of the sync: no failed run is left behind to mark the directory's last sync as failed.
      log?.info({ user: opts.user }, 'single-user sync: no such user');
      if (report.runId) await discardRun(store.db, report.runId);
      throw err;
    }
    const e = toIdsyncError(err);
    report.status = 'failed';
    report.error = { code: e.code, message: e.message };
    report.durationMs = clock().getTime() - startedAt.getTime();
    log?.warn({ runId: report.runId, code: e.code, err: e.message }, 'sync failed');
    if (report.runId) {
      await finishRun(store.db, report.runId, {
        status: 'failed',
        counts,
        startedAt,
        now: clock(),
        server: report.server,
        attempts: conn?.attempts ?? attemptsOf(e),
        warnings: report.warnings,
        error: report.error,
      }).catch(() => undefined);
    }
    throw new SyncFailedError(e, report);
  } finally {
    await conn?.close();
  }
}

/**
 * Hands the reader the last run's group-graph snapshot, if it is usable. It is only a memo: one
 * that cannot be read or is damaged is ignored (every group is read in full) and the run saves a
 * good one after its group phase.
 */
async function useGraphSnapshot(store: Store, directoryId: number, fingerprint: string, reader: DirectoryReader, log: Logger | undefined): Promise<void> {
  let text: string | undefined;
  try {
    text = await loadGraphCache(store.db, directoryId, fingerprint);
  } catch (err) {
    log?.warn({ err: (err as Error).message }, 'group graph snapshot not read; all groups are read in full');
    return;
  }
  if (text === undefined) return;
  const { snapshot, problem } = decodeSnapshot(text);
  if (!snapshot || !reader.useSnapshot(snapshot)) log?.warn({ problem: problem ?? 'keys repeat' }, 'group graph snapshot ignored; all groups are read in full');
}

async function saveGraphSnapshot(
  store: Store,
  directoryId: number,
  fingerprint: string,
  reader: DirectoryReader,
  now: Date,
  log: Logger | undefined,
): Promise<void> {
  try {
    await saveGraphCache(store.db, directoryId, fingerprint, encodeSnapshot(reader.snapshot()), now);
  } catch (err) {
    // The run's data is committed; without a snapshot the next run reads every group in full.
    log?.warn({ err: (err as Error).message }, 'group graph snapshot not saved');
  }
}

function attemptsOf(e: IdsyncError): RunReport['attempts'] {
  return [{ url: '', ok: false, ms: 0, error: { code: e.code, message: e.message } }];
}

async function ensureDirectoryFor(store: Store, cfg: DirectoryConfig, now: Date, dryRun: boolean): Promise<{ id: number }> {
  if (!dryRun) return ensureDirectory(store, cfg, now);
  // A dry run writes nothing, not even the directory's row; it still refuses what a real run would.
  const row = await store.sync.reads.directoryByName(cfg.name);
  if (!row) return { id: -1 };
  if (row.first_synced_at && row.username_attribute.toLowerCase() !== cfg.attributes.username.toLowerCase()) {
    return ensureDirectory(store, cfg, now);
  }
  return { id: row.id };
}

/**
 * The directory's users that are not in the trash, by external id, with their source digest: read
 * once per full sync (~100 bytes a user), it recognises unchanged users and, at the end, tells
 * which users the run did not see.
 */
async function knownUsers(db: SyncReads, directoryId: number): Promise<Map<string, KnownUser>> {
  const out = new Map<string, KnownUser>();
  if (directoryId <= 0) return out;
  for (const r of await db.knownUsers(directoryId)) out.set(r[1], r);
  return out;
}

import type { DirectoryConfig } from '../config/load.js';
import type { Logger } from '../log.js';
import { DirectoryConnection } from '../directory/connection.js';
import { IdsyncError, toIdsyncError } from '../errors.js';
import type { Store } from '../store/db.js';
import { ensureDirectory, markSynced } from '../store/directories.js';
import { fastPath } from '../store/sqlite-fast-path.js';
import { pgDirectoryUsers } from '../store/postgres/users.js';
import { pgAsyncCommit } from '../store/postgres/commit.js';
import { loadGraphCache, saveGraphCache } from '../store/graph-cache.js';
import { discardRun, finishRun, recordObjects, startRun } from '../store/runs.js';
import { supersedePending } from '../store/held.js';
import { decodeSnapshot, encodeSnapshot, snapshotFingerprint } from './graph-snapshot.js';
import { DesiredMembers, syncGroups } from './groups.js';
import { DirectoryReader } from './read.js';
import { applyRemovals, departures, holdRemovals, purgeTrash, safeguard } from './removals.js';
import { emptyCounts, type ObjectChange, type ProgressEvent, type RunReport } from './report.js';
import { MappingStats } from './mapping-stats.js';
import { SeenIds, type KnownUser } from './seen.js';
import { syncOneUser, UserNotFoundError } from './single-user.js';
import { syncUserPage, type PendingRemoval } from './user-changes.js';

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
 * One sync of one directory: plan → apply, page by page. Users are written a page per
 * transaction together with their run log; group memberships, removals and purges follow in one
 * last transaction once the whole directory has been read. Nothing is written before the
 * directory has answered and every configured group and container has been found, so a broken
 * connection or configuration leaves the store as it was; a run killed midway leaves complete
 * pages behind, and the next run converges.
 */
export async function syncDirectory(store: Store, cfg: DirectoryConfig, opts: SyncOptions = {}): Promise<RunReport> {
  const clock = opts.now ?? (() => new Date());
  const startedAt = clock();
  const dryRun = !!opts.dryRun;
  const apply = !dryRun;
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
    if (apply && !reader.snapshotCurrent) await saveGraphSnapshot(store, dir.id, fingerprint, reader, clock(), log);
    await reader.checkContainers();
    const itemLabel = (i: number) => cfg.syncItems[i].label;

    if (opts.user) {
      await syncOneUser(store, cfg, dir.id, reader, opts.user, { now: clock(), apply, counts, keep, itemLabel, runId: report.runId });
    } else {
      progress({ phase: 'scopes' });
      await reader.loadScopes();
      const desired = new DesiredMembers();
      const deferred: PendingRemoval[] = [];
      const known = await knownUsers(store, dir.id);
      const seen = new SeenIds(known);
      const stats = new MappingStats();
      const expected = dir.id > 0 ? known.size : undefined;
      let read = 0;
      for await (const page of reader.userPages()) {
        const now = clock();
        const run = async (db: typeof store.db) => {
          const r = await syncUserPage(db, cfg, dir.id, page, { now, apply, counts, seen, itemLabel, known, stats });
          if (apply) await recordObjects(db, report.runId!, r.changes);
          if (apply && r.changes.length && !fastPath(db)) await pgAsyncCommit(db);
          return r;
        };
        const r = apply ? await store.transaction((trx) => run(trx as unknown as typeof store.db)) : await run(store.db);
        for (const m of r.members) desired.add(m.userId, m.groups);
        deferred.push(...r.removals);
        keep(r.changes);
        read += page.length;
        progress({ phase: 'users', read, expected });
      }

      report.warnings.push(...stats.warnings(cfg));
      progress({ phase: 'removals' });
      const finish = async (db: typeof store.db) => {
        const now = clock();
        const changes: ObjectChange[] = [];
        // The safeguard decides before memberships are written: a held removal keeps the user
        // active, so it keeps their memberships too until the hold is approved.
        const removals = [...deferred, ...(await departures(db, dir.id, seen, known))];
        const population = await countUsers(db, dir.id);
        const decision = safeguard(cfg, removals.length, population, { nothingMatched: read === 0 });
        const keepUsers = decision.hold ? new Set(removals.map((r) => r.userId)) : undefined;
        changes.push(...(await syncGroups(db, cfg, dir.id, reader.chosen, desired, { now, apply, counts, keepUsers, onProgress: (done, total) => progress({ phase: 'memberships', done, total }) })));
        if (decision.hold) {
          counts.held = removals.length;
          report.heldForApproval = { runId: report.runId, count: removals.length, threshold: decision.threshold };
          report.warnings.push(
            `${removals.length} ${removals.length === 1 ? 'removal' : 'removals'} held for approval (threshold: ${decision.threshold}); the users stay active and keep their group memberships until then${report.runId ? `; approve or reject run ${report.runId} (Approvals in the panel, or \`idsync approve ${report.runId}\`)` : ''}`,
          );
          for (const r of removals) changes.push({ objectType: 'user', name: r.username, externalId: r.externalId ?? undefined, userId: r.userId, outcome: 'held', reason: `${r.action === 'trash' ? 'trash' : 'disable'} held for approval: ${r.reason}` });
          if (apply) await holdRemovals(db, report.runId!, dir.id, removals, now, decision.threshold);
        } else {
          if (apply) await supersedePending(db, dir.id, now);
          changes.push(...(await applyRemovals(db, removals, cfg, now, counts, apply)));
        }
        changes.push(...(await purgeTrash(db, dir.id, now, counts, apply)));
        if (apply) {
          await recordObjects(db, report.runId!, changes);
          await finishRun(db, report.runId!, { status: 'succeeded', counts, startedAt, now, server: report.server, attempts: report.attempts, warnings: report.warnings });
        }
        keep(changes);
      };
      const fast = fastPath(store.db);
      if (apply && fast) await fast.withoutForeignKeyChecks(() => store.transaction((trx) => finish(trx as unknown as typeof store.db)));
      else if (apply) await store.transaction((trx) => finish(trx as unknown as typeof store.db));
      else await finish(store.db);
      if (apply) await markSynced(store, dir.id, clock());
      opts.onReader?.(reader);
    }
    if (apply && opts.user) {
      await finishRun(store.db, report.runId!, { status: 'succeeded', counts, startedAt, now: clock(), server: report.server, attempts: report.attempts, warnings: report.warnings });
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
      await finishRun(store.db, report.runId, { status: 'failed', counts, startedAt, now: clock(), server: report.server, attempts: conn?.attempts ?? attemptsOf(e), warnings: report.warnings, error: report.error }).catch(() => undefined);
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

async function saveGraphSnapshot(store: Store, directoryId: number, fingerprint: string, reader: DirectoryReader, now: Date, log: Logger | undefined): Promise<void> {
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
  const row = await store.db.selectFrom('directories').selectAll().where('name', '=', cfg.name).executeTakeFirst();
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
async function knownUsers(store: Store, directoryId: number): Promise<Map<string, KnownUser>> {
  const out = new Map<string, KnownUser>();
  if (directoryId <= 0) return out;
  const fast = fastPath(store.db);
  const rows: KnownUser[] = fast ? fast.directoryUsers(directoryId) : await pgDirectoryUsers(store.db, directoryId);
  for (const r of rows) out.set(r[1], r);
  return out;
}

async function countUsers(db: Store['db'], directoryId: number): Promise<number> {
  const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('directory_id', '=', directoryId).where('status', '!=', 'trashed').executeTakeFirst();
  return Number(r?.n ?? 0);
}

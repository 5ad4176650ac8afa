import type { DirectoryConfig } from '../config/load.js';
import { DirectoryConnection } from '../directory/connection.js';
import { IdsyncError, toIdsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/db.js';
import { STANDBY_RETRY_MS, type Lease, type LeaseStore } from '../store/leases.js';
import { ensureDirectory } from '../store/directories.js';
import { loadSyncState, saveSyncState, type SyncStatePatch } from '../store/sync-state.js';
import { syncDirectory, SyncFailedError } from '../sync/engine.js';
import { applyChangeSet, type ChangeSet } from '../sync/incremental.js';
import { DirectoryReader } from '../sync/read.js';
import { membershipDrift } from '../sync/reconcile.js';
import type { ProgressEvent, RunKind, RunReport } from '../sync/report.js';
import type { SyncEvents } from './events.js';
import type { ProvisionLoop } from './provisioning.js';
import { decideApproval } from '../sync/removals.js';
import type { NodeJobKind } from '../store/node-jobs.js';
import { sleep, SourceRestart, type ChangeSource } from './change-source.js';
import { directoryAgents, runnableHere, watchAgentAway } from './agent-affinity.js';

const HOUR = 3_600_000;
/** Several nodes (issue 16): how often a node with room for a lease tries again. */
const COORDINATED_RETRY_MS = 500;

/**
 * Several nodes on one PostgreSQL store (issue 16, src/serve/cluster.ts): how many leases this
 * node takes, and the way to the directory's lease holder when it is another node.
 */
export interface NodeCoordinator {
  /** This node's name, for the log. */
  readonly node: string;
  /**
   * A place for one more lease on this node, or undefined when it already holds its share; the
   * function returned gives the place back once the attempt is over (taken or not).
   */
  reserve(): (() => void) | undefined;
  /** Whether this node holds fewer leases than its share. */
  hasRoom(): boolean;
  /** Runs work on whichever node holds the directory's lease, and answers with its outcome. */
  relay<T>(directory: string, kind: NodeJobKind, args: Record<string, unknown>): Promise<T>;
}

/**
 * Keeps one directory in sync: a full sync to start from (or only the group graph, when a stream
 * position is stored), then its change source, reconnecting with backoff, plus the scheduled full
 * sync. Everything that writes for the directory goes through one queue, so a full sync, an
 * increment and a single-user sync never overlap.
 */
export class DirectoryWorker {
  #queue: Promise<unknown> = Promise.resolve();
  #reader?: DirectoryReader;
  #directoryId?: number;
  #abort = new AbortController();
  #timer?: NodeJS.Timeout;
  #running?: Promise<void>;
  #server?: string;
  /** The lease this worker holds for its directory (src/store/leases.ts), while it holds one. */
  #lease?: Lease;
  /** Another process holds the lease: this one waits, and writes nothing for the directory. */
  #standbyFor?: string;
  /** Aborted to give the lease up while keeping the worker (the node holds more than its share). */
  #yield?: AbortController;
  /** Set by the service on PostgreSQL (issue 16). */
  coordinator?: NodeCoordinator;
  /** Ends a standby's wait early (wake()). */
  #wake = new AbortController();

  constructor(
    private readonly store: Store,
    readonly cfg: DirectoryConfig,
    private readonly opts: {
      log: Logger;
      now?: () => Date;
      source: (cfg: DirectoryConfig) => ChangeSource | undefined;
      events?: SyncEvents;
      leases?: LeaseStore;
      /** The directory is a provisioning target (issue 12): its delivery, run while this worker holds the lease. */
      provision?: ProvisionLoop;
    },
  ) {}

  /** Its provisioning delivery, when the directory is a target. */
  get provision(): ProvisionLoop | undefined {
    return this.opts.provision;
  }

  #progress(kind: RunKind): (e: ProgressEvent) => void {
    return (e) => this.opts.events?.emit('progress', { directory: this.cfg.name, kind, event: e });
  }

  #finished(r: RunReport): RunReport {
    this.opts.events?.emit('finished', { directory: this.cfg.name, report: r });
    // Synced users changed without the outbox: provisioning reconciles after each inbound run.
    if (!r.dryRun) this.opts.provision?.poke(true);
    return r;
  }

  #now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /** Runs `fn` after everything queued before it; the queue goes on after a failure. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const guarded = () => {
      const refused = this.#withoutLease();
      return refused ? Promise.reject(refused) : fn();
    };
    const next = this.#queue.then(guarded, guarded);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Why this worker may not write now, if it may not: once started with a lease store, only while
   * it holds a valid lease. A worker that was never started (the API without `serve`) runs what it
   * is asked, as `idsync sync` does.
   */
  #withoutLease(): IdsyncError | undefined {
    if (!this.opts.leases || !this.#running) return undefined;
    if (this.#lease?.valid()) return undefined;
    if (this.#standbyFor)
      return new IdsyncError(
        'SYNC_ALREADY_RUNNING',
        `directory "${this.cfg.name}" is run by another idsync serve on this store (lease ${this.#standbyFor}); this one is its standby: ask that one, ` +
          `or stop it`,
      );
    return new IdsyncError(
      'SYNC_ALREADY_RUNNING',
      `directory "${this.cfg.name}": this process does not hold the directory's lease (not yet, or no longer); nothing was written`,
    );
  }

  /** Who holds this directory's lease when another process does (undefined while this one runs it). */
  get standbyFor(): string | undefined {
    return this.#standbyFor;
  }

  /**
   * A standby tries for the lease now rather than at its next retry: a node died and this node's
   * share grew (issue 16), so the directory need not wait out STANDBY_RETRY_MS.
   */
  wake(): void {
    if (!this.#lease) this.#wake.abort();
  }

  /** Whether this worker runs the directory now (holds a valid lease). */
  get holdsLease(): boolean {
    return !!this.#lease?.valid();
  }

  /**
   * Gives the lease up, to be taken by a node holding fewer (issue 16); the worker stands by
   * afterwards. What is queued finishes first. False when it holds none.
   */
  yieldLease(): boolean {
    if (!this.#lease || !this.#yield || this.#yield.signal.aborted) return false;
    this.#yield.abort(new Error('this node holds more than its share of the leases'));
    return true;
  }

  /**
   * Work asked of a started worker that does not hold the lease goes to the node that does, when
   * there is a way there (PostgreSQL, issue 16); otherwise it is refused as before.
   */
  #relayed<T>(kind: NodeJobKind, args: Record<string, unknown>): Promise<T> | undefined {
    if (!this.coordinator || !this.#running || this.#lease?.valid()) return undefined;
    return this.coordinator.relay<T>(this.cfg.name, kind, args);
  }

  syncNow(): Promise<RunReport> {
    return this.#relayed<RunReport>('sync', {}) ?? this.exclusive(() => this.#fullSync());
  }

  /** Decides a held removal through the directory's queue (on the lease holder). */
  decide(runId: number, decision: 'approve' | 'reject'): Promise<{ applied: number; skipped: number }> {
    return (
      this.#relayed<{ applied: number; skipped: number }>('approval', { runId, decision }) ??
      this.exclusive(() => decideApproval(this.store, this.cfg, runId, decision, this.#now()))
    );
  }

  syncUser(username: string): Promise<RunReport> {
    const relayed = this.#relayed<RunReport>('user', { username });
    if (relayed) return relayed;
    return this.exclusive(() =>
      this.#reported(() =>
        syncDirectory(this.store, this.cfg, { user: username, now: () => this.#now(), log: this.opts.log, onProgress: this.#progress('user') }),
      ),
    );
  }

  /** A dry run needs no queue: it writes nothing. */
  dryRun(): Promise<RunReport> {
    return syncDirectory(this.store, this.cfg, { dryRun: true, now: () => this.#now(), log: this.opts.log });
  }

  /** Failed runs are events too (metrics count them, the panel shows them). */
  async #reported(run: () => Promise<RunReport>): Promise<RunReport> {
    try {
      return this.#finished(await run());
    } catch (err) {
      if (err instanceof SyncFailedError) this.#finished(err.report);
      throw err;
    }
  }

  async #fullSync(): Promise<RunReport> {
    const started = this.#now();
    const report = await this.#reported(() =>
      syncDirectory(this.store, this.cfg, {
        now: () => this.#now(),
        log: this.opts.log,
        onReader: (r) => (this.#reader = r),
        onProgress: this.#progress('full'),
      }),
    );
    const id = await this.#dirId();
    const next = new Date(started.getTime() + this.cfg.continuous.fullSyncHours * HOUR);
    await saveSyncState(this.store.db, id, { last_full_sync_at: started.toISOString(), next_full_sync_at: next.toISOString() }, this.#now());
    this.#schedule(next);
    return report;
  }

  async #dirId(): Promise<number> {
    this.#directoryId ??= (await ensureDirectory(this.store, this.cfg, this.#now())).id;
    return this.#directoryId;
  }

  #schedule(at: Date): void {
    if (this.#timer) clearTimeout(this.#timer);
    const delay = Math.max(1000, Math.min(at.getTime() - this.#now().getTime(), 2 ** 31 - 1));
    this.#timer = setTimeout(() => {
      this.exclusive(() => this.#fullSync()).catch((err) =>
        this.opts.log.error({ directory: this.cfg.name, err: toIdsyncError(err).message }, 'scheduled full sync failed'),
      );
    }, delay);
    this.#timer.unref();
  }

  /**
   * A full sync preceded by the source's baseline (its position "now"), so that the stream takes
   * over exactly where the full sync's view begins.
   */
  async #fullSyncFromBaseline(source: ChangeSource | undefined): Promise<void> {
    const id = await this.#dirId();
    let position: SyncStatePatch | undefined;
    if (source) {
      const conn = await DirectoryConnection.open(this.cfg);
      try {
        position = await source.baseline({ cfg: this.cfg, conn, now: () => this.#now() });
      } finally {
        await conn.close();
      }
    }
    await this.#fullSync();
    if (position) await saveSyncState(this.store.db, id, position, this.#now());
  }

  /** The first start: a full sync unless a stream position is stored, in which case only the group graph is read. */
  async #bootstrap(source: ChangeSource | undefined): Promise<void> {
    const id = await this.#dirId();
    const state = await loadSyncState(this.store.db, id);
    if (source && state?.cookie && state.mode === source.mode && state.last_full_sync_at) {
      const conn = await DirectoryConnection.open(this.cfg);
      try {
        const reader = new DirectoryReader(conn, this.cfg);
        await reader.loadGroups();
        await this.#reconcile(id, reader);
        this.#reader = reader;
      } finally {
        await conn.close();
      }
      const next = state.next_full_sync_at ? new Date(state.next_full_sync_at) : this.#firstScheduledTime();
      this.#schedule(next);
      return;
    }
    await this.#fullSyncFromBaseline(source);
  }

  /**
   * The stored memberships were computed from the group graph as it was when the process stopped;
   * the graph just read is the directory's now. Group changes made in between would reach the
   * store through the stream but compare equal to the new graph, so the users they affect are
   * found here, by comparing the two once, and applied like an increment (issue 10 item 1).
   */
  async #reconcile(id: number, reader: DirectoryReader): Promise<void> {
    const recheck = await membershipDrift(this.store.db, id, reader);
    if (!recheck.length) return;
    this.opts.log.info(
      { directory: this.cfg.name, users: recheck.length },
      'memberships differ from the group graph read at start: looking at those users again',
    );
    const r = await applyChangeSet(
      { store: this.store, cfg: this.cfg, directoryId: id, reader, now: () => this.#now() },
      { changed: [], deleted: [], recheck, state: {} },
    );
    if (r) {
      this.opts.log.info({ directory: this.cfg.name, runId: r.runId, counts: r.counts }, 'memberships reconciled');
      this.#finished(r);
    }
  }

  /** Once a day by default, at a time of day of its own per directory (spread like the seed products do). */
  #firstScheduledTime(): Date {
    const hours = this.cfg.continuous.fullSyncHours;
    return new Date(this.#now().getTime() + Math.random() * hours * HOUR);
  }

  start(): void {
    this.#running = this.#loop();
  }

  /**
   * Holds the directory's lease, then follows it; without the lease (another process holds it)
   * waits as a standby and tries again every STANDBY_RETRY_MS. A lost lease stops the stream and
   * the scheduled full sync, and the worker becomes a standby again.
   */
  async #loop(): Promise<void> {
    const { log } = this.opts;
    const leases = this.opts.leases;
    if (!leases) return this.#run(this.#abort.signal);
    const name = `directory:${this.cfg.name}`;
    const agents = directoryAgents(this.cfg);
    while (!this.#abort.signal.aborted) {
      // Several nodes (issue 16): a directory reached through an agent is run by the node its agent
      // is connected to (src/serve/agent-affinity.ts); the others leave its lease alone.
      if (this.coordinator && !runnableHere(agents)) {
        const who = `left to the node that agent ${agents.join(' or ')} is connected to (none is connected to this node)`;
        if (this.#standbyFor !== who) log.info({ directory: this.cfg.name }, `standing by: the directory's lease is ${who}`);
        this.#standbyFor = who;
        await sleep(COORDINATED_RETRY_MS, AbortSignal.any([this.#abort.signal, this.#wake.signal]));
        if (this.#wake.signal.aborted) this.#wake = new AbortController();
        continue;
      }
      let lease: Lease | undefined;
      // Several nodes (issue 16): a node holding its share leaves the lease to the others.
      const place = this.coordinator ? this.coordinator.reserve() : () => undefined;
      try {
        if (place) lease = await leases.tryAcquire(name);
      } catch (err) {
        log.warn({ directory: this.cfg.name, err: toIdsyncError(err).message }, 'lease not taken: the store failed; trying again');
      } finally {
        place?.();
      }
      if (!lease) {
        // At its share (issue 16) the node does not ask who holds it: that costs a query per
        // directory per retry on every node, and `idsync nodes` tells.
        const holder = place
          ? await leases.list().then(
              (l) => l.find((x) => x.name === name),
              () => undefined,
            )
          : undefined;
        const by = holder && (holder.node ? `node ${holder.node} (${holder.host} pid ${holder.pid})` : `${holder.host} pid ${holder.pid}`);
        const who = !place
          ? `left to the other nodes: this node (${this.coordinator?.node}) holds its share of the leases`
          : holder
            ? `held by ${by} since ${holder.acquiredAt}`
            : 'held by another process';
        if (this.#standbyFor !== who) log.info({ directory: this.cfg.name, holder: holder?.holder }, `standing by: the directory's lease is ${who}`);
        this.#standbyFor = who;
        // A node with room for a lease (one died, or this one just joined) asks again soon: on
        // PostgreSQL asking is one look at pg_locks, no connection (src/store/leases.ts). Room
        // counts, not this worker's place: the place may have gone to the worker of a directory
        // still held elsewhere, while this one's is free.
        const retry = this.coordinator?.hasRoom() ? COORDINATED_RETRY_MS : STANDBY_RETRY_MS;
        await sleep(retry, AbortSignal.any([this.#abort.signal, this.#wake.signal]));
        // A wake is used up by the wait it ended (or by the try that follows, when it came first).
        if (this.#wake.signal.aborted) this.#wake = new AbortController();
        continue;
      }
      this.#standbyFor = undefined;
      this.#yield = new AbortController();
      this.#lease = lease;
      log.info({ directory: this.cfg.name, holder: lease.holder, node: this.coordinator?.node }, 'lease taken: running the directory');
      const away = this.coordinator && agents.length ? watchAgentAway(agents) : undefined;
      const tenure = AbortSignal.any([this.#abort.signal, lease.lost, this.#yield.signal, ...(away ? [away.signal] : [])]);
      try {
        await this.#run(tenure);
      } finally {
        away?.stop();
        if (away?.signal.aborted && !this.#abort.signal.aborted)
          log.info(
            { directory: this.cfg.name, reason: String((away.signal.reason as Error).message) },
            "lease given up: the directory's agent is connected to another node",
          );
        if (this.#timer) clearTimeout(this.#timer);
        // What is queued finishes before the lease goes: a standby must not start beside it.
        await this.#queue.catch(() => undefined);
        this.#reader = undefined;
        this.#lease = undefined;
        if (lease.lost.aborted && !this.#abort.signal.aborted)
          log.warn({ directory: this.cfg.name, reason: String(lease.lost.reason?.message ?? '') }, 'lease lost: standing by');
        else if (this.#yield.signal.aborted && !this.#abort.signal.aborted)
          log.info({ directory: this.cfg.name, node: this.coordinator?.node }, 'lease given up for another node to take: standing by');
        await lease.release().catch(() => undefined);
      }
    }
  }

  /** What the lease holder does: follow the directory's changes, deliver what it provisions, or both. */
  async #run(signal: AbortSignal): Promise<void> {
    const provision = this.opts.provision?.run(signal, (fn) => this.exclusive(fn));
    // A directory idsync only writes to (no sync items) has nothing to read in.
    const follow = this.cfg.syncItems.length ? this.#follow(signal) : undefined;
    await Promise.all([follow, provision]);
  }

  async #follow(signal: AbortSignal): Promise<void> {
    const { log } = this.opts;
    const source = this.opts.source(this.cfg);
    let backoff = 1000;
    while (!signal.aborted) {
      let conn: DirectoryConnection | undefined;
      try {
        if (!this.#reader) await this.exclusive(() => this.#bootstrap(source));
        if (!source) {
          await this.#status({ mode: 'full sync only', connected: false, message: 'continuous.changes is off' });
          await sleep(2 ** 31 - 1, signal);
          continue;
        }
        conn = await DirectoryConnection.open(this.cfg);
        this.#server = conn.server.url;
        this.#reader!.attach(conn);
        const id = await this.#dirId();
        const reader = this.#reader!;
        await source.run({
          cfg: this.cfg,
          conn,
          state: await loadSyncState(this.store.db, id),
          signal: signal,
          now: () => this.#now(),
          apply: async (cs: ChangeSet) => {
            log.debug({ directory: this.cfg.name, changed: cs.changed.length, deleted: cs.deleted.length }, 'applying changes');
            const r = await this.exclusive(() => applyChangeSet({ store: this.store, cfg: this.cfg, directoryId: id, reader, now: () => this.#now() }, cs));
            if (r) {
              log.info({ directory: this.cfg.name, runId: r.runId, counts: r.counts }, 'changes applied');
              this.#finished(r);
            }
            backoff = 1000;
          },
          resync: async (reason: string) => {
            log.warn({ directory: this.cfg.name, reason }, 'change stream cannot resume: full sync');
            await saveSyncState(this.store.db, id, { cookie: null, status_message: `full sync: ${reason}` }, this.#now());
            await this.exclusive(() => this.#fullSyncFromBaseline(source));
            throw new SourceRestart(reason);
          },
          status: (s) => this.#status(s),
        });
      } catch (err) {
        if (err instanceof SourceRestart) continue;
        const e = toIdsyncError(err);
        log.warn({ directory: this.cfg.name, code: e.code, err: e.message, retryInMs: backoff }, 'change stream failed; reconnecting');
        await this.#status({
          mode: source?.mode ?? 'none',
          connected: false,
          message: `reconnecting in ${Math.round(backoff / 1000)} s`,
          error: `[${e.code}] ${e.message}`,
        }).catch(() => undefined);
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, 60_000);
      } finally {
        await conn?.close();
      }
    }
  }

  async #status(s: { mode: string; connected: boolean; message?: string; error?: string }): Promise<void> {
    // The status row belongs to the lease holder: one that lost it must not overwrite the new one's.
    if (this.#withoutLease()) return;
    const id = await this.#dirId();
    await saveSyncState(
      this.store.db,
      id,
      { mode: s.mode, connected: s.connected ? 1 : 0, status_message: s.message ?? null, server: this.#server ?? null, last_error: s.error ?? null },
      this.#now(),
    );
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
    await this.#queue.catch(() => undefined);
  }
}

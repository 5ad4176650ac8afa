import { ErrorCodes, IdsyncError, toIdsyncError, type ErrorCode } from '../errors.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/db.js';
import { NodeJobs, type NodeJobKind } from '../store/node-jobs.js';
import type { NodeMessage, NodePresence } from '../store/nodes.js';
import { SyncFailedError } from '../sync/engine.js';
import type { ProgressEvent, RunKind, RunReport } from '../sync/report.js';
import type { SyncService } from './server.js';
import type { DirectoryConfig } from '../config/load.js';
import type { DirectoryWorker, NodeCoordinator } from './worker.js';

/**
 * Several `idsync serve` nodes on one PostgreSQL store (issue 16). No consensus of idsync's own:
 *
 * - **Leases** are advisory locks (src/store/leases.ts). A node takes at most its share,
 *   ceil(directories / live nodes), and gives up what it holds beyond it when a node joins, so the
 *   directories spread; a node that dies loses its locks with its connections, the live count
 *   drops at once (src/store/nodes.ts), and the others' shares grow to take its directories over.
 * - **Work asked on any node** ("sync now", a single user, an approval) goes to the lease holder
 *   as a row of `node_jobs` plus a NOTIFY (src/store/node-jobs.ts), and its outcome comes back the
 *   same way; each tick also looks at the rows, for a message missed or a holder that changed.
 * - **Events**: progress and finished runs are relayed to the other nodes (NOTIFY), so an event
 *   stream on any node shows the work of all.
 */
export const CLUSTER_TICK_MS = 1_000;
/** Work nobody takes within this time (no node holds the lease) fails with NODE_UNAVAILABLE. */
export const JOB_QUEUE_TIMEOUT_MS = 30_000;
/** Directories created, changed or deleted on another node are picked up every this many ticks (10 s). */
const DIRECTORIES_EVERY_TICKS = 10;
/** Finished jobs are pruned every this many ticks. */
const PRUNE_EVERY_TICKS = 60;
/** Progress of one directory is relayed at most this often (a phase change always is). */
const PROGRESS_EVERY_MS = 250;

interface Waiting {
  directory: string;
  since: number;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

interface JobError {
  code: string;
  message: string;
}

type EventBody = { type: 'progress'; directory: string; kind: RunKind; event: ProgressEvent } | { type: 'finished'; directory: string; report: RunReport };

/** A run report to send to another node: without its list of changes (GET /runs/{id} has them). */
function lean(r: RunReport): RunReport {
  return { ...r, changes: [], warnings: r.warnings.slice(0, 20) };
}

export class NodeCluster implements NodeCoordinator {
  readonly #jobs: NodeJobs;
  #live = 1;
  #liveIds: string[] = [];
  #reserved = 0;
  #timer?: NodeJS.Timeout;
  #ticking = false;
  #ticks = 0;
  readonly #waiting = new Map<number, Waiting>();
  readonly #running = new Set<number>();
  readonly #lastProgress = new Map<string, { phase: string; at: number }>();
  readonly #off: (() => void)[] = [];

  constructor(
    private readonly service: SyncService,
    private readonly presence: NodePresence,
    store: Store,
    private readonly log: Logger,
    /** The directories as the registry has them now (the file's and the API's), for those another node changed. */
    private readonly directories?: () => Promise<DirectoryConfig[]>,
  ) {
    this.#jobs = new NodeJobs(store);
  }

  get node(): string {
    return this.presence.name;
  }

  /** The live nodes as last counted, and this node's share of the leases. */
  get share(): { live: number; share: number; held: number } {
    return { live: this.#live, share: this.#share(), held: this.#held().length };
  }

  #share(): number {
    return Math.ceil(this.service.workers.size / Math.max(1, this.#live));
  }

  #held(): DirectoryWorker[] {
    return [...this.service.workers.values()].filter((w) => w.holdsLease);
  }

  hasRoom(): boolean {
    return this.#held().length < this.#share();
  }

  reserve(): (() => void) | undefined {
    if (this.#held().length + this.#reserved >= this.#share()) return undefined;
    this.#reserved++;
    let done = false;
    return () => {
      if (!done) this.#reserved--;
      done = true;
    };
  }

  async start(): Promise<void> {
    await this.#count();
    this.#off.push(this.presence.onMessage((m) => this.#message(m)));
    const onProgress = (e: { directory: string; kind: RunKind; event: ProgressEvent; origin?: string }) => {
      if (e.origin !== undefined) return;
      const last = this.#lastProgress.get(e.directory);
      const now = Date.now();
      if (last && last.phase === e.event.phase && now - last.at < PROGRESS_EVERY_MS) return;
      this.#lastProgress.set(e.directory, { phase: e.event.phase, at: now });
      this.#send('event', { type: 'progress', directory: e.directory, kind: e.kind, event: e.event } satisfies EventBody);
    };
    const onFinished = (e: { directory: string; report: RunReport; origin?: string }) => {
      if (e.origin !== undefined) return;
      this.#lastProgress.delete(e.directory);
      this.#send('event', { type: 'finished', directory: e.directory, report: lean(e.report) } satisfies EventBody);
    };
    this.service.events.on('progress', onProgress);
    this.service.events.on('finished', onFinished);
    this.#off.push(() => this.service.events.off('progress', onProgress));
    this.#off.push(() => this.service.events.off('finished', onFinished));
    this.#timer = setInterval(() => void this.#tick(), CLUSTER_TICK_MS);
    this.#timer.unref();
  }

  #send(topic: 'job' | 'done' | 'event', body: unknown): void {
    this.presence.send(topic, body).catch((err: Error) => this.log.debug({ topic, err: err.message }, 'cannot tell the other nodes'));
  }

  /** Counts the live nodes (their locks, src/store/nodes.ts). */
  async #count(): Promise<void> {
    const live = (await this.presence.list()).filter((n) => n.alive);
    const before = this.#live;
    this.#liveIds = live.map((n) => n.id);
    // This node counts even while its own connection is being opened again.
    this.#live = Math.max(1, live.length + (this.#liveIds.includes(this.presence.id) ? 0 : 1));
    if (before === this.#live) return;
    this.log.info({ node: this.node, live: this.#live, share: this.#share() }, 'live nodes changed');
    // Fewer nodes: a larger share, and the directories of the one gone are free now.
    if (this.#live < before) for (const w of this.service.workers.values()) w.wake();
  }

  async #tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      await this.#count();
      this.#ticks++;
      if (this.directories && this.#ticks % DIRECTORIES_EVERY_TICKS === 0) {
        const changed = await this.service.reconcileDirectories(await this.directories());
        if (changed.length) this.log.info({ node: this.node, directories: changed }, 'directories changed on another node: workers replaced');
      }
      this.#rebalance();
      await this.#sweep();
    } catch (err) {
      this.log.warn({ node: this.node, err: toIdsyncError(err).message }, 'node coordination failed; trying again');
    } finally {
      this.#ticking = false;
    }
  }

  /** Gives up the leases held beyond this node's share, for the nodes holding fewer to take. */
  #rebalance(): void {
    const held = this.#held();
    const extra = held.length - this.#share();
    if (extra <= 0) return;
    const given = held
      .sort((a, b) => b.cfg.name.localeCompare(a.cfg.name))
      .slice(0, extra)
      .filter((w) => w.yieldLease())
      .map((w) => w.cfg.name);
    if (given.length) this.log.info({ node: this.node, live: this.#live, share: this.#share(), directories: given }, 'giving leases up to other nodes');
  }

  /** Work queued for directories held here; running work of dead nodes; answers this node waits for. */
  async #sweep(): Promise<void> {
    for (const j of await this.#jobs.queued(this.#held().map((w) => w.cfg.name))) void this.#run(j.id, j.directory);
    if (this.#liveIds.length) {
      const n = await this.#jobs.failOrphans([...this.#liveIds, this.presence.id], {
        error: { code: 'NODE_UNAVAILABLE', message: 'the node running it stopped' },
      });
      if (n) this.log.warn({ node: this.node, jobs: n }, 'work of a node that stopped marked failed');
    }
    for (const [id, w] of this.#waiting) {
      const job = await this.#jobs.get(id);
      if (job && job.state !== 'queued' && job.state !== 'running') this.#settle(id, job.state === 'done', job.result);
      else if (job?.state === 'queued' && Date.now() - w.since > JOB_QUEUE_TIMEOUT_MS) {
        const message = `no node took the work for directory "${w.directory}" within ${JOB_QUEUE_TIMEOUT_MS / 1000} s (does any hold its lease?)`;
        if (await this.#jobs.withdraw(id, { error: { code: 'NODE_UNAVAILABLE', message } }))
          this.#settle(id, false, { error: { code: 'NODE_UNAVAILABLE', message } });
      }
    }
    if (this.#ticks % PRUNE_EVERY_TICKS === 0) await this.#jobs.prune();
  }

  #message(m: NodeMessage): void {
    if (m.from === this.presence.id) return;
    const body = m.body as Record<string, unknown>;
    if (m.topic === 'job') void this.#run(Number(body.id), String(body.directory));
    else if (m.topic === 'done') {
      const id = Number(body.id);
      if (!this.#waiting.has(id)) return;
      void this.#jobs.get(id).then((j) => j && j.state !== 'queued' && j.state !== 'running' && this.#settle(id, j.state === 'done', j.result));
    } else if (m.topic === 'event') {
      const e = body as unknown as EventBody;
      if (e.type === 'progress') this.service.events.emit('progress', { directory: e.directory, kind: e.kind, event: e.event, origin: m.from });
      else this.service.events.emit('finished', { directory: e.directory, report: e.report, origin: m.from });
    }
  }

  /** On the lease holder: claims the job (one node does) and runs it through the directory's queue. */
  async #run(id: number, directory: string): Promise<void> {
    const worker = this.service.workers.get(directory);
    if (!worker?.holdsLease || this.#running.has(id)) return;
    this.#running.add(id);
    try {
      const job = await this.#jobs.claim(id, this.presence.id);
      if (!job) return;
      this.log.info({ node: this.node, directory, job: id, kind: job.kind }, 'running work asked on another node');
      let ok = true;
      let result: unknown;
      try {
        result = await this.#perform(worker, job.kind, job.args);
      } catch (err) {
        ok = false;
        const e = toIdsyncError(err);
        result =
          err instanceof SyncFailedError
            ? { error: { code: e.code, message: (e.cause as Error | undefined)?.message ?? e.message }, report: lean(err.report) }
            : { error: { code: e.code, message: e.message } };
      }
      await this.#jobs.finish(id, ok, result);
      this.#send('done', { id });
    } catch (err) {
      this.log.warn({ node: this.node, directory, job: id, err: toIdsyncError(err).message }, 'work asked on another node failed');
    } finally {
      this.#running.delete(id);
    }
  }

  #perform(worker: DirectoryWorker, kind: NodeJobKind, args: Record<string, unknown>): Promise<unknown> {
    switch (kind) {
      case 'sync':
        return worker.syncNow();
      case 'user':
        return worker.syncUser(String(args.username));
      case 'approval':
        return worker.decide(Number(args.runId), args.decision === 'approve' ? 'approve' : 'reject');
    }
  }

  #settle(id: number, ok: boolean, result: unknown): void {
    const w = this.#waiting.get(id);
    if (!w) return;
    this.#waiting.delete(id);
    if (ok) {
      w.resolve(result);
      return;
    }
    const r = result as { error?: JobError; report?: RunReport } | null;
    const cause = new IdsyncError(toCode(r?.error?.code), r?.error?.message ?? 'the work failed on another node');
    w.reject(r?.report ? new SyncFailedError(cause, r.report) : cause);
  }

  async relay<T>(directory: string, kind: NodeJobKind, args: Record<string, unknown>): Promise<T> {
    // A node of the version before the nodes (a rolling upgrade under way) takes no jobs: refused
    // as that version refused it, naming the holder.
    const lease = (await this.service.leases.list()).find((l) => l.name === `directory:${directory}`);
    if (lease?.held && lease.node === null)
      throw new IdsyncError(
        'SYNC_ALREADY_RUNNING',
        `directory "${directory}" is run by ${lease.host} pid ${lease.pid}, an idsync older than the nodes that takes no work from others: ask that one`,
      );
    const id = await this.#jobs.submit(directory, kind, args, this.presence.id);
    const answer = new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { directory, since: Date.now(), resolve: resolve as (v: unknown) => void, reject });
    });
    this.log.info({ node: this.node, directory, job: id, kind }, 'work sent to the lease holder');
    this.#send('job', { id, directory });
    return answer;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    for (const off of this.#off.splice(0)) off();
    for (const [id] of this.#waiting) this.#settle(id, false, { error: { code: 'NODE_UNAVAILABLE', message: 'this node is stopping' } });
  }
}

function toCode(code: string | undefined): ErrorCode {
  return code !== undefined && code in ErrorCodes ? (code as ErrorCode) : 'INTERNAL';
}

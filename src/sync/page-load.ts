import type { RunCounts } from '../store/sync/run-types.js';
import type { SyncReads, UserLoad } from '../store/sync/writer.js';
import type { PlannedOf } from './plan.js';
import type { ObjectChange } from './report.js';
import type { PagePlan } from './user-changes.js';

/** Users read before a first load hands its pages to the store's loader: small directories never start one. */
export const LOAD_AFTER = 2000;
/** Pages handed over and not committed before the run waits: bounds the memory the overlap costs. */
const DEPTH = 2;

/**
 * The pages of a directory's first load that only create users, handed to the store's UserLoad
 * (a writer on its own thread for SQLite) so the run reads and plans the next page while one is
 * written. The run's report is kept as if each page had been applied before the next was planned:
 * a page's new users get their store ids (and count as members) once it is committed, and if a
 * page fails, the run's counts and report are those it had when that page was planned.
 */
export class PageLoad {
  readonly #pages: { done: Promise<void>; counts: RunCounts; changes: number }[] = [];
  #failed: { error: unknown; counts: RunCounts; changes: number } | undefined;

  constructor(
    private readonly load: UserLoad,
    private readonly runId: number,
    private readonly counts: RunCounts,
    private readonly changes: ObjectChange[],
  ) {}

  get reads(): SyncReads {
    return this.load.reads;
  }

  /**
   * Hands over a planned page (its log not yet kept in the report) when it only creates users;
   * `committed` runs once it is written, with the new users' ids in their log lines. False: the
   * page has other changes, and the caller applies it itself, after drain().
   */
  async handOver(p: PagePlan, committed: () => void): Promise<boolean> {
    if (!p.changes.every((c) => c.kind === 'user.create')) return false;
    const creates = p.changes as PlannedOf<'user.create'>[];
    const index = new Map<ObjectChange, number>();
    for (let k = 0; k < creates.length; k++) index.set(creates[k].log, k);
    const written = this.load.write(
      this.runId,
      creates.map((c) => c.row),
      p.log,
      p.log.map((l) => index.get(l) ?? -1),
    );
    const page = { done: Promise.resolve(), counts: { ...this.counts }, changes: this.changes.length };
    page.done = written.then(
      (ids) => {
        for (let k = 0; k < creates.length; k++) creates[k].log.userId = ids[k];
        committed();
      },
      (error) => {
        this.#failed ??= { error, counts: page.counts, changes: page.changes };
      },
    );
    this.#pages.push(page);
    while (this.#pages.length >= DEPTH) await this.#settle(this.#pages.shift()!);
    return true;
  }

  /** Waits until every page handed over is committed; throws the first page's failure. */
  async drain(): Promise<void> {
    while (this.#pages.length) await this.#settle(this.#pages.shift()!);
  }

  /**
   * The run failed while pages were in flight: those planned before the failure are written first
   * (as they would have been), and a failure among them is the run's, being the earlier one.
   */
  async fail(error: unknown): Promise<never> {
    await this.drain();
    throw error;
  }

  close(): Promise<void> {
    return this.load.close();
  }

  async #settle(page: { done: Promise<void> }): Promise<void> {
    await page.done;
    const f = this.#failed;
    if (!f) return;
    // As if the run had stopped at the failed page: the pages planned after it were never written.
    Object.assign(this.counts, f.counts);
    this.changes.length = Math.min(this.changes.length, f.changes);
    this.#pages.length = 0;
    throw f.error;
  }
}

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { IdsyncError } from '../../errors.js';
import { INSERT_RUN_OBJECT, INSERT_USER, USER_COLUMNS } from '../sqlite-fast-path.js';
import type { NewUserRow, UserRow } from './rows.js';
import { runObjectRow } from './run-log.js';
import type { ObjectChange } from './run-types.js';
import type { SyncReads, UserLoad } from './writer.js';

/**
 * A directory's first load of users into SQLite, written by a worker thread on its own connection
 * to the same file while the run goes on reading and planning (issue 11: SQLite spent about 1.3 s
 * of a 100,000-user first sync on its rows, on the thread that also decodes the directory).
 *
 * Each page is one transaction in the worker, as it is on the run's own connection: its new users
 * and its run log, committed in the order the pages were handed over. A page that fails stops the
 * worker: the pages after it are refused, never committed, so the store holds complete pages up to
 * the failure, as it does when the run writes its pages itself; a killed process leaves the same.
 *
 * Until a page is committed, the planner must still see its users: `reads` answers username lookups
 * with the pages handed over as if they were written (a later page's entry with the same username
 * is a conflict with the first owner, as it is when the first page is in the store already).
 */
export class SqliteUserLoad implements UserLoad {
  readonly reads: SyncReads;
  readonly #file: string;
  #worker: Worker | undefined;
  readonly #waiting = new Map<number, { resolve: (ids: number[]) => void; reject: (e: Error) => void; keys: string[] }>();
  /** Username keys of the pages handed over and not yet committed, with their rows. */
  readonly #inFlight = new Map<string, NewUserRow>();
  #seq = 0;
  #last: Promise<unknown> = Promise.resolve();
  #failure: Error | undefined;

  constructor(file: string, reads: SyncReads) {
    this.#file = file;
    const inFlight = this.#inFlight;
    // Only username lookups can meet a page still in flight: a run never plans one external id twice.
    this.reads = Object.create(reads, {
      usersByUsernameKey: {
        value: async (keys: readonly string[]): Promise<Map<string, UserRow>> => {
          const out = await reads.usersByUsernameKey(keys);
          for (const k of keys) {
            const row = out.has(k) ? undefined : inFlight.get(k);
            // Not committed yet, so no store id: the planner only compares ids and names the owner.
            if (row) out.set(k, { ...row, id: 0 } as UserRow);
          }
          return out;
        },
      },
    }) as SyncReads;
  }

  /** The thread starts with the first page handed over: a small first sync never starts one. */
  #start(): Worker {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    // The worker's code is this module's own function, as source: the same text runs from the
    // TypeScript sources (tests), the compiled files and the bundle, which has no file per module.
    // esbuild (tsx, vitest) may wrap the function's inner functions in __name(), a helper of its own.
    const worker = new Worker(`var __name = (f) => f; (${pageWorker.toString()})(require)`, {
      eval: true,
      workerData: { driver, file: this.#file, insertUser: INSERT_USER, insertRunObject: INSERT_RUN_OBJECT },
      // The worker holds a page at a time; a small young generation keeps its memory small.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    worker.on('message', (m: { seq: number; ids?: number[]; error?: { message: string; code?: string } }) => this.#answer(m));
    worker.on('error', (e) => this.#fail(e));
    worker.on('exit', () => this.#fail(new IdsyncError('STORE_UNAVAILABLE', 'the store writer thread stopped')));
    return worker;
  }

  /** Pages handed over and not yet committed. */
  get pending(): number {
    return this.#waiting.size;
  }

  write(runId: number, rows: readonly NewUserRow[], log: readonly ObjectChange[], logUser: readonly number[]): Promise<number[]> {
    if (this.#failure) return Promise.reject(this.#failure);
    const seq = ++this.#seq;
    const keys = rows.map((r) => r.username_key);
    for (let i = 0; i < rows.length; i++) this.#inFlight.set(keys[i], rows[i]);
    const userRows = rows.map((r) => {
      const o = r as unknown as Record<string, unknown>;
      return USER_COLUMNS.map((c) => o[c] ?? null);
    });
    const logRows = log.map((c, i) => {
      const r = runObjectRow(runId, c);
      return [r.run_id, r.object_type, r.name, r.external_id, r.user_id, r.outcome, r.detail, logUser[i]];
    });
    const p = new Promise<number[]>((resolve, reject) => this.#waiting.set(seq, { resolve, reject, keys }));
    // Rows as arrays: cloned to the worker without their column names (objects cost three times more).
    this.#worker ??= this.#start();
    this.#worker.postMessage({ seq, users: userRows, log: logRows });
    this.#last = p.catch(() => undefined);
    return p;
  }

  async drain(): Promise<void> {
    await this.#last;
    if (this.#failure) throw this.#failure;
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#fail(new IdsyncError('STORE_UNAVAILABLE', 'the store writer thread was closed'));
    if (!worker) return;
    worker.removeAllListeners('exit');
    if (worker.threadId < 0) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ close: true });
    await exited;
  }

  #answer(m: { seq: number; ids?: number[]; error?: { message: string; code?: string } }): void {
    const w = this.#waiting.get(m.seq);
    if (!w) return;
    this.#waiting.delete(m.seq);
    // Committed: from now on the store itself answers for these usernames.
    for (const k of w.keys) this.#inFlight.delete(k);
    if (m.ids) {
      w.resolve(m.ids);
      return;
    }
    const e = Object.assign(new Error(m.error?.message ?? 'the store writer failed'), { code: m.error?.code });
    this.#failure ??= e;
    w.reject(e);
  }

  #fail(e: Error): void {
    this.#failure ??= e;
    for (const w of this.#waiting.values()) w.reject(this.#failure);
    this.#waiting.clear();
  }
}

/**
 * The worker thread (run from its source text, so it imports nothing and names nothing outside
 * itself; its require comes as an argument, which bundlers leave alone). A page: [seq, users as rows in USER_COLUMNS order, log as rows of run_objects
 * plus the index of the page's new user a line is about (-1: none, user_id as given)].
 */
// biome-ignore lint/suspicious/noExplicitAny: the worker's CommonJS require, whose modules have no types here
function pageWorker(load: (id: string) => any): void {
  const { parentPort, workerData } = load('node:worker_threads');
  const Database = load(workerData.driver);
  const db = new Database(workerData.file);
  // As the run's own connection (src/store/db.ts).
  db.pragma('busy_timeout = 10000');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // It only appends: the pages it writes to are the right edges of the table and its indexes.
  db.pragma('cache_size = -2000');
  const insertUser = db.prepare(workerData.insertUser);
  const insertRunObject = db.prepare(workerData.insertRunObject);
  let failed: { message: string; code?: string } | undefined;
  parentPort.on('message', (m: { seq: number; users: unknown[][]; log: unknown[][]; close?: boolean }) => {
    if (m.close) {
      db.close();
      process.exit(0);
    }
    if (failed)
      return parentPort.postMessage({ seq: m.seq, error: { message: `not written after an earlier page failed: ${failed.message}`, code: failed.code } });
    const { users, log } = m;
    const ids: number[] = new Array(users.length);
    try {
      db.exec('begin');
      for (let i = 0; i < users.length; i++) ids[i] = Number(insertUser.run(users[i]).lastInsertRowid);
      for (const r of log) {
        const k = r.pop() as number;
        if (k >= 0) r[4] = ids[k];
        insertRunObject.run(r);
      }
      db.exec('commit');
    } catch (e) {
      if (db.inTransaction) db.exec('rollback');
      failed = { message: (e as Error).message, code: (e as { code?: string }).code };
      return parentPort.postMessage({ seq: m.seq, error: failed });
    }
    parentPort.postMessage({ seq: m.seq, ids });
  });
}

import { hostname } from 'node:os';
import type { Logger } from '../log.js';
import type { Store } from './db.js';
import { processAlive } from './process-alive.js';

/** How often a running serve says it is alive, and how long a silent one still counts as alive. */
export const HEARTBEAT_MS = 10_000;
const ALIVE_MS = 3 * HEARTBEAT_MS;

export interface ServeProcess {
  host: string;
  pid: number;
  /** The admin API's address, when serve runs it. */
  api: string | null;
  startedAt: string;
  heartbeatAt: string;
}

/**
 * The running `idsync serve` of this store, if any: a row whose heartbeat is recent and, on this
 * host, whose process still exists (a serve killed with SIGKILL leaves its row; on this host that
 * is seen at once, elsewhere when the heartbeat is ALIVE_MS old).
 */
export async function runningServe(store: Store, now: Date): Promise<ServeProcess | undefined> {
  const since = new Date(now.getTime() - ALIVE_MS).toISOString();
  const rows = await store.db.selectFrom('serve_processes').selectAll().where('heartbeat_at', '>=', since).orderBy('id').execute();
  const live = rows.find((r) => r.host !== hostname() || r.pid === process.pid || processAlive(r.pid));
  return live && { host: live.host, pid: live.pid, api: live.api, startedAt: live.started_at, heartbeatAt: live.heartbeat_at };
}

/** `idsync serve`'s row: written at start, refreshed every HEARTBEAT_MS, removed at a clean stop. */
export class ServePresence {
  #timer?: NodeJS.Timeout;

  private constructor(
    private readonly store: Store,
    private readonly id: number,
    private readonly now: () => Date,
    private readonly log: Logger,
  ) {}

  static async start(store: Store, opts: { now: () => Date; log: Logger; api?: string }): Promise<ServePresence> {
    const at = opts.now().toISOString();
    // Rows of processes that stopped without saying so (killed) would otherwise stay for good.
    await store.db
      .deleteFrom('serve_processes')
      .where('heartbeat_at', '<', new Date(opts.now().getTime() - ALIVE_MS).toISOString())
      .execute();
    const row = await store.db
      .insertInto('serve_processes')
      .values({ host: hostname(), pid: process.pid, api: opts.api ?? null, started_at: at, heartbeat_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    const p = new ServePresence(store, row.id, opts.now, opts.log);
    p.#timer = setInterval(() => {
      store.db
        .updateTable('serve_processes')
        .set({ heartbeat_at: p.now().toISOString() })
        .where('id', '=', row.id)
        .execute()
        .catch((err) => p.log.warn({ err: (err as Error).message }, 'cannot record that idsync serve is alive'));
    }, HEARTBEAT_MS);
    p.#timer.unref();
    return p;
  }

  async setApi(api: string): Promise<void> {
    await this.store.db.updateTable('serve_processes').set({ api }).where('id', '=', this.id).execute();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.store.db.deleteFrom('serve_processes').where('id', '=', this.id).execute();
  }
}

import type { Store } from './db.js';
import type { Selectable } from 'kysely';
import type { NodeJobsTable } from './schema.js';

/**
 * Work for a directory asked on a node that does not hold the directory's lease (issue 16): the
 * asking node writes a row and says so (NOTIFY, src/store/nodes.ts); the holder claims the row in
 * one statement (only a `queued` row can be claimed, so one node runs it), runs it through the
 * directory's queue and writes the outcome; the asking node reads it back. The rows are also what
 * a holder that missed a message finds on its next sweep, and what a new holder finds after a
 * takeover.
 */
export type NodeJobKind = 'sync' | 'user' | 'approval';

export interface NodeJob {
  id: number;
  directory: string;
  kind: NodeJobKind;
  args: Record<string, unknown>;
  origin: string;
  state: NodeJobsTable['state'];
  node: string | null;
  result: unknown;
  createdAt: string;
}

/** Finished jobs are kept this long (to look at), then pruned. */
const KEEP_MS = 24 * 3_600_000;

function job(r: Selectable<NodeJobsTable>): NodeJob {
  return {
    id: Number(r.id),
    directory: r.directory,
    kind: r.kind as NodeJobKind,
    args: JSON.parse(r.args) as Record<string, unknown>,
    origin: r.origin,
    state: r.state,
    node: r.node,
    result: r.result === null ? null : JSON.parse(r.result),
    createdAt: r.created_at,
  };
}

export class NodeJobs {
  constructor(private readonly store: Store) {}

  async submit(directory: string, kind: NodeJobKind, args: Record<string, unknown>, origin: string): Promise<number> {
    const at = new Date().toISOString();
    const r = await this.store.db
      .insertInto('node_jobs')
      .values({ directory, kind, args: JSON.stringify(args), origin, state: 'queued', node: null, result: null, created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(r.id);
  }

  /** Takes a queued job for `node`; undefined when another node took it first (or it is gone). */
  async claim(id: number, node: string): Promise<NodeJob | undefined> {
    const r = await this.store.db
      .updateTable('node_jobs')
      .set({ state: 'running', node, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('state', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
    return r && job(r);
  }

  /** The queued jobs of these directories, oldest first. */
  async queued(directories: readonly string[]): Promise<{ id: number; directory: string }[]> {
    if (!directories.length) return [];
    const rows = await this.store.db
      .selectFrom('node_jobs')
      .select(['id', 'directory'])
      .where('state', '=', 'queued')
      .where('directory', 'in', [...directories])
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: Number(r.id), directory: r.directory }));
  }

  async finish(id: number, ok: boolean, result: unknown): Promise<void> {
    await this.store.db
      .updateTable('node_jobs')
      .set({ state: ok ? 'done' : 'failed', result: JSON.stringify(result ?? null), updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  async get(id: number): Promise<NodeJob | undefined> {
    const r = await this.store.db.selectFrom('node_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return r && job(r);
  }

  /** A queued job nobody took in time: withdrawn, unless a node claimed it meanwhile (then false). */
  async withdraw(id: number, result: unknown): Promise<boolean> {
    const r = await this.store.db
      .updateTable('node_jobs')
      .set({ state: 'failed', result: JSON.stringify(result), updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('state', '=', 'queued')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Running jobs of nodes that are no longer alive fail: their node died with them. */
  async failOrphans(liveNodes: readonly string[], result: unknown): Promise<number> {
    let q = this.store.db
      .updateTable('node_jobs')
      .set({ state: 'failed', result: JSON.stringify(result), updated_at: new Date().toISOString() })
      .where('state', '=', 'running');
    if (liveNodes.length) q = q.where('node', 'not in', [...liveNodes]);
    return Number((await q.executeTakeFirst()).numUpdatedRows);
  }

  async prune(): Promise<void> {
    await this.store.db
      .deleteFrom('node_jobs')
      .where('state', 'in', ['done', 'failed'])
      .where('updated_at', '<', new Date(Date.now() - KEEP_MS).toISOString())
      .execute();
  }
}

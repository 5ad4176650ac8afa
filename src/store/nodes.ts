import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from '../log.js';
import type { Store } from './db.js';
import type { NodesTable } from './schema.js';
import { processAlive } from './process-alive.js';
import { pgClientUrl, schemaKey, storeSchema } from './pg-session.js';
import { leaseStore } from './leases.js';

/**
 * The nodes of a store (issue 16): every `idsync serve` is one, named by configuration, by
 * IDSYNC_NODE_NAME or after its host. The row is for display (`idsync nodes`, the API, the panel);
 * whether a node is alive is not read from its heartbeat on PostgreSQL but from a session advisory
 * lock its own connection holds, so a node killed (SIGKILL, a lost machine) stops counting at the
 * moment PostgreSQL sees its connection end, and the others spread its directories among them at
 * once (src/serve/cluster.ts). The same connection LISTENs for the other nodes' messages.
 *
 * SQLite keeps the single-node path: the row and its heartbeat, and no messages.
 */
export const NODE_HEARTBEAT_MS = 5_000;
/** SQLite, and rows of nodes whose lock cannot be looked up: silent longer than this is dead. */
const ALIVE_MS = 3 * NODE_HEARTBEAT_MS;
/** Rows of dead nodes stay this long for display, then go. */
const KEEP_DEAD_MS = 10 * 60_000;

/** First key of the node locks ("node"); the second is a hash of the schema and the node id. */
const NODE_LOCK_CLASS = 0x6e6f6465;

export interface NodeInfo {
  id: string;
  name: string;
  host: string;
  pid: number;
  version: string;
  api: string | null;
  startedAt: string;
  heartbeatAt: string;
  alive: boolean;
}

export type NodeTopic = 'job' | 'done' | 'event';
export interface NodeMessage {
  topic: NodeTopic;
  /** The node id that sent it. */
  from: string;
  body: unknown;
}

function info(r: NodesTable, alive: boolean): NodeInfo {
  return {
    id: r.id,
    name: r.name,
    host: r.host,
    pid: Number(r.pid),
    version: r.version,
    api: r.api,
    startedAt: r.started_at,
    heartbeatAt: r.heartbeat_at,
    alive,
  };
}

/** PostgreSQL caps a NOTIFY payload at 8000 bytes; messages longer than this are not sent. */
export const MAX_MESSAGE_BYTES = 7_900;

/** The nodes of a store, as any process (the CLI too) sees them. */
export async function listNodes(store: Store): Promise<NodeInfo[]> {
  const rows = await store.db.selectFrom('nodes').selectAll().orderBy('name').orderBy('started_at').execute();
  if (store.dialect === 'postgres') {
    const held = await heldNodeKeys(store);
    const schema = storeSchema(store);
    return rows.map((r) => info(r, held.has(schemaKey(schema, r.id))));
  }
  const since = Date.now() - ALIVE_MS;
  return rows.map((r) =>
    info(r, new Date(r.heartbeat_at).getTime() >= since && (r.host !== hostname() || r.pid === process.pid || processAlive(Number(r.pid)))),
  );
}

async function heldNodeKeys(store: Store): Promise<Set<number>> {
  const locks = await sql<{ objid: number }>`
    select objid::int8 as objid from pg_locks
    where locktype = 'advisory' and granted and classid = ${NODE_LOCK_CLASS}::oid and objsubid = 2
      and database = (select oid from pg_database where datname = current_database())`.execute(store.db);
  return new Set(locks.rows.map((l) => Number(l.objid)));
}

/** This process as a node: its row, its heartbeat and, on PostgreSQL, its lock and its messages. */
export class NodePresence {
  readonly id: string;
  #timer?: NodeJS.Timeout;
  #client?: import('pg').Client;
  #closing = false;
  readonly #listeners = new Set<(m: NodeMessage) => void>();
  readonly #channel: string;

  private constructor(
    private readonly store: Store,
    readonly name: string,
    readonly version: string,
    private readonly log: Logger,
  ) {
    this.id = `${name}:${randomBytes(4).toString('hex')}`;
    this.#channel = `idsync_nodes_${schemaKey(storeSchema(store), 'channel').toString(16)}`;
  }

  /** Whether messages reach the other nodes (PostgreSQL); on SQLite there is one node. */
  get shared(): boolean {
    return this.store.dialect === 'postgres';
  }

  static async start(store: Store, opts: { name: string; version: string; log: Logger; api?: string }): Promise<NodePresence> {
    const p = new NodePresence(store, opts.name, opts.version, opts.log);
    const at = new Date().toISOString();
    await store.db
      .insertInto('nodes')
      .values({ id: p.id, name: p.name, host: hostname(), pid: process.pid, version: p.version, api: opts.api ?? null, started_at: at, heartbeat_at: at })
      .execute();
    if (p.shared) await p.#connect();
    await p.#prune();
    p.#timer = setInterval(() => void p.#beat(), NODE_HEARTBEAT_MS);
    p.#timer.unref();
    return p;
  }

  async #beat(): Promise<void> {
    try {
      await this.store.db.updateTable('nodes').set({ heartbeat_at: new Date().toISOString() }).where('id', '=', this.id).execute();
      await this.#prune();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'cannot record that this node is alive');
    }
  }

  async #prune(): Promise<void> {
    const dead = (await listNodes(this.store)).filter((n) => !n.alive && Date.now() - new Date(n.heartbeatAt).getTime() > KEEP_DEAD_MS);
    if (dead.length)
      await this.store.db
        .deleteFrom('nodes')
        .where(
          'id',
          'in',
          dead.map((n) => n.id),
        )
        .execute();
  }

  /**
   * The node's own connection: its lock says "alive", and it LISTENs. Lost (PostgreSQL restarted,
   * the network cut), it is opened again; meanwhile the node counts as dead to the others, as its
   * leases, on connections of their own, are gone too.
   */
  async #connect(): Promise<void> {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: pgClientUrl(this.store), application_name: `idsync node ${this.name}` });
    const lost = (reason: string) => {
      if (this.#client !== client) return;
      this.#client = undefined;
      client.end().catch(() => undefined);
      if (this.#closing) return;
      this.log.warn({ node: this.name, reason }, "the node's PostgreSQL connection ended: reconnecting");
      const retry = () =>
        this.#connect().catch((err: Error) => {
          this.log.warn({ node: this.name, err: err.message }, 'node connection failed; trying again');
          setTimeout(retry, 2_000).unref();
        });
      setTimeout(retry, 1_000).unref();
    };
    client.on('error', (err) => lost(err.message));
    client.on('end', () => lost('closed'));
    client.on('notification', (n) => {
      if (n.channel !== this.#channel || !n.payload) return;
      let m: NodeMessage;
      try {
        m = JSON.parse(n.payload) as NodeMessage;
      } catch {
        return;
      }
      for (const fn of this.#listeners) fn(m);
    });
    await client.connect();
    await client.query('select pg_advisory_lock($1::int4, $2::int4)', [NODE_LOCK_CLASS, schemaKey(storeSchema(this.store), this.id)]);
    await client.query(`listen ${this.#channel}`);
    this.#client = client;
  }

  /** Every message of the other nodes (and this one's own: callers skip `from === id`). */
  onMessage(fn: (m: NodeMessage) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Sends a message to every node (through the pool: NOTIFY is delivered when its transaction commits). */
  async send(topic: NodeTopic, body: unknown): Promise<boolean> {
    if (!this.shared) return false;
    const payload = JSON.stringify({ topic, from: this.id, body } satisfies NodeMessage);
    if (Buffer.byteLength(payload) > MAX_MESSAGE_BYTES) return false;
    await sql`select pg_notify(${this.#channel}, ${payload})`.execute(this.store.db);
    return true;
  }

  async setApi(api: string): Promise<void> {
    await this.store.db.updateTable('nodes').set({ api }).where('id', '=', this.id).execute();
  }

  list(): Promise<NodeInfo[]> {
    return listNodes(this.store);
  }

  async stop(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#timer);
    const c = this.#client;
    this.#client = undefined;
    await c?.end().catch(() => undefined);
    await this.store.db
      .deleteFrom('nodes')
      .where('id', '=', this.id)
      .execute()
      .catch(() => undefined);
  }
}

export interface NodeLease {
  directory: string;
  /** The node's name; null when a version before migration 0021 holds it. */
  node: string | null;
  host: string;
  pid: number;
  held: boolean;
  since: string;
  heartbeatAt: string;
}

/** What `idsync nodes`, GET /api/v1/nodes and the panel show: each node with the directories it runs, and every lease. */
export async function nodesOverview(store: Store): Promise<{ nodes: (NodeInfo & { directories: string[] })[]; leases: NodeLease[] }> {
  const [nodes, leases] = await Promise.all([listNodes(store), leaseStore(store).list()]);
  const directoryLeases: NodeLease[] = leases
    .filter((l) => l.name.startsWith('directory:'))
    .map((l) => ({
      directory: l.name.slice('directory:'.length),
      node: l.node,
      host: l.host,
      pid: l.pid,
      held: l.held,
      since: l.acquiredAt,
      heartbeatAt: l.heartbeatAt,
    }));
  return {
    nodes: nodes.map((n) => ({
      ...n,
      // A lease names its node and pid: a node restarted under the same name is a new process.
      directories: n.alive ? directoryLeases.filter((l) => l.held && l.node === n.name && l.pid === n.pid && l.host === n.host).map((l) => l.directory) : [],
    })),
    leases: directoryLeases,
  };
}

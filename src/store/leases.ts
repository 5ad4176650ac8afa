import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from './db.js';
import type { LeasesTable } from './schema.js';
import { processAlive } from './process-alive.js';

/**
 * Leases: which process runs a directory's worker (issue 10 item 13). Two `idsync serve` on one
 * store would otherwise both follow every directory, each with its own change stream, applying
 * every change twice and running every scheduled full sync twice.
 *
 * The numbers (SQLite): the holder renews every HEARTBEAT_MS; a lease not renewed for TTL_MS is
 * free; a standby tries again every STANDBY_RETRY_MS. A holder that dies is replaced within
 * TTL_MS + STANDBY_RETRY_MS (12 s); at once when it ran on the same machine and its process is
 * gone (a restart after a crash does not wait for the expiry). A holder that cannot renew for
 * TTL_MS (store unreachable, the process stalled) gives the lease up itself.
 *
 * PostgreSQL: the lease is a session advisory lock (pg_try_advisory_lock) on a connection of its
 * own, so it ends the moment the holder's connection does (a killed process: at once); a standby
 * tries every STANDBY_RETRY_MS. The row in `leases` there only says who holds it, for
 * `idsync status`.
 *
 * Times are the machine's real clock, never the injectable one (IDSYNC_NOW): a lease is between
 * processes now. Several hosts sharing a SQLite file is not supported; on PostgreSQL the lock does
 * not depend on clocks at all.
 *
 * This interface is what a later multi-node idsync spreads leases over: `tryAcquire` per
 * directory, `list` for whoever shows them.
 */
export const LEASE_HEARTBEAT_MS = 3_000;
export const LEASE_TTL_MS = 10_000;
export const STANDBY_RETRY_MS = 2_000;

export interface Lease {
  readonly name: string;
  readonly holder: string;
  /** Aborted when the lease is lost: the holder must stop writing for it. */
  readonly lost: AbortSignal;
  /**
   * Whether the holder may still write, checked before each write: a process stalled past the
   * expiry (a long synchronous step) may have been replaced even though no timer told it yet.
   */
  valid(): boolean;
  release(): Promise<void>;
}

export interface LeaseInfo {
  name: string;
  holder: string;
  host: string;
  pid: number;
  acquiredAt: string;
  heartbeatAt: string;
  /** Whether someone holds it now (SQLite: the heartbeat has not lapsed; PostgreSQL: the lock is held). */
  held: boolean;
  /** The node holding it (issue 16), by name; null when written by a version before migration 0021. */
  node: string | null;
}

export interface LeaseStore {
  /** Takes the lease when nobody holds it; undefined when another process does. */
  tryAcquire(name: string): Promise<Lease | undefined>;
  list(): Promise<LeaseInfo[]>;
}

/** A name for this process's claim: host, pid and a random part (a pid is reused). */
function holderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

function row(name: string, holder: string, now: number, node: string | undefined): LeasesTable {
  return {
    name,
    holder,
    node: node ?? null,
    host: hostname(),
    pid: process.pid,
    acquired_at: new Date(now).toISOString(),
    heartbeat_at: new Date(now).toISOString(),
    expires_at: new Date(now + LEASE_TTL_MS).toISOString(),
  };
}

function info(r: LeasesTable, held: boolean): LeaseInfo {
  return {
    name: r.name,
    holder: r.holder,
    host: r.host,
    pid: Number(r.pid),
    acquiredAt: r.acquired_at,
    heartbeatAt: r.heartbeat_at,
    held,
    node: r.node ?? null,
  };
}

/** `node`: this process's node name (issue 16), written on the rows of the leases it takes. */
export function leaseStore(store: Store, node?: string): LeaseStore {
  return store.dialect === 'postgres' ? new PostgresLeases(store, node) : new HeartbeatLeases(store, node);
}

/** SQLite: the row is the lease; it is taken only when free or lapsed, in one statement. */
class HeartbeatLeases implements LeaseStore {
  constructor(
    private readonly store: Store,
    private readonly node?: string,
  ) {}

  async tryAcquire(name: string): Promise<Lease | undefined> {
    const { db } = this.store;
    const holder = holderId();
    const now = Date.now();
    const r = row(name, holder, now, this.node);
    const { name: _n, ...set } = r;
    await db
      .insertInto('leases')
      .values(r)
      .onConflict((oc) => oc.column('name').doUpdateSet(set).where('leases.expires_at', '<', new Date(now).toISOString()))
      .execute();
    let cur = await db.selectFrom('leases').select(['holder', 'host', 'pid']).where('name', '=', name).executeTakeFirst();
    // A holder on this machine whose process is gone (killed, crashed) cannot renew: take its lease
    // now rather than after the expiry, so `idsync serve` restarted after a crash resumes at once.
    if (cur && cur.holder !== holder && cur.host === hostname() && !processAlive(Number(cur.pid))) {
      await db.updateTable('leases').set(set).where('name', '=', name).where('holder', '=', cur.holder).execute();
      cur = await db.selectFrom('leases').select(['holder', 'host', 'pid']).where('name', '=', name).executeTakeFirst();
    }
    if (cur?.holder !== holder) return undefined;
    const lost = new AbortController();
    let expires = now + LEASE_TTL_MS;
    const timer = setInterval(() => {
      const t = Date.now();
      db.updateTable('leases')
        .set({ heartbeat_at: new Date(t).toISOString(), expires_at: new Date(t + LEASE_TTL_MS).toISOString() })
        .where('name', '=', name)
        .where('holder', '=', holder)
        .executeTakeFirst()
        .then(
          (res) => {
            if (Number(res.numUpdatedRows) === 0) lose('another process took it');
            else expires = t + LEASE_TTL_MS;
          },
          (err: Error) => {
            if (Date.now() >= expires - LEASE_HEARTBEAT_MS) lose(`it could not be renewed: ${err.message}`);
          },
        );
    }, LEASE_HEARTBEAT_MS);
    timer.unref();
    const lose = (reason: string) => {
      clearInterval(timer);
      if (!lost.signal.aborted) lost.abort(new Error(`lease ${name} lost: ${reason}`));
    };
    return {
      name,
      holder,
      lost: lost.signal,
      valid: () => {
        if (Date.now() >= expires) lose('its heartbeat lapsed (the process stalled)');
        return !lost.signal.aborted;
      },
      release: async () => {
        lose('released');
        await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
      },
    };
  }

  async list(): Promise<LeaseInfo[]> {
    const now = new Date().toISOString();
    return (await this.store.db.selectFrom('leases').selectAll().orderBy('name').execute()).map((r) => info(r, r.expires_at > now));
  }
}

/** First key of every idsync lease lock ("leas"); the second is a hash of the store's schema and the lease name. */
const LEASE_LOCK_CLASS = 0x6c656173;

/** A stable non-negative 31-bit hash (FNV-1a): pg_locks shows the key as an unsigned oid. */
function lockKey(schema: string, name: string): number {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(`${schema}/${name}`)) {
    h ^= ch;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7fffffff;
}

/** PostgreSQL: a session advisory lock on a connection of its own (the pool's connections come and go). */
class PostgresLeases implements LeaseStore {
  readonly #schema: string;
  readonly #url: string;

  constructor(
    private readonly store: Store,
    private readonly node?: string,
  ) {
    const u = new URL(store.url);
    this.#schema = u.searchParams.get('schema') ?? '';
    u.searchParams.delete('schema');
    this.#url = u.toString();
  }

  async tryAcquire(name: string): Promise<Lease | undefined> {
    // Held by another connection: no need to open one to be told so (every standby of every node
    // asks every STANDBY_RETRY_MS; issue 16 runs dozens of directories on several nodes).
    if (await this.#heldNow(name)) return undefined;
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: this.#url, application_name: 'idsync lease' });
    const lost = new AbortController();
    let ended = false;
    const lose = (reason: string) => {
      if (!lost.signal.aborted) lost.abort(new Error(`lease ${name} lost: ${reason}`));
    };
    client.on('error', (err) => lose(`its PostgreSQL connection failed: ${err.message}`));
    client.on('end', () => {
      ended = true;
      lose('its PostgreSQL connection closed');
    });
    await client.connect();
    const key = lockKey(this.#schema, name);
    let got = false;
    try {
      got = (await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::int4, $2::int4) as ok', [LEASE_LOCK_CLASS, key])).rows[0]?.ok === true;
    } finally {
      if (!got) await client.end().catch(() => undefined);
    }
    if (!got) return undefined;
    const holder = holderId();
    const now = Date.now();
    const r = row(name, holder, now, this.node);
    const { name: _n, ...set } = r;
    // We hold the lock: the row is ours to write, whoever wrote it last.
    await this.store.db
      .insertInto('leases')
      .values(r)
      .onConflict((oc) => oc.column('name').doUpdateSet(set))
      .execute();
    // The lock needs no renewal; the query keeps a silently dead connection from going unnoticed.
    const timer = setInterval(() => {
      const t = new Date();
      client.query('select 1').then(
        () =>
          this.store.db
            .updateTable('leases')
            .set({ heartbeat_at: t.toISOString(), expires_at: new Date(t.getTime() + LEASE_TTL_MS).toISOString() })
            .where('name', '=', name)
            .where('holder', '=', holder)
            .execute()
            .catch(() => undefined),
        (err: Error) => lose(`its PostgreSQL connection failed: ${err.message}`),
      );
    }, LEASE_HEARTBEAT_MS);
    timer.unref();
    lost.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
    return {
      name,
      holder,
      lost: lost.signal,
      valid: () => !lost.signal.aborted,
      release: async () => {
        lose('released');
        await this.store.db
          .deleteFrom('leases')
          .where('name', '=', name)
          .where('holder', '=', holder)
          .execute()
          .catch(() => undefined);
        if (!ended) await client.end().catch(() => undefined);
      },
    };
  }

  async #heldNow(name: string): Promise<boolean> {
    const r = await sql<{ n: number }>`
      select count(*)::int as n from pg_locks
      where locktype = 'advisory' and granted and classid = ${LEASE_LOCK_CLASS}::oid and objid = ${lockKey(this.#schema, name)}::oid
        and objsubid = 2 and database = (select oid from pg_database where datname = current_database())`.execute(this.store.db);
    return Number(r.rows[0]?.n ?? 0) > 0;
  }

  async list(): Promise<LeaseInfo[]> {
    const rows = await this.store.db.selectFrom('leases').selectAll().orderBy('name').execute();
    const locks = await sql<{ objid: number }>`
      select objid::int8 as objid from pg_locks
      where locktype = 'advisory' and granted and classid = ${LEASE_LOCK_CLASS}::oid and objsubid = 2
        and database = (select oid from pg_database where datname = current_database())`.execute(this.store.db);
    const held = new Set(locks.rows.map((l) => Number(l.objid)));
    return rows.map((r) => info(r, held.has(lockKey(this.#schema, r.name))));
  }
}

// The PostgreSQL store of the benchmark: a schema of its own in the database at
// IDSYNC_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test), dropped to start each
// first sync from nothing and at the end. The server's CPU is read from /proc when the server runs
// on this machine: the postmaster collects the CPU of the backends it has reaped (cutime/cstime),
// so the difference around a run is what the run's connections cost the server (plus whatever
// other clients of the same server did meanwhile: the tests of other work use it too).
import { readFileSync } from 'node:fs';
import pg from 'pg';

export const PG_BASE = process.env.IDSYNC_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export class PgBenchStore {
  readonly url: string;
  readonly #pool: pg.Pool;
  readonly #schema: string;
  #postmaster: number | undefined;

  private constructor(pool: pg.Pool, schema: string, url: string) {
    this.#pool = pool;
    this.#schema = schema;
    this.url = url;
  }

  static async open(base = PG_BASE): Promise<PgBenchStore> {
    const schema = `bench_${process.pid}`;
    const pool = new pg.Pool({ connectionString: base, max: 1 });
    const s = new PgBenchStore(pool, schema, `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`);
    try {
      const { rows } = await pool.query<{ pid: number; v: string }>('select pg_backend_pid() as pid, version() as v');
      s.#postmaster = ppid(rows[0].pid);
      s.version = rows[0].v.split(' on ')[0];
    } catch (err) {
      await pool.end();
      throw new Error(`PostgreSQL store for the benchmark not reachable at ${base} (set IDSYNC_BENCH_PG_URL, or --store sqlite): ${(err as Error).message}`);
    }
    await s.reset();
    return s;
  }

  version = '';

  /** An empty store: idsync creates the schema and its tables when it opens the URL. */
  async reset(): Promise<void> {
    await this.#pool.query(`drop schema if exists ${this.#schema} cascade`);
  }

  /** CPU seconds of the server's reaped backends so far, when the server is a local process we can see. */
  serverCpu(): number | undefined {
    if (this.#postmaster === undefined) return undefined;
    try {
      const f = procStat(this.#postmaster);
      return (Number(f[13]) + Number(f[14])) / 100; // cutime + cstime, USER_HZ = 100 on Linux
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.reset().catch(() => undefined);
    await this.#pool.end();
  }
}

function procStat(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function ppid(pid: number): number | undefined {
  try {
    return Number(procStat(pid)[1]);
  } catch {
    return undefined; // the server is on another machine (or in a container we cannot see)
  }
}

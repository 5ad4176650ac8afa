import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Whether a PostgreSQL store has run exactly these migrations, in one query and without a lock:
 * then opening it has nothing to migrate. Kysely's Migrator, run on every open, first looks for
 * its own tables by listing every column of every table in the database (introspection) and
 * waits for the migration lock, which every store in the same database shares: measured 0.3 s
 * and up to 0.9 s per run on a database that holds other stores (the test suites' schemas).
 * Anything else (no schema yet, a migration missing, one unknown) goes the full way.
 */
export async function pgMigrationsCurrent(db: Kysely<Database>, names: readonly string[]): Promise<boolean> {
  try {
    // Unqualified: the store's connections have its schema first on their search path, where the
    // Migrator keeps its table (src/store/db.ts).
    const { rows } = await sql<{ names: string[] | null }>`select array_agg(name) as names from kysely_migration`.execute(db);
    const stored = [...(rows[0]?.names ?? [])].sort();
    const wanted = [...names].sort();
    return stored.length === wanted.length && stored.every((n, i) => n === wanted[i]);
  } catch (err) {
    if ((err as { code?: string }).code === '42P01' || (err as { code?: string }).code === '3F000') return false; // no table, no schema
    throw err;
  }
}

/**
 * The migrations a PostgreSQL store has run beyond these, when it has run all of these: a newer
 * idsync migrated it. Issue 16 (rolling upgrades): migrations only add (docs/multi-node.md), so a
 * node of the version before keeps working on the newer schema and opens it without migrating;
 * Kysely's Migrator would refuse a store with a migration it does not know. Undefined otherwise.
 */
export async function pgMigrationsNewer(db: Kysely<Database>, names: readonly string[]): Promise<string[] | undefined> {
  try {
    const { rows } = await sql<{ names: string[] | null }>`select array_agg(name) as names from kysely_migration`.execute(db);
    const stored = new Set(rows[0]?.names ?? []);
    const extra = [...stored].filter((n) => !names.includes(n)).sort();
    return names.every((n) => stored.has(n)) && extra.length ? extra : undefined;
  } catch (err) {
    if ((err as { code?: string }).code === '42P01' || (err as { code?: string }).code === '3F000') return undefined;
    throw err;
  }
}

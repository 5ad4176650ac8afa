import { sql } from 'kysely';
import type { Db } from '../db-handle.js';

/**
 * For a bulk load of memberships (a directory's first sync), the PostgreSQL counterpart of
 * SqliteFastPath.suspendMemberUserIndex: drops group_members' two foreign keys and its user_id
 * index, and `restore()` puts them back as they were. Each inserted membership otherwise costs two
 * foreign-key lookups run one by one by triggers, and an index entry in random order: measured on
 * 100,000 memberships, 3.8 s with them against 0.95 s loading without and adding them back (the
 * index built from sorted data, each key checked in one join).
 *
 * Only inside a transaction, and only when the load brings more memberships than the table holds
 * (else checking the rows already there costs more than it saves). Dropping a foreign key locks the
 * tables it joins (group_members, users, groups) until the transaction ends, so readers wait for
 * the end of this first sync's last transaction: the lock is taken with a short timeout, under a
 * savepoint, and when another transaction holds the tables the load runs with the checks instead.
 */
export async function pgSuspendMemberChecks(
  db: Db,
  incoming: number,
  opts: { lockTimeoutMs?: number } = {},
): Promise<{ restore: () => Promise<void> } | undefined> {
  if (!db.isTransaction) throw new Error('pgSuspendMemberChecks() needs an open transaction');
  const { rows: count } = await sql<{ n: string }>`select count(*) as n from group_members`.execute(db);
  if (incoming <= Number(count[0].n)) return undefined;
  const { rows: fks } = await sql<{ name: string; def: string }>`select conname as name, pg_get_constraintdef(oid) as def
    from pg_constraint where conrelid = 'group_members'::regclass and contype = 'f'`.execute(db);
  const { rows: idx } = await sql<{ def: string }>`select pg_get_indexdef(indexrelid) as def from pg_index
    where indrelid = 'group_members'::regclass and indexrelid = to_regclass('group_members_user')`.execute(db);
  await sql`savepoint idsync_bulk_members`.execute(db);
  try {
    await sql`set local lock_timeout = ${sql.lit(`${opts.lockTimeoutMs ?? 2000}ms`)}`.execute(db);
    for (const fk of fks) await sql`alter table group_members drop constraint ${sql.id(fk.name)}`.execute(db);
    if (idx.length) await sql`drop index group_members_user`.execute(db);
    await sql`set local lock_timeout = default`.execute(db);
    await sql`release savepoint idsync_bulk_members`.execute(db);
  } catch (err) {
    // 55P03 lock_not_available: someone is using the tables; load with the checks in place.
    if ((err as { code?: string }).code !== '55P03') throw err;
    await sql`rollback to savepoint idsync_bulk_members`.execute(db);
    await sql`set local lock_timeout = default`.execute(db);
    return undefined;
  }
  return {
    restore: async () => {
      // Definitions as the server printed them: whatever a migration made them, they come back the same.
      for (const i of idx) await sql.raw(i.def).execute(db);
      if (fks.length)
        await sql.raw(`alter table group_members ${fks.map((fk) => `add constraint "${fk.name.replace(/"/g, '""')}" ${fk.def}`).join(', ')}`).execute(db);
    },
  };
}

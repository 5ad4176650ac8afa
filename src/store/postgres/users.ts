import { sql } from 'kysely';
import type { Db } from '../db-handle.js';
import type { NewUserRow, UserPatch, UserRow } from '../sync/rows.js';
import { intArray, nullableIntArray } from './arrays.js';

/**
 * The sync write path's user statements for PostgreSQL, one round trip per page of users: the
 * SQLite store runs a cached statement per row in-process (sqlite-fast-path.ts), which over a
 * network would be a round trip per row.
 */

/** Every users column a sync writes (NewUserRow), with its PostgreSQL type for unnest. */
const COLUMNS: Readonly<Record<string, 'text' | 'int'>> = {
  username: 'text',
  username_key: 'text',
  directory_id: 'int',
  external_id: 'text',
  dn: 'text',
  dn_key: 'text',
  source_hash: 'text',
  aliases: 'text',
  full_name: 'text',
  first_name: 'text',
  last_name: 'text',
  email: 'text',
  phones: 'text',
  notes: 'text',
  status: 'text',
  status_reason: 'text',
  sync_item: 'text',
  trashed_at: 'text',
  delete_after: 'text',
  created_at: 'text',
  updated_at: 'text',
};
const INSERT_COLUMNS = Object.keys(COLUMNS);

function columnArray(name: string, values: unknown[]): unknown {
  return COLUMNS[name] === 'int' ? nullableIntArray(values as (number | null)[]) : values.map((v) => (v === undefined ? null : v));
}

/** The casts of an unnest over the given columns: `$1::text[], $2::int[], …` as Kysely parameters. */
function unnestOf(names: string[], arrays: unknown[]) {
  return sql.join(names.map((n, i) => sql`${arrays[i]}::${sql.raw(COLUMNS[n] === 'int' ? 'int[]' : 'text[]')}`));
}

/**
 * The directory's users among these external ids, in one query: one index probe per id. Written
 * as a lateral subquery behind `offset 0` (which the planner does not flatten) because the plain
 * forms (`external_id = any($2)`, a join to unnest) are planned from statistics, and during a
 * first sync those are stale: the planner believed the directory held 37 users of 50,000, read
 * all of them for every page (12 ms a page at 50,000, growing with the table: 2.4 s of a
 * 100,000-user first sync) instead of probing the unique index (1 ms).
 */
export async function pgUsersByExternalId(db: Db, directoryId: number, externalIds: readonly string[]): Promise<Map<string, UserRow>> {
  const out = new Map<string, UserRow>();
  if (!externalIds.length) return out;
  const { rows } = await sql<UserRow>`select u.* from unnest(${externalIds}::text[]) as k(id)
    cross join lateral (select * from users where directory_id = ${directoryId} and external_id = k.id offset 0) as u`.execute(db);
  for (const r of rows) out.set(r.external_id!, r);
  return out;
}

/** The users holding these (lower-cased) usernames, in one query: one index probe each, as above. */
export async function pgUsersByUsernameKey(db: Db, keys: readonly string[]): Promise<Map<string, UserRow>> {
  const out = new Map<string, UserRow>();
  if (!keys.length) return out;
  const { rows } = await sql<UserRow>`select u.* from unnest(${keys}::text[]) as k(key)
      cross join lateral (select * from users where username_key = k.key offset 0) as u`.execute(db);
  for (const r of rows) out.set(r.username_key, r);
  return out;
}

/**
 * Inserts a page of new users in one statement and gives their ids in the order of `rows`.
 * The page travels as one JSON parameter (json_to_recordset): JSON.stringify runs natively,
 * where 21 array parameters were quoted element by element by the driver (escapeElement, 0.7 s
 * of a 100,000-user first sync). Matched back by username_key, which is unique and never null:
 * PostgreSQL does not promise RETURNING rows in input order.
 */
export async function pgInsertUsers(db: Db, rows: readonly NewUserRow[]): Promise<number[]> {
  if (!rows.length) return [];
  const { rows: back } = await sql<{ id: number; username_key: string }>`insert into users (${sql.join(INSERT_COLUMNS.map((c) => sql.id(c)))})
    select ${sql.join(INSERT_COLUMNS.map((c) => sql`t.${sql.id(c)}`))} from json_to_recordset(${JSON.stringify(rows, INSERT_COLUMNS)}::json)
    as t(${sql.raw(INSERT_COLUMNS.map((c) => `${c} ${COLUMNS[c] === 'int' ? 'int' : 'text'}`).join(', '))})
    returning id, username_key`.execute(db);
  const idOf = new Map(back.map((r) => [r.username_key, r.id]));
  return rows.map((r) => {
    const id = idOf.get(r.username_key);
    if (id === undefined) throw new Error(`pgInsertUsers: no id returned for ${r.username_key}`);
    return id;
  });
}

/**
 * Applies a page of user updates: one `UPDATE … FROM unnest(…)` per set of columns changed (a page
 * has a few: digests only, digests and names, a status change…), not one per user.
 */
export async function pgUpdateUsers(db: Db, updates: readonly { id: number; set: UserPatch }[]): Promise<void> {
  const shapes = new Map<string, { columns: string[]; items: { id: number; set: UserPatch }[] }>();
  for (const u of updates) {
    const columns = Object.keys(u.set)
      .filter((c) => (u.set as Record<string, unknown>)[c] !== undefined)
      .sort();
    if (!columns.length) continue;
    for (const c of columns) if (!(c in COLUMNS)) throw new Error(`pgUpdateUsers: ${c} is not a user column a sync writes`);
    const key = columns.join(',');
    let shape = shapes.get(key);
    if (!shape) shapes.set(key, (shape = { columns, items: [] }));
    shape.items.push(u);
  }
  for (const { columns, items } of shapes.values()) {
    const arrays = columns.map((c) =>
      columnArray(
        c,
        items.map((u) => (u.set as Record<string, unknown>)[c] ?? null),
      ),
    );
    const v = columns.map((_, i) => `c${i}`);
    await sql`update users as u set ${sql.join(columns.map((c, i) => sql`${sql.id(c)} = v.${sql.raw(v[i])}`))}
      from unnest(${intArray(items.map((u) => u.id))}::int[], ${unnestOf(columns, arrays)}) as v(id, ${sql.raw(v.join(', '))})
      where u.id = v.id`.execute(db);
  }
}

/**
 * [id, external id, source digest] of the directory's users that are not in the trash, as JSON
 * arrays built by the server: what a full sync compares against. One value parsed by JSON.parse
 * costs a fraction of 100,000 rows through the driver's row parser. They come `chunk` users to a
 * value, in id order: as one value, 100,000 users made a 9 MB message that the driver gathers in a
 * buffer doubled to 16 MB, then a 9 MB string, and a re-sync's peak RSS 10-15 MB higher
 * (issue 11: peak memory); ten round trips cost a few milliseconds.
 */
export async function pgDirectoryUsers(db: Db, directoryId: number, chunk = 10_000): Promise<[number, string, string | null][]> {
  const out: [number, string, string | null][] = [];
  for (let after = 0; ; ) {
    const { rows } = await sql<{ j: string | null }>`select json_agg(json_build_array(id, external_id, source_hash) order by id)::text as j
      from (select id, external_id, source_hash from users where directory_id = ${directoryId} and status != 'trashed' and external_id is not null
        and id > ${after} order by id limit ${chunk}) u`.execute(db);
    const part = rows[0]?.j ? (JSON.parse(rows[0].j) as [number, string, string | null][]) : [];
    for (const r of part) out.push(r);
    if (part.length < chunk) return out;
    after = part[part.length - 1][0];
  }
}

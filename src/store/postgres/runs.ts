import { sql } from 'kysely';
import type { Db } from '../db.js';
import { nullableIntArray } from './arrays.js';

export interface RunObjectRow {
  run_id: number;
  object_type: string;
  name: string;
  external_id: string | null;
  user_id: number | null;
  outcome: string;
  detail: string | null;
}

/** A page of a run's log (run_objects) in one statement, where multi-row VALUES took one per 200 rows. */
export async function pgInsertRunObjects(db: Db, rows: readonly RunObjectRow[]): Promise<void> {
  if (!rows.length) return;
  const text = (k: 'object_type' | 'name' | 'external_id' | 'outcome' | 'detail') => rows.map((r) => r[k] ?? null);
  await sql`insert into run_objects (run_id, object_type, name, external_id, user_id, outcome, detail)
    select * from unnest(${nullableIntArray(rows.map((r) => r.run_id))}::int[], ${text('object_type')}::text[], ${text('name')}::text[], ${text('external_id')}::text[],
      ${nullableIntArray(rows.map((r) => r.user_id))}::int[], ${text('outcome')}::text[], ${text('detail')}::text[])`.execute(db);
}

import { sql } from 'kysely';
import type { Db } from '../db-handle.js';

export interface RunObjectRow {
  run_id: number;
  object_type: string;
  name: string;
  external_id: string | null;
  user_id: number | null;
  outcome: string;
  detail: string | null;
}

const COLUMNS = ['run_id', 'object_type', 'name', 'external_id', 'user_id', 'outcome', 'detail'];

/**
 * A page of a run's log (run_objects) in one statement, where multi-row VALUES took one per 200
 * rows. One JSON parameter, as pgInsertUsers does: the driver's quoting of array elements cost
 * more than the native JSON.stringify.
 */
export async function pgInsertRunObjects(db: Db, rows: readonly RunObjectRow[]): Promise<void> {
  if (!rows.length) return;
  await sql`insert into run_objects (run_id, object_type, name, external_id, user_id, outcome, detail)
    select t.run_id, t.object_type, t.name, t.external_id, t.user_id, t.outcome, t.detail from json_to_recordset(${JSON.stringify(rows, COLUMNS)}::json)
    as t(run_id int, object_type text, name text, external_id text, user_id int, outcome text, detail text)`.execute(db);
}

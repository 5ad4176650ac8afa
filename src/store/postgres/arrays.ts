/**
 * Array parameters for the bulk statements of this folder. A page of rows goes to PostgreSQL as
 * one array per column and comes apart again in `unnest(…)`: one statement, one round trip and one
 * plan, whatever the number of rows, where a multi-row VALUES list costs a parameter per value
 * and is parsed and planned anew for every length.
 *
 * node-postgres turns a JS array parameter into an array literal itself, quoting each element
 * (text columns: strings and nulls). Integer arrays are written here as the literal directly:
 * `{1,2,3}` is what the driver would build, without its per-element quoting, and a typed array
 * (the membership lists are Float64Arrays) would otherwise be sent as raw bytes.
 */
export function intArray(ids: ArrayLike<number>): string {
  let s = '{';
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i];
    if (!Number.isInteger(v)) throw new Error(`intArray: ${v} is not an integer id`);
    s += i ? `,${v}` : String(v);
  }
  return `${s}}`;
}

/** The same for integer columns that may be null (run_objects.user_id, users.directory_id). */
export function nullableIntArray(ids: ArrayLike<number | null | undefined>): string {
  const parts: string[] = new Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i];
    if (v == null) parts[i] = 'NULL';
    else if (!Number.isInteger(v)) throw new Error(`nullableIntArray: ${v} is not an integer id`);
    else parts[i] = String(v);
  }
  return `{${parts.join(',')}}`;
}

/** The ids of a comma-separated list as PostgreSQL's string_agg returns it ('' or null: none). */
export function parseIds(list: string | null): Float64Array {
  if (!list) return new Float64Array(0);
  const parts = list.split(',');
  const out = new Float64Array(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = Number(parts[i]);
  return out;
}

import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * What the store's query modules run on: the store's Kysely instance or a transaction of it. Kept
 * apart from db.ts, which builds the store's interfaces from these modules: importing the type
 * from db.ts would make each of them part of an import cycle.
 */
export type Db = Kysely<Database> | Transaction<Database>;

export type StoreDialect = 'sqlite' | 'postgres';

/** COUNT(*) comes back as a number from SQLite and as a string (bigint) from PostgreSQL. */
export function countOf(row: { n: number | string | bigint } | undefined): number {
  return Number(row?.n ?? 0);
}

/** One page of a listing and the number of rows the filter matches in all. */
export interface Page<T> {
  items: T[];
  total: number;
}

/**
 * The right-hand side of `lower(column) LIKE …` that finds `text` anywhere, case-insensitively,
 * with the caller's % and _ taken literally (the same on SQLite and PostgreSQL).
 */
export function containing(text: string) {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  return sql<string>`${pattern} escape '\\'`;
}

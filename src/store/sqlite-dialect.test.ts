import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './sqlite-dialect.js';

describe('the SQLite statement cache', () => {
  /** A database whose prepares are counted in `prepared`. */
  const open = () => {
    const raw = new BetterSqlite3(path.join(mkdtempSync(path.join(tmpdir(), 'idsync-stmt-')), 'db.sqlite'));
    const prepared: string[] = [];
    const counted = {
      close: () => raw.close(),
      prepare: (sql: string) => {
        prepared.push(sql);
        return raw.prepare(sql);
      },
    };
    return { counted, prepared };
  };

  it('prepares a statement once per SQL text, and follows a schema change', () => {
    const { counted, prepared } = open();
    const db = withStatementCache(counted);
    db.prepare('create table t (a integer)').run([]);
    const insert = 'insert into t (a) values (?)';
    for (let i = 0; i < 5; i++) db.prepare(insert).run([i]);
    expect(prepared.filter((s) => s === insert)).toHaveLength(1);
    const all = 'select * from t order by a limit 1';
    expect(db.prepare(all).all([])).toEqual([{ a: 0 }]);
    db.prepare("alter table t add column b text default 'x'").run([]);
    // The same cached statement now sees the new column (SQLite re-prepares it itself).
    expect(db.prepare(all).all([])).toEqual([{ a: 0, b: 'x' }]);
    expect(prepared.filter((s) => s === all)).toHaveLength(1);
    db.close();
  });

  it('keeps at most its size, dropping the least recently used', () => {
    const { counted, prepared } = open();
    const db = withStatementCache(counted, 2);
    const q = (n: number) => `select ${n} as n`;
    db.prepare(q(1));
    db.prepare(q(2));
    db.prepare(q(1)); // 1 is now the most recent
    db.prepare(q(3)); // drops 2
    db.prepare(q(1));
    db.prepare(q(2));
    expect(prepared).toEqual([q(1), q(2), q(3), q(2)]);
    db.close();
  });
});

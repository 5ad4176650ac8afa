import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Store } from './db.js';

/** The SQLite store holds password hashes: it and its WAL and SHM files are for their owner only (issue 10 item 12). */
const mode = (f: string) => statSync(f).mode & 0o777;

describe('SQLite store files', () => {
  it('are created 0600, the database, its WAL and its shared-memory file, whatever the umask', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idsync-mode-'));
    const file = path.join(dir, 'sub', 'store.db');
    const old = process.umask(0o022);
    try {
      const store = await Store.open(`sqlite:${file}`);
      await store.db
        .insertInto('directories')
        .values({ name: 'x', type: 'openldap', username_attribute: 'uid', first_synced_at: null, created_at: 'x' })
        .execute();
      expect({ db: mode(file), wal: mode(`${file}-wal`), shm: mode(`${file}-shm`) }).toEqual({ db: 0o600, wal: 0o600, shm: 0o600 });
      await store.close();
    } finally {
      process.umask(old);
    }
  });

  it('narrows an existing store that others can read to 0600 when it is opened', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idsync-mode-'));
    const file = path.join(dir, 'store.db');
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.exec('create table t (x)');
    db.close();
    chmodSync(file, 0o644);
    writeFileSync(`${file}-wal`, '');
    chmodSync(`${file}-wal`, 0o644);
    const store = await Store.open(`sqlite:${file}`);
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    await store.close();
  });
});

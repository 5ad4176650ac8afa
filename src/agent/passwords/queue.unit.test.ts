import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../secret.js';
import { PasswordQueue } from './queue.js';

describe('PasswordQueue (issue 14)', () => {
  it('keeps batches encrypted, 0600, in order across restarts, and forgets acknowledged ones', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'idsync-pq-')), 'q');
    const key = new Secret('sk_test_secret');
    const q = new PasswordQueue(dir, key);
    expect(q.push({ u: 'alice.secret-name' })).toBe(1);
    expect(q.push({ u: 'bob' })).toBe(2);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(dir)) {
      expect(statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
      expect(readFileSync(path.join(dir, f), 'latin1')).not.toContain('alice');
    }
    const again = new PasswordQueue(dir, key);
    expect(again.epoch).toBe(q.epoch);
    expect(again.pending()).toEqual([
      { seq: 1, body: { u: 'alice.secret-name' } },
      { seq: 2, body: { u: 'bob' } },
    ]);
    again.ack(1);
    expect(again.push({ u: 'carol' })).toBe(3);
    expect(new PasswordQueue(dir, key).pending().map((b) => b.seq)).toEqual([2, 3]);
    expect(() => new PasswordQueue(dir, new Secret('another key')).pending()).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import type { Provisioning } from '../store/provisioning.js';
import { GroupCommit, type OutboxTransact } from './group-commit.js';

/** A transaction that records which writes ran in it, and fails as a whole when one of them throws. */
function fakeStore() {
  const transactions: string[][] = [];
  const committed: string[] = [];
  const transact: OutboxTransact = async (fn) => {
    const ran: string[] = [];
    const outbox = { ran } as unknown as Provisioning;
    const out = await fn(outbox);
    transactions.push(ran);
    committed.push(...ran);
    return out;
  };
  const write =
    (name: string, fail = false) =>
    async (o: Provisioning) => {
      if (fail) throw new Error(`${name} refused`);
      (o as unknown as { ran: string[] }).ran.push(name);
    };
  return { transactions, committed, transact, write };
}

describe('GroupCommit: the outbox writes of the users in flight share transactions', () => {
  it('puts the writes that arrive together into one transaction, and resolves each once committed', async () => {
    const { transactions, committed, transact, write } = fakeStore();
    const gc = new GroupCommit(transact);
    const done: string[] = [];
    await Promise.all(['a', 'b', 'c'].map((n) => gc.run(write(n)).then(() => done.push(n))));
    expect(transactions).toEqual([['a', 'b', 'c']]);
    expect(committed).toEqual(done);
  });

  it('a write that arrives while a transaction runs goes into the next one', async () => {
    const { transactions, transact, write } = fakeStore();
    const gc = new GroupCommit(transact);
    const first = gc.run(write('a'));
    await new Promise((r) => setImmediate(r));
    await Promise.all([first, gc.run(write('b')), gc.run(write('c'))]);
    expect(transactions).toEqual([['a'], ['b', 'c']]);
  });

  it("one write's failure is its own: the others of its batch are committed", async () => {
    const { committed, transact, write } = fakeStore();
    const gc = new GroupCommit(transact);
    const results = await Promise.allSettled([gc.run(write('a')), gc.run(write('b', true)), gc.run(write('c'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('b refused');
    expect(committed).toEqual(['a', 'c']);
  });
});

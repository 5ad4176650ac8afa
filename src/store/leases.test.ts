import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { LEASE_TTL_MS, leaseStore } from './leases.js';

/** Leases on both backends, each store opened twice (two processes' views of one store). */
const backends = storeBackends('lease');

describe.each(backends)('leases on %s', (_name, makeUrl) => {
  it('one holder per name; the others are refused until it is released; list says who holds it', async () => {
    const url = makeUrl();
    const a = leaseStore(await openTestStore(url));
    const b = leaseStore(await openTestStore(url));
    const held = await a.tryAcquire('directory:corp');
    expect(held).toBeDefined();
    expect(held!.valid()).toBe(true);
    expect(await b.tryAcquire('directory:corp')).toBeUndefined();
    // Another name is independent.
    const other = await b.tryAcquire('directory:other');
    expect(other).toBeDefined();
    const list = await b.list();
    expect(list.find((l) => l.name === 'directory:corp')).toMatchObject({ holder: held!.holder, pid: process.pid, held: true });

    await held!.release();
    expect(held!.lost.aborted).toBe(true);
    expect(held!.valid()).toBe(false);
    const taken = await b.tryAcquire('directory:corp');
    expect(taken).toBeDefined();
    expect(await a.tryAcquire('directory:corp')).toBeUndefined();
    await taken!.release();
    await other!.release();
  });
});

describe('leases on sqlite', () => {
  it('a lapsed heartbeat frees the lease, and its old holder finds out before writing', async () => {
    const url = backends[0][1]();
    const sa = await openTestStore(url);
    const a = leaseStore(sa);
    const b = leaseStore(await openTestStore(url));
    const held = (await a.tryAcquire('directory:corp'))!;
    // As if the holder had stalled (or died) past the expiry.
    const past = (ms: number) => new Date(Date.now() - ms).toISOString();
    await sa.db
      .updateTable('leases')
      .set({ heartbeat_at: past(LEASE_TTL_MS + 1000), expires_at: past(1000) })
      .execute();
    expect((await b.list())[0].held).toBe(false);
    const taken = await b.tryAcquire('directory:corp');
    expect(taken).toBeDefined();
    // Its local expiry has not passed (it was set at acquisition), but its next heartbeat finds the row taken.
    await new Promise((r) => setTimeout(r, 3_500));
    expect(held.lost.aborted).toBe(true);
    expect(held.valid()).toBe(false);
    await taken!.release();
  });

  it('a holder on this machine whose process is gone is replaced at once, not after the expiry', async () => {
    const sa = await openTestStore(backends[0][1]());
    const future = new Date(Date.now() + LEASE_TTL_MS).toISOString();
    const now = new Date().toISOString();
    // A pid above Linux's pid_max: no such process.
    await sa.db
      .insertInto('leases')
      .values({ name: 'directory:corp', holder: 'crashed', host: hostname(), pid: 2_000_000_000, acquired_at: now, heartbeat_at: now, expires_at: future })
      .execute();
    const taken = await leaseStore(sa).tryAcquire('directory:corp');
    expect(taken).toBeDefined();
    // One on another machine is left until it expires (its pid means nothing here).
    await sa.db
      .insertInto('leases')
      .values({
        name: 'directory:other',
        holder: 'elsewhere',
        host: 'another-host',
        pid: 2_000_000_000,
        acquired_at: now,
        heartbeat_at: now,
        expires_at: future,
      })
      .execute();
    expect(await leaseStore(sa).tryAcquire('directory:other')).toBeUndefined();
    await taken!.release();
  });
});

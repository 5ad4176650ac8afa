import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { createLogger } from '../log.js';
import { Store } from './db.js';
import { NodeJobs } from './node-jobs.js';
import { listNodes, NodePresence, type NodeMessage } from './nodes.js';
import { pgMigrationsNewer } from './postgres/migrations-check.js';
import { IdsyncMigrations } from './migrations.js';

/** Issue 16: the nodes of a store and the work they pass to each other, on both backends. */
const backends = storeBackends('nodes');
const log = createLogger('silent');

describe.each(backends)('nodes on %s', (name, makeUrl) => {
  it('a node is listed alive while it runs, and its row goes when it stops', async () => {
    const url = makeUrl();
    const a = await openTestStore(url);
    const b = await openTestStore(url);
    const node = await NodePresence.start(a, { name: 'hub-a', version: '1.2.3', log });
    expect(node.shared).toBe(name === 'postgres');
    const seen = await listNodes(b);
    expect(seen).toEqual([expect.objectContaining({ id: node.id, name: 'hub-a', version: '1.2.3', pid: process.pid, alive: true })]);
    await node.stop();
    expect(await listNodes(b)).toEqual([]);
  });

  it('a job is claimed by one node only, and its outcome read back; unclaimed work is withdrawn; running work of a dead node fails', async () => {
    const url = makeUrl();
    const jobs = new NodeJobs(await openTestStore(url));
    const other = new NodeJobs(await openTestStore(url));
    const id = await jobs.submit('corp', 'user', { username: 'ann' }, 'hub-a:1');
    expect(await other.queued(['corp', 'else'])).toEqual([{ id, directory: 'corp' }]);
    const claims = await Promise.all([jobs.claim(id, 'hub-b:2'), other.claim(id, 'hub-c:3')]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(claims.find(Boolean)).toMatchObject({ id, kind: 'user', args: { username: 'ann' }, state: 'running' });
    expect(await jobs.queued(['corp'])).toEqual([]);
    await other.finish(id, true, { runId: 7 });
    expect(await jobs.get(id)).toMatchObject({ state: 'done', result: { runId: 7 } });

    const waiting = await jobs.submit('corp', 'sync', {}, 'hub-a:1');
    expect(await jobs.withdraw(waiting, { error: { code: 'NODE_UNAVAILABLE', message: 'nobody' } })).toBe(true);
    expect(await other.claim(waiting, 'hub-b:2')).toBeUndefined();

    const orphan = await jobs.submit('corp', 'sync', {}, 'hub-a:1');
    await jobs.claim(orphan, 'hub-dead:9');
    const alive = await jobs.submit('corp', 'sync', {}, 'hub-a:1');
    await jobs.claim(alive, 'hub-b:2');
    expect(await other.failOrphans(['hub-a:1', 'hub-b:2'], { error: { code: 'NODE_UNAVAILABLE', message: 'gone' } })).toBe(1);
    expect(await jobs.get(orphan)).toMatchObject({ state: 'failed', result: { error: { code: 'NODE_UNAVAILABLE' } } });
    expect(await jobs.get(alive)).toMatchObject({ state: 'running' });
  });
});

describe('nodes on postgres', () => {
  const makeUrl = backends[1][1];

  it('tells the other nodes by NOTIFY, and a node whose connection ends counts as dead at once', async () => {
    const url = makeUrl();
    const a = await NodePresence.start(await openTestStore(url), { name: 'hub-a', version: '1', log });
    const b = await NodePresence.start(await openTestStore(url), { name: 'hub-b', version: '1', log });
    const got: NodeMessage[] = [];
    b.onMessage((m) => got.push(m));
    expect(await a.send('job', { id: 1, directory: 'corp' })).toBe(true);
    await expect.poll(() => got).toEqual([{ topic: 'job', from: a.id, body: { id: 1, directory: 'corp' } }]);
    // Too long for a NOTIFY: not sent (the job row is what counts; events are best effort).
    expect(await a.send('event', { text: 'x'.repeat(9000) })).toBe(false);

    // Another store in the same database hears nothing of this one's.
    const stranger = await NodePresence.start(await openTestStore(makeUrl()), { name: 'hub-x', version: '1', log });
    const strangerGot: NodeMessage[] = [];
    stranger.onMessage((m) => strangerGot.push(m));
    await a.send('job', { id: 2, directory: 'corp' });
    await expect.poll(() => got.length).toBe(2);
    expect(strangerGot).toEqual([]);

    // The node's connection is ended from the server's side (what PostgreSQL does when a node is
    // killed): its lock goes, and it is dead to the others at once, row or not.
    const store = await openTestStore(url);
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'idsync node hub-a'`.execute(store.db);
    await expect.poll(async () => (await listNodes(store)).find((n) => n.id === a.id)?.alive, { timeout: 900, interval: 50 }).toBe(false);
    expect((await listNodes(store)).find((n) => n.id === b.id)?.alive).toBe(true);
    // It connects again by itself and is alive again.
    await expect.poll(async () => (await listNodes(store)).find((n) => n.id === a.id)?.alive, { timeout: 10_000 }).toBe(true);
    await Promise.all([a.stop(), b.stop(), stranger.stop()]);
  });

  it('opens a store a newer idsync migrated (a rolling upgrade, one version apart) without migrating it', async () => {
    const url = makeUrl();
    const store = await openTestStore(url);
    const names = Object.keys(await new IdsyncMigrations('postgres').getMigrations());
    expect(await pgMigrationsNewer(store.db, names)).toBeUndefined();
    await sql`insert into kysely_migration (name, timestamp) values ('9999_future', ${new Date().toISOString()})`.execute(store.db);
    expect(await pgMigrationsNewer(store.db, names)).toEqual(['9999_future']);
    const again = await Store.open(url);
    await again.close();
  });
});

import { describe, expect, it } from 'vitest';
import { MemoryOutbox, MemoryReader, MemoryTarget } from '../../test/support/provision-fakes.js';
import { resolveProvisioning } from '../config/provisioning.js';
import { IdsyncError } from '../errors.js';
import { Secret } from '../secret.js';
import { backoffMs, deliverDue, type DeliveryContext } from './deliver.js';
import { reconcile } from './reconcile.js';

const T0 = new Date('2026-12-03T12:00:00Z');
const PASSWORD = 'Corr3ct-Horse-Battery';

function setup() {
  const cfg = resolveProvisioning(
    {
      userContainer: 'ou=people,dc=example,dc=test',
      groupContainer: 'ou=groups,dc=example,dc=test',
      users: 'all-local',
      groups: 'all',
      attributes: {},
      passwords: true,
    },
    'openldap',
    'dc=example,dc=test',
    'directories[0]',
  );
  const reader = new MemoryReader();
  reader.addUser({ id: 1, username: 'ann', fullName: 'Ann Smith', lastName: 'Smith', email: 'ann@example.test' });
  reader.addUser({ id: 2, username: 'bob', fullName: 'Bob Jones', lastName: 'Jones' });
  reader.addGroup(10, 'eng', [1, 2]);
  const target = new MemoryTarget('openldap');
  const outbox = new MemoryOutbox();
  let now = T0;
  const ctx: DeliveryContext = {
    directoryId: 1,
    directory: 'ldap',
    cfg,
    target,
    outbox,
    reader,
    unseal: (s) => new Secret(s.replace(/^sealed:/, '')),
    now: () => now,
    // One at a time, so the tests below can assert the exact order of every call.
    inFlight: 1,
  };
  const at = (ms: number) => {
    now = new Date(T0.getTime() + ms);
  };
  return { ctx, reader, target, outbox, at };
}

async function enqueueAll(outbox: MemoryOutbox, password?: string) {
  await outbox.enqueue(1, 'group', 10, null, T0);
  await outbox.enqueue(1, 'user', 1, password ? `sealed:${password}` : null, T0);
  await outbox.enqueue(1, 'user', 2, null, T0);
}

describe('deliverDue: the outbox loop for one target (issue 12, "Delivery")', () => {
  it('creates users before groups: disabled, then the password with the enabling; records each export; clears the password', async () => {
    const { ctx, target, outbox } = setup();
    await enqueueAll(outbox, PASSWORD);
    const report = await deliverDue(ctx);
    expect(report).toEqual({ delivered: 3, failures: [] });
    expect(target.calls).toEqual([
      'createUser uid=ann,ou=people,dc=example,dc=test',
      'setPassword uid=ann,ou=people,dc=example,dc=test +enable',
      'createUser uid=bob,ou=people,dc=example,dc=test',
      'setEnabled uid=bob,ou=people,dc=example,dc=test true',
      'createGroup cn=eng,ou=groups,dc=example,dc=test',
    ]);
    expect(target.user('ann')).toMatchObject({ enabled: true, password: PASSWORD, attributes: { cn: ['Ann Smith'], mail: ['ann@example.test'] } });
    expect(target.group('eng')?.attributes.member).toEqual(['uid=ann,ou=people,dc=example,dc=test', 'uid=bob,ou=people,dc=example,dc=test']);
    expect(outbox.rows.size).toBe(0);
    const rec = await outbox.record(1, 'user', 1);
    expect(rec).toMatchObject({ state: 'exported', targetId: target.user('ann')!.id, targetDn: 'uid=ann,ou=people,dc=example,dc=test', permanent: false });
    expect(JSON.stringify([...outbox.recs.values(), report])).not.toContain(PASSWORD);
    // Nothing left to do: a second pass writes nothing, and reconcile finds nothing to enqueue.
    await deliverDue(ctx);
    expect(target.calls).toHaveLength(5);
    expect(await reconcile(ctx)).toEqual({ users: 0, groups: 0, unknownGroups: [] });
  });

  it('delivers every row due, not only the first page of them (a backlog larger than a pass)', async () => {
    const { ctx, reader, target, outbox } = setup();
    for (let id = 3; id <= 7; id++) reader.addUser({ id, username: `u${id}`, fullName: `User ${id}`, lastName: `${id}` });
    for (let id = 1; id <= 7; id++) await outbox.enqueue(1, 'user', id, null, T0);
    const report = await deliverDue({ ...ctx, limit: 2 });
    // The seven users, and the group that lists two of them (followed into it once they exist).
    expect(report).toEqual({ delivered: 8, failures: [] });
    expect(target.calls.filter((c) => c.startsWith('createUser'))).toHaveLength(7);
    expect(target.group('eng')?.attributes.member).toHaveLength(2);
    expect(outbox.rows.size).toBe(0);
  });

  it('delivers users several at a time, each object in its own order, and groups only after every user', async () => {
    const { ctx, reader, target, outbox } = setup();
    for (let id = 3; id <= 40; id++) reader.addUser({ id, username: `u${id}`, fullName: `User ${id}`, lastName: `${id}` });
    for (let id = 1; id <= 40; id++) await outbox.enqueue(1, 'user', id, `sealed:${PASSWORD}-${id}`, T0);
    await outbox.enqueue(1, 'group', 10, null, T0);
    // Each write takes a moment, as a directory's round trip does; count how many overlap.
    let inFlight = 0;
    let most = 0;
    for (const op of ['createUser', 'setPassword', 'setEnabled'] as const) {
      const real = target[op].bind(target) as (...a: unknown[]) => Promise<unknown>;
      (target as unknown as Record<string, unknown>)[op] = async (...a: unknown[]) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return real(...a);
      };
    }
    const report = await deliverDue({ ...ctx, inFlight: 8 });
    expect(report).toEqual({ delivered: 41, failures: [] });
    expect(most).toBe(8);
    for (let id = 1; id <= 40; id++) {
      const name = id === 1 ? 'ann' : id === 2 ? 'bob' : `u${id}`;
      const own = target.calls.filter((c) => c.includes(`uid=${name},`));
      expect(own, name).toEqual([`createUser uid=${name},ou=people,dc=example,dc=test`, `setPassword uid=${name},ou=people,dc=example,dc=test +enable`]);
      expect(target.user(name)).toMatchObject({ enabled: true, password: `${PASSWORD}-${id}` });
    }
    expect(target.calls.findIndex((c) => c.startsWith('createGroup'))).toBe(target.calls.length - 1);
    expect(target.group('eng')?.attributes.member).toEqual(['uid=ann,ou=people,dc=example,dc=test', 'uid=bob,ou=people,dc=example,dc=test']);
    expect(outbox.rows.size).toBe(0);
  });

  it('keeps a row whose object changed during delivery (version bumped), with its new password', async () => {
    const { ctx, target, outbox, reader } = setup();
    reader.groups_ = []; // no group to follow the new user, so no second pass
    await outbox.enqueue(1, 'user', 1, `sealed:${PASSWORD}`, T0);
    const create = target.createUser.bind(target);
    target.createUser = async (u) => {
      const e = await create(u);
      await outbox.enqueue(1, 'user', 1, 'sealed:An0ther-Passw0rd!', T0);
      return e;
    };
    await deliverDue(ctx);
    const row = outbox.rows.get('1:user:1');
    expect(row).toMatchObject({ version: 2, sealedPassword: 'sealed:An0ther-Passw0rd!' });
    target.createUser = create;
    await deliverDue(ctx);
    expect(outbox.rows.size).toBe(0);
    expect(target.user('ann')?.password).toBe('An0ther-Passw0rd!');
    expect(target.calls.filter((c) => c.startsWith('createUser'))).toHaveLength(1);
  });

  it('keeps a row whose object changed during delivery without a new password, but not the password it delivered', async () => {
    const { ctx, target, outbox, reader } = setup();
    reader.groups_ = [];
    await outbox.enqueue(1, 'user', 1, `sealed:${PASSWORD}`, T0);
    const create = target.createUser.bind(target);
    target.createUser = async (u) => {
      const e = await create(u);
      await outbox.enqueue(1, 'user', 1, null, T0); // a mail change, say: no password
      return e;
    };
    await deliverDue(ctx);
    expect(outbox.rows.get('1:user:1')).toMatchObject({ version: 2, sealedPassword: null });
    target.createUser = create;
    await deliverDue(ctx);
    expect(outbox.rows.size).toBe(0);
    // The password went out once: the second pass had the mail change only.
    expect(target.calls.filter((c) => c.startsWith('setPassword'))).toHaveLength(1);
  });

  it('retries a failure with exponential backoff, keeping the id of what it created', async () => {
    const { ctx, target, outbox, at } = setup();
    await outbox.enqueue(1, 'user', 1, null, T0);
    target.failOn = { op: 'setEnabled', error: new IdsyncError('DIRECTORY_UNREACHABLE', 'server went away') };
    const r = await deliverDue(ctx);
    expect(r.failures).toEqual([{ kind: 'user', objectId: 1, name: 'ann', code: 'DIRECTORY_UNREACHABLE', message: 'server went away', permanent: false }]);
    expect(outbox.rows.get('1:user:1')).toMatchObject({ attempts: 1, nextAttemptAt: new Date(T0.getTime() + 5000).toISOString() });
    expect(await outbox.record(1, 'user', 1)).toMatchObject({ state: 'failed', targetId: target.user('ann')!.id, code: 'DIRECTORY_UNREACHABLE' });
    // Not due before its time.
    at(4000);
    expect((await deliverDue(ctx)).delivered).toBe(0);
    target.failOn = undefined;
    at(5000);
    expect((await deliverDue(ctx)).delivered).toBe(1);
    expect(target.user('ann')?.enabled).toBe(true);
    expect(target.calls.filter((c) => c.startsWith('createUser'))).toHaveLength(1);
    expect([1, 2, 3].map(backoffMs)).toEqual([10_000, 20_000, 40_000]);
    expect(backoffMs(30)).toBe(3_600_000);
  });

  it('after a crash between the create and its record, takes the created object as its own: created exactly once', async () => {
    const { ctx, target, outbox } = setup();
    await outbox.enqueue(1, 'user', 1, `sealed:${PASSWORD}`, T0);
    target.crashAfter = 'createUser';
    await deliverDue(ctx);
    expect(await outbox.record(1, 'user', 1)).toMatchObject({ state: 'failed', targetId: null, targetDn: 'uid=ann,ou=people,dc=example,dc=test' });
    expect(target.user('ann')?.enabled).toBe(false);
    // The retry (here at once; in life after the backoff or a restart).
    outbox.rows.get('1:user:1')!.nextAttemptAt = T0.toISOString();
    const r = await deliverDue(ctx);
    expect(r.failures).toEqual([]);
    expect(target.calls.filter((c) => c.startsWith('createUser'))).toHaveLength(1);
    expect(target.user('ann')).toMatchObject({ enabled: true, password: PASSWORD });
    expect(await outbox.record(1, 'user', 1)).toMatchObject({ state: 'exported', targetId: target.user('ann')!.id });
  });

  it('keeps a permanent failure (a conflict) until the object changes again, and reconcile leaves it alone', async () => {
    const { ctx, target, outbox, reader } = setup();
    target.seed('user', 'uid=ann,ou=elsewhere,dc=example,dc=test', { uid: ['ann'] });
    await outbox.enqueue(1, 'user', 1, null, T0);
    const r = await deliverDue(ctx);
    expect(r.failures[0]).toMatchObject({ code: 'PROVISION_CONFLICT', permanent: true });
    expect(await outbox.record(1, 'user', 1)).toMatchObject({ state: 'conflict', code: 'PROVISION_CONFLICT', permanent: true });
    expect((await outbox.due(1, new Date('2027-01-01T00:00:00Z'), 10)).length).toBe(0);
    expect((await reconcile(ctx)).users).toBe(1); // bob, never exported; not ann
    expect(outbox.rows.get('1:user:1')?.version).toBe(1);
    // The object changes without the outbox (as a synced user does): reconcile sees a new digest.
    reader.user(1).email = 'ann@new.test';
    expect((await reconcile(ctx)).users).toBe(1);
    expect(outbox.rows.get('1:user:1')).toMatchObject({ version: 2, permanent: false });
  });

  it("checks a password against the directory's policy before anything is sent", async () => {
    const { ctx, target, outbox } = setup();
    (target as { policy?: unknown }).policy = { minLength: 30, complexity: false, historyLength: 0 };
    ctx.checkPassword = (pw, policy) => (pw.length < policy.minLength ? `at least ${policy.minLength} characters` : undefined);
    await outbox.enqueue(1, 'user', 1, `sealed:${PASSWORD}`, T0);
    const r = await deliverDue(ctx);
    expect(r.failures[0]).toMatchObject({ code: 'PROVISION_PASSWORD_POLICY', permanent: true, message: expect.stringContaining('at least 30 characters') });
    expect(target.calls).toEqual([]);
    expect(await outbox.record(1, 'user', 1)).toMatchObject({ state: 'failed', code: 'PROVISION_PASSWORD_POLICY', targetId: null });
  });

  it('never stores or reports the password, even when the directory echoes it', async () => {
    const { ctx, target, outbox } = setup();
    await outbox.enqueue(1, 'user', 1, `sealed:${PASSWORD}`, T0);
    target.failOn = { op: 'setPassword', error: new IdsyncError('PROVISION_PASSWORD_POLICY', `password ${PASSWORD} is in the history`) };
    const r = await deliverDue(ctx);
    expect(r.failures[0]).toMatchObject({ code: 'PROVISION_PASSWORD_POLICY', permanent: true, message: 'password [redacted] is in the history' });
    // Refused for good: the sealed password is not kept either.
    expect(outbox.rows.get('1:user:1')?.sealedPassword).toBeNull();
    expect(JSON.stringify([...outbox.recs.values(), ...outbox.rows.values()].map((x) => ({ ...x, sealedPassword: undefined })))).not.toContain(PASSWORD);
  });

  it('disables, never deletes, a user suspended in idsync; a renamed user follows in its groups', async () => {
    const { ctx, target, outbox, reader } = setup();
    await enqueueAll(outbox);
    await deliverDue(ctx);
    reader.user(2).status = 'disabled';
    reader.user(1).username = 'annie';
    await reconcile(ctx);
    await deliverDue(ctx);
    expect(target.user('bob')).toMatchObject({ enabled: false });
    expect(target.user('annie')?.dn).toBe('uid=annie,ou=people,dc=example,dc=test');
    expect(target.group('eng')?.attributes.member).toEqual(['uid=bob,ou=people,dc=example,dc=test', 'uid=annie,ou=people,dc=example,dc=test']);
    expect(outbox.rows.size).toBe(0);
    expect(await reconcile(ctx)).toMatchObject({ users: 0, groups: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { LoginLimiter, RateLimitedError, unlockAddress, unlockUsername } from './rate-limit.js';

/**
 * The login limits, on every store backend: the counters live in the store (issue 10 item 7), so
 * that an attempt is counted before its password is checked, atomically, also across processes.
 * `check` stands for the password hash: it resolves false (a wrong password) unless told otherwise.
 */
const backends = storeBackends('throttle');

const MIN = 60_000;
const wrong = async () => false;
const right = async () => true;
const slowWrong = () => new Promise<boolean>((r) => setTimeout(() => r(false), 20));

async function refusal(p: Promise<unknown>): Promise<RateLimitedError | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (e instanceof RateLimitedError) return e;
    throw e;
  }
}

describe.each(backends)('login limits on %s', (_name, url) => {
  it('locks a username on its fifth failure within 15 minutes, for 15 minutes, whatever the case and address', async () => {
    const l = new LoginLimiter(await openTestStore(url()));
    let t = 0;
    for (let i = 0; i < 4; i++) expect(await l.attempt('Root', '192.0.2.1', (t += MIN), wrong)).toBe(false);
    expect(await l.attempt('root', '192.0.2.2', (t += MIN), wrong)).toBe(false);
    let ran = false;
    const err = await refusal(l.attempt('ROOT', '192.0.2.3', t + 1000, async () => (ran = true)));
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 899 });
    expect(ran).toBe(false);
    expect(await l.attempt('root', '192.0.2.1', t + 15 * MIN, right)).toBe(true);
    expect(await l.attempt('other', '192.0.2.1', t + 1000, right)).toBe(true);
  });

  it('forgets failures older than the window, and all of them after a success', async () => {
    const l = new LoginLimiter(await openTestStore(url()));
    for (let i = 0; i < 4; i++) await l.attempt('root', 'ip', i * MIN, wrong);
    await l.attempt('root', 'ip', 16 * MIN, wrong); // the window has passed: the count starts again
    expect(await l.attempt('root', 'ip', 16 * MIN, right)).toBe(true);
    for (let i = 0; i < 4; i++) await l.attempt('root', 'ip2', 17 * MIN, wrong);
    expect(await l.attempt('root', 'ip2', 17 * MIN, right)).toBe(true);
  });

  it('locks an address after 20 failures whatever the usernames; successes do not count against it', async () => {
    const l = new LoginLimiter(await openTestStore(url()));
    for (let i = 0; i < 30; i++) await l.attempt('fine', '198.51.100.1', 1000, right);
    for (let i = 0; i < 20; i++) await l.attempt(`user${i}`, '198.51.100.1', 1000, wrong);
    expect((await refusal(l.attempt('fresh', '198.51.100.1', 2000, right)))?.message).toMatch(/from this address/);
    expect(await l.attempt('fresh', '198.51.100.2', 2000, right)).toBe(true);
  });

  it('lets exactly five of 40 parallel wrong passwords be checked, on two processes sharing the store', async () => {
    const first = await openTestStore(url());
    // A second connection to the same store stands for a second idsync process (SQLite: another handle on the file).
    const second = first.dialect === 'sqlite' ? await openTestStore(first.url) : await openTestStore(first.url);
    const limiters = [new LoginLimiter(first), new LoginLimiter(second)];
    let checked = 0;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        refusal(
          limiters[i % 2]!.attempt('root', `10.0.0.${i}`, 5000, () => {
            checked++;
            return slowWrong();
          }),
        ),
      ),
    );
    expect(checked).toBe(5);
    expect(results.filter((r) => r === undefined)).toHaveLength(5);
    expect(results.filter((r) => r?.code === 'RATE_LIMITED')).toHaveLength(35);
  });

  it('is lifted by unlockUsername and unlockAddress, which say whether there was a lock', async () => {
    const s = await openTestStore(url());
    const l = new LoginLimiter(s);
    for (let i = 0; i < 5; i++) await l.attempt('root', 'ip', 1000, wrong);
    expect(await refusal(l.attempt('root', 'ip', 1000, right))).toBeDefined();
    expect(await unlockUsername(s, 'ROOT', 1000)).toBe(true);
    expect(await unlockUsername(s, 'root', 1000)).toBe(false);
    expect(await l.attempt('root', 'ip', 1000, right)).toBe(true);
    for (let i = 0; i < 20; i++) await l.attempt(`u${i}`, 'flood', 1000, wrong);
    expect((await refusal(l.attempt('root', 'flood', 1000, right)))?.message).toMatch(/from this address/);
    expect(await unlockAddress(s, 'flood', 1000)).toBe(true);
    expect(await l.attempt('root', 'flood', 1000, right)).toBe(true);
  });

  it('keeps no counter past its window and lock (a flood of names leaves no rows)', async () => {
    const s = await openTestStore(url());
    const l = new LoginLimiter(s);
    for (let i = 0; i < 99; i++) await l.attempt(`ghost${i}`, `ip${i}`, 0, wrong);
    expect(
      Number(
        (
          await s.db
            .selectFrom('login_throttle')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(198);
    await l.attempt('late', 'ip-late', 16 * MIN, wrong); // the 100th attempt prunes
    const left = await s.db.selectFrom('login_throttle').select('key').orderBy('key').execute();
    expect(left.map((r) => r.key)).toEqual(['ip:ip-late', 'user:late']);
  });
});

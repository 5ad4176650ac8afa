import { describe, expect, it } from 'vitest';
import type { DirectoryConfig } from '../config/load.js';
import { IdsyncError } from '../errors.js';
import { createLogger } from '../log.js';
import type { Store } from '../store/db.js';
import type { LeaseInfo, LeaseStore } from '../store/leases.js';
import { setTunnelOpener, type TunnelOpener } from '../agent/hub/tunnels.js';
import { watchAgentAway } from './agent-affinity.js';
import { DirectoryWorker, type NodeCoordinator } from './worker.js';

/** A store that fails the test if anything touches it: a standby must write nothing. */
const untouchable = new Proxy({} as Store, {
  get(_t, prop) {
    throw new Error(`the standby touched the store (${String(prop)})`);
  },
});

const holder: LeaseInfo = {
  name: 'directory:corp',
  holder: 'other:4242:ab',
  host: 'other',
  pid: 4242,
  acquiredAt: '2026-12-03T09:00:00.000Z',
  heartbeatAt: '2026-12-03T09:00:03.000Z',
  held: true,
  node: null,
};

function refusingLeases(): LeaseStore & { tries: number } {
  return {
    tries: 0,
    async tryAcquire() {
      this.tries++;
      return undefined;
    },
    async list() {
      return [holder];
    },
  };
}

describe('a directory worker without its lease (issue 10 item 13)', () => {
  it('stands by: writes nothing, and refuses a sync now or a single-user sync naming the holder', async () => {
    const leases = refusingLeases();
    const cfg = { name: 'corp' } as DirectoryConfig;
    const worker = new DirectoryWorker(untouchable, cfg, { log: createLogger('silent'), source: () => undefined, leases });
    worker.start();
    try {
      await expect.poll(() => worker.standbyFor).toMatch(/held by other pid 4242/);
      const err = await worker.syncNow().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IdsyncError);
      expect((err as IdsyncError).code).toBe('SYNC_ALREADY_RUNNING');
      expect((err as IdsyncError).message).toMatch(/run by another idsync serve on this store \(lease held by other pid 4242/);
      await expect(worker.syncUser('ann')).rejects.toMatchObject({ code: 'SYNC_ALREADY_RUNNING' });
      expect(leases.tries).toBeGreaterThanOrEqual(1);
    } finally {
      await worker.stop();
    }
  });
});

describe('a directory reached through an agent, with several nodes (issue 16)', () => {
  let connected = false;
  const opener = { reaches: (agents: readonly string[]) => connected && agents.includes('site-a') } as TunnelOpener;
  const coordinator: NodeCoordinator = {
    node: 'a',
    reserve: () => () => undefined,
    hasRoom: () => true,
    relay: async () => {
      throw new Error('not relayed here');
    },
  };

  it('never asks for the lease while its agent is connected to another node, and does once the agent is here', async () => {
    setTunnelOpener(opener);
    const leases = refusingLeases();
    const cfg = { name: 'corp', servers: [{ agent: { names: ['site-a'], directory: 'corp' } }] } as unknown as DirectoryConfig;
    const worker = new DirectoryWorker(untouchable, cfg, { log: createLogger('silent'), source: () => undefined, leases });
    worker.coordinator = coordinator;
    worker.start();
    try {
      await expect.poll(() => worker.standbyFor).toMatch(/agent site-a is connected to \(none is connected to this node\)/);
      await new Promise((r) => setTimeout(r, 1200));
      expect(leases.tries).toBe(0);
      connected = true;
      await expect.poll(() => leases.tries).toBeGreaterThanOrEqual(1);
    } finally {
      await worker.stop();
      setTunnelOpener(undefined);
      connected = false;
    }
  });

  it('gives the lease up once no agent of the directory has been connected for the grace period', async () => {
    setTunnelOpener(opener);
    try {
      connected = true;
      const here = watchAgentAway(['site-a'], 300);
      await new Promise((r) => setTimeout(r, 700));
      expect(here.signal.aborted).toBe(false);
      connected = false;
      await expect.poll(() => here.signal.aborted, { timeout: 2000 }).toBe(true);
      expect((here.signal.reason as Error).message).toMatch(/no agent of the directory \(site-a\) has been connected to this node/);
      here.stop();
    } finally {
      setTunnelOpener(undefined);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { Workspace } from '../../test/support/workspace.js';
import { loadConfig } from '../config/load.js';
import { DirectoryRegistry } from '../directories/registry.js';
import { SecretBox } from '../directories/secret-box.js';
import { createLogger } from '../log.js';
import { directoryStatus, storedDirectories } from '../store/configured-directories.js';
import { Store } from '../store/db.js';
import { SyncService } from './server.js';

/**
 * `idsync serve` runs the directories created through the admin API beside the file's: they live
 * in the store, and serve reads them through the same registry as the API and the commands
 * (src/directories). The servers are 127.0.0.1:9, where nothing listens: a worker that runs shows
 * itself by a failed full sync of its directory, without a directory to sync from.
 */
const log = createLogger('silent');

const fileDir = {
  name: 'filedir',
  type: 'openldap',
  servers: ['ldap://127.0.0.1:9'],
  transport: 'clear',
  baseDn: 'dc=corp',
  groups: ['cn=eng,dc=corp'],
  timeouts: { connectMs: 500, operationMs: 500 },
  continuous: { changes: 'off' },
};

/** Creates `apidir` as the API does (the registry, with no worker to start). */
async function createApiDirectory(ws: Workspace): Promise<void> {
  const config = loadConfig(ws.configFile);
  const store = await Store.open(config.store);
  try {
    const input = { ...fileDir, name: 'apidir', bind: { dn: 'cn=svc,dc=corp', password: 'stored-through-the-api' } };
    await DirectoryRegistry.forCommands(store, config, log).create(input as never, 'test', new Date());
  } finally {
    await store.close();
  }
}

describe('idsync serve and the directories created through the admin API', () => {
  it("SyncService.open makes a worker for each, after the file's, sealing a password an older idsync stored in clear", async () => {
    const ws = new Workspace().configure([fileDir]);
    await createApiDirectory(ws);
    const config = loadConfig(ws.configFile);
    const store = await Store.open(config.store);
    try {
      const stored = storedDirectories(store);
      const row = (await stored.find('apidir'))!;
      expect(SecretBox.isSealed(row.bind_password!)).toBe(true);
      // As an idsync without encryption at rest left it.
      expect(await stored.swapPassword(row.id, row.bind_password!, 'stored-through-the-api')).toBe(true);

      const service = await SyncService.open(DirectoryRegistry.forCommands(store, config, log), store, log);
      expect([...service.workers.keys()]).toEqual(['filedir', 'apidir']);
      expect(service.workers.get('apidir')!.cfg.bind!.password.reveal()).toBe('stored-through-the-api');
      expect(SecretBox.isSealed((await stored.find('apidir'))!.bind_password!)).toBe(true);
      await service.stop();
    } finally {
      await store.close();
    }
  });

  it('reconcileDirectories (issue 16) replaces only the workers of directories created, changed or deleted elsewhere', async () => {
    const ws = new Workspace().configure([fileDir]);
    await createApiDirectory(ws);
    const config = loadConfig(ws.configFile);
    const store = await Store.open(config.store);
    try {
      const registry = DirectoryRegistry.forCommands(store, config, log);
      const service = await SyncService.open(registry, store, log);
      const before = service.workers.get('apidir');
      // Read again, unchanged (another node's periodic look): nothing is replaced.
      expect(await service.reconcileDirectories(await registry.configs())).toEqual([]);
      expect(service.workers.get('apidir')).toBe(before);
      // Its password changed through another node's API: a new worker with the new configuration.
      const input = { ...fileDir, name: 'apidir', bind: { dn: 'cn=svc,dc=corp', password: 'changed-on-another-node' } };
      await registry.update('apidir', input as never, 'test', new Date());
      expect(await service.reconcileDirectories(await registry.configs())).toEqual(['apidir']);
      expect(service.workers.get('apidir')!.cfg.bind!.password.reveal()).toBe('changed-on-another-node');
      // Deleted there: its worker goes here.
      await registry.remove('apidir');
      expect(await service.reconcileDirectories(await registry.configs())).toEqual(['apidir']);
      expect([...service.workers.keys()]).toEqual(['filedir']);
      await service.stop();
    } finally {
      await store.close();
    }
  });

  it('idsync serve starts the worker of a directory created through the API (run `npm run build` first)', async () => {
    const ws = new Workspace().configure([fileDir]);
    await createApiDirectory(ws);
    const serve = ws.serve();
    try {
      const store = await Store.open(loadConfig(ws.configFile).store);
      try {
        // Both workers ran their first full sync to its end, and each failed on its unreachable server.
        const { value: runs } = await ws.waitFor(async () => {
          const { runs } = await directoryStatus(store).facts();
          const done = (name: string) => runs.has(name) && runs.get(name)!.status !== 'running';
          return done('apidir') && done('filedir') ? runs : undefined;
        }, 60_000);
        expect(runs.get('apidir')).toMatchObject({ kind: 'full', status: 'failed' });
        expect(runs.get('apidir')!.error_code).toMatch(/DIRECTORY_UNREACHABLE|DIRECTORY_TIMEOUT/);
      } finally {
        await store.close();
      }
      expect(serve.output()).toMatch(/"directory":"apidir".*lease taken: running the directory/);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it('stops cleanly (exit 0) on a SIGTERM that arrives while it is still starting', async () => {
    const ws = new Workspace().configure([fileDir]);
    const serve = ws.serve();
    // The API listens before the last of the start-up (mail, the workers' first runs): a stop
    // asked then (systemd, an orchestrator) must not kill the process by the signal's default action.
    await ws.waitFor(async () => /admin API listening/.test(serve.output()), 30_000, 2);
    serve.child.kill('SIGTERM');
    expect(await serve.stop()).toBe(0);
    expect(serve.output()).toMatch(/idsync serve stopped|stopping/);
  });
});

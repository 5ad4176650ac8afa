import { describe, expect, it } from 'vitest';
import { Workspace } from '../../test/support/workspace.js';
import { loadConfig } from '../config/load.js';
import { DirectoryRegistry } from '../directories/registry.js';
import { createLogger } from '../log.js';
import { Store } from '../store/db.js';

/**
 * `idsync directory test` and `idsync directory groups` work on the directories created through
 * the admin API too, as the API's own connection test and type-ahead do: they read the same
 * registry (src/directories). The server is 127.0.0.1:9, where nothing listens: the directory is
 * found and its server tried (exit 3), not an unknown directory (exit 2). Run `npm run build` first.
 */
async function createApiDirectory(ws: Workspace): Promise<void> {
  const config = loadConfig(ws.configFile);
  const store = await Store.open(config.store);
  try {
    const input = {
      name: 'apidir',
      type: 'openldap',
      servers: ['ldap://127.0.0.1:9'],
      transport: 'clear',
      bind: { dn: 'cn=svc,dc=corp', password: 'stored-through-the-api' },
      baseDn: 'dc=corp',
      groups: ['cn=eng,dc=corp'],
      timeouts: { connectMs: 500, operationMs: 500 },
      continuous: { changes: 'off' },
    };
    await DirectoryRegistry.forCommands(store, config, createLogger('silent')).create(input as never, 'test', new Date());
  } finally {
    await store.close();
  }
}

describe('idsync directory, on a directory created through the admin API', () => {
  it('tests its servers and searches its groups', async () => {
    const ws = new Workspace().configure([]);
    await createApiDirectory(ws);

    const tested = await ws.cli(['directory', 'test', '--directory', 'apidir', '--json']);
    expect(tested.code, tested.stderr).toBe(3);
    expect(JSON.parse(tested.stdout)).toEqual([
      expect.objectContaining({ directory: 'apidir', servers: [expect.objectContaining({ url: 'ldap://127.0.0.1:9', ok: false })] }),
    ]);
    // Without --directory: every directory, the stored one included.
    const all = await ws.cli(['directory', 'test', '--json']);
    expect(JSON.parse(all.stdout).map((d: { directory: string }) => d.directory)).toEqual(['apidir']);

    const groups = await ws.cli(['directory', 'groups', '--directory', 'apidir', '--search', 'eng']);
    expect(groups.stderr).toMatch(/DIRECTORY_UNREACHABLE|DIRECTORY_TIMEOUT/);
    expect(groups.code).toBe(3);

    const unknown = await ws.cli(['directory', 'test', '--directory', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/UNKNOWN_DIRECTORY.*known: apidir/);
  });
});

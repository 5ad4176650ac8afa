import { describe, expect, it } from 'vitest';
import { Workspace } from '../../../test/support/workspace.js';
import { loadConfig } from '../../config/load.js';
import { DirectoryRegistry } from '../../directories/registry.js';
import { createLogger } from '../../log.js';
import { Store } from '../../store/db.js';

/**
 * Issue 12, "Delivery": a change made on the command line is recorded in the outbox of every
 * provisioning target, those created through the admin API included (the directory registry,
 * src/directories/registry.ts), not only the configuration file's. No directory server is needed:
 * recording never connects. Run `npm run build` first.
 */
describe('idsync users add / password with a provisioning target created through the admin API', () => {
  it('records the change for the API target as for the file one', async () => {
    const ws = new Workspace().configure(
      [
        {
          name: 'file-ldap',
          type: 'openldap',
          servers: ['ldap://127.0.0.1:9'],
          transport: 'clear',
          baseDn: 'dc=file,dc=test',
          provisioning: { userContainer: 'ou=people,dc=file,dc=test', groupContainer: 'ou=groups,dc=file,dc=test' },
        },
      ],
      { api: { listen: '127.0.0.1:0', secretsKey: 's'.repeat(40) } },
    );
    const config = loadConfig(ws.configFile);
    const open = () => Store.open(config.store.startsWith('sqlite:./') ? `sqlite:${ws.dir}/${config.store.slice('sqlite:./'.length)}` : config.store);
    let store = await open();
    try {
      const input = {
        name: 'api-ldap',
        type: 'openldap',
        servers: ['ldap://127.0.0.1:9'],
        transport: 'clear',
        baseDn: 'dc=api,dc=test',
        provisioning: { userContainer: 'ou=people,dc=api,dc=test', groupContainer: 'ou=groups,dc=api,dc=test' },
        continuous: { changes: 'off' },
      };
      await DirectoryRegistry.forCommands(store, config, createLogger('silent')).create(input as never, 'test', new Date());
    } finally {
      await store.close();
    }
    const added = await ws.cli(['users', 'add', 'cli-user']);
    expect(added.code, added.stderr).toBe(0);
    const pw = await ws.cli(['users', 'password', 'cli-user', '--from-env', 'PW'], { env: { PW: 'Cli-Set-Password-77' } });
    expect(pw.code, pw.stderr).toBe(0);
    store = await open();
    try {
      const rows = await store.db
        .selectFrom('provision_outbox')
        .innerJoin('directories', 'directories.id', 'provision_outbox.directory_id')
        .select(['directories.name', 'provision_outbox.kind', 'provision_outbox.sealed_password'])
        .orderBy('directories.name')
        .execute();
      expect(rows.map((r) => `${r.name}/${r.kind}${r.sealed_password ? '+pw' : ''}`)).toEqual(['api-ldap/user+pw', 'file-ldap/user+pw']);
    } finally {
      await store.close();
    }
  });
});

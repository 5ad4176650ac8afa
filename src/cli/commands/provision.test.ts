import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'ldapts';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../../../test/harness/index.js';
import { uniqueName, Workspace } from '../../../test/support/workspace.js';
import { Store } from '../../store/db.js';

/**
 * Issue 12 from the command line, through the built CLI (`npm run build` first), against the
 * harness's slapd: `idsync provision --dry-run` prints attribute by attribute and writes nothing,
 * `idsync provision` delivers, `provision status` lists the backlog and failures, `users show`
 * gives the export state, `users adopt` takes over a conflicting account (audited). The password
 * appears in no output.
 */
const PASSWORD = 'Cli-Staple-Horse-42';
let slapd: SlapdDirectory;

beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
});

async function entries(base: string, filter: string) {
  const client = new Client({ url: slapd.ldapsUrl, tlsOptions: { ca: readFileSync(slapd.caFile) } });
  try {
    await client.bind(slapd.bindDn, slapd.password);
    return (await client.search(base, { scope: 'sub', filter })).searchEntries;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

describe('idsync provision, provision status, users adopt', () => {
  it('dry-runs, delivers, reports, and adopts a conflicting account', async () => {
    const ou = await slapd.addOu(uniqueName('cli'));
    const users = await slapd.addOu('users', ou);
    const groups = await slapd.addOu('groups', ou);
    const ws = new Workspace().configure(
      [
        {
          name: 'ldap',
          type: 'openldap',
          servers: [slapd.ldapsUrl],
          caFile: slapd.caFile,
          bind: { dn: slapd.bindDn, password: slapd.password },
          baseDn: slapd.baseDn,
          provisioning: { userContainer: users, groupContainer: groups },
        },
      ],
      { api: { listen: '127.0.0.1:0', secretsKey: 'c'.repeat(40) } },
    );
    // A username is looked for in the whole naming context: unique ones, so other suites' users never conflict.
    const ann = uniqueName('ann');
    const carl = uniqueName('carl');
    const outputs: string[] = [];
    const cli = async (args: string[], code = 0, env: Record<string, string> = {}) => {
      const r = await ws.cli(args, { env });
      outputs.push(r.stdout, r.stderr);
      expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(code);
      return r.stdout;
    };
    // The rights, checked before any write (issue 12), each named.
    const test = await cli(['directory', 'test', '--directory', 'ldap']);
    expect(test).toMatch(/ok {3}right: /);
    expect(test).not.toMatch(/FAIL/);
    await cli(['users', 'add', ann, '--full-name', 'Ann Smith', '--email', 'ann@example.test']);
    await cli(['users', 'password', ann, '--from-env', 'PW'], 0, { PW: PASSWORD });

    const dry = await cli(['provision', '--dry-run']);
    expect(dry).toContain(`user.create uid=${ann},${users} (disabled)`);
    expect(dry).toContain(`uid: "${ann}"`);
    expect(dry).toContain('mail: "ann@example.test"');
    expect(dry).toContain('user.password (set; the value is never shown)');
    expect(await entries(users, `(uid=${ann})`)).toEqual([]);

    expect(await cli(['provision'])).toBe('ldap: 1 delivered, 0 failed\n');
    expect(await entries(users, `(uid=${ann})`)).toHaveLength(1);
    expect(await cli(['provision', 'status'])).toMatch(/^ldap: 1 exported, 0 waiting, 0 failed or in conflict\n$/);
    expect(await cli(['users', 'show', ann])).toContain(`exported to ldap: exported uid=${ann},${users}`);
    expect(await cli(['provision', '--dry-run'])).toBe('ldap: nothing to write (dry run)\n');

    // An account idsync does not manage: a conflict, kept until adopted.
    await slapd.addUser({ ou: users, uid: carl, sn: 'Original' });
    await cli(['users', 'add', carl, '--full-name', 'Carl Jones']);
    expect(await cli(['provision'], 7)).toMatch(
      new RegExp(`user ${carl}: \\[PROVISION_CONFLICT\\] .*idsync users adopt ${carl} --directory ldap.*\\(kept until it changes\\)`),
    );
    const status = await cli(['provision', 'status']);
    expect(status).toMatch(/^ldap: 1 exported, 1 waiting, 1 failed or in conflict\n/);
    expect(status).toMatch(new RegExp(`waiting user ${carl} since .*: kept until it changes\\n`));
    expect(status).toMatch(new RegExp(`conflict user ${carl}: \\[PROVISION_CONFLICT\\] an account named "${carl}" already exists at uid=${carl},`));
    expect(await cli(['users', 'adopt', carl, '--directory', 'ldap'])).toContain(`${carl} now manages uid=${carl},${users} in ldap`);
    expect(await cli(['provision'])).toBe('ldap: 1 delivered, 0 failed\n');
    expect((await entries(users, `(uid=${carl})`))[0]).toMatchObject({ cn: 'Carl Jones' });
    const store = await Store.open(`sqlite:${path.join(ws.dir, 'data/idsync.db')}`);
    try {
      const audit = await store.auditLog.list({ action: 'adoptUser', limit: 10, offset: 0 });
      expect(audit.items).toEqual([expect.objectContaining({ actorType: 'cli', target: carl, outcome: 'success' })]);
    } finally {
      await store.close();
    }
    for (const o of outputs) expect(o).not.toContain(PASSWORD);
  });
});

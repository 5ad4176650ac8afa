import { describe, expect, it } from 'vitest';
import { parseDirectoryInput } from './input.js';

// Issue 10 item 18: a directory made through the API has no configuration file, so its warnings
// must not name a file's key path (`directories[0].servers[0]`, and always index 0): they use
// the API's own field paths, as its validation errors already do.
describe('warnings of a directory created through the API', () => {
  it('name the field in the directory, not a key path of the configuration file', () => {
    const cfg = parseDirectoryInput(
      {
        name: 'corp',
        type: 'openldap',
        servers: ['ldap://dc1.corp.example.test', 'ldap://dc2.corp.example.test:3389'],
        transport: 'clear',
        bind: { dn: 'cn=svc,dc=corp', password: 'ignored' },
        baseDn: 'dc=corp',
        groups: ['cn=eng,dc=corp'],
      } as never,
      'a-bind-password',
      '/tmp',
    );
    expect(cfg.warnings).toHaveLength(2);
    expect(cfg.warnings[0]).toMatch(/^servers\[0\]: transport "clear" sends the bind password for cn=svc,dc=corp unencrypted/);
    expect(cfg.warnings[1]).toMatch(/^servers\[1\]: /);
    for (const w of cfg.warnings) expect(w).not.toContain('directories[');
  });
});

// Issue 12: a directory created through the API may carry a provisioning block, with or instead
// of sync items; its errors name the field as the API shows it.
describe('a provisioning block in a directory created through the API', () => {
  const base = { name: 'target', type: 'openldap', servers: ['ldaps://ldap.corp.example.test'], baseDn: 'dc=corp' };
  const provisioning = { userContainer: 'ou=people,dc=corp', groupContainer: 'ou=groups,dc=corp', users: { groups: ['staff'] } };

  it('is accepted without sync items', () => {
    const cfg = parseDirectoryInput({ ...base, provisioning } as never, null, '/tmp');
    expect(cfg.syncItems).toEqual([]);
    expect(cfg.provisioning).toMatchObject({ userContainer: 'ou=people,dc=corp', users: { kind: 'groups', groups: ['staff'] }, passwords: true });
  });

  it('names the field of a mistake', () => {
    let err: unknown;
    try {
      parseDirectoryInput({ ...base, provisioning: { ...provisioning, groupContainer: 'ou=groups,dc=other' } } as never, null, '/tmp');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', where: 'provisioning.groupContainer' });
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { IdsyncError } from '../errors.js';
import { loadConfig, parseConfig } from './load.js';

const dir = mkdtempSync(path.join(tmpdir(), 'idsync-config-'));
const ca = path.join(dir, 'ca.pem');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

const minimal = {
  store: 'sqlite:./data/idsync.db',
  directories: [
    {
      name: 'corp',
      type: 'active-directory',
      servers: ['ldaps://127.0.0.1:636'],
      caFile: './ca.pem',
      bind: { dn: 'Administrator@corp.example.test', password: 'Passw0rd!Admin' },
      baseDn: 'DC=corp,DC=example,DC=test',
      groups: ['CN=Engineering,CN=Users,DC=corp,DC=example,DC=test'],
    },
  ],
};

function parse(raw: unknown, env: NodeJS.ProcessEnv = {}) {
  return parseConfig(raw, { baseDir: dir, env });
}

function errorOf(fn: () => unknown): IdsyncError {
  try {
    fn();
  } catch (err) {
    return err as IdsyncError;
  }
  throw new Error('expected an error');
}

describe('configuration', () => {
  it('accepts the minimal AD config and fills in the profile defaults', () => {
    const c = parse(minimal);
    const d = c.directories[0];
    expect(c.store).toBe(`sqlite:${path.join(dir, 'data/idsync.db')}`);
    expect(d.servers[0]).toMatchObject({ host: '127.0.0.1', port: 636, transport: 'ldaps' });
    expect(d.attributes.username).toBe('sAMAccountName');
    expect(d.filters.user).toBe('(&(objectCategory=person)(objectClass=user))');
    expect(d.tls.verifyHostname).toBe(true);
    expect(d.syncItems).toEqual([{ kind: 'group', dn: minimal.directories[0].groups[0], label: `group ${minimal.directories[0].groups[0]}` }]);
    expect(d.safeguard).toEqual({ enabled: true, maxRemovals: 10, maxRemovalPercent: 25 });
    expect(d.trashDays).toBe(7);
  });

  it('uses OpenLDAP defaults for type openldap', () => {
    const d = parse({
      directories: [{ ...minimal.directories[0], type: 'openldap', baseDn: 'dc=corp,dc=example,dc=test', groups: ['cn=eng,dc=corp,dc=example,dc=test'] }],
    }).directories[0];
    expect(d.attributes.username).toBe('uid');
    expect(d.attributes.member).toEqual(['member', 'uniqueMember']);
    expect(d.profile.externalIdAttribute).toBe('entryUUID');
  });

  it('names the path of a bad key', () => {
    const bad = structuredClone(minimal) as any;
    bad.directories[0].servers.push('http://nope');
    const e = errorOf(() => parse(bad));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain('directories[0].servers[1]: must be an LDAP URL');
    expect(e.where).toBe('directories[0].servers[1]');
  });

  it('names unknown keys and missing ones', () => {
    const bad = structuredClone(minimal) as any;
    bad.directories[0].bindPassword = 'x';
    delete bad.directories[0].baseDn;
    const e = errorOf(() => parse(bad));
    expect(e.message).toContain('directories[0]: unknown key "bindPassword"');
    expect(e.message).toContain('directories[0].baseDn: is required');
  });

  it('refuses an empty selection, a sync item outside the base DN, a transport that contradicts the URL', () => {
    const none = structuredClone(minimal) as any;
    none.directories[0].groups = [];
    expect(errorOf(() => parse(none)).message).toMatch(/directories\[0\]: choose what to sync/);
    const outside = structuredClone(minimal) as any;
    outside.directories[0].groups = ['CN=X,DC=other,DC=test'];
    expect(errorOf(() => parse(outside)).message).toMatch(/directories\[0\]\.groups\[0\]: CN=X,DC=other,DC=test is not under baseDn/);
    const mismatch = structuredClone(minimal) as any;
    mismatch.directories[0].transport = 'starttls';
    expect(errorOf(() => parse(mismatch)).message).toMatch(/directories\[0\]\.servers\[0\]: transport "starttls" needs an ldap:\/\/ URL/);
  });

  it('reads secrets from env and files and never prints them', () => {
    const secretFile = path.join(dir, 'pw');
    writeFileSync(secretFile, 's3cret-from-file\n');
    const viaFile = structuredClone(minimal) as any;
    viaFile.directories[0].bind.password = { file: './pw' };
    const d = parse(viaFile).directories[0];
    expect(d.bind!.password.reveal()).toBe('s3cret-from-file');
    expect(JSON.stringify(d)).not.toContain('s3cret');
    expect(inspect(d, { depth: 10 })).not.toContain('s3cret');
    expect(`${d.bind!.password}`).toBe('[redacted]');

    const viaEnv = structuredClone(minimal) as any;
    viaEnv.directories[0].bind.password = { env: 'BIND_PW' };
    expect(parse(viaEnv, { BIND_PW: 'from-env' }).directories[0].bind!.password.reveal()).toBe('from-env');
    const missing = errorOf(() => parse(viaEnv, {}));
    expect(missing.code).toBe('CONFIG_SECRET_UNREADABLE');
    expect(missing.message).toBe('directories[0].bind.password: environment variable BIND_PW is not set');
  });

  it('warns when a password would cross the wire in the clear', () => {
    const clear = structuredClone(minimal) as any;
    clear.directories[0].servers = ['ldap://127.0.0.1:389'];
    clear.directories[0].transport = 'clear';
    expect(parse(clear).directories[0].warnings[0]).toMatch(/transport "clear" sends the bind password/);
  });

  it('reports YAML syntax errors with a line number, and a missing file clearly', () => {
    const f = path.join(dir, 'broken.yaml');
    writeFileSync(f, 'store: sqlite:x\ndirectories:\n  - name: [oops\n');
    expect(errorOf(() => loadConfig(f)).message).toMatch(/broken\.yaml:\d+:\d+: YAML syntax error/);
    expect(errorOf(() => loadConfig(path.join(dir, 'nope.yaml'))).code).toBe('CONFIG_NOT_FOUND');
  });
});

describe('the api section', () => {
  it('has defaults: 127.0.0.1:8470, no proxy trust, 1 MiB bodies', () => {
    expect(parse(minimal).api).toEqual({
      enabled: true,
      listen: { host: '127.0.0.1', port: 8470 },
      trustProxy: false,
      secureCookies: false,
      sessionIdleMinutes: 60,
      sessionMaxHours: 12,
      publicMetrics: false,
      maxBodyBytes: 1024 * 1024,
    });
  });

  it('takes HOST:PORT, IPv6 in brackets, and names a bad value', () => {
    expect(parse({ ...minimal, api: { listen: '[::1]:9000' } }).api.listen).toEqual({ host: '::1', port: 9000 });
    expect(parse({ ...minimal, api: { listen: '0.0.0.0:0' } }).api.listen).toEqual({ host: '0.0.0.0', port: 0 });
    expect(errorOf(() => parse({ ...minimal, api: { listen: '8470' } }))).toMatchObject({ code: 'CONFIG_INVALID', where: 'api.listen' });
    expect(errorOf(() => parse({ ...minimal, api: { listen: 'host:70000' } })).message).toMatch(/api.listen: port must be at most 65535/);
    expect(errorOf(() => parse({ ...minimal, api: { port: 1 } })).message).toMatch(/api: unknown key "port"/);
  });
});

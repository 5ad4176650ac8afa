import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IdsyncError } from '../errors.js';
import { loadConfig, MAX_CONFIG_BYTES, parseConfig } from './load.js';
import { serverUrlProblem } from './server-url.js';

/**
 * Issue 10 items 10 and 14: inputs that used to pass validation (an empty bind password) or end
 * as exit 70 [INTERNAL] (a folder for a file, a port out of range) must be configuration errors
 * (exit 2) that name the key.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'idsync-config-errors-'));
writeFileSync(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
mkdirSync(path.join(dir, 'ca-folder'));
writeFileSync(path.join(dir, 'a-file'), 'not a folder');

const base = () => ({
  store: 'sqlite:./data/idsync.db',
  directories: [
    {
      name: 'corp',
      type: 'openldap',
      servers: ['ldaps://127.0.0.1:636'],
      caFile: './ca.pem',
      bind: { dn: 'cn=admin,dc=corp,dc=example,dc=test', password: 'secret' } as { dn: string; password: unknown },
      baseDn: 'dc=corp,dc=example,dc=test',
      groups: ['cn=eng,dc=corp,dc=example,dc=test'],
    },
  ],
});

function errorOf(fn: () => unknown): IdsyncError {
  try {
    fn();
  } catch (err) {
    return err as IdsyncError;
  }
  throw new Error('expected an error');
}

function configError(raw: unknown, env: NodeJS.ProcessEnv = {}): IdsyncError {
  const e = errorOf(() => parseConfig(raw, { baseDir: dir, env }));
  expect(e).toBeInstanceOf(IdsyncError);
  expect(e.exitCode).toBe(2);
  return e;
}

describe('an empty bind password (RFC 4513 section 5.1.2: an unauthenticated bind)', () => {
  it('is refused inline, from the environment and from a file, naming the key', () => {
    const inline = base();
    inline.directories[0].bind.password = '';
    const a = configError(inline);
    expect(a.where).toBe('directories[0].bind.password');
    expect(a.message).toMatch(/directories\[0\]\.bind\.password: .*empty/);

    const viaEnv = base();
    viaEnv.directories[0].bind.password = { env: 'EMPTY_PW' };
    const b = configError(viaEnv, { EMPTY_PW: '' });
    expect(b.where).toBe('directories[0].bind.password');
    expect(b.message).toMatch(/EMPTY_PW.*empty/);

    writeFileSync(path.join(dir, 'empty-pw'), '\n');
    const viaFile = base();
    viaFile.directories[0].bind.password = { file: './empty-pw' };
    expect(configError(viaFile).where).toBe('directories[0].bind.password');
  });

  it('leaves an anonymous directory (no bind at all) alone', () => {
    const anon = base() as { directories: Record<string, unknown>[] };
    delete anon.directories[0].bind;
    expect(parseConfig(anon, { baseDir: dir, env: {} }).directories[0].bind).toBeUndefined();
  });
});

describe('server URLs: one rule (schema.ts) for the file and the API', () => {
  it('refuses a port out of range and a URL without a host, naming the server', () => {
    for (const url of ['ldap://dc1:99999', 'ldaps://dc1:0', 'ldaps://?/', 'ldap://:389', 'ldaps://dc1:63a6']) {
      const c = base();
      c.directories[0].servers = ['ldaps://127.0.0.1:636', url];
      const e = configError(c);
      expect(e.where, url).toBe('directories[0].servers[1]');
    }
    expect(serverUrlProblem('ldap://dc1:99999')).toMatch(/port/);
    expect(serverUrlProblem('ldaps://?/')).toMatch(/host/);
    expect(serverUrlProblem('ldaps://dc1.corp.example.test:636')).toBeNull();
    expect(serverUrlProblem('ldap://[::1]:389')).toBeNull();
    expect(serverUrlProblem('LDAPS://DC1')).toBeNull();
  });
});

describe('files that are not what the key expects', () => {
  it('a caFile that is a folder', () => {
    const c = base();
    c.directories[0].caFile = './ca-folder';
    const e = configError(c);
    expect(e.where).toBe('directories[0].caFile');
    expect(e.message).toMatch(/folder/);
  });

  it('a caFile that cannot be read (here: a path through a file, ENOTDIR; EACCES takes the same path)', () => {
    const c = base();
    c.directories[0].caFile = './a-file/ca.pem';
    const e = configError(c);
    expect(e.where).toBe('directories[0].caFile');
    expect(e.message).toMatch(/cannot read .*ENOTDIR/);
  });

  it('a store path whose parent is a file', () => {
    const e = configError({ ...base(), store: 'sqlite:./a-file/idsync.db' });
    expect(e.where).toBe('store');
    expect(e.message).toMatch(/a-file.*not a folder/);
  });

  it('--config pointing at a folder', () => {
    const e = errorOf(() => loadConfig(dir));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/is a folder/);
  });

  it('a configuration file over the size limit is refused before it is read, also from a device', () => {
    const big = path.join(dir, 'big.yaml');
    writeFileSync(big, `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    const e = errorOf(() => loadConfig(big));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/larger than/);
    // /dev/zero has size 0 for stat and never ends: the read itself must stop at the limit.
    const z = errorOf(() => loadConfig('/dev/zero'));
    expect(z.code).toBe('CONFIG_INVALID');
    expect(z.message).toMatch(/larger than/);
  });
});

describe('directories created through the admin API validate through the same rules', () => {
  it('refuses an empty password and a bad server URL there too', async () => {
    const { parseDirectoryInput, storedInputSchema: directoryInputSchema } = await import('../directories/input.js');
    const input = { ...base().directories[0], caFile: undefined, bind: { dn: 'cn=admin,dc=corp,dc=example,dc=test' } };
    delete (input as { caFile?: string }).caFile;
    const parsed = directoryInputSchema.parse(input);
    const e = errorOf(() => parseDirectoryInput(parsed, '', dir)) as IdsyncError & { field?: string };
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.message).toMatch(/bind\.password.*empty|empty.*unauthenticated/);
    for (const url of ['ldap://dc1:99999', 'ldaps://?/']) {
      expect(directoryInputSchema.safeParse({ ...input, servers: [url] }).success, url).toBe(false);
    }
  });
});

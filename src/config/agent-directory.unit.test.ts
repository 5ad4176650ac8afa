import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.js';

/** `directories[].agent` (issue 13): a directory reached through an on-premises agent has no servers or bind at the hub. */
describe('a directory reached through an agent', () => {
  const base = { name: 'corp', type: 'openldap', baseDn: 'dc=corp,dc=test', groups: ['cn=eng,dc=corp,dc=test'] };
  const parse = (d: Record<string, unknown>) => parseConfig({ store: 'sqlite::memory:', directories: [{ ...base, ...d }] }, { baseDir: '/tmp', env: {} });

  it('becomes one agent:// server whose tunnel names the agents in order and the directory', () => {
    const cfg = parse({ agent: ['site-a', 'site-b'] }).directories[0];
    expect(cfg.servers).toEqual([
      { url: 'agent://site-a,site-b', host: 'site-a', port: 0, transport: 'agent', agent: { names: ['site-a', 'site-b'], directory: 'corp' } },
    ]);
    expect(cfg.bind).toBeUndefined();
    expect(parse({ agent: 'site-a' }).directories[0].servers[0].agent).toEqual({ names: ['site-a'], directory: 'corp' });
  });

  it('refuses servers and agent together, neither, a bind or a transport at the hub, and a bad agent name', () => {
    expect(() => parse({ agent: 'site-a', servers: ['ldap://dc1'] })).toThrow(
      /directories\[0\]\.agent: a directory is reached either through its servers or through agents/,
    );
    expect(() => parse({})).toThrow(/give the LDAP servers under "servers", or the agent\(s\)/);
    expect(() => parse({ agent: 'site-a', bind: { dn: 'cn=x', password: 'p' } })).toThrow(/bind: .*password, which stay on premises/);
    expect(() => parse({ agent: 'site-a', transport: 'ldaps' })).toThrow(/transport/);
    expect(() => parse({ agent: 'bad name' })).toThrow(/agent.*must be 1-63 letters/);
  });

  it('refuses importPasswordHashes through an agent (its policy never lets userPassword through) and on Active Directory', () => {
    expect(() => parse({ agent: 'site-a', importPasswordHashes: true })).toThrow(/importPasswordHashes: cannot be read through an agent/);
    const ad = { type: 'active-directory', servers: ['ldaps://dc1'], bind: { dn: 'cn=x', password: 'p' }, importPasswordHashes: true };
    expect(() => parse(ad)).toThrow(/importPasswordHashes: is for OpenLDAP/);
    expect(parse({ servers: ['ldaps://ldap1'], importPasswordHashes: true }).directories[0].importPasswordHashes).toBe(true);
    expect(parse({ agent: 'site-a' }).directories[0].importPasswordHashes).toBe(false);
  });
});

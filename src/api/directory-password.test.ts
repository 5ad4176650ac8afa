import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiHarness } from './test-support.js';

/**
 * Issue 10 item 8: a stored bind password goes only where it went before. An administrator who
 * re-points a directory (servers, transport, CA, hostname verification, bind DN) must enter the
 * password again; the old one is never sent to the new destination. A plain TCP listener stands in
 * for the attacker's server and records every byte it is sent (a simple bind carries the password
 * in clear, RFC 4511 section 4.2).
 */
class Recorder {
  readonly received: Buffer[] = [];
  readonly sockets = new Set<Socket>();
  readonly server: Server = createServer((s) => {
    this.sockets.add(s);
    s.on('data', (d) => this.received.push(d));
    s.on('error', () => undefined);
    s.on('close', () => this.sockets.delete(s));
    // Never answers: the client's bind times out (connectMs/operationMs are short in the directory).
  });
  port = 0;
  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }
  saw(text: string): boolean {
    return Buffer.concat(this.received).includes(Buffer.from(text, 'utf8'));
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const PASSWORD = 'stored-bind-secret-4711';
const CA = '-----BEGIN CERTIFICATE-----\nMIIBattacker\n-----END CERTIFICATE-----\n';

describe('re-pointing a directory created through the API', () => {
  let h: ApiHarness;
  let original: Recorder;
  let attacker: Recorder;
  beforeAll(async () => {
    original = new Recorder();
    attacker = new Recorder();
    await Promise.all([original.listen(), attacker.listen()]);
  });
  afterAll(async () => {
    await Promise.all([original?.close(), attacker?.close()]);
  });

  const base = (o: Record<string, unknown> = {}) => ({
    name: 'corp',
    type: 'openldap',
    servers: [`ldap://127.0.0.1:${original.port}`],
    transport: 'starttls',
    bind: { dn: 'cn=svc,dc=corp' },
    baseDn: 'dc=corp',
    groups: ['cn=eng,dc=corp'],
    timeouts: { connectMs: 500, operationMs: 500 },
    continuous: { changes: 'off' },
    ...o,
  });

  async function created(): Promise<ApiHarness> {
    const harness = await ApiHarness.create();
    harness.secrets.add(PASSWORD);
    const r = await harness.call('POST', '/api/v1/directories', { as: 'administrator', body: base({ bind: { dn: 'cn=svc,dc=corp', password: PASSWORD } }) });
    expect(r.status).toBe(201);
    return harness;
  }

  it.each([
    ['the servers, in clear', { servers: ['ATTACKER'], transport: 'clear' }, /the servers or the transport/],
    ['the servers', { servers: ['ATTACKER'] }, /the servers/],
    ['the transport', { transport: 'clear' }, /the transport/],
    ['the CA', { ca: CA }, /the CA/],
    ['hostname verification', { verifyHostname: false }, /verifyHostname/],
    ['the bind DN', { bind: { dn: 'cn=attacker,dc=corp' } }, /the bind DN/],
  ])('refuses a change of %s without the password, and the old password never reaches the new destination', async (_what, change, message) => {
    h = await created();
    try {
      const servers = (change as { servers?: string[] }).servers?.map(() => `ldap://127.0.0.1:${attacker.port}`);
      const r = await h.call('PUT', '/api/v1/directories/corp', { as: 'administrator', body: base({ ...change, ...(servers ? { servers } : {}) }) });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'bind.password', message: expect.stringMatching(message) });
      // The stored configuration is unchanged, so "test connection" still goes to the original server.
      expect((await h.call('GET', '/api/v1/directories/corp', { as: 'read_only' })).body.config.servers).toEqual([`ldap://127.0.0.1:${original.port}`]);
      await h.call('POST', '/api/v1/directories/corp/test', { as: 'administrator' });
      await h.call('POST', '/api/v1/directories/corp/sync?wait=true', { as: 'administrator' });
      expect(attacker.saw(PASSWORD)).toBe(false);
    } finally {
      await h.close();
    }
  });

  it('keeps the stored password when the destination stays the same, and takes a new one with a new destination', async () => {
    h = await created();
    try {
      // Another spelling of the same server, and a change elsewhere: no password needed.
      const same = await h.call('PUT', '/api/v1/directories/corp', {
        as: 'administrator',
        body: base({ servers: [`LDAP://127.0.0.1:${original.port}/`], pageSize: 500 }),
      });
      expect(same.status).toBe(200);
      expect(same.body).toMatchObject({ bind: { passwordSet: true } });

      const moved = await h.call('PUT', '/api/v1/directories/corp', {
        as: 'administrator',
        body: base({
          servers: [`ldap://127.0.0.1:${attacker.port}`],
          transport: 'clear',
          bind: { dn: 'cn=svc,dc=corp', password: 'a-new-password-entered-again' },
        }),
      });
      expect(moved.status).toBe(200);
      await h.call('POST', '/api/v1/directories/corp/test', { as: 'administrator' });
      expect(attacker.saw('a-new-password-entered-again')).toBe(true);
      expect(attacker.saw(PASSWORD)).toBe(false);
    } finally {
      await h.close();
    }
  });

  it("never fills a draft's missing password from a stored directory", async () => {
    h = await created();
    try {
      const draft = base({ servers: [`ldap://127.0.0.1:${attacker.port}`], transport: 'clear' });
      const t = await h.call('POST', '/api/v1/directory-drafts/test', { as: 'administrator', body: draft });
      expect(t.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'bind.password' });
      const g = await h.call('POST', '/api/v1/directory-drafts/groups', { as: 'administrator', body: { directory: draft, search: '' } });
      expect(g.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'directory.bind.password' });
      expect(attacker.saw(PASSWORD)).toBe(false);
    } finally {
      await h.close();
    }
  });
});

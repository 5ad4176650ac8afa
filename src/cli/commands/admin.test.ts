import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../../test/support/workspace.js';

/**
 * `idsync admin` and the admin API of `idsync serve`, through the built command line: the first
 * owner from standard input or IDSYNC_ADMIN_PASSWORD (never an argument), then a real HTTP
 * listener on --listen, logged in to and used with a token as curl would.
 */
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/idsync.js');

/** Runs the CLI with `stdin` as standard input; IDSYNC_ADMIN_PASSWORD only when `password` is given. */
function run(ws: Workspace, args: string[], stdin = '', password?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.IDSYNC_ADMIN_PASSWORD;
  if (password !== undefined) env.IDSYNC_ADMIN_PASSWORD = password;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--config', ws.configFile, ...args], { cwd: ws.dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('idsync admin and the API of idsync serve', () => {
  it('creates admins from stdin or the environment, refuses weak passwords, and serves the API on --listen', async () => {
    // Port 0: the system picks a free one, which serve logs.
    const ws = new Workspace().configure([], { api: { listen: '127.0.0.1:0' } });
    const first = await run(ws, ['admin', 'create', '--username', 'root', '--role', 'owner'], 'root-password-from-stdin\n');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Created owner "root"');
    const weak = await run(ws, ['admin', 'create', '--username', 'weak', '--role', 'read_only'], 'short\n');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/\[VALIDATION_FAILED\].*at least 12/);
    const badRole = await run(ws, ['admin', 'create', '--username', 'x', '--role', 'god'], 'long-enough-password');
    expect(badRole.stderr).toMatch(/\[USAGE\].*--role/);
    const fromEnv = await run(ws, ['admin', 'create', '--username', 'ops', '--role', 'administrator'], '', 'ops-password-from-env');
    expect(fromEnv.code).toBe(0);
    const list = await run(ws, ['admin', 'list', '--json']);
    expect(JSON.parse(list.stdout).map((a: { username: string; role: string }) => `${a.username}:${a.role}`)).toEqual(['ops:administrator', 'root:owner']);
    expect(list.stdout).not.toMatch(/argon2/);

    expect((await run(ws, ['serve', '--listen', 'nowhere'])).stderr).toMatch(/\[USAGE\]: --listen must be HOST:PORT/);

    const serve = ws.serve();
    try {
      const { value: url } = await ws.waitFor(async () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(serve.output())?.[1], 20_000);
      expect(url).not.toBe('http://127.0.0.1:8470');
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'root', password: 'root-password-from-stdin' }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const created = await fetch(`${url}/api/v1/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify({ name: 'script', role: 'read_only' }),
      });
      expect(created.status).toBe(201);
      const { token } = (await created.json()) as { token: string };
      const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(await me.json()).toEqual({ kind: 'token', name: 'script', role: 'read_only' });
      const metrics = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(await metrics.text()).toContain('idsync_process_resident_memory_bytes');
      expect(serve.output()).not.toContain(token);
      expect(serve.output()).not.toContain('root-password-from-stdin');
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it('lifts a login lockout with `idsync admin unlock` and with `set-password`, while idsync serve runs', async () => {
    const ws = new Workspace().configure([], { api: { listen: '127.0.0.1:0' } });
    expect((await run(ws, ['admin', 'create', '--username', 'root', '--role', 'owner'], '', 'root-password-12345')).code).toBe(0);
    const serve = ws.serve();
    try {
      const { value: url } = await ws.waitFor(async () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(serve.output())?.[1], 20_000);
      const login = (password: string) =>
        fetch(`${url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'root', password }),
        }).then((r) => r.status);
      const lockOut = async () => {
        for (let i = 0; i < 5; i++) expect(await login(`wrong-password-${i}`)).toBe(401);
        expect(await login('root-password-12345')).toBe(429);
      };
      await lockOut();
      const unlocked = await run(ws, ['admin', 'unlock', '--username', 'ROOT']);
      expect(unlocked.stderr).toBe('');
      expect(unlocked.stdout).toContain('is unlocked');
      expect(await login('root-password-12345')).toBe(200);
      expect((await run(ws, ['admin', 'unlock', '--username', 'root'])).stdout).toContain('was not locked');
      expect((await run(ws, ['admin', 'unlock', '--address', '127.0.0.1'])).stdout).toContain('address 127.0.0.1 was not locked');
      expect((await run(ws, ['admin', 'unlock'])).stderr).toMatch(/\[USAGE\].*--username NAME or --address IP/);

      await lockOut();
      const reset = await run(ws, ['admin', 'set-password', '--username', 'root'], '', 'new-root-password-1');
      expect(reset.stdout).toContain('the login lockout is lifted');
      expect(await login('new-root-password-1')).toBe(200);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });
});

import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../../test/support/workspace.js';
import { verifyPassword } from '../../auth/passwords.js';
import { Store } from '../../store/db.js';

/**
 * Issue 12 from the command line, through the built CLI: `idsync groups …` for local groups and
 * `idsync users password USER` (standard input or --from-env, never an argument), each change
 * audited, and the password nowhere but in its argon2id verifier.
 */
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/idsync.js');
const PASSWORD = 'Stdin-Password-0451';
const ENV_PASSWORD = 'Env-Password-7782-xyz';

function run(ws: Workspace, args: string[], stdin = '', env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--config', ws.configFile, ...args], {
      cwd: ws.dir,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

async function withWsStore<T>(ws: Workspace, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await Store.open(`sqlite:${path.join(ws.dir, 'data/idsync.db')}`);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

describe('idsync groups and idsync users password', () => {
  it('manages local groups and their members, audited', async () => {
    const ws = new Workspace().configure([]);
    const ok = async (args: string[]) => {
      const r = await run(ws, args);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.code, args.join(' ')).toBe(0);
      return r.stdout;
    };
    await ok(['users', 'add', 'alice']);
    await ok(['users', 'add', 'bob']);
    expect(await ok(['groups', 'list'])).toMatch(/No local groups yet/);
    expect(await ok(['groups', 'add', 'Eng', '--description', 'builders'])).toBe('Created local group Eng.\n');
    const dup = await run(ws, ['groups', 'add', 'eng']);
    expect(dup.code).toBe(4);
    expect(dup.stderr).toMatch(/\[STORE_CONFLICT\].*already exists/);
    expect(await ok(['groups', 'members', 'add', 'eng', 'alice', 'bob'])).toBe('Added alice, bob to Eng.\n');
    expect(await ok(['groups', 'members', 'add', 'eng', 'alice'])).toMatch(/Nothing to change/);
    const missing = await run(ws, ['groups', 'members', 'add', 'eng', 'nobody']);
    expect(missing.stderr).toMatch(/\[STORE_NOT_FOUND\].*"nobody"/);
    expect(await ok(['groups', 'members', 'remove', 'eng', 'bob'])).toBe('Removed bob from Eng.\n');
    expect(await ok(['groups', 'edit', 'eng', '--name', 'Engineering', '--description', ''])).toBe('Updated local group Engineering.\n');
    expect((await run(ws, ['groups', 'edit', 'Engineering'])).stderr).toMatch(/\[USAGE\]/);
    const shown = JSON.parse(await ok(['groups', 'show', 'engineering', '--json']));
    expect(shown).toMatchObject({ name: 'Engineering', description: null, members: [{ username: 'alice', directory: null }], exports: [] });
    expect(await ok(['groups', 'show', 'Engineering'])).toMatch(/^Engineering\n.*\n {2}members \(1\): alice\n$/);
    expect(await ok(['groups', 'list'])).toBe('Engineering\t1 member\n');
    expect(await ok(['users', 'show', 'alice'])).toMatch(/\n {2}local groups: Engineering\n {2}password: not set in idsync\n/);
    expect(JSON.parse(await ok(['users', 'show', 'alice', '--json']))).toMatchObject({ localGroups: ['Engineering'], passwordSetAt: null });
    expect(await ok(['groups', 'remove', 'Engineering'])).toBe('Removed local group Engineering.\n');
    expect((await run(ws, ['groups', 'show', 'Engineering'])).code).toBe(4);

    const audit = await withWsStore(ws, async (s) => (await s.auditLog.list({ limit: 100, offset: 0 })).items.reverse());
    expect(audit.map((e) => `${e.actorType} ${e.action} ${e.target}`)).toEqual([
      'cli createLocalUser username=alice',
      'cli createLocalUser username=bob',
      'cli createLocalGroup name=Eng',
      'cli addLocalGroupMembers name=Eng',
      'cli addLocalGroupMembers name=Eng',
      'cli removeLocalGroupMember name=Eng',
      'cli updateLocalGroup name=eng',
      'cli deleteLocalGroup name=Engineering',
    ]);
    expect(audit[3]!.detail).toEqual({ usernames: ['alice', 'bob'] });
  });

  it('sets a local password from standard input or --from-env, never an argument; refuses a synced user', async () => {
    const ws = new Workspace().configure([]);
    expect((await run(ws, ['users', 'add', 'dave'])).code).toBe(0);
    // Every log level on, so that "never logged" covers debug lines too.
    const fromStdin = await run(ws, ['users', 'password', 'dave'], `${PASSWORD}\n`, { IDSYNC_LOG_LEVEL: 'trace' });
    expect(fromStdin.stderr).toBe('');
    expect(fromStdin.stdout).toBe('Password of dave set.\n');
    const v1 = await withWsStore(ws, async (s) => s.userPasswords.verifierOf((await s.users.find('dave'))!.id));
    expect(v1).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(PASSWORD, v1!)).toBe(true);
    expect((await run(ws, ['users', 'show', 'dave'])).stdout).toMatch(/\n {2}password: set \d{4}-/);

    const fromEnv = await run(ws, ['users', 'password', 'dave', '--from-env', 'DAVE_PW'], '', { DAVE_PW: ENV_PASSWORD, IDSYNC_LOG_LEVEL: 'trace' });
    expect(fromEnv.code).toBe(0);
    const v2 = await withWsStore(ws, async (s) => s.userPasswords.verifierOf((await s.users.find('dave'))!.id));
    expect(await verifyPassword(ENV_PASSWORD, v2!)).toBe(true);
    expect((await run(ws, ['users', 'password', 'dave', '--from-env', 'NOT_SET_ANYWHERE'])).stderr).toMatch(/\[USAGE\].*NOT_SET_ANYWHERE/);
    // Not an argument: commander refuses the extra one.
    expect((await run(ws, ['users', 'password', 'dave', ENV_PASSWORD])).code).toBe(2);
    expect((await run(ws, ['users', 'password', 'dave'], 'short\n')).stderr).toMatch(/\[VALIDATION_FAILED\].*at least 12/);

    await withWsStore(ws, async (s) => {
      const dir = await s.db
        .insertInto('directories')
        .values({ name: 'corp', type: 'openldap', username_attribute: 'uid', first_synced_at: null, created_at: new Date().toISOString() })
        .returning('id')
        .executeTakeFirstOrThrow();
      const u = await s.users.addLocal({ username: 'carol' }, new Date());
      await s.db.updateTable('users').set({ directory_id: dir.id, external_id: 'x-carol' }).where('id', '=', u.id).execute();
    });
    const synced = await run(ws, ['users', 'password', 'carol'], `${PASSWORD}\n`, { IDSYNC_LOG_LEVEL: 'trace' });
    expect(synced.code).toBe(4);
    expect(synced.stderr).toMatch(/\[STORE_ATTRIBUTE_OWNED\]: user "carol" is synced from directory "corp", which owns their password/);
    expect((await run(ws, ['users', 'password', 'nobody'], `${PASSWORD}\n`)).code).toBe(4);

    const { audit, stored } = await withWsStore(ws, async (s) => ({
      audit: (await s.auditLog.list({ limit: 100, offset: 0, action: 'setUserPassword' })).items,
      stored: JSON.stringify([
        await s.db.selectFrom('audit_log').selectAll().execute(),
        await s.db.selectFrom('users').selectAll().execute(),
        await s.db.selectFrom('provision_outbox').selectAll().execute(),
      ]),
    }));
    expect(audit.map((e) => e.target)).toEqual(['username=dave', 'username=dave']);
    expect(stored).not.toContain(PASSWORD);
    expect(stored).not.toContain(ENV_PASSWORD);
    for (const r of [fromStdin, fromEnv, synced]) expect(r.stdout + r.stderr).not.toMatch(/Stdin-Password|Env-Password/);
  });
});

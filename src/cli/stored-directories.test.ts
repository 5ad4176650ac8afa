import { describe, expect, it } from 'vitest';
import { Workspace } from '../../test/support/workspace.js';
import { createApiApp } from '../api/app.js';
import { createToken } from '../auth/tokens.js';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../log.js';
import { Store } from '../store/db.js';
import { finishRun, startRun } from '../store/runs.js';
import { holdRemovals } from '../sync/removals.js';
import { emptyCounts } from '../sync/report.js';

/**
 * Issue 10 item 5: the commands see the directories created through the admin API (they live in
 * the store, not in the file), and `idsync approve`/`reject` refuse to write around a running
 * `idsync serve`, whose directory queues make every write. Driven through the real `idsync`
 * command line (run `npm run build` first). The directory's server is 127.0.0.1:9, where nothing
 * listens: `idsync sync` then fails as a directory failure, not as an unknown directory.
 */
const T = '2026-11-01T10:00:00.000Z';

/** Creates `apidir` through the API, with two users a sync of it would have brought in. */
async function seed(ws: Workspace): Promise<void> {
  const config = loadConfig(ws.configFile);
  const store = await Store.open(config.store);
  try {
    const app = createApiApp({ store, config, log: createLogger('silent') });
    const { token } = await createToken(store, { name: 'seed', role: 'owner', createdBy: null }, new Date());
    const body = {
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
    const r = await app.request('/api/v1/directories', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(r.status, await r.clone().text()).toBe(201);
    await app.close();
    const db = store.db;
    const dirId = (
      await db
        .insertInto('directories')
        .values({ name: 'apidir', type: 'openldap', username_attribute: 'uid', first_synced_at: T, created_at: T })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    for (const username of ['alice', 'bob']) {
      await db
        .insertInto('users')
        .values({
          username,
          username_key: username,
          directory_id: dirId,
          external_id: `ext-${username}`,
          dn: `uid=${username},dc=corp`,
          dn_key: `uid=${username},dc=corp`,
          aliases: '[]',
          phones: '[]',
          full_name: null,
          first_name: null,
          last_name: null,
          email: null,
          notes: null,
          status: 'active',
          status_reason: null,
          sync_item: 'group cn=eng,dc=corp',
          trashed_at: null,
          delete_after: null,
          created_at: T,
          updated_at: T,
        })
        .execute();
    }
  } finally {
    await store.close();
  }
}

/** A run of `apidir` that held the removal of `username`, as a sync over the safeguard's limit would. */
async function hold(ws: Workspace, username: string): Promise<number> {
  const store = await Store.open(loadConfig(ws.configFile).store);
  try {
    const dir = await store.db.selectFrom('directories').select('id').where('name', '=', 'apidir').executeTakeFirstOrThrow();
    const user = await store.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
    const run = await startRun(store, dir.id, 'apidir', 'full', new Date(T));
    await holdRemovals(
      store.db,
      run,
      dir.id,
      [{ userId: user.id, username, externalId: `ext-${username}`, action: 'trash', reason: 'no longer in scope' }],
      new Date(T),
      'more than 0 users',
    );
    await finishRun(store.db, run, {
      status: 'succeeded',
      counts: { ...emptyCounts(), held: 1 },
      startedAt: new Date(T),
      now: new Date(T),
      attempts: [],
      warnings: [],
    });
    return run;
  } finally {
    await store.close();
  }
}

async function serveRow(ws: Workspace): Promise<{ pid: number; api: string | null } | undefined> {
  const store = await Store.open(loadConfig(ws.configFile).store);
  try {
    return await store.db.selectFrom('serve_processes').select(['pid', 'api']).executeTakeFirst();
  } finally {
    await store.close();
  }
}

describe('directories created through the admin API, from the command line', () => {
  it('are seen by sync, status, approvals, approve, reject and users show', async () => {
    const ws = new Workspace().configure([]);
    await seed(ws);
    const runs = [await hold(ws, 'alice')];

    const status = await ws.json(['status']);
    expect(status).toEqual([expect.objectContaining({ directory: 'apidir', type: 'openldap', mode: 'not running' })]);
    expect((await ws.json(['approvals'])).map((a: { runId: number; directory: string }) => [a.runId, a.directory])).toEqual([[runs[0], 'apidir']]);
    expect(await ws.json(['users', 'show', 'alice'])).toMatchObject({ username: 'alice', directory: 'apidir' });

    // The directory is found and its server tried: a directory failure (exit 3), not UNKNOWN_DIRECTORY (exit 2).
    const sync = await ws.cli(['sync', '--directory', 'apidir']);
    expect(sync.stderr).toMatch(/DIRECTORY_UNREACHABLE|DIRECTORY_TIMEOUT/);
    expect(sync.code).toBe(3);

    const approved = await ws.cli(['approve', String(runs[0])]);
    expect(approved.stderr).toBe('');
    expect(approved.stdout).toMatch(new RegExp(`Approved run ${runs[0]}: 1 removals applied`));
    expect(await ws.json(['users', 'show', 'alice'])).toMatchObject({ status: 'trashed' });
    runs.push(await hold(ws, 'bob'));
    const rejected = await ws.cli(['reject', String(runs[1])]);
    expect(rejected.code).toBe(0);
    expect(await ws.json(['users', 'show', 'bob'])).toMatchObject({ status: 'active' });

    const unknown = await ws.cli(['sync', '--directory', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/UNKNOWN_DIRECTORY.*known: apidir/);
  });

  it('refuses to approve or reject while idsync serve runs, saying why and where to decide instead', async () => {
    const ws = new Workspace().configure([]);
    await seed(ws);
    const runs = [await hold(ws, 'alice')];
    const serve = ws.serve();
    try {
      const row = (await ws.waitFor(async () => ((await serveRow(ws))?.api ? serveRow(ws) : undefined), 60_000)).value!;
      expect(row.pid).toBe(serve.child.pid);
      for (const decision of ['approve', 'reject']) {
        const r = await ws.cli([decision, String(runs[0])]);
        expect(r.code, r.stderr).toBe(5);
        expect(r.stderr).toMatch(/SYNC_ALREADY_RUNNING/);
        expect(r.stderr).toMatch(
          new RegExp(`idsync serve is running on this store \\(process ${serve.child.pid} .*admin API at http://127\\.0\\.0\\.1:\\d+\\)`),
        );
        expect(r.stderr).toContain(`POST /api/v1/approvals/${runs[0]}/${decision}`);
      }
      expect((await ws.json(['approvals'])).map((a: { runId: number }) => a.runId)).toContain(runs[0]);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    // A clean stop removes the row; the decision is then made here.
    expect(await serveRow(ws)).toBeUndefined();
    expect((await ws.cli(['approve', String(runs[0])])).code).toBe(0);

    // A serve killed without a chance to clean up does not block the command line either.
    runs.push(await hold(ws, 'bob'));
    const killed = ws.serve();
    await ws.waitFor(async () => (await serveRow(ws))?.api);
    killed.child.kill('SIGKILL');
    await killed.stop();
    expect(await serveRow(ws)).toBeDefined();
    const r = await ws.cli(['reject', String(runs[1])]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

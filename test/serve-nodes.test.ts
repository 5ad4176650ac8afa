import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Store } from '../src/store/db.js';
import { nodesOverview } from '../src/store/nodes.js';
import { connectSlapd, type SlapdDirectory } from './harness/index.js';
import { expectConverges, freshSync } from './support/fresh-sync.js';
import { uniqueName, Workspace } from './support/workspace.js';

/**
 * Issue 16: three `idsync serve` nodes on one PostgreSQL store, with slapd. The leases spread
 * over the nodes; work asked of a node that does not hold a directory's lease runs on the one that
 * does; a lockout reached through one node holds on another; a holder killed mid-stream hands its
 * directories over within 15 s, and the store ends equal to a fresh full sync.
 */
const DIRECTORIES = 6;
const PASSWORD = 'nodes-owner-password-1';
const TAKEOVER_LIMIT_MS = 15_000;

let slapd: SlapdDirectory;
let ws: Workspace;
let store: Store;
const schema = `nodes_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
type Node = ReturnType<Workspace['serve']> & { name: string; url: string };
const nodes: Node[] = [];
const groups: string[] = [];
const people: string[] = [];

async function overview() {
  return nodesOverview(store);
}

/** Which node (by name) holds each directory's lease. */
async function holders(): Promise<Map<string, string>> {
  const v = await overview();
  const alive = v.nodes.filter((n) => n.alive);
  const m = new Map<string, string>();
  for (const n of alive) for (const d of n.directories) m.set(d, n.name);
  return m;
}

function node(name: string): Node {
  return nodes.find((n) => n.name === name)!;
}

async function login(url: string, username: string, password: string): Promise<Response> {
  return fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

async function session(url: string): Promise<{ cookie: string; csrf: string }> {
  const r = await login(url, 'root', PASSWORD);
  expect(r.status).toBe(200);
  const cookie = r.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
}

beforeAll(async () => {
  slapd = connectSlapd(inject('slapd'));
  const base = await slapd.addOu(uniqueName('nodes'));
  const dirs = [];
  for (let i = 0; i < DIRECTORIES; i++) {
    const ou = await slapd.addOu(`d${i}`, base);
    const p = await slapd.addOu('people', ou);
    const g = await slapd.addOu('groups', ou);
    const first = await slapd.addUser({ ou: p, uid: `n${i}first`, sn: 'Node', mail: `n${i}first@corp.example.test` });
    const chosen = await slapd.addGroup({ ou: g, cn: `chosen${i}`, members: [first] });
    people.push(p);
    groups.push(chosen);
    dirs.push({
      name: `d${i}`,
      type: 'openldap',
      servers: [slapd.ldapsUrl],
      caFile: slapd.caFile,
      bind: { dn: slapd.bindDn, password: slapd.password },
      baseDn: ou,
      groups: [chosen],
      safeguard: { enabled: false },
      continuous: { changes: 'content-sync' },
    });
  }
  ws = new Workspace({ store: `${inject('postgresUrl')}?schema=${schema}` }).configure(dirs);
  for (const [username, role] of [
    ['root', 'owner'],
    ['locky', 'read_only'],
  ]) {
    const created = await ws.cli(['admin', 'create', '--username', username, '--role', role], { env: { IDSYNC_ADMIN_PASSWORD: PASSWORD } });
    if (created.code !== 0) throw new Error(`idsync admin create exited ${created.code}: ${created.stderr}`);
  }
  store = await Store.open(ws.store);
  for (const name of ['a', 'b', 'c']) {
    const s = ws.serve({ env: { IDSYNC_NODE_NAME: name, IDSYNC_LOG_LEVEL: 'info' } });
    const { value: url } = await ws.waitFor(async () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(s.output())?.[1], 60_000, 100);
    nodes.push({ ...s, name, url });
  }
});

afterAll(async () => {
  for (const n of nodes) await n.stop();
  if (store) {
    await store.db.schema.dropSchema(schema).ifExists().cascade().execute();
    await store.close();
  }
});

describe('three idsync serve nodes on one PostgreSQL store (issue 16)', () => {
  it('spread the leases: each node runs two of the six directories', async () => {
    await ws.waitFor(
      async () => {
        const v = await overview();
        const alive = v.nodes.filter((n) => n.alive);
        return alive.length === 3 && alive.every((n) => n.directories.length === DIRECTORIES / 3);
      },
      90_000,
      250,
    );
    const shown = await ws.json(['nodes']);
    expect(shown.nodes.filter((n: { alive: boolean }) => n.alive).map((n: { name: string }) => n.name)).toEqual(['a', 'b', 'c']);
    expect(shown.nodes.every((n: { version: string }) => /^\d+\.\d+\.\d+/.test(n.version))).toBe(true);
    // Every directory connected and followed by its holder.
    await ws.waitFor(async () => (await ws.json(['status'])).every((s: { connected: boolean }) => s.connected), 60_000, 250);
    // The API of any node shows the same.
    const { cookie } = await session(node('b').url);
    const api = (await (await fetch(`${node('b').url}/api/v1/nodes`, { headers: { cookie } })).json()) as { self: string; nodes: unknown[] };
    expect(api.self).toBe('b');
    expect(api.nodes).toHaveLength(3);
  });

  it('runs "sync now" and a single-user sync sent to a node without the lease on the holder, and streams its progress on a third', async () => {
    const held = await holders();
    const [directory, holder] = [...held.entries()].find(([, n]) => n === 'a')!;
    const asked = node('b');
    const watcher = node('c');
    const { cookie, csrf } = await session(asked.url);

    // The event stream of node c, which neither runs the directory nor was asked.
    const events = await fetch(`${watcher.url}/api/v1/events`, { headers: { cookie } });
    const reader = events.body!.getReader();
    let seen = '';
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += new TextDecoder().decode(value);
      }
    })().catch(() => undefined);
    await ws.waitFor(async () => seen.includes('event: ready'), 10_000);

    const r = await fetch(`${asked.url}/api/v1/directories/${directory}/sync?wait=true`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    const report = (await r.json()) as { runId: number; status: string; kind: string };
    expect(r.status, JSON.stringify(report)).toBe(200);
    expect(report).toMatchObject({ status: 'succeeded', kind: 'full' });
    const run = await store.db.selectFrom('runs').select(['pid']).where('id', '=', report.runId).executeTakeFirstOrThrow();
    expect(Number(run.pid)).toBe(node(holder).child.pid);

    await ws.waitFor(async () => seen.includes(`"directory":"${directory}","runId":${report.runId}`), 10_000);
    expect(seen).toMatch(new RegExp(`event: progress\\ndata: \\{"directory":"${directory}","kind":"full"`));
    await reader.cancel();
    await pump;

    const i = Number(directory.slice(1));
    const user = await fetch(`${asked.url}/api/v1/directories/${directory}/sync/user`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ username: `n${i}first` }),
    });
    const userReport = (await user.json()) as { runId: number; kind: string };
    expect(user.status, JSON.stringify(userReport)).toBe(200);
    expect(userReport.kind).toBe('user');
    const userRun = await store.db.selectFrom('runs').select(['pid']).where('id', '=', userReport.runId).executeTakeFirstOrThrow();
    expect(Number(userRun.pid)).toBe(node(holder).child.pid);
    expect(asked.output()).toContain('work sent to the lease holder');
  });

  it('keeps a lockout reached through node a on node b', async () => {
    for (let i = 0; i < 5; i++) expect((await login(node('a').url, 'locky', `wrong-password-${i}`)).status).toBe(401);
    expect((await login(node('b').url, 'locky', PASSWORD)).status).toBe(429);
    expect((await login(node('c').url, 'locky', PASSWORD)).status).toBe(429);
  });

  it('hands the directories of a holder killed mid-stream over within 15 s, and the store ends equal to a fresh full sync', async () => {
    const held = await holders();
    const victim = node('c');
    const theirs = [...held.entries()].filter(([, n]) => n === 'c').map(([d]) => Number(d.slice(1)));
    expect(theirs).toHaveLength(2);
    // Changes keep coming in the victim's directories while it dies.
    let stop = false;
    let added = 0;
    const writer = (async () => {
      while (!stop) {
        for (const i of theirs) {
          const dn = await slapd.addUser({ ou: people[i], uid: `n${i}m${added}`, sn: 'Moving', mail: `n${i}m${added}@corp.example.test` });
          await slapd.addMembers(groups[i], [dn]);
        }
        added++;
      }
    })();
    await ws.waitFor(async () => added >= 3, 30_000, 20);
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    await victim.stop();
    const { ms } = await ws.waitFor(
      async () => {
        const h = await holders();
        return theirs.every((i) => ['a', 'b'].includes(h.get(`d${i}`) ?? ''));
      },
      30_000,
      100,
    );
    const tookMs = Date.now() - killedAt;
    console.log(`takeover after SIGKILL: ${tookMs} ms (leases seen held by the survivors after ${ms} ms)`);
    expect(tookMs).toBeLessThan(TAKEOVER_LIMIT_MS);
    await ws.waitFor(async () => added >= 6, 30_000, 20);
    stop = true;
    await writer;
    const survivors = await overview();
    expect(survivors.nodes.filter((n) => n.alive).map((n) => [n.name, n.directories.length])).toEqual([
      ['a', 3],
      ['b', 3],
    ]);
    await expectConverges(ws, await freshSync(ws), 60_000);
    // The directories did not change: no node replaced a worker on its periodic look at them.
    for (const n of nodes) expect(n.output()).not.toContain('workers replaced');
  });
});

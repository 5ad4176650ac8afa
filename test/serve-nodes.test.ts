import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Store } from '../src/store/db.js';
import { nodesOverview } from '../src/store/nodes.js';
import { connectSamba, connectSlapd, type SambaDirectory, type SlapdDirectory } from './harness/index.js';
import { expectConverges, freshSync } from './support/fresh-sync.js';
import { uniqueName, Workspace } from './support/workspace.js';

/**
 * Issue 16: three `idsync serve` nodes on one PostgreSQL store, with slapd and the Samba AD DC.
 * The leases spread over the nodes, AD directories among them; work asked of a node that does not
 * hold a directory's lease ("sync now", a single user, approving held removals) runs on the one
 * that does; a lockout reached through one node holds on another; a holder killed mid-stream (one
 * that runs an AD directory) hands its directories over within 15 s, and the store ends equal to a
 * fresh full sync. Without the Samba DC (IDSYNC_TEST_NO_SAMBA=1) every directory is on slapd, and
 * the test of the AD directories' part is skipped.
 */
const DIRECTORIES = 6;
const sambaInfo = inject('samba');
/** Of the six, this many are on the Samba DC (the last ones), when it runs. */
const AD_DIRECTORIES = sambaInfo ? 2 : 0;
/** The directory whose safeguard holds more than one removal, for the approval test (slapd). */
const GUARDED = 0;
const PASSWORD = 'nodes-owner-password-1';
const TAKEOVER_LIMIT_MS = 15_000;

let slapd: SlapdDirectory;
let samba: SambaDirectory | undefined;
let ws: Workspace;
let store: Store;
const schema = `nodes_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
type Node = ReturnType<Workspace['serve']> & { name: string; url: string };
const nodes: Node[] = [];

/** One directory of the test: where its users go, its chosen group, how a user is added. */
interface Dir {
  name: string;
  ad: boolean;
  group: string;
  /** The username of the user it starts with. */
  first: string;
  /** Adds a user `n` in the directory (not yet a member); returns its DN. */
  addUser(n: string): Promise<string>;
  addMembers(dns: string[]): Promise<unknown>;
  removeMembers(dns: string[]): Promise<unknown>;
}
const dirs: Dir[] = [];
/** The directories the killed holder ran, and whether an AD one was among them. */
const takeover: { directories: string[]; ad: string[] } = { directories: [], ad: [] };

function dir(name: string): Dir {
  return dirs.find((d) => d.name === name)!;
}

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
  if (sambaInfo) samba = connectSamba(sambaInfo);
  const tag = uniqueName('');
  const base = await slapd.addOu(`nodes${tag}`);
  const configs: Record<string, unknown>[] = [];
  for (let i = 0; i < DIRECTORIES; i++) {
    const name = `d${i}`;
    const guarded = i === GUARDED;
    const safeguard = guarded ? { enabled: true, maxRemovals: 1, maxRemovalPercent: null } : { enabled: false };
    if (samba && i >= DIRECTORIES - AD_DIRECTORIES) {
      const ad = samba;
      const ou = await ad.addOu(`N${tag}d${i}`);
      const sam = (n: string) => `${n}.${tag}`;
      const addUser = (n: string) =>
        ad.addUser({ ou, sam: sam(n), cn: n, givenName: n, sn: 'Node', mail: `${n}.${tag}@corp.example.test`, upn: `${sam(n)}@corp.example.test` });
      const group = await ad.addGroup({ ou, name: `Chosen${i}`, sam: sam(`chosen${i}`), members: [await addUser(`n${i}first`)] });
      dirs.push({
        name,
        ad: true,
        group,
        first: sam(`n${i}first`),
        addUser,
        addMembers: (dns) => ad.addMembers(group, dns),
        removeMembers: (dns) => ad.removeMembers(group, dns),
      });
      configs.push({
        name,
        type: 'active-directory',
        servers: [ad.url],
        caFile: ad.caFile,
        bind: { dn: ad.bindDn, password: ad.password },
        baseDn: ou,
        groups: [group],
        safeguard,
        continuous: { changes: 'dirsync', pollSeconds: 1 },
      });
      continue;
    }
    const ou = await slapd.addOu(`d${i}`, base);
    const people = await slapd.addOu('people', ou);
    const groups = await slapd.addOu('groups', ou);
    const addUser = (n: string) => slapd.addUser({ ou: people, uid: n, sn: 'Node', mail: `${n}@corp.example.test` });
    const group = await slapd.addGroup({ ou: groups, cn: `chosen${i}`, members: [await addUser(`n${i}first`)] });
    dirs.push({
      name,
      ad: false,
      group,
      first: `n${i}first`,
      addUser,
      addMembers: (dns) => slapd.addMembers(group, dns),
      removeMembers: (dns) => slapd.removeMembers(group, dns),
    });
    configs.push({
      name,
      type: 'openldap',
      servers: [slapd.ldapsUrl],
      caFile: slapd.caFile,
      bind: { dn: slapd.bindDn, password: slapd.password },
      baseDn: ou,
      groups: [group],
      safeguard,
      continuous: { changes: 'content-sync' },
    });
  }
  ws = new Workspace({ store: `${inject('postgresUrl')}?schema=${schema}` }).configure(configs);
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

/** The admin API of a node, as root. */
async function api(n: Node) {
  const { cookie, csrf } = await session(n.url);
  return {
    cookie,
    post: (path: string, body?: unknown) =>
      fetch(`${n.url}/api/v1${path}`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    get: async (path: string) => (await fetch(`${n.url}/api/v1${path}`, { headers: { cookie } })).json(),
  };
}

/** The user of the store with this username, as `idsync export` has it. */
async function exported(username: string) {
  return (await ws.export()).users.find((u) => u.username === username);
}

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
    // Every directory connected and followed by its holder (AD ones through DirSync).
    await ws.waitFor(async () => (await ws.json(['status'])).every((s: { connected: boolean }) => s.connected), 60_000, 250);
    const status = (await ws.json(['status'])) as { directory: string; mode: string }[];
    for (const d of dirs.filter((x) => x.ad)) expect(status.find((s) => s.directory === d.name)?.mode).toBe('dirsync');
    // The API of any node shows the same.
    const { cookie } = await session(node('b').url);
    const shownByB = (await (await fetch(`${node('b').url}/api/v1/nodes`, { headers: { cookie } })).json()) as { self: string; nodes: unknown[] };
    expect(shownByB.self).toBe('b');
    expect(shownByB.nodes).toHaveLength(3);
  });

  it('runs "sync now" and a single-user sync sent to a node without the lease on the holder, and streams its progress on a third', async () => {
    const held = await holders();
    const [directory, holder] = [...held.entries()].find(([d]) => d !== `d${GUARDED}` && !dir(d).ad)!;
    const [asked, watcher] = ['a', 'b', 'c'].filter((n) => n !== holder).map(node);
    const { cookie, csrf } = await session(asked.url);

    // The event stream of a node which neither runs the directory nor was asked.
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

    const user = await fetch(`${asked.url}/api/v1/directories/${directory}/sync/user`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ username: dir(directory).first }),
    });
    const userReport = (await user.json()) as { runId: number; kind: string };
    expect(user.status, JSON.stringify(userReport)).toBe(200);
    expect(userReport.kind).toBe('user');
    const userRun = await store.db.selectFrom('runs').select(['pid']).where('id', '=', userReport.runId).executeTakeFirstOrThrow();
    expect(Number(userRun.pid)).toBe(node(holder).child.pid);
    expect(asked.output()).toContain('work sent to the lease holder');
  });

  it('applies removals held by the safeguard on the lease holder when they are approved through a node without the lease', async () => {
    const guarded = dir(`d${GUARDED}`);
    const holder = node((await holders()).get(guarded.name)!);
    const asked = node(['a', 'b', 'c'].find((n) => n !== holder.name)!);
    const leaving = ['n0leaving1', 'n0leaving2'];
    const dns = await Promise.all(leaving.map((n) => guarded.addUser(n)));
    await guarded.addMembers(dns);
    await ws.waitFor(async () => (await Promise.all(leaving.map(exported))).every((u) => u?.status === 'active'), 30_000, 250);

    // Two removals in one increment: more than the directory's safeguard lets through.
    await guarded.removeMembers(dns);
    const through = await api(asked);
    type Approval = { runId: number; directory: string; status: string; count: number; users: { username: string }[] };
    const { value: approval } = await ws.waitFor(
      async () => ((await through.get('/approvals')) as { items: Approval[] }).items.find((a) => a.directory === guarded.name),
      30_000,
      250,
    );
    expect(approval).toMatchObject({ status: 'pending', count: 2 });
    expect(approval.users.map((u) => u.username).sort()).toEqual(leaving);
    // Held: still active.
    for (const n of leaving) expect((await exported(n))?.status).toBe('active');

    const r = await through.post(`/approvals/${approval.runId}/approve`);
    const decided = await r.json();
    expect(r.status, JSON.stringify(decided)).toBe(200);
    expect(decided).toEqual({ runId: approval.runId, decision: 'approve', applied: 2, skipped: 0 });
    for (const n of leaving) expect((await exported(n))?.status).toBe('trashed');

    // The holder applied it, through the job the asked node wrote.
    const ids = new Map((await overview()).nodes.map((n) => [n.id, n.name]));
    const job = await store.db
      .selectFrom('node_jobs')
      .selectAll()
      .where('kind', '=', 'approval')
      .where('directory', '=', guarded.name)
      .executeTakeFirstOrThrow();
    expect({ state: job.state, by: ids.get(job.node ?? ''), from: ids.get(job.origin) }).toEqual({ state: 'done', by: holder.name, from: asked.name });
    expect(JSON.parse(job.args)).toEqual({ runId: approval.runId, decision: 'approve' });
    expect(holder.output()).toMatch(/"kind":"approval"[^\n]*running work asked on another node|running work asked on another node[^\n]*"kind":"approval"/);
    expect(((await through.get('/approvals?all=true')) as { items: Approval[] }).items.find((a) => a.runId === approval.runId)?.status).toBe('approved');
    // Approving again is refused, by the holder, as on one node.
    const again = await through.post(`/approvals/${approval.runId}/approve`);
    expect(again.status).toBe(409);
  });

  it('keeps a lockout reached through node a on node b', async () => {
    for (let i = 0; i < 5; i++) expect((await login(node('a').url, 'locky', `wrong-password-${i}`)).status).toBe(401);
    expect((await login(node('b').url, 'locky', PASSWORD)).status).toBe(429);
    expect((await login(node('c').url, 'locky', PASSWORD)).status).toBe(429);
  });

  it('hands the directories of a holder killed mid-stream over within 15 s, and the store ends equal to a fresh full sync', async () => {
    const held = await holders();
    // The victim runs an AD directory when there is one.
    const victimName = held.get(dirs.find((d) => d.ad)?.name ?? '') ?? 'c';
    const victim = node(victimName);
    const survivors = ['a', 'b', 'c'].filter((n) => n !== victimName);
    const theirs = [...held.entries()].filter(([, n]) => n === victimName).map(([d]) => dir(d));
    expect(theirs).toHaveLength(2);
    takeover.directories = theirs.map((d) => d.name);
    takeover.ad = theirs.filter((d) => d.ad).map((d) => d.name);
    // Changes keep coming in the victim's directories while it dies.
    let stop = false;
    let added = 0;
    const writer = (async () => {
      while (!stop) {
        for (const d of theirs) await d.addMembers([await d.addUser(`${d.name}m${added}`)]);
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
        return theirs.every((d) => survivors.includes(h.get(d.name) ?? ''));
      },
      30_000,
      100,
    );
    const tookMs = Date.now() - killedAt;
    console.log(
      `takeover after SIGKILL of ${victimName} (${takeover.directories.join(', ')}): ${tookMs} ms (leases seen held by the survivors after ${ms} ms)`,
    );
    expect(tookMs).toBeLessThan(TAKEOVER_LIMIT_MS);
    await ws.waitFor(async () => added >= 6, 30_000, 20);
    stop = true;
    await writer;
    const after = await overview();
    expect(after.nodes.filter((n) => n.alive).map((n) => [n.name, n.directories.length])).toEqual(survivors.map((n) => [n, 3]));
    await expectConverges(ws, await freshSync(ws), 60_000);
    // The directories did not change: no node replaced a worker on its periodic look at them.
    for (const n of nodes) expect(n.output()).not.toContain('workers replaced');
  });

  it.skipIf(!sambaInfo)('spread and took over the Samba AD directories like the others', () => {
    // Checked by the tests above (the spread, their DirSync streams, the fresh full sync): here,
    // that an AD directory was among those the killed holder ran.
    expect(takeover.ad.length).toBeGreaterThan(0);
    expect(dirs.filter((d) => d.ad)).toHaveLength(AD_DIRECTORIES);
  });
});

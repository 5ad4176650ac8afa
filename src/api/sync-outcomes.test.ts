import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../../test/harness/index.js';
import { uniqueName } from '../../test/support/workspace.js';
import { ApiHarness } from './test-support.js';

/**
 * What the API says about the outcome of a sync, against the suite's real slapd (issue 10, items
 * 4 and 6): a held user is held in the user shape and a single-user sync leaves them to the
 * approval; "no such user" is a 404 that leaves the directory's last run alone; a full sync with
 * no server answering is a failed run everywhere the panel looks (the answer, the event stream,
 * the run, the directory's last run).
 */
let slapd: SlapdDirectory;
let h: ApiHarness;
let staff: string;
let users: string[];

beforeAll(async () => {
  slapd = connectSlapd(inject('slapd'));
  const base = await slapd.addOu(uniqueName('out'));
  const people = await slapd.addOu('people', base);
  const groups = await slapd.addOu('groups', base);
  users = await Promise.all(['ann', 'ben', 'cat', 'dan'].map((uid) => slapd.addUser({ ou: people, uid, sn: 'Out', mail: `${uid}@corp.example.test` })));
  staff = await slapd.addGroup({ ou: groups, cn: 'staff', members: users });
  const bind = { dn: slapd.bindDn, password: slapd.password };
  h = await ApiHarness.create({
    directories: [
      {
        name: 'ldap',
        type: 'openldap',
        servers: [slapd.ldapsUrl],
        caFile: slapd.caFile,
        bind,
        baseDn: base,
        groups: [staff],
        safeguard: { maxRemovals: 1, maxRemovalPercent: null },
        continuous: { changes: 'off' },
      },
      {
        name: 'down',
        type: 'openldap',
        servers: ['ldap://127.0.0.1:2'],
        transport: 'clear',
        baseDn: base,
        groups: [staff],
        timeouts: { connectMs: 2000 },
        continuous: { changes: 'off' },
      },
    ],
  });
});
afterAll(async () => {
  await h?.close();
});

/** Reads Server-Sent Events from an in-process answer until `until` says stop. */
async function eventsUntil(res: Response, until: (event: string, data: any) => boolean): Promise<{ event: string; data: any }[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const out: { event: string; data: any }[] = [];
  let buffer = '';
  try {
    for (;;) {
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const e = { event: /^event: (.*)$/m.exec(block)![1], data: JSON.parse(/^data: (.*)$/m.exec(block)![1]) };
        out.push(e);
        if (until(e.event, e.data)) return out;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel();
  }
}

describe('sync outcomes through the admin API', () => {
  it("answers 404 to a single-user sync of an unknown username, and the directory's last run stays as it was", async () => {
    const full = await h.call('POST', '/api/v1/directories/ldap/sync?wait=true', { as: 'administrator' });
    expect(full.body).toMatchObject({ status: 'succeeded', counts: { created: 4 } });
    const typo = await h.call('POST', '/api/v1/directories/ldap/sync/user', { as: 'user_manager', body: { username: 'anne' } });
    expect(typo.status).toBe(404);
    expect(typo.body.error).toMatchObject({ code: 'STORE_NOT_FOUND', message: expect.stringMatching(/no user "anne" in directory "ldap"/) });
    const dir = await h.call('GET', '/api/v1/directories/ldap', { as: 'read_only' });
    expect(dir.body.status.lastRun).toMatchObject({ id: full.body.runId, status: 'succeeded' });
    expect((await h.call('GET', '/api/v1/runs?directory=ldap&status=failed', { as: 'read_only' })).body.total).toBe(0);
  });

  it('shows a held user as held, and a single-user sync of them leaves them to the approval', async () => {
    await slapd.removeMembers(staff, users.slice(0, 2));
    const held = await h.call('POST', '/api/v1/directories/ldap/sync?wait=true', { as: 'administrator' });
    expect(held.body).toMatchObject({ counts: { held: 2, membersRemoved: 0 }, heldForApproval: { count: 2 } });
    const ann = await h.call('GET', '/api/v1/users/ann', { as: 'read_only' });
    expect(ann.body).toMatchObject({
      status: 'active',
      groups: ['staff'],
      heldRemoval: { runId: held.body.runId, action: 'trash', since: expect.any(String) },
    });
    const one = await h.call('POST', '/api/v1/directories/ldap/sync/user', { as: 'user_manager', body: { username: 'ann' } });
    expect(one.status).toBe(200);
    expect(one.body.changes).toEqual([expect.objectContaining({ name: 'ann', outcome: 'held' })]);
    expect((await h.call('GET', '/api/v1/users/ann', { as: 'read_only' })).body).toMatchObject({
      status: 'active',
      groups: ['staff'],
      heldRemoval: { runId: held.body.runId },
    });
    expect((await h.call('GET', '/api/v1/approvals', { as: 'read_only' })).body.items[0]).toMatchObject({
      runId: held.body.runId,
      status: 'pending',
      count: 2,
    });
  });

  it('reports a full sync with no server answering as failed: in the answer, the event stream, the run and the directory', async () => {
    const waited = await h.call('POST', '/api/v1/directories/down/sync?wait=true', { as: 'administrator' });
    expect(waited.status).toBe(502);
    expect(waited.body.error.code).toBe('DIRECTORY_UNREACHABLE');

    const stream = h.app.request('/api/v1/events', { headers: { authorization: `Bearer ${h.tokens.read_only}` } });
    const res = await stream;
    const collected = eventsUntil(res, (event, data) => event === 'finished' && data.directory === 'down');
    const started = await h.call('POST', '/api/v1/directories/down/sync', { as: 'administrator' });
    expect(started.status).toBe(202);
    const events = await collected;
    const finished = events.at(-1)!.data;
    expect(finished).toMatchObject({ directory: 'down', kind: 'full', status: 'failed', error: { code: 'DIRECTORY_UNREACHABLE' } });
    // The phases stop where the run failed: there is no "done".
    expect(events.filter((e) => e.event === 'progress' && e.data.directory === 'down').map((e) => e.data.phase)).not.toContain('done');

    const run = await h.call('GET', `/api/v1/runs/${finished.runId}`, { as: 'read_only' });
    expect(run.body.run).toMatchObject({
      directory: 'down',
      status: 'failed',
      errorCode: 'DIRECTORY_UNREACHABLE',
      error: expect.stringMatching(/cannot connect/),
    });
    const dir = await h.call('GET', '/api/v1/directories/down', { as: 'read_only' });
    expect(dir.body.status.lastRun).toMatchObject({ id: finished.runId, status: 'failed', errorCode: 'DIRECTORY_UNREACHABLE' });
  });
});

import { Kysely, Migrator, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Store } from '../src/store/db.js';
import { IdsyncMigrations } from '../src/store/migrations.js';
import { StorePostgresDialect } from '../src/store/postgres-introspector.js';
import { connectSlapd } from './harness/index.js';
import { expectConverges, freshSync } from './support/fresh-sync.js';
import { uniqueName, Workspace } from './support/workspace.js';

/**
 * Issue 16: "a rolling upgrade, one node at a time, keeps syncing; migrations are
 * backwards-compatible for one version" (docs/multi-node.md). While nodes are upgraded one at a
 * time, nodes of the version before run on a store the new version migrated. Two halves:
 *
 * 1. Every migration from 0021 (where the rule starts) only adds in ways the version before cannot
 *    notice: no table or column goes, no column changes type, loses its default or becomes NOT
 *    NULL, a column added to an existing table is nullable or has a default (the older code's
 *    inserts leave it out), and no CHECK, UNIQUE, FOREIGN KEY or unique index is added to an
 *    existing table (the older code's writes could be refused). Then the older code's statements,
 *    which name only what its own schema has, mean the same on the newer one.
 * 2. This version, run on a store one version further (a migration it does not know, made the way
 *    rule 1 allows on every table), keeps syncing: two `idsync serve` nodes share the directories,
 *    a change streams in, "sync now" asked of the node without the lease goes through `node_jobs`
 *    to the holder, and the store ends equal to a fresh full sync. It does not migrate the store.
 *    What is not run here is the version before's own code (it is not in this tree); half 1 is what
 *    makes its statements valid on the newer schema.
 */
// From the harness, or as the store suites take it when run without directories (IDSYNC_NO_DIRECTORIES=1).
const pgBase = inject('postgresUrl') ?? process.env.IDSYNC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const FIRST_COMPATIBLE = '0021_nodes';
const schemas: string[] = [];
const admin = new pg.Client({ connectionString: pgBase });
let adminConnected = false;

afterAll(async () => {
  if (!adminConnected) return;
  for (const s of schemas) await admin.query(`drop schema if exists "${s}" cascade`);
  await admin.end();
});

async function adminClient(): Promise<pg.Client> {
  if (!adminConnected) await admin.connect();
  adminConnected = true;
  return admin;
}

function newSchema(what: string): string {
  const s = `nodes_${what}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  schemas.push(s);
  return s;
}

interface Shape {
  /** table → column → its type, nullability and default. */
  columns: Map<string, Map<string, { type: string; notNull: boolean; hasDefault: boolean }>>;
  /** table → the definitions of its CHECK, UNIQUE, PRIMARY KEY, FOREIGN KEY and EXCLUDE constraints and unique indexes. */
  rules: Map<string, Set<string>>;
}

/** What a schema's tables look like, as far as a statement written for it can tell. */
async function shape(db: Kysely<unknown>, schema: string): Promise<Shape> {
  const cols = await sql<{ table: string; column: string; type: string; not_null: boolean; has_default: boolean }>`
    select c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type,
           a.attnotnull as not_null, a.atthasdef as has_default
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where n.nspname = ${schema} and c.relkind in ('r', 'p') and c.relname not like 'kysely_migration%'`.execute(db);
  const constraints = await sql<{ table: string; def: string }>`
    select c.relname as table, pg_get_constraintdef(k.oid) as def
      from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = ${schema} and k.contype in ('c', 'u', 'p', 'f', 'x') and c.relname not like 'kysely_migration%'
    union all
    select c.relname as table, regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE UNIQUE INDEX \\S+ ON \\S+', 'UNIQUE INDEX ON') as def
      from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = ${schema} and i.indisunique and not i.indisprimary and c.relname not like 'kysely_migration%'`.execute(db);
  const columns: Shape['columns'] = new Map();
  for (const r of cols.rows) {
    if (!columns.has(r.table)) columns.set(r.table, new Map());
    columns.get(r.table)!.set(r.column, { type: r.type, notNull: r.not_null, hasDefault: r.has_default });
  }
  const rules: Shape['rules'] = new Map();
  for (const r of constraints.rows) {
    if (!rules.has(r.table)) rules.set(r.table, new Set());
    // A constraint backing a unique index shows twice; the index's own name is left out above.
    rules.get(r.table)!.add(r.def.replaceAll(`${schema}.`, ''));
  }
  return { columns, rules };
}

/** What the version before (`before`) would notice on the newer schema (`after`); empty when nothing. */
function incompatibilities(before: Shape, after: Shape): string[] {
  const found: string[] = [];
  for (const [table, cols] of before.columns) {
    const now = after.columns.get(table);
    if (!now) {
      found.push(`table ${table} dropped or renamed`);
      continue;
    }
    for (const [name, c] of cols) {
      const n = now.get(name);
      if (!n) found.push(`${table}.${name} dropped or renamed`);
      else {
        if (n.type !== c.type) found.push(`${table}.${name} changed type ${c.type} → ${n.type}`);
        if (n.notNull && !c.notNull) found.push(`${table}.${name} became NOT NULL`);
        if (c.hasDefault && !n.hasDefault) found.push(`${table}.${name} lost its default`);
      }
    }
    for (const [name, n] of now) if (!cols.has(name) && n.notNull && !n.hasDefault) found.push(`${table}.${name} added NOT NULL without a default`);
    const had = before.rules.get(table) ?? new Set();
    for (const rule of after.rules.get(table) ?? []) if (!had.has(rule)) found.push(`${table}: ${rule} added`);
  }
  return found;
}

describe('migrations are backwards-compatible for one version (issue 16, rolling upgrades)', () => {
  it('every migration from 0021 on leaves the schema of the version before working', async () => {
    const names = Object.keys(await new IdsyncMigrations('postgres').getMigrations());
    const from = names.indexOf(FIRST_COMPATIBLE);
    expect(from).toBeGreaterThan(0);
    const schema = newSchema('migcompat');
    await (await adminClient()).query(`create schema "${schema}"`);
    const pool = new pg.Pool({ connectionString: pgBase, max: 1, options: `-c search_path=${schema}` });
    const db = new Kysely<unknown>({ dialect: new StorePostgresDialect({ pool }) });
    try {
      const migrator = new Migrator({ db, provider: new IdsyncMigrations('postgres'), migrationTableSchema: schema });
      const migrateTo = async (name: string) => {
        const r = await migrator.migrateTo(name);
        if (r.error) throw r.error;
      };
      await migrateTo(names[from - 1]);
      let before = await shape(db, schema);
      // The look at the schema sees its keys and unique indexes, schema names left out.
      expect([...(before.rules.get('leases') ?? [])]).toContain('PRIMARY KEY (name)');
      expect([...before.rules.values()].flatMap((r) => [...r]).filter((r) => r.startsWith('UNIQUE INDEX ON USING')).length).toBeGreaterThan(0);
      const report: Record<string, string[]> = {};
      for (const name of names.slice(from)) {
        await migrateTo(name);
        const after = await shape(db, schema);
        report[name] = incompatibilities(before, after);
        // The rule is about the version before; it must find something to compare.
        expect(after.columns.size).toBeGreaterThanOrEqual(before.columns.size);
        before = after;
      }
      expect(report).toEqual(Object.fromEntries(names.slice(from).map((n) => [n, []])));
    } finally {
      await db.destroy();
    }
  });

  it('finds what would break the version before (the check itself)', () => {
    const table = (cols: Record<string, [string, boolean, boolean]>, rules: string[] = []) =>
      ({
        columns: new Map([['t', new Map(Object.entries(cols).map(([k, [type, notNull, hasDefault]]) => [k, { type, notNull, hasDefault }]))]]),
        rules: new Map([['t', new Set(rules)]]),
      }) satisfies Shape;
    const base = table({ id: ['integer', true, true], name: ['text', false, false], state: ['text', true, true] }, ['PRIMARY KEY (id)']);
    expect(
      incompatibilities(
        base,
        table({ id: ['integer', true, true], name: ['text', false, false], state: ['text', true, true], extra: ['text', false, false] }, ['PRIMARY KEY (id)']),
      ),
    ).toEqual([]);
    expect(
      incompatibilities(
        base,
        table({ id: ['bigint', true, true], name: ['text', true, false], state: ['text', true, false], extra: ['text', true, false] }, [
          'PRIMARY KEY (id)',
          'UNIQUE (name)',
        ]),
      ),
    ).toEqual([
      't.id changed type integer → bigint',
      't.name became NOT NULL',
      't.state lost its default',
      't.extra added NOT NULL without a default',
      't: UNIQUE (name) added',
    ]);
    expect(incompatibilities(base, { columns: new Map(), rules: new Map() })).toEqual(['table t dropped or renamed']);
  });
});

describe('this version on a store the next version migrated (issue 16, rolling upgrades)', () => {
  const PASSWORD = 'rolling-owner-password-1';
  const nodes: ReturnType<Workspace['serve']>[] = [];
  afterAll(async () => {
    for (const n of nodes) await n.stop();
  });

  it('two nodes keep syncing, share the directories and pass work to each other, without migrating the store', async () => {
    const slapd = connectSlapd(inject('slapd'));
    const base = await slapd.addOu(uniqueName('rolling'));
    const configs = [];
    const people: string[] = [];
    const groups: string[] = [];
    for (let i = 0; i < 2; i++) {
      const ou = await slapd.addOu(`r${i}`, base);
      const p = await slapd.addOu('people', ou);
      const g = await slapd.addOu('groups', ou);
      const first = await slapd.addUser({ ou: p, uid: `r${i}first`, sn: 'Rolling', mail: `r${i}first@corp.example.test` });
      groups.push(await slapd.addGroup({ ou: g, cn: `chosen${i}`, members: [first] }));
      people.push(p);
      configs.push({
        name: `r${i}`,
        type: 'openldap',
        servers: [slapd.ldapsUrl],
        caFile: slapd.caFile,
        bind: { dn: slapd.bindDn, password: slapd.password },
        baseDn: ou,
        groups: [groups[i]],
        safeguard: { enabled: false },
        continuous: { changes: 'content-sync' },
      });
    }
    const schema = newSchema('rolling');
    const url = `${pgBase}?schema=${schema}`;
    await adminClient();

    // The store as this version leaves it, then "the next version's" migration, made as the rule
    // allows on every table: a nullable column, a NOT NULL column with a default, a table.
    await (await Store.open(url)).close();
    const tables = (
      await admin.query<{ t: string }>(`select tablename as t from pg_tables where schemaname = $1 and tablename not like 'kysely_migration%'`, [schema])
    ).rows.map((r) => r.t);
    expect(tables).toEqual(expect.arrayContaining(['users', 'runs', 'leases', 'nodes', 'node_jobs', 'sync_state']));
    for (const t of tables) await admin.query(`alter table "${schema}"."${t}" add column next_note text, add column next_flag integer not null default 0`);
    await admin.query(`create table "${schema}".next_things (id serial primary key, body text not null)`);
    await admin.query(`insert into "${schema}".kysely_migration (name, timestamp) values ('9999_next', $1)`, [new Date().toISOString()]);
    const migrationsBefore = (await admin.query(`select name from "${schema}".kysely_migration order by name`)).rows;

    const ws = new Workspace({ store: url }).configure(configs);
    const created = await ws.cli(['admin', 'create', '--username', 'root', '--role', 'owner'], { env: { IDSYNC_ADMIN_PASSWORD: PASSWORD } });
    expect(created.code, created.stderr).toBe(0);
    const urls: string[] = [];
    for (const name of ['old-a', 'old-b']) {
      const s = ws.serve({ env: { IDSYNC_NODE_NAME: name, IDSYNC_LOG_LEVEL: 'info' } });
      nodes.push(s);
      urls.push((await ws.waitFor(async () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(s.output())?.[1], 60_000, 100)).value);
    }
    const shown = async () => (await ws.json(['nodes'])).nodes.filter((n: { alive: boolean }) => n.alive) as { name: string; directories: string[] }[];
    await ws.waitFor(async () => (await shown()).every((n) => n.directories.length === 1) && (await shown()).length === 2, 60_000, 250);
    await ws.waitFor(async () => (await ws.json(['status'])).every((s: { connected: boolean }) => s.connected), 60_000, 250);

    // A change streams in.
    const dn = await slapd.addUser({ ou: people[0], uid: 'r0late', sn: 'Rolling', mail: 'r0late@corp.example.test' });
    await slapd.addMembers(groups[0], [dn]);
    await ws.waitFor(async () => (await ws.export()).users.some((u) => u.username === 'r0late' && u.status === 'active'), 30_000, 250);

    // "Sync now" asked of the node without r1's lease runs on its holder, through node_jobs.
    const holder = (await shown()).find((n) => n.directories.includes('r1'))!.name;
    const asked = urls[holder === 'old-a' ? 1 : 0];
    const login = await fetch(`${asked}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'root', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    const r = await fetch(`${asked}/api/v1/directories/r1/sync?wait=true`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    const report = await r.json();
    expect(r.status, JSON.stringify(report)).toBe(200);
    expect(report).toMatchObject({ status: 'succeeded', kind: 'full' });
    expect((await admin.query(`select state from "${schema}".node_jobs where directory = 'r1' and kind = 'sync'`)).rows).toEqual([{ state: 'done' }]);

    await expectConverges(ws, await freshSync(ws), 60_000);
    // Rows written by this version got the next version's defaults; nothing was migrated or dropped.
    expect((await admin.query(`select distinct next_flag from "${schema}".users`)).rows).toEqual([{ next_flag: 0 }]);
    expect((await admin.query(`select name from "${schema}".kysely_migration order by name`)).rows).toEqual(migrationsBefore);
    for (const n of nodes) expect(n.output()).not.toMatch(/"level":(50|60)/);
  });
});

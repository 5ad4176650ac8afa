import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../config/load.js';
import { createLogger, type Logger } from '../log.js';
import type { SyncService } from '../serve/server.js';
import { Store } from '../store/db.js';
import { createAdmin } from '../auth/admins.js';
import type { LoginLimits } from '../auth/rate-limit.js';
import { ROLES, type Role } from '../auth/roles.js';
import { createToken } from '../auth/tokens.js';
import type { PasswordVerifier } from '../auth/verify.js';
import { createApiApp, type ApiInstance } from './app.js';

/**
 * The admin API in-process for tests (no port): a real store in a temp dir (or a PostgreSQL
 * schema), an API token for every role, and an owner account. Every answer goes through
 * `call`, which fails the test when a body or a header holds a secret it knows: bind passwords,
 * admin passwords and their hashes, session ids, and token values other than in the one answer
 * that creates them. So the whole API suite doubles as the leak check.
 *
 * Not a test file itself (no vitest import), so it also compiles with the build.
 */
export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export interface CallOptions {
  /** A role (its token), a token value, or null for no credentials. Default: owner. */
  as?: Role | string | null;
  body?: unknown;
  /** A raw body (sent as given, with the content type in `headers`). */
  raw?: string;
  headers?: Record<string, string>;
  /** A session from login(): its cookies, and its CSRF token unless csrf: false. */
  session?: Session;
  csrf?: boolean;
  /** The socket's peer address. */
  ip?: string;
}

export interface Session {
  cookie: string;
  csrfToken: string;
}

export const OWNER = { username: 'root', password: 'owner-password-1234' };

export class ApiHarness {
  readonly secrets = new Set<string>();
  readonly tokens = {} as Record<Role, string>;
  /** Every answer this harness saw, for tests that look across them. */
  readonly seen: { method: string; path: string; status: number }[] = [];

  private constructor(
    readonly app: ApiInstance,
    readonly store: Store,
    readonly dir: string,
  ) {}

  static async create(
    opts: {
      directories?: unknown[];
      api?: Record<string, unknown>;
      store?: string;
      service?: (cfg: ReturnType<typeof parseConfig>, store: Store) => SyncService;
      now?: () => Date;
      loginLimits?: LoginLimits;
      noOwner?: boolean;
      /** The directory names of provisioning targets (created as directories rows): their outbox rows can be read back. */
      provisioningTargets?: string[];
      /** A logger of the test's own (to read back what was logged). */
      log?: Logger;
      /** Issue 14: a verify path of the test's own (a small KDF pool, short limits). */
      verifier?: (store: Store) => PasswordVerifier;
      /** Issue 15: the `secondFactor` section (a lower lockout threshold). */
      secondFactor?: Record<string, unknown>;
    } = {},
  ): Promise<ApiHarness> {
    const dir = mkdtempSync(path.join(tmpdir(), 'idsync-api-'));
    const config = parseConfig(
      {
        store: opts.store ?? 'sqlite:./store.db',
        directories: opts.directories ?? [],
        api: opts.api ?? {},
        ...(opts.secondFactor ? { secondFactor: opts.secondFactor } : {}),
      },
      { baseDir: dir, file: path.join(dir, 'idsync.yaml'), env: {} },
    );
    const store = await Store.open(config.store);
    // IDSYNC_TEST_LOG=debug shows the API's log while debugging a test.
    const log = opts.log ?? createLogger(process.env.IDSYNC_TEST_LOG ?? 'silent');
    const targetIds: number[] = [];
    for (const name of opts.provisioningTargets ?? []) {
      const row = { name, type: 'active-directory', username_attribute: 'sAMAccountName', first_synced_at: null, created_at: new Date().toISOString() };
      targetIds.push((await store.db.insertInto('directories').values(row).returning('id').executeTakeFirstOrThrow()).id);
    }
    const app = createApiApp({
      store,
      config,
      log,
      now: opts.now,
      loginLimits: opts.loginLimits,
      service: opts.service?.(config, store),
      provisioningTargets: opts.provisioningTargets ? async () => targetIds : undefined,
      verifier: opts.verifier?.(store),
    });
    const h = new ApiHarness(app, store, dir);
    for (const d of config.directories) if (d.bind && !d.bind.password.isEmpty) h.secrets.add(d.bind.password.reveal());
    for (const role of ROLES) {
      const { token } = await createToken(store, { name: `test-${role}`, role, createdBy: null }, new Date());
      h.tokens[role] = token;
      h.secrets.add(token);
    }
    if (!opts.noOwner) await createAdmin(store, { username: OWNER.username, role: 'owner', password: OWNER.password }, new Date());
    h.secrets.add(OWNER.password);
    return h;
  }

  /** Adds what the store holds that must never be sent: every password hash. */
  async #refreshSecrets(): Promise<void> {
    for (const a of await this.store.db.selectFrom('admins').select('password_hash').execute()) this.secrets.add(a.password_hash);
    for (const d of await this.store.db.selectFrom('api_directories').select('bind_password').execute()) if (d.bind_password) this.secrets.add(d.bind_password);
    for (const t of await this.store.db.selectFrom('api_tokens').select('token_hash').execute()) this.secrets.add(t.token_hash);
    for (const s of await this.store.db.selectFrom('sessions').select(['id_hash', 'csrf_hash']).execute()) this.secrets.add(s.id_hash).add(s.csrf_hash);
    // Issue 12: local users' password verifiers and the sealed passwords waiting in the outbox.
    for (const p of await this.store.db.selectFrom('user_passwords').select('verifier').execute()) this.secrets.add(p.verifier);
    for (const o of await this.store.db.selectFrom('provision_outbox').select('sealed_password').execute())
      if (o.sealed_password) this.secrets.add(o.sealed_password);
    // Issue 14: synced password verifiers are never in an answer.
    for (const p of await this.store.db.selectFrom('password_sync').select('verifier').execute()) if (p.verifier) this.secrets.add(p.verifier);
    for (const a of await this.store.db.selectFrom('agents').select(['connect_key_hash', 'secret_sealed']).execute()) {
      if (a.connect_key_hash) this.secrets.add(a.connect_key_hash);
      if (a.secret_sealed) this.secrets.add(a.secret_sealed);
    }
  }

  async call(method: string, urlPath: string, o: CallOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...o.headers };
    const as = o.as === undefined && !o.session ? 'owner' : o.as;
    if (as) headers.authorization = `Bearer ${(ROLES as readonly string[]).includes(as) ? this.tokens[as as Role] : as}`;
    if (o.session) {
      headers.cookie = o.session.cookie;
      if (o.csrf !== false) headers['x-csrf-token'] = o.session.csrfToken;
    }
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await this.app.request(urlPath, { method, headers, body }, { incoming: { socket: { remoteAddress: o.ip ?? '127.0.0.1' } } });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    this.seen.push({ method, path: urlPath, status: res.status });
    await this.#assertDocumented(method, urlPath, res.status);
    await this.#refreshSecrets();
    this.assertNoSecret(`${method} ${urlPath}`, text, res.headers);
    // A new token is shown once, in this answer; from here on it is a secret like the others.
    const created = (parsed as { token?: unknown } | undefined)?.token;
    if (typeof created === 'string') this.secrets.add(created);
    for (const sid of sessionIds(res.headers)) this.secrets.add(sid);
    return { status: res.status, headers: res.headers, text, body: parsed };
  }

  #operations?: { method: string; re: RegExp; id: string; statuses: Set<string> }[];

  /**
   * Every answer of an operation of the OpenAPI document must have a status the document lists
   * for it (issue 10, API contract), so the whole API suite doubles as a check that the document
   * (derived from each route's `errors`) has not drifted from what the routes do.
   */
  async #assertDocumented(method: string, urlPath: string, status: number): Promise<void> {
    if (!this.#operations) {
      const res = await this.app.request('/api/v1/openapi.json');
      const doc = (await res.json()) as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };
      this.#operations = Object.entries(doc.paths).flatMap(([p, byMethod]) =>
        Object.entries(byMethod).map(([m, op]) => ({
          method: m.toUpperCase(),
          re: new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
          id: op.operationId,
          statuses: new Set(Object.keys(op.responses)),
        })),
      );
    }
    const pathname = new URL(urlPath, 'http://x').pathname;
    const op = this.#operations.find((o) => o.method === method.toUpperCase() && o.re.test(pathname));
    if (op && !op.statuses.has(String(status))) {
      throw new Error(
        `${method} ${urlPath} answered ${status}, which the OpenAPI document does not list for ${op.id} (it lists ${[...op.statuses].join(', ')}); add ` +
          `the error code to the route's \`errors\``,
      );
    }
  }

  assertNoSecret(what: string, text: string, headers: Headers): void {
    const exposed: string[] = [];
    headers.forEach((v, k) => {
      if (k !== 'set-cookie') exposed.push(v);
    });
    for (const s of this.secrets) {
      if (s.length < 6) continue;
      if (text.includes(s) || exposed.some((v) => v.includes(s))) throw new Error(`${what}: the answer contains a secret (${s.slice(0, 4)}…)`);
    }
  }

  async login(username = OWNER.username, password = OWNER.password, ip?: string): Promise<Session> {
    const r = await this.call('POST', '/api/v1/auth/login', { as: null, body: { username, password }, ip });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
    return { cookie: cookieHeader(r.headers), csrfToken: r.body.csrfToken };
  }

  async close(): Promise<void> {
    await this.app.close();
    if (this.store.dialect === 'postgres') {
      const schema = new URL(this.store.url).searchParams.get('schema');
      if (schema) await this.store.db.schema.dropSchema(schema).ifExists().cascade().execute();
    }
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function setCookies(headers: Headers): string[] {
  return headers.getSetCookie();
}

function sessionIds(headers: Headers): string[] {
  return setCookies(headers)
    .map((c) => /^idsync_session=([^;]+)/.exec(c)?.[1])
    .filter((v): v is string => !!v);
}

/** The Cookie header a browser would send back after these Set-Cookie headers. */
export function cookieHeader(headers: Headers): string {
  return setCookies(headers)
    .map((c) => c.split(';')[0])
    .filter((c) => !c.endsWith('='))
    .join('; ');
}

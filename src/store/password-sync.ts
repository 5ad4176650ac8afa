import { isLdapHash, parseLdapHash } from '../auth/ldap-hash.js';
import type { Db } from './db-handle.js';
import type { PasswordSyncStatus } from './schema.js';

/**
 * Password hash sync in the store (issue 14), named after its callers: the agents' channel applies
 * batches, the verify API asks for a login's credentials, the CLI, API and panel ask for status.
 * Nothing here returns a verifier except credentialsFor, which only the verify path calls.
 */

export interface IncomingPasswordChange {
  guid: string;
  username: string;
  pwdLastSet: string;
  status: 'Success' | 'FilteredByTarget' | 'Failed';
  verifier?: string;
  reason?: string;
}

/**
 * One synced user's `userPassword` as the hub's own sync of an OpenLDAP directory read it
 * (`importPasswordHashes`, src/sync/password-hashes.ts): a hash idsync checks (Success, `value` is
 * kept as it is), a value it refuses (Failed, with the reason), or no value at all.
 */
export interface ImportedPasswordHash {
  externalId: string;
  username: string;
  status: 'Success' | 'FilteredByTarget' | 'Failed' | 'SourceConnectorNotPresent';
  value?: string;
  reason?: string;
}

/** The source recorded for hashes the hub read itself. */
export const LDAP_HASH_SOURCE = 'ldap:userPassword';

export interface PasswordStatusView {
  directory: string;
  externalId: string;
  username: string;
  userId: number | null;
  source: string;
  status: PasswordSyncStatus;
  reason: string | null;
  changedAt: string | null;
  updatedAt: string;
  /** The KDF parameters of the stored verifier (never the verifier). */
  kdf: string | null;
}

export interface PasswordAttempt {
  status: PasswordSyncStatus;
  reason: string | null;
  at: string;
}

export interface LoginCredentials {
  userId: number;
  username: string;
  status: 'active' | 'disabled' | 'trashed';
  synced?: { verifier: string; changedAt: string };
  local?: { verifier: string; setAt: string };
}

export interface PasswordSyncRecords {
  /**
   * Applies an agent's outbox batch once: `false` when this agent, directory and epoch already had
   * a batch numbered `seq` or later (sent again after a lost ack). One transaction.
   */
  applyBatch(batch: { agent: string; directory: string; epoch: string; seq: number; changes: IncomingPasswordChange[] }, now: Date): Promise<boolean>;
  /**
   * Records the hashes one page of a sync read. Writes (and logs an attempt) only what changed: the
   * same hash read again on every sync is not an attempt. A user whose value is gone loses the row
   * (and shows SourceConnectorNotPresent). The caller's transaction, or one statement at a time.
   */
  importHashes(directory: string, hashes: ImportedPasswordHash[], now: Date): Promise<number>;
  /** Credentials for a login (username or alias, case-insensitive). */
  credentialsFor(login: string): Promise<LoginCredentials | undefined>;
  /**
   * Every row, or one user's (by username), with the computed status; and, as
   * SourceConnectorNotPresent, each user the hub synced from a directory with a password source
   * (an agent that sent a batch, a row, or a name in `sources`: the directories importing
   * userPassword) for whom that source reports no record.
   */
  status(username?: string, sources?: readonly string[]): Promise<PasswordStatusView[]>;
  history(directory: string, externalId: string): Promise<PasswordAttempt[]>;
  /** Forgets attempts older than `before`. */
  prune(before: Date): Promise<number>;
  /** `idsync passwords resync`: recorded here, taken (and deleted) by the serve that holds the agents' channels. */
  requestResync(directory: string | null, now: Date): Promise<void>;
  takeResyncRequests(): Promise<(string | null)[]>;
}

const KDF = /^\$(argon2id)\$v=19\$(m=\d+,t=\d+,p=\d+)\$/;

/** The scheme and parameters of a stored verifier, for status: never the salt or the hash. */
function describeVerifier(v: string): string {
  if (isLdapHash(v)) {
    const p = parseLdapHash(v);
    return p.ok ? p.describe : 'unknown';
  }
  return KDF.exec(v)?.slice(1).join(' ') ?? 'unknown';
}

function fileTime(v: string | null | undefined): bigint {
  try {
    return BigInt(v ?? '0');
  } catch {
    return 0n;
  }
}

export class KyselyPasswordSync implements PasswordSyncRecords {
  constructor(private readonly db: Db) {}

  async applyBatch(b: { agent: string; directory: string; epoch: string; seq: number; changes: IncomingPasswordChange[] }, now: Date): Promise<boolean> {
    const at = now.toISOString();
    const seen = await this.db
      .selectFrom('password_sync_batches')
      .select('last_seq')
      .where('agent', '=', b.agent)
      .where('directory', '=', b.directory)
      .where('epoch', '=', b.epoch)
      .executeTakeFirst();
    if (seen && seen.last_seq >= b.seq) return false;
    for (const c of b.changes) {
      const row = await this.db
        .selectFrom('password_sync')
        .select(['pwd_last_set'])
        .where('directory', '=', b.directory)
        .where('external_id', '=', c.guid)
        .executeTakeFirst();
      // An older change never replaces a newer one (a batch re-derived after a crash, a resync racing a change).
      // pwdLastSet = 0 is not old: an administrator just forced a change at next logon (MS-ADA3 pwdLastSet: 0 forces a change at next logon).
      if (row && c.pwdLastSet !== '0' && fileTime(c.pwdLastSet) < fileTime(row.pwd_last_set)) continue;
      const values = {
        username: c.username,
        source: `agent:${b.agent}`,
        // FilteredByTarget (pwdLastSet = 0, a temporary password) and Failed clear the verifier: the old password must not keep working.
        verifier: c.status === 'Success' ? (c.verifier ?? null) : null,
        pwd_last_set: c.pwdLastSet,
        changed_at: at,
        status: c.status,
        reason: c.reason ?? null,
        updated_at: at,
      };
      await this.db
        .insertInto('password_sync')
        .values({ directory: b.directory, external_id: c.guid, ...values })
        .onConflict((oc) => oc.columns(['directory', 'external_id']).doUpdateSet(values))
        .execute();
      const inStore = await this.#userOf(b.directory, c.guid);
      await this.db
        .insertInto('password_sync_log')
        .values({
          directory: b.directory,
          external_id: c.guid,
          username: c.username,
          status: c.status === 'Success' && !inStore ? 'NoTargetConnection' : c.status,
          reason: c.status === 'Success' && !inStore ? 'the user is not in the store (yet): kept, and used once the user is synced' : (c.reason ?? null),
          at,
        })
        .execute();
    }
    await this.db
      .insertInto('password_sync_batches')
      .values({ agent: b.agent, directory: b.directory, epoch: b.epoch, last_seq: b.seq, applied_at: at })
      .onConflict((oc) => oc.columns(['agent', 'directory', 'epoch']).doUpdateSet({ last_seq: b.seq, applied_at: at }))
      .execute();
    return true;
  }

  async importHashes(directory: string, hashes: ImportedPasswordHash[], now: Date): Promise<number> {
    if (!hashes.length) return 0;
    const at = now.toISOString();
    const rows = new Map<string, { verifier: string | null; status: string; reason: string | null }>();
    for (let i = 0; i < hashes.length; i += 500) {
      const ids = hashes.slice(i, i + 500).map((h) => h.externalId);
      const found = await this.db
        .selectFrom('password_sync')
        .select(['external_id', 'verifier', 'status', 'reason'])
        .where('directory', '=', directory)
        .where('external_id', 'in', ids)
        .execute();
      for (const r of found) rows.set(r.external_id, r);
    }
    let written = 0;
    for (const h of hashes) {
      const row = rows.get(h.externalId);
      const log = (status: PasswordSyncStatus, reason: string | null) =>
        this.db.insertInto('password_sync_log').values({ directory, external_id: h.externalId, username: h.username, status, reason, at }).execute();
      if (h.status === 'SourceConnectorNotPresent') {
        if (!row) continue;
        await this.db.deleteFrom('password_sync').where('directory', '=', directory).where('external_id', '=', h.externalId).execute();
        await log('SourceConnectorNotPresent', h.reason ?? 'the directory holds no password for this user');
        written++;
        continue;
      }
      const verifier = h.status === 'Success' ? (h.value ?? null) : null;
      const reason = h.reason ?? null;
      if (row && row.status === h.status && row.verifier === verifier && (h.status === 'Success' || row.reason === reason)) continue;
      const values = { username: h.username, source: LDAP_HASH_SOURCE, verifier, pwd_last_set: null, changed_at: at, status: h.status, reason, updated_at: at };
      await this.db
        .insertInto('password_sync')
        .values({ directory, external_id: h.externalId, ...values })
        .onConflict((oc) => oc.columns(['directory', 'external_id']).doUpdateSet(values))
        .execute();
      await log(h.status, reason);
      written++;
    }
    return written;
  }

  async #userOf(directory: string, externalId: string): Promise<number | undefined> {
    const r = await this.db
      .selectFrom('users')
      .innerJoin('directories', 'directories.id', 'users.directory_id')
      .select('users.id')
      .where('directories.name', '=', directory)
      .where('users.external_id', '=', externalId)
      .executeTakeFirst();
    return r?.id;
  }

  async credentialsFor(login: string): Promise<LoginCredentials | undefined> {
    const key = login.toLowerCase();
    let user = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'status', 'directory_id', 'external_id'])
      .where('username_key', '=', key)
      .executeTakeFirst();
    if (!user) {
      // Aliases are a JSON list; a LIKE narrows, the exact match is made here.
      const like = `%${JSON.stringify(key)
        .slice(1, -1)
        .replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      const candidates = await this.db
        .selectFrom('users')
        .select(['id', 'username', 'status', 'directory_id', 'external_id', 'aliases'])
        .where((eb) => eb(eb.fn('lower', ['aliases']), 'like', like))
        .limit(50)
        .execute();
      user = candidates.find((u) => (JSON.parse(u.aliases) as string[]).some((a) => a.toLowerCase() === key));
    }
    if (!user) return undefined;
    const out: LoginCredentials = { userId: user.id, username: user.username, status: user.status };
    if (user.directory_id !== null && user.external_id) {
      const s = await this.db
        .selectFrom('password_sync')
        .innerJoin('directories', 'directories.name', 'password_sync.directory')
        .select(['password_sync.verifier', 'password_sync.changed_at'])
        .where('directories.id', '=', user.directory_id)
        .where('password_sync.external_id', '=', user.external_id)
        .executeTakeFirst();
      if (s?.verifier && s.changed_at) out.synced = { verifier: s.verifier, changedAt: s.changed_at };
    }
    const local = await this.db.selectFrom('user_passwords').select(['verifier', 'set_at']).where('user_id', '=', user.id).executeTakeFirst();
    if (local) out.local = { verifier: local.verifier, setAt: local.set_at };
    return out;
  }

  async status(username?: string, sources: readonly string[] = []): Promise<PasswordStatusView[]> {
    const key = username?.toLowerCase();
    let q = this.db
      .selectFrom('password_sync as p')
      .leftJoin('directories as d', 'd.name', 'p.directory')
      .leftJoin('users as u', (j) => j.onRef('u.directory_id', '=', 'd.id').onRef('u.external_id', '=', 'p.external_id'))
      .select([
        'p.directory',
        'p.external_id',
        'p.username',
        'p.source',
        'p.status',
        'p.reason',
        'p.changed_at',
        'p.updated_at',
        'p.verifier',
        'u.id as user_id',
      ]);
    if (key) q = q.where((eb) => eb.or([eb('u.username_key', '=', key), eb(eb.fn('lower', ['p.username']), '=', key)]));
    const rows = await q.orderBy('p.username').execute();
    const out: PasswordStatusView[] = rows.map((r) => ({
      directory: r.directory,
      externalId: r.external_id,
      username: r.username,
      userId: r.user_id ?? null,
      source: r.source,
      status: r.user_id == null ? 'NoTargetConnection' : r.status,
      reason: r.user_id == null ? 'the user is not in the store (out of scope or not synced yet)' : r.reason,
      changedAt: r.changed_at,
      updatedAt: r.updated_at,
      kdf: r.verifier ? describeVerifier(r.verifier) : null,
    }));
    out.push(...(await this.#notPresent(key, sources)));
    return key ? out : out.sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  }

  /** Synced users of a directory with a password source, with no record from it (issue 14, SourceConnectorNotPresent). */
  async #notPresent(key: string | undefined, sources: readonly string[]): Promise<PasswordStatusView[]> {
    const withRows = await this.db.selectFrom('password_sync').select('directory').distinct().execute();
    const withBatches = await this.db.selectFrom('password_sync_batches').select('directory').distinct().execute();
    const names = [...new Set([...sources, ...withRows.map((r) => r.directory), ...withBatches.map((r) => r.directory)])];
    if (!names.length) return [];
    let q = this.db
      .selectFrom('users as u')
      .innerJoin('directories as d', 'd.id', 'u.directory_id')
      .select(['d.name as directory', 'u.external_id', 'u.username', 'u.id', 'u.updated_at'])
      .where('d.name', 'in', names)
      .where('u.status', '!=', 'trashed')
      .where('u.external_id', 'is not', null)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('password_sync as p').select('p.external_id').whereRef('p.directory', '=', 'd.name').whereRef('p.external_id', '=', 'u.external_id'),
          ),
        ),
      );
    if (key) q = q.where('u.username_key', '=', key);
    const rows = await q.execute();
    return rows.map((r) => ({
      directory: r.directory,
      externalId: r.external_id ?? '',
      username: r.username,
      userId: r.id,
      source: 'none',
      status: 'SourceConnectorNotPresent' as const,
      reason: "synced from the directory, but its password source reports no password for this user (none set, or the source's account may not read it)",
      changedAt: null,
      updatedAt: r.updated_at,
      kdf: null,
    }));
  }

  async history(directory: string, externalId: string): Promise<PasswordAttempt[]> {
    return this.db
      .selectFrom('password_sync_log')
      .select(['status', 'reason', 'at'])
      .where('directory', '=', directory)
      .where('external_id', '=', externalId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(1000)
      .execute();
  }

  async prune(before: Date): Promise<number> {
    const r = await this.db.deleteFrom('password_sync_log').where('at', '<', before.toISOString()).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async requestResync(directory: string | null, now: Date): Promise<void> {
    await this.db.insertInto('password_sync_requests').values({ directory, requested_at: now.toISOString() }).execute();
  }

  async takeResyncRequests(): Promise<(string | null)[]> {
    const rows = await this.db.selectFrom('password_sync_requests').select(['id', 'directory']).orderBy('id').execute();
    if (!rows.length) return [];
    await this.db
      .deleteFrom('password_sync_requests')
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((r) => r.directory);
  }
}

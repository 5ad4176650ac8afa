import type { Selectable } from 'kysely';
import type { Db } from './db-handle.js';
import type { AgentsTable } from './schema.js';

export type AgentRow = Selectable<AgentsTable>;

/**
 * On-premises agents (issue 13, src/agent). An agent is created with a one-time connect key (its
 * SHA-256 only), which it exchanges once for an integration key and a secret key. Revoked agents
 * stay, with their revocation time, so the list keeps their history; their credentials stop working.
 */
export interface Agents {
  insert(a: { name: string; createdBy: string | null; connectKeyHash: string; connectKeyExpiresAt: string }, now: Date): Promise<AgentRow>;
  findByName(name: string): Promise<AgentRow | undefined>;
  findByConnectKeyHash(hash: string): Promise<AgentRow | undefined>;
  findByIntegrationKey(key: string): Promise<AgentRow | undefined>;
  /** By name. */
  list(): Promise<AgentRow[]>;
  /**
   * Exchanges the connect key, once: sets the credentials only when the key is unused, unexpired
   * and the agent not revoked, in one statement, so two exchanges racing cannot both succeed.
   * Returns whether this call did it.
   */
  enroll(id: number, creds: { integrationKey: string; secretSealed: string }, now: Date): Promise<boolean>;
  /** Which of `names` are revoked (what idsync serve polls to cut a channel revoked by another process). */
  revokedAmong(names: string[]): Promise<string[]>;
  /** Revokes the agent unless it already is; returns whether it was live. */
  revoke(name: string, now: Date): Promise<boolean>;
  /** Records a connection (address, version). */
  seen(id: number, seen: { address: string | null; version: string | null }, now: Date): Promise<void>;
  /** The channel's state as the hub holding it sees it: connected since (null: not connected), last heartbeat, round trip, directories. */
  channel(
    id: number,
    c: { connectedSince: string | null; heartbeatAt?: string; rttMs?: number | null; directories?: string[]; primaryFor?: string[] },
  ): Promise<void>;
  /**
   * Records a channel request's nonce until `expiresAt`; false when it was already recorded, by
   * this process or another `idsync serve` on the same store (issue 16: a request signed for one
   * node must not be replayed to another). Expired nonces are dropped on the way.
   */
  useNonce(nonce: string, expiresAt: Date, now: Date): Promise<boolean>;
}

export class KyselyAgents implements Agents {
  constructor(private readonly db: Db) {}

  insert(a: { name: string; createdBy: string | null; connectKeyHash: string; connectKeyExpiresAt: string }, now: Date): Promise<AgentRow> {
    return this.db
      .insertInto('agents')
      .values({
        name: a.name,
        created_at: now.toISOString(),
        created_by: a.createdBy,
        connect_key_hash: a.connectKeyHash,
        connect_key_expires_at: a.connectKeyExpiresAt,
        enrolled_at: null,
        integration_key: null,
        secret_sealed: null,
        revoked_at: null,
        last_seen_at: null,
        last_address: null,
        agent_version: null,
        connected_since: null,
        last_heartbeat_at: null,
        rtt_ms: null,
        served_directories: null,
        primary_for: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findByName(name: string): Promise<AgentRow | undefined> {
    return this.db.selectFrom('agents').selectAll().where('name', '=', name).executeTakeFirst();
  }

  findByConnectKeyHash(hash: string): Promise<AgentRow | undefined> {
    return this.db.selectFrom('agents').selectAll().where('connect_key_hash', '=', hash).executeTakeFirst();
  }

  findByIntegrationKey(key: string): Promise<AgentRow | undefined> {
    return this.db.selectFrom('agents').selectAll().where('integration_key', '=', key).executeTakeFirst();
  }

  list(): Promise<AgentRow[]> {
    return this.db.selectFrom('agents').selectAll().orderBy('name').execute();
  }

  async enroll(id: number, creds: { integrationKey: string; secretSealed: string }, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('agents')
      .set({ enrolled_at: now.toISOString(), integration_key: creds.integrationKey, secret_sealed: creds.secretSealed })
      .where('id', '=', id)
      .where('enrolled_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('connect_key_expires_at', '>', now.toISOString())
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async useNonce(nonce: string, expiresAt: Date, now: Date): Promise<boolean> {
    await this.db.deleteFrom('agent_nonces').where('expires_at', '<=', now.toISOString()).execute();
    const r = await this.db
      .insertInto('agent_nonces')
      .values({ nonce, expires_at: expiresAt.toISOString() })
      .onConflict((oc) => oc.column('nonce').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async revokedAmong(names: string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const rows = await this.db.selectFrom('agents').select('name').where('name', 'in', names).where('revoked_at', 'is not', null).execute();
    return rows.map((r) => r.name);
  }

  async revoke(name: string, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('agents')
      .set({ revoked_at: now.toISOString() })
      .where('name', '=', name)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async channel(
    id: number,
    c: { connectedSince: string | null; heartbeatAt?: string; rttMs?: number | null; directories?: string[]; primaryFor?: string[] },
  ): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({
        connected_since: c.connectedSince,
        ...(c.heartbeatAt !== undefined ? { last_heartbeat_at: c.heartbeatAt } : {}),
        ...(c.rttMs !== undefined ? { rtt_ms: c.rttMs } : {}),
        ...(c.directories !== undefined ? { served_directories: JSON.stringify(c.directories) } : {}),
        ...(c.primaryFor !== undefined ? { primary_for: JSON.stringify(c.primaryFor) } : {}),
        // Not connected: primary for nothing.
        ...(c.connectedSince === null ? { primary_for: null } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async seen(id: number, seen: { address: string | null; version: string | null }, now: Date): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({ last_seen_at: now.toISOString(), last_address: seen.address, agent_version: seen.version })
      .where('id', '=', id)
      .execute();
  }
}

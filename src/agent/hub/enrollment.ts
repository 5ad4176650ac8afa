import { createHash, randomBytes } from 'node:crypto';
import type { SecretBox } from '../../directories/secret-box.js';
import { IdsyncError } from '../../errors.js';
import type { Store } from '../../store/db.js';
import type { AgentRow } from '../../store/agents.js';

/**
 * Enrolling an agent at the hub (issue 13): an administrator creates it and gets a one-time
 * connect key, valid CONNECT_KEY_HOURS, shown once and kept only as its SHA-256. The agent
 * exchanges it once for an integration key (its public name on the channel) and a secret key (what
 * it signs with). The hub keeps the secret sealed with the store's secrets key: it must be able to
 * check signatures, so it cannot keep only a hash of it.
 */

export const CONNECT_KEY_HOURS = 24;
const CONNECT_KEY_PREFIX = 'idsync-connect_';
export const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

export interface AgentView {
  name: string;
  createdAt: string;
  createdBy: string | null;
  state: 'waiting' | 'enrolled' | 'expired' | 'revoked';
  connectKeyExpiresAt: string | null;
  enrolledAt: string | null;
  integrationKey: string | null;
  revokedAt: string | null;
  lastSeenAt: string | null;
  lastAddress: string | null;
  version: string | null;
  /** As recorded by the idsync serve holding the channel (null: not connected). */
  connectedSince: string | null;
  lastHeartbeatAt: string | null;
  rttMs: number | null;
  directories: string[];
  /** The directories it is the primary agent for; it stands by for the others it serves. */
  primaryFor: string[];
}

export function agentView(row: AgentRow, now: Date): AgentView {
  const state = row.revoked_at
    ? 'revoked'
    : row.enrolled_at
      ? 'enrolled'
      : row.connect_key_expires_at && row.connect_key_expires_at <= now.toISOString()
        ? 'expired'
        : 'waiting';
  return {
    name: row.name,
    createdAt: row.created_at,
    createdBy: row.created_by,
    state,
    connectKeyExpiresAt: row.enrolled_at ? null : row.connect_key_expires_at,
    enrolledAt: row.enrolled_at,
    integrationKey: row.integration_key,
    revokedAt: row.revoked_at,
    lastSeenAt: row.last_seen_at,
    lastAddress: row.last_address,
    version: row.agent_version,
    connectedSince: row.connected_since,
    lastHeartbeatAt: row.last_heartbeat_at,
    rttMs: row.rtt_ms,
    directories: row.served_directories ? (JSON.parse(row.served_directories) as string[]) : [],
    primaryFor: row.primary_for ? (JSON.parse(row.primary_for) as string[]) : [],
  };
}

export async function createAgent(
  store: Store,
  name: string,
  createdBy: string | null,
  now: Date,
): Promise<{ agent: AgentView; connectKey: string; expiresAt: string }> {
  if (!AGENT_NAME.test(name)) throw new IdsyncError('USAGE', `agent name "${name}": must be 1-63 letters, digits, dot, dash or underscore`, { where: 'name' });
  if (await store.agents.findByName(name)) {
    throw new IdsyncError('STORE_CONFLICT', `an agent named "${name}" exists already (revoked agents keep their name; choose another)`, { where: 'name' });
  }
  const connectKey = CONNECT_KEY_PREFIX + randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + CONNECT_KEY_HOURS * 3_600_000).toISOString();
  let row: AgentRow;
  try {
    row = await store.agents.insert({ name, createdBy, connectKeyHash: sha256(connectKey), connectKeyExpiresAt: expiresAt }, now);
  } catch (err) {
    // Two creations racing for one name: the unique index decides.
    if (await store.agents.findByName(name)) throw new IdsyncError('STORE_CONFLICT', `an agent named "${name}" exists already`, { where: 'name', cause: err });
    throw err;
  }
  return { agent: agentView(row, now), connectKey, expiresAt };
}

/**
 * Exchanges a connect key for the agent's credentials, once. Each refusal says which rule it met
 * (unknown, used, expired, revoked), since the person at the agent's console cannot see the hub.
 */
export async function exchangeConnectKey(
  store: Store,
  box: SecretBox,
  connectKey: string,
  now: Date,
): Promise<{ name: string; integrationKey: string; secretKey: string }> {
  const row = await store.agents.findByConnectKeyHash(sha256(connectKey.trim()));
  if (!row) throw new IdsyncError('AGENT_KEY_INVALID', 'this connect key is not known to the hub (check that it was copied whole)');
  if (row.revoked_at) throw new IdsyncError('AGENT_KEY_INVALID', `agent "${row.name}" was revoked on ${row.revoked_at}; its connect key no longer works`);
  if (row.enrolled_at) {
    throw new IdsyncError(
      'AGENT_KEY_USED',
      `the connect key of agent "${row.name}" was already used on ${row.enrolled_at}; a connect key works once ` +
        '(revoke the agent and create a new one to enrol again)',
    );
  }
  if (!row.connect_key_expires_at || row.connect_key_expires_at <= now.toISOString()) {
    throw new IdsyncError(
      'AGENT_KEY_EXPIRED',
      `the connect key of agent "${row.name}" expired on ${row.connect_key_expires_at} (keys are valid ${CONNECT_KEY_HOURS} hours); ` +
        'revoke the agent and create a new one',
    );
  }
  const integrationKey = `ik_${randomBytes(12).toString('base64url')}`;
  const secretKey = randomBytes(32).toString('base64url');
  if (!(await store.agents.enroll(row.id, { integrationKey, secretSealed: box.seal(secretKey) }, now))) {
    // Lost a race with another exchange of the same key (or it expired in between).
    throw new IdsyncError('AGENT_KEY_USED', `the connect key of agent "${row.name}" was already used; a connect key works once`);
  }
  return { name: row.name, integrationKey, secretKey };
}

/** The live agent and its secret key for an integration key; undefined when unknown or revoked. */
export async function agentCredentials(
  store: Store,
  box: SecretBox,
  integrationKey: string,
): Promise<{ row: AgentRow; secretKey: string } | { row: AgentRow; revoked: true } | undefined> {
  const row = await store.agents.findByIntegrationKey(integrationKey);
  if (!row?.secret_sealed) return undefined;
  if (row.revoked_at) return { row, revoked: true };
  return { row, secretKey: box.open(row.secret_sealed, `the secret key of agent "${row.name}"`) };
}

export async function revokeAgent(store: Store, name: string, now: Date): Promise<void> {
  const row = await store.agents.findByName(name);
  if (!row) throw new IdsyncError('AGENT_NOT_FOUND', `no agent named "${name}"`, { where: 'name' });
  await store.agents.revoke(name, now);
}

import { timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { AdminRow } from './admins.js';
import { credentialsChanged } from './revocations.js';
import { newSecret, sha256 } from './tokens.js';

/**
 * Panel sessions. The cookie holds a random session id; the store holds only its SHA-256, so
 * neither a copy of the store nor a log line can be replayed as a session. Each session also
 * has a CSRF token (its hash stored beside it) that state-changing requests must echo in the
 * X-CSRF-Token header: a token bound to the session, handed to the panel in a readable cookie.
 */
export interface SessionPolicy {
  idleMinutes: number;
  maxHours: number;
}

export interface NewSession {
  sessionId: string;
  csrfToken: string;
  expiresAt: string;
}

export async function createSession(db: Db, adminId: number, from: { ip: string | null; userAgent: string | null }, policy: SessionPolicy, now: Date): Promise<NewSession> {
  const sessionId = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(now.getTime() + policy.maxHours * 3_600_000).toISOString();
  // Expired sessions are removed here, at login, rather than by a timer.
  await db.deleteFrom('sessions').where('expires_at', '<=', now.toISOString()).execute();
  await db
    .insertInto('sessions')
    .values({ id_hash: sha256(sessionId), admin_id: adminId, csrf_hash: sha256(csrfToken), created_at: now.toISOString(), last_seen_at: now.toISOString(), expires_at: expiresAt, ip: from.ip, user_agent: from.userAgent?.slice(0, 300) ?? null })
    .execute();
  return { sessionId, csrfToken, expiresAt };
}

export interface ActiveSession {
  idHash: string;
  csrfHash: string;
  admin: AdminRow;
}

/**
 * last_seen_at is written at most once a second per session, so a burst of requests (the panel
 * loading a page) costs one write. The idle limit counts from last_seen_at plus that second, so
 * a session ends at the earliest `idleMinutes` after its last request, never before (issue 10
 * item 11: with a 60 s refresh step sessions ended up to a minute early), and at most 1 s after.
 */
export const LAST_SEEN_STEP_MS = 1000;

function sessionEnded(s: { last_seen_at: string; expires_at: string }, policy: SessionPolicy, now: Date): boolean {
  const idleUntil = new Date(s.last_seen_at).getTime() + policy.idleMinutes * 60_000 + LAST_SEEN_STEP_MS;
  return s.expires_at <= now.toISOString() || idleUntil <= now.getTime();
}

/** The session and its admin, when the id is known and neither the idle nor the absolute limit has passed. */
export async function findSession(db: Db, sessionId: string, policy: SessionPolicy, now: Date): Promise<ActiveSession | undefined> {
  const idHash = sha256(sessionId);
  const s = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  if (!s) return undefined;
  if (sessionEnded(s, policy, now)) {
    await deleteSession(db, idHash);
    return undefined;
  }
  const admin = await db.selectFrom('admins').selectAll().where('id', '=', s.admin_id).executeTakeFirst();
  if (!admin) return undefined;
  if (now.getTime() - new Date(s.last_seen_at).getTime() >= LAST_SEEN_STEP_MS) {
    await db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id_hash', '=', idHash).execute();
  }
  return { idHash, csrfHash: s.csrf_hash, admin };
}

/** For long-lived answers: whether the session still exists and has not passed either limit (without touching it). */
export async function sessionStillValid(db: Db, idHash: string, policy: SessionPolicy, now: Date): Promise<boolean> {
  const s = await db.selectFrom('sessions').select(['last_seen_at', 'expires_at']).where('id_hash', '=', idHash).executeTakeFirst();
  return !!s && !sessionEnded(s, policy, now);
}

export function csrfMatches(session: ActiveSession, header: string | undefined): boolean {
  if (!header) return false;
  const a = Buffer.from(sha256(header), 'hex');
  const b = Buffer.from(session.csrfHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  credentialsChanged();
}

/** After a password change every other session of the admin ends. */
export async function deleteOtherSessions(db: Db, adminId: number, keepIdHash?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('admin_id', '=', adminId);
  if (keepIdHash) q = q.where('id_hash', '!=', keepIdHash);
  await q.execute();
  credentialsChanged();
}

import { timingSafeEqual } from 'node:crypto';
import type { AdminRow, Admins } from '../store/admins.js';
import type { Sessions } from '../store/sessions.js';
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

/** The parts of the store sessions live in (a Store has them). */
export type SessionStore = { sessions: Sessions; admins: Admins };

export interface NewSession {
  sessionId: string;
  csrfToken: string;
  expiresAt: string;
}

export async function createSession(
  store: Pick<SessionStore, 'sessions'>,
  adminId: number,
  from: { ip: string | null; userAgent: string | null },
  policy: SessionPolicy,
  now: Date,
): Promise<NewSession> {
  const sessionId = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(now.getTime() + policy.maxHours * 3_600_000).toISOString();
  // Expired sessions are removed here, at login, rather than by a timer.
  await store.sessions.removeExpired(now);
  await store.sessions.insert(
    { idHash: sha256(sessionId), adminId, csrfHash: sha256(csrfToken), expiresAt, ip: from.ip, userAgent: from.userAgent?.slice(0, 300) ?? null },
    now,
  );
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
export async function findSession(store: SessionStore, sessionId: string, policy: SessionPolicy, now: Date): Promise<ActiveSession | undefined> {
  const idHash = sha256(sessionId);
  const s = await store.sessions.find(idHash);
  if (!s) return undefined;
  if (sessionEnded(s, policy, now)) {
    await deleteSession(store, idHash);
    return undefined;
  }
  const admin = await store.admins.findById(s.admin_id);
  if (!admin) return undefined;
  if (now.getTime() - new Date(s.last_seen_at).getTime() >= LAST_SEEN_STEP_MS) {
    await store.sessions.touch(idHash, now);
  }
  return { idHash, csrfHash: s.csrf_hash, admin };
}

/** For long-lived answers: whether the session still exists and has not passed either limit (without touching it). */
export async function sessionStillValid(store: Pick<SessionStore, 'sessions'>, idHash: string, policy: SessionPolicy, now: Date): Promise<boolean> {
  const s = await store.sessions.find(idHash);
  return !!s && !sessionEnded(s, policy, now);
}

export function csrfMatches(session: ActiveSession, header: string | undefined): boolean {
  if (!header) return false;
  const a = Buffer.from(sha256(header), 'hex');
  const b = Buffer.from(session.csrfHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function deleteSession(store: Pick<SessionStore, 'sessions'>, idHash: string): Promise<void> {
  await store.sessions.remove(idHash);
  credentialsChanged();
}

/** After a password change every other session of the admin ends. */
export async function deleteOtherSessions(store: Pick<SessionStore, 'sessions'>, adminId: number, keepIdHash?: string): Promise<void> {
  await store.sessions.removeForAdmin(adminId, keepIdHash);
  credentialsChanged();
}

import { createHash, randomBytes } from 'node:crypto';
import type { SecretBox } from '../directories/secret-box.js';
import type { EnrollmentLinkRow } from '../store/enrollment-links.js';
import type { Store } from '../store/db.js';

/**
 * Enrollment links (issue 15, "The link is personal and single-use, and valid for 30 days. The
 * store keeps only its hash"; "Resend sends the same link again without changing its expiry").
 *
 * Both hold because the token is not random and stored: it is HMAC-SHA256(secrets key, link id and
 * a random nonce), which the store cannot make without the key (a database dump gives no working
 * link), and which idsync can make again to resend the same link. The store keeps the nonce and
 * SHA-256(token) to find the link when it is followed: the token carries 256 bits, so an unsalted
 * fast hash is enough (as for session and API token hashes).
 */
export const LINK_VALIDITY_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const PURPOSE = 'enrollment-link';

/** The token's form in the link: 43 characters of base64url. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function tokenFor(box: SecretBox, userId: number, nonce: string): string {
  return box.mac(PURPOSE, `${userId}:${nonce}`).toString('base64url');
}

export interface IssuedLink {
  id: number;
  /** The token to put in the email's link: never store, log or return it. */
  token: string;
  expiresAt: Date;
}

/** A new link for the user, valid 30 days from `now`; the user's other open links are closed. */
export async function issueLink(store: Store, box: SecretBox, userId: number, now: Date): Promise<IssuedLink> {
  const nonce = randomBytes(16).toString('base64url');
  const token = tokenFor(box, userId, nonce);
  const expiresAt = new Date(now.getTime() + LINK_VALIDITY_DAYS * DAY_MS);
  const id = await store.enrollmentLinks.issue({ userId, nonce, tokenHash: hashToken(token), expiresAt }, now);
  return { id, token, expiresAt };
}

/** The token of a link already issued, to send it again unchanged ("resend"). */
export function tokenOf(box: SecretBox, link: Pick<EnrollmentLinkRow, 'user_id' | 'nonce'>): string {
  return tokenFor(box, link.user_id, link.nonce);
}

export type OpenedLink = { ok: true; link: EnrollmentLinkRow } | { ok: false; reason: 'unknown' | 'expired' | 'used' | 'closed' };

/**
 * The link a followed token names, if it may still be used. The answers differ only for the
 * enrollment page's message; an attacker who guesses tokens learns nothing from "unknown".
 */
export async function openLink(store: Store, token: string, now: Date): Promise<OpenedLink> {
  if (!TOKEN_SHAPE.test(token)) return { ok: false, reason: 'unknown' };
  const link = await store.enrollmentLinks.byTokenHash(hashToken(token));
  if (!link) return { ok: false, reason: 'unknown' };
  if (link.used_at) return { ok: false, reason: 'used' };
  if (link.closed_at) return { ok: false, reason: 'closed' };
  if (Date.parse(link.expires_at) <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, link };
}

/** Marks the link used once the user has enrolled; false if another request used it first. */
export async function useLink(store: Store, linkId: number, now: Date): Promise<boolean> {
  return store.enrollmentLinks.use(linkId, now);
}

/**
 * The link as the email carries it. The token travels in the fragment, which browsers never send
 * to a server or put in a Referer header: it stays out of proxies' and servers' access logs. The
 * enrollment page's script reads it and presents it to the API.
 */
export function enrollmentUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/enroll#${token}`;
}

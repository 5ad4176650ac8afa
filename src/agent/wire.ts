/**
 * What travels over an agent's channel (one WebSocket): control messages as JSON text frames, and
 * LDAP bytes as binary frames, each prefixed with the 4-byte id of the tunnel they belong to. A
 * tunnel is one LDAP session of the hub (one LdapStream), relayed by the agent over its own bound
 * connection to the directory (relay.ts).
 */

export type Control =
  /** agent → hub, first: what it is and which directories it serves. */
  | { t: 'hello'; version: string; directories: string[] }
  /** hub → agent: accepted. */
  | { t: 'welcome'; agent: string; protocol: number; heartbeatMs: number }
  /** hub → agent heartbeat; the agent answers at once, the hub measures the round trip. */
  | { t: 'ping'; n: number }
  | { t: 'pong'; n: number }
  /** hub → agent: open a tunnel to a directory. */
  | { t: 'open'; tunnel: number; directory: string }
  /** agent → hub: the tunnel works (`server`: which server the agent is bound to). */
  | { t: 'opened'; tunnel: number; server: string }
  /** Either way: the tunnel is over (with why, when it failed). */
  | { t: 'closed'; tunnel: number; code?: string; message?: string }
  /**
   * hub → agent flow control: the hub's session stopped reading (its queue is full), so the agent
   * stops reading the directory until `resume`, as TCP would have stopped the server. Without it
   * a content-sync refresh or a first DirSync of a large domain would pile up in the hub's memory.
   */
  | { t: 'pause'; tunnel: number }
  | { t: 'resume'; tunnel: number }
  /**
   * Password hash sync (issue 14), agent → hub: one batch of the agent's outbox for a directory,
   * numbered within the outbox's epoch. Verifiers only, never NT hashes.
   */
  | { t: 'pwd'; directory: string; epoch: string; seq: number; changes: PasswordChange[] }
  /** hub → agent: every batch up to `seq` is applied (or was already); the agent forgets them. */
  | { t: 'pwdAck'; directory: string; epoch: string; seq: number }
  /** hub → agent: read every user's password again (`idsync passwords resync`). */
  | { t: 'pwdResync'; directory?: string };

/** One user's password change as the agent reports it. */
export interface PasswordChange {
  /** objectGUID (MS-DTYP 2.3.4.2 string form): the user's external id in the store. */
  guid: string;
  username: string;
  /** pwdLastSet (FILETIME) of the change, so a change seen twice is applied once and an older one never over a newer. */
  pwdLastSet: string;
  disabled: boolean;
  status: 'Success' | 'FilteredByTarget' | 'Failed';
  /** The argon2id verifier (PHC string, its parameters and salt inside) when status is Success. */
  verifier?: string;
  reason?: string;
}

export function parseControl(text: string): Control | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object' || typeof (v as { t?: unknown }).t !== 'string') return undefined;
  return v as Control;
}

export const TUNNEL_HEADER = 4;

export function dataFrame(tunnel: number, payload: Buffer): Buffer {
  const head = Buffer.allocUnsafe(TUNNEL_HEADER);
  head.writeUInt32BE(tunnel, 0);
  return Buffer.concat([head, payload], TUNNEL_HEADER + payload.length);
}

export function parseDataFrame(frame: Buffer): { tunnel: number; payload: Buffer } | undefined {
  if (frame.length < TUNNEL_HEADER) return undefined;
  return { tunnel: frame.readUInt32BE(0), payload: frame.subarray(TUNNEL_HEADER) };
}

/** Close codes of the channel (4000-4999 are the application's, RFC 6455 section 7.4.2). */
export const CloseCode = {
  revoked: 4401,
  heartbeat: 4408,
  replaced: 4409,
  rate: 4429,
  protocol: 4426,
} as const;

/**
 * A token bucket: `ratePerSecond` sustained, `burst` at once. What one side accepts from the other
 * (requests from the hub, control messages from an agent) is bounded by it; beyond, the channel is
 * closed rather than queued without end.
 */
export class RateLimiter {
  #tokens: number;
  #at: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
  ) {
    this.#tokens = burst;
    this.#at = performance.now();
  }

  take(n = 1): boolean {
    const now = performance.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.ratePerSecond);
    this.#at = now;
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }
}

/** Exponential backoff with jitter: between half the bound and the bound, so agents restarted together spread out. */
export function backoffMs(attempt: number, baseMs = 1000, maxMs = 60_000, random = Math.random): number {
  const bound = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(bound / 2 + (random() * bound) / 2);
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How an agent proves who it is when it opens its channel (issue 13, "The channel"): an
 * HMAC-SHA256, keyed with the agent's secret key, over the method, the path, the date, a nonce and
 * the integration key, sent as headers of the WebSocket upgrade request. The hub refuses a date
 * more than MAX_SKEW_MS away from its own clock and a nonce it has already seen within that window,
 * so a captured request cannot be replayed, now or later.
 */

/** Where the hub listens for agents' channels. */
export const CHANNEL_PATH = '/api/v1/agent/channel';
/** Where an agent exchanges its connect key. */
export const ENROLL_PATH = '/api/v1/agent/enroll';

/** A date further than this from the hub's clock is refused (issue 13: "a clock skew over 5 minutes"). */
export const MAX_SKEW_MS = 5 * 60_000;

export const Headers = {
  key: 'x-idsync-agent-key',
  date: 'x-idsync-date',
  nonce: 'x-idsync-nonce',
  signature: 'x-idsync-signature',
  protocol: 'x-idsync-protocol',
  version: 'x-idsync-agent-version',
} as const;

export function canonicalRequest(r: { method: string; path: string; date: string; nonce: string; integrationKey: string }): string {
  return [r.method.toUpperCase(), r.path, r.date, r.nonce, r.integrationKey].join('\n');
}

export function signRequest(secretKey: string, r: { method: string; path: string; date: string; nonce: string; integrationKey: string }): string {
  return createHmac('sha256', secretKey).update(canonicalRequest(r), 'utf8').digest('hex');
}

/** The headers of a signed request, for `now`. */
export function signedHeaders(
  creds: { integrationKey: string; secretKey: string },
  method: string,
  path: string,
  now: Date,
  extra: { protocol: number; version: string },
): Record<string, string> {
  const date = now.toUTCString();
  const nonce = randomBytes(16).toString('hex');
  return {
    [Headers.key]: creds.integrationKey,
    [Headers.date]: date,
    [Headers.nonce]: nonce,
    [Headers.signature]: signRequest(creds.secretKey, { method, path, date, nonce, integrationKey: creds.integrationKey }),
    [Headers.protocol]: String(extra.protocol),
    [Headers.version]: extra.version,
  };
}

export function signatureMatches(
  secretKey: string,
  r: { method: string; path: string; date: string; nonce: string; integrationKey: string },
  given: string,
): boolean {
  const want = Buffer.from(signRequest(secretKey, r), 'hex');
  const got = /^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * The skew between the agent's date and the hub's clock, in words when it is refused: which clock
 * is ahead, and by how much, so the administrator knows which machine to fix.
 */
export function skewProblem(date: string, now: Date): string | undefined {
  const at = Date.parse(date);
  if (!Number.isFinite(at)) return `the ${Headers.date} header "${date.slice(0, 40)}" is not a date`;
  const skew = at - now.getTime();
  if (Math.abs(skew) <= MAX_SKEW_MS) return undefined;
  const s = Math.round(Math.abs(skew) / 1000);
  return (
    `clock skew: the agent's clock is ${s} s ${skew > 0 ? 'ahead of' : 'behind'} the hub's; more than ${MAX_SKEW_MS / 1000} s is refused ` +
    "(set both machines' clocks with NTP)"
  );
}

/**
 * Nonces seen within the skew window, bounded in time (an entry older than twice the window can no
 * longer be replayed: its date would be refused) and in size. When full, new nonces are refused
 * rather than old ones forgotten early: a flood of signed requests must not open a replay window.
 */
export class NonceCache {
  readonly #seen = new Map<string, number>();

  constructor(
    readonly maxEntries = 100_000,
    readonly ttlMs = 2 * MAX_SKEW_MS,
  ) {}

  get size(): number {
    return this.#seen.size;
  }

  /** 'ok' records the nonce; 'replay' when seen before; 'full' when the cache cannot take it. */
  use(nonce: string, nowMs: number): 'ok' | 'replay' | 'full' {
    this.#expire(nowMs);
    if (this.#seen.has(nonce)) return 'replay';
    if (this.#seen.size >= this.maxEntries) return 'full';
    this.#seen.set(nonce, nowMs + this.ttlMs);
    return 'ok';
  }

  #expire(nowMs: number): void {
    // Insertion order is expiry order (one ttl for all), so the oldest are first.
    for (const [n, until] of this.#seen) {
      if (until > nowMs) break;
      this.#seen.delete(n);
    }
  }
}

/**
 * The channel's protocol version. A hub and an agent one version apart work (the hub speaks the
 * older of the two); further apart, the hub refuses with a message naming both versions.
 */
export const PROTOCOL_VERSION = 1;

export function negotiateProtocol(hub: number, agent: number): { ok: true; version: number } | { ok: false; message: string } {
  if (!Number.isInteger(agent) || agent < 1) return { ok: false, message: `the agent sent no valid protocol version (${Headers.protocol})` };
  if (Math.abs(hub - agent) <= 1) return { ok: true, version: Math.min(hub, agent) };
  const upgrade = agent < hub ? 'upgrade the agent' : 'upgrade the hub';
  return { ok: false, message: `protocol version mismatch: the agent speaks ${agent}, the hub ${hub}; one version apart works: ${upgrade}` };
}

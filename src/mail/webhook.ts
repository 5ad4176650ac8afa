import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

/**
 * The alert webhook (issue 15: "an optional webhook (JSON, signed with HMAC-SHA256, retried)").
 *
 * Each call is a POST of the alert as JSON with two headers:
 * - `X-Idsync-Timestamp`: the Unix time of the call, in seconds;
 * - `X-Idsync-Signature`: `sha256=` and the hex HMAC-SHA256 of `TIMESTAMP.BODY` under the
 *   configured secret.
 * The receiver recomputes the HMAC over the raw body, compares in constant time, and refuses a
 * timestamp too far from its clock (a replayed call). Any answer but 2xx is retried with backoff
 * through the mail outbox, like an email.
 */
export const SIGNATURE_HEADER = 'x-idsync-signature';
export const TIMESTAMP_HEADER = 'x-idsync-timestamp';

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export interface WebhookTarget {
  url: string;
  secret: string;
  ca?: string;
}

export async function postWebhook(target: WebhookTarget, body: string, now: Date, timeoutMs = 15_000): Promise<void> {
  const timestamp = Math.floor(now.getTime() / 1000);
  const url = new URL(target.url);
  const lib = url.protocol === 'https:' ? https : http;
  await new Promise<void>((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'idsync-alerts',
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(target.secret, timestamp, body),
        },
        timeout: timeoutMs,
        ...(url.protocol === 'https:' ? { rejectUnauthorized: true, ...(target.ca ? { ca: target.ca } : {}) } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const s = res.statusCode ?? 0;
          if (s >= 200 && s < 300) resolve();
          else reject(new Error(`the webhook answered HTTP ${s}`));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`the webhook did not answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
